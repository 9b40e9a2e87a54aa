import { curveBasis, line } from 'd3-shape';
import { describe, expect, it } from 'vitest';
import { basisPath, decodeMermaidEntities, labelLines } from './loupe-layout';

/** Every number in a path, rounded as basisPath rounds them. */
const numbers = (d: string) => (d.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map((n) => Math.round(Number(n) * 100) / 100);

describe('basisPath', () => {
  it("draws the curve d3's curveBasis draws, which mermaid uses for flowchart edges", () => {
    const cases = [
      [
        { x: 0, y: 0 },
        { x: 10, y: 40 },
      ],
      [
        { x: 0, y: 0 },
        { x: 10, y: 40 },
        { x: -20, y: 90 },
      ],
      [
        { x: 110, y: 58 },
        { x: 107.45, y: 92 },
        { x: 65.09, y: 190 },
        { x: 65.07, y: 264 },
        { x: 62.91, y: 338 },
        { x: 115.91, y: 389 },
      ],
    ];
    const d3 = line<{ x: number; y: number }>()
      .x((p) => p.x)
      .y((p) => p.y)
      .curve(curveBasis);
    for (const points of cases) {
      const ours = numbers(basisPath(points));
      const reference = numbers(d3(points)!);
      expect(ours).toHaveLength(reference.length);
      ours.forEach((n, i) => expect(n).toBeCloseTo(reference[i]!, 1));
    }
  });
});

describe('labels', () => {
  it("turns mermaid's entity placeholders back into characters and splits lines at <br>", () => {
    // Mermaid's encodeEntities writes `#9670;` as ﬂ°°9670¶ß and `#amp;` as ﬂ°amp¶ß before parsing.
    expect(decodeMermaidEntities('Sub ﬂ°°9670¶ß 1 constant')).toBe('Sub ◆ 1 constant');
    expect(decodeMermaidEntities('ﬂ°°91¶ßbatch,16ﬂ°°93¶ß F32')).toBe('[batch,16] F32');
    expect(decodeMermaidEntities('a ﬂ°amp¶ß b ﬂ°unknown¶ß')).toBe('a & b &unknown;');
    expect(labelLines('block0<br>4 ops ﬂ°°183¶ß 272 params<br/>x')).toEqual(['block0', '4 ops · 272 params', 'x']);
    expect(labelLines(undefined)).toEqual([]);
  });
});
