import { describe, expect, it } from 'vitest';
import { buildScopeTree } from './build-scope-tree';
import { buildView } from './build-view';
import { syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';
import { categoryOf, escapeMermaidText, legendFor, mermaidLabel, OP_CATEGORIES, toMermaid } from './to-mermaid';

const HOSTILE = [
  'say "hi"',
  'a[0]',
  'b]]x[[c',
  '#35; #quot; #',
  'x; y',
  '<img src=x onerror=alert(1)>',
  'a & b | c',
  '`markdown` **bold**',
  'héllo 世界 🚀',
  'line1\nline2\r\nline3',
  'click A call alert()',
  'javascript:alert(1)',
  '%%{init: {"securityLevel":"loose"}}%%',
  'classDef x fill:red',
  'style n0 fill:red',
  'end',
  '\u202Egnp.exe',
  '-->|"x"| n0',
];

/** A node line: generated id, an opening bracket, exactly one quoted token, the closing bracket. */
const NODE_LINE = /^\s*n\d+(\(\[|\[\[|\[\/|\{\{|\[|\()"[^"]*"(\]\)|\]\]|\/\]|\}\}|\]|\))$/;
const SUBGRAPH_LINE = /^\s*subgraph s\d+\["[^"]*"\]$/;
const EDGE_LINE = /^\s*n\d+ (-->|-\.->)(\|"[^"]*"\|)? n\d+$/;
const OTHER_LINE = /^(flowchart (TB|LR)|\s*end|\s*classDef (op|k)_\w+ [\w:#,.\- ]+|\s*class [\w,]+ (op|k)_\w+)$/;

describe('escapeMermaidText', () => {
  it('keeps plain names and encodes everything else as numeric entities', () => {
    expect(escapeMermaidText('model/layers.3/MatMul_1')).toBe('model/layers.3/MatMul_1');
    expect(escapeMermaidText('say "hi"')).toBe('say #34;hi#34;');
    expect(escapeMermaidText('a[0];#')).toBe('a#91;0#93;#59;#35;');
    expect(escapeMermaidText('é🚀')).toBe('#233;#128640;');
    expect(escapeMermaidText('a\nb')).toBe('a b');
    expect(escapeMermaidText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}#8230;`);
  });

  it('never leaves a quote, bracket, bar, backtick, angle bracket or percent sign', () => {
    for (const name of HOSTILE) expect(escapeMermaidText(name).replace(/#\d+;/g, '')).not.toMatch(/["[\]{}|`<>%;&#\n\r\u202e]/);
  });

  it('writes an empty label as a no-break space', () => {
    expect(mermaidLabel(['', '\n'])).toBe('"#160;"');
  });
});

describe('toMermaid', () => {
  const nodes = HOSTILE.map((name, i) => node(String(i), `/${name}/${name}`, i % 2 ? 'Conv' : name, [i === 0 ? 'x' : `v${i - 1}`], [`v${i}`]));
  const graph = syntheticGraph(nodes, {
    inputs: [{ name: 'x', type: { kind: 'tensor', elemType: 'F32', shape: ['"b"]', 3] } }],
    outputs: [{ name: `v${HOSTILE.length - 1}`, type: { kind: 'unknown' } }],
  });
  const tree = buildScopeTree(graph);
  const views = [buildView(tree), buildView(tree, '', { expanded: new Set(tree.root.children.map((s) => s.id)) })];

  it('writes only generated ids, quoted labels and its own statements', () => {
    for (const view of views) {
      const { text } = toMermaid(view, { highlight: [view.boxes[1]!.id] });
      const lines = text.trimEnd().split('\n');
      for (const line of lines) {
        const ok = NODE_LINE.test(line) || SUBGRAPH_LINE.test(line) || EDGE_LINE.test(line) || OTHER_LINE.test(line);
        expect(ok, line).toBe(true);
      }
      expect(lines.some((l) => /^\s*click/i.test(l))).toBe(false);
      expect(text).not.toContain('%%');
      expect(text).not.toContain('javascript:');
      expect(text).not.toMatch(/<(?!br\/>)/);
    }
  });

  it('titles subgraphs and labels edges with the same entity escapes as boxes', () => {
    const lines = toMermaid(views[1]!).text.split('\n');
    const subgraphs = lines.filter((line) => SUBGRAPH_LINE.test(line));
    expect(subgraphs.length).toBeGreaterThan(0);
    expect(subgraphs.some((line) => /#\d+;/.test(line))).toBe(true);
    // The input's shape, ["b"], 3], reaches its edge label only as entities.
    const edge = lines.find((line) => /^\s*n\d+ -->\|/.test(line));
    expect(edge).toMatch(/\|"#91;#34;b#34;#93;,3#93; F32"\|/);
  });

  it('maps every generated id back to its box', () => {
    const view = views[1]!;
    const diagram = toMermaid(view);
    expect(diagram.idToBox.size).toBe(view.boxes.length);
    for (const b of view.boxes) expect(diagram.idToBox.get(diagram.boxToId.get(b.id)!)).toBe(b.id);
    expect([...diagram.idToBox.keys()].every((id) => /^[ns]\d+$/.test(id))).toBe(true);
    expect(diagram.categories).toContain('conv');
  });

  it('colors ops by category for the chosen theme', () => {
    const view = views[1]!;
    const light = toMermaid(view, { theme: 'light' }).text;
    const dark = toMermaid(view, { theme: 'dark' }).text;
    expect(light).toMatch(/classDef op_conv fill:#dbeafe/);
    expect(dark).toMatch(/classDef op_conv fill:#1e3a8a/);
  });
});

describe('categories', () => {
  it('sorts ops into the categories', () => {
    expect(categoryOf('Conv')).toBe('conv');
    expect(categoryOf('Gemm')).toBe('matmul');
    expect(categoryOf('Relu')).toBe('activation');
    expect(categoryOf('LayerNormalization')).toBe('normalization');
    expect(categoryOf('Add')).toBe('elementwise');
    expect(categoryOf('Transpose')).toBe('shape');
    expect(categoryOf('ReduceMean')).toBe('reduction');
    expect(categoryOf('Loop')).toBe('control');
    expect(categoryOf('DequantizeLinear')).toBe('quantization');
    expect(categoryOf('QLinearAdd')).toBe('quantization');
    expect(categoryOf('MyCustomOp')).toBe('other');
    expect(categoryOf('constructor')).toBe('other');
  });

  it('has a legend entry per category', () => {
    expect(legendFor('dark').map((e) => e.category)).toEqual([...OP_CATEGORIES]);
    expect(legendFor('light', ['shape', 'conv']).map((e) => e.category)).toEqual(['conv', 'shape']);
  });
});
