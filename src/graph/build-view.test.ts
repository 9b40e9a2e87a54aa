import { describe, expect, it } from 'vitest';
import { buildScopeTree } from './build-scope-tree';
import { buildView, defaultExpanded, groupValueNames, MAX_RENDERED, type GraphView } from './build-view';
import { floatValue, residualMlpGraph, syntheticGraph, syntheticNode as node, syntheticTransformer } from '../../test/builders/synthetic-graph';

function box(view: GraphView, id: string) {
  const found = view.boxes.find((b) => b.id === id);
  if (!found) throw new Error(`no box ${id} in ${view.boxes.map((b) => b.id).join(', ')}`);
  return found;
}

function edge(view: GraphView, from: string, to: string) {
  return view.edges.find((e) => e.from === from && e.to === to);
}

describe('buildView: aggregation', () => {
  // a (2 nodes) → b: two distinct tensors; b → c: one tensor, typed; c also reads the graph input.
  const graph = syntheticGraph(
    [
      node('0', '/a/MatMul', 'MatMul', ['x', 'W'], ['a1']),
      node('1', '/a/Relu', 'Relu', ['a1'], ['a2']),
      node('2', '/b/Add', 'Add', ['a1', 'a2'], ['b1']),
      node('3', '/b/Mul', 'Mul', ['a1', 'b1'], ['b2']),
      node('4', '/c/Sigmoid', 'Sigmoid', ['b2'], ['c1']),
      node('5', '/c/Add', 'Add', ['c1', 'x'], ['y']),
    ],
    { inputs: [floatValue('x', ['batch', 16])], outputs: [floatValue('y', ['batch', 16])], valueInfo: [floatValue('b2', ['batch', 16])], initializers: ['W'] },
  );
  const tree = buildScopeTree(graph);
  const view = buildView(tree);

  it('draws scopes, inputs and outputs, and no initializer', () => {
    expect(view.boxes.map((b) => b.id)).toEqual(['input:x', 'scope:a', 'scope:b', 'scope:c', 'output:y']);
    expect(box(view, 'scope:a').detail[0]).toBe('2 ops');
    expect(box(view, 'input:x').detail).toEqual(['[batch,16] F32']);
  });

  it('counts distinct tensors per pair of boxes, and types a single one', () => {
    expect(edge(view, 'scope:a', 'scope:b')).toMatchObject({ count: 2, tensorNames: ['a1', 'a2'] });
    expect(edge(view, 'scope:a', 'scope:b')!.tensor).toBeUndefined();
    expect(edge(view, 'scope:b', 'scope:c')).toMatchObject({ count: 1, tensor: { name: 'b2', dtype: 'F32', shape: ['batch', 16] } });
    expect(edge(view, 'input:x', 'scope:a')!.count).toBe(1);
    expect(edge(view, 'input:x', 'scope:c')!.count).toBe(1);
    expect(edge(view, 'scope:c', 'output:y')!.count).toBe(1);
    expect(view.edges).toHaveLength(5);
  });

  it('shows the outside as stubs inside a scope', () => {
    const inner = buildView(tree, 'b');
    expect(inner.boxes.map((b) => b.id)).toEqual(['stub:outside-in', 'node:2', 'node:3', 'stub:outside-out']);
    // a1 feeds both Add and Mul: one tensor each.
    expect(edge(inner, 'stub:outside-in', 'node:2')!.count).toBe(2);
    expect(edge(inner, 'stub:outside-in', 'node:3')!.count).toBe(1);
    expect(edge(inner, 'node:3', 'stub:outside-out')!.count).toBe(1);
    expect(inner.breadcrumb.map((c) => c.scopeId)).toEqual(['', 'b']);
  });

  it('expands a scope in place as a container', () => {
    const expanded = buildView(tree, '', { expanded: new Set(['b']) });
    const container = box(expanded, 'scope:b');
    expect(container.expanded).toBe(true);
    expect(box(expanded, 'node:2').parent).toBe('scope:b');
    expect(edge(expanded, 'scope:a', 'node:2')!.count).toBe(2);
    expect(edge(expanded, 'node:2', 'node:3')!.count).toBe(1);
  });
});

describe('buildView: sections', () => {
  const nodes = Array.from({ length: 500 }, (_, i) => node(String(i), `/op${i}`, i % 2 ? 'Relu' : 'Add', [i === 0 ? 'x' : `v${i - 1}`], [`v${i}`]));
  const tree = buildScopeTree(syntheticGraph(nodes, { inputs: [floatValue('x', [1])], outputs: [floatValue('v499', [1])] }));

  it('splits a level of 500 ops into sections of at most 60', () => {
    const view = buildView(tree);
    expect(view.sections).toHaveLength(9);
    expect(view.sections.every((s) => s.boxIds.length <= 60)).toBe(true);
    expect(view.sections.reduce((n, s) => n + s.boxIds.length, 0)).toBe(500);
    expect(view.boxes.filter((b) => b.kind === 'op')).toHaveLength(60);
    expect(view.renderedCount).toBeLessThanOrEqual(MAX_RENDERED);
    // The chain leaves section 1 into section 2 through a stub.
    expect(edge(view, 'node:59', 'stub:section:part-2')!.count).toBe(1);
    expect(box(view, 'stub:section:part-2').label).toBe('part 2');
    expect(view.notices.some((n) => n.includes('9 parts'))).toBe(true);
  });

  it('draws the section asked for, or the one holding the focused node', () => {
    const third = buildView(tree, '', { sectionId: 'part-3' });
    expect(third.sectionId).toBe('part-3');
    expect(edge(third, 'stub:section:part-2', 'node:120')!.count).toBe(1);
    expect(edge(third, 'node:179', 'stub:section:part-4')!.count).toBe(1);
    const focused = buildView(tree, '', { focusNodeId: '450' });
    expect(focused.sectionId).toBe('part-8');
    expect(focused.focusBoxId).toBe('node:450');
  });
});

describe('buildView: folded blocks', () => {
  const { graph, initializers } = syntheticTransformer(6, 80);
  const tree = buildScopeTree(graph, initializers);

  it('folds the layers and groups the KV-cache inputs and outputs', () => {
    const view = buildView(tree, 'model');
    const fold = box(view, 'fold:model/layers.{0..5}');
    expect(fold.label).toBe('layers.{0..5} ×6');
    expect(fold.instanceScopeIds).toHaveLength(6);
    expect(edge(view, 'scope:model/embed_tokens', 'fold:model/layers.{0..5}')!.count).toBe(1);
    const top = buildView(tree);
    expect(top.boxes.filter((b) => b.kind === 'input').map((b) => b.label)).toEqual([
      'input_ids',
      'past_key_values.{0..5}.key',
      'past_key_values.{0..5}.value',
    ]);
    expect(top.boxes.filter((b) => b.kind === 'output').map((b) => b.label)).toEqual(['logits', 'present.{0..5}.key', 'present.{0..5}.value']);
  });

  it('opens the chosen instance in place, with the other instances as one stub', () => {
    const view = buildView(tree, 'model', { expanded: new Set(['model/layers.{0..5}']), instances: new Map([['model/layers.{0..5}', 3]]) });
    const fold = box(view, 'fold:model/layers.{0..5}');
    expect(fold.expanded).toBe(true);
    expect(fold.shownInstance).toBe(3);
    expect(fold.detail[0]).toBe('showing layers.3 (4 of 6)');
    expect(box(view, 'scope:model/layers.3/self_attn').parent).toBe('fold:model/layers.{0..5}');
    expect(box(view, 'stub:instances:model/layers.{0..5}').label).toBe('5 other instances');
    // Layer 2 (an other instance) feeds layer 3's norm; layer 3's residual Add feeds layer 4.
    expect(edge(view, 'stub:instances:model/layers.{0..5}', 'scope:model/layers.3/input_layernorm')).toBeDefined();
    expect(edge(view, 'node:' + graph.nodes.find((n) => n.name === '/model/layers.3/Add_1')!.id, 'stub:instances:model/layers.{0..5}')).toBeDefined();
  });

  it('tells a view of one instance which block it belongs to', () => {
    const view = buildView(tree, 'model/layers.4');
    expect(view.instanceOf).toMatchObject({ foldId: 'model/layers.{0..5}', position: 4, count: 6 });
  });

  it('opens the top levels by itself for a first view', () => {
    const expanded = defaultExpanded(tree);
    expect(expanded.has('model')).toBe(true);
    const view = buildView(tree, '', { expanded });
    expect(box(view, 'fold:model/layers.{0..5}').parent).toBe('scope:model');
  });
});

describe('buildView: scopes too big to draw in place', () => {
  // One scope of 70 ops (over the 60 a level expands in place) beside one of 3.
  const nodes = [];
  for (let k = 0; k < 70; k++) nodes.push(node(`big_${k}`, `/big/Op_${k}`, 'Relu', [], [`b${k}`]));
  for (let k = 0; k < 3; k++) nodes.push(node(`small_${k}`, `/small/Op_${k}`, 'Relu', [], [`s${k}`]));
  const view = buildView(buildScopeTree(syntheticGraph(nodes)), '', { expanded: new Set() });

  it('marks the big one, so that a click opens it rather than asking for a refused expansion', () => {
    expect(box(view, 'scope:big').opensInPlace).toBe(false);
    expect(box(view, 'scope:small').opensInPlace).toBeUndefined();
  });
});

describe('buildView: the budget', () => {
  // 4 scopes of 50 ops each: expanding all would draw 200+ boxes. Unnumbered names, so they don't fold.
  const nodes = [];
  for (let s = 0; s < 4; s++) for (let k = 0; k < 50; k++) nodes.push(node(`${s}_${k}`, `/s${'abcd'[s]}/Op_${k}`, 'Relu', [], [`v${s}_${k}`]));
  const tree = buildScopeTree(syntheticGraph(nodes));

  it('leaves scopes collapsed beyond MAX_RENDERED and says so', () => {
    const view = buildView(tree, '', { expanded: new Set(['sa', 'sb', 'sc', 'sd']) });
    expect(view.renderedCount).toBeLessThanOrEqual(MAX_RENDERED);
    expect(view.boxes.filter((b) => b.expanded).length).toBe(2);
    expect(view.refused).toEqual(['sc', 'sd']);
    expect(view.notices.join(' ')).toContain('left collapsed');
  });

  it('refuses to expand a scope too large to draw in place', () => {
    const big = buildScopeTree(
      syntheticGraph(
        Array.from({ length: 70 }, (_, k) => node(String(k), `/big/Op_${k}`, 'Relu', [], [`v${k}`])).concat([node('x', '/other/Relu', 'Relu', [], ['w'])]),
      ),
    );
    const view = buildView(big, '', { expanded: new Set(['big']) });
    expect(view.refused).toEqual(['big']);
  });
});

describe('groupValueNames', () => {
  it('groups by digit pattern and merges beyond the limit', () => {
    expect(groupValueNames(['a.0.k', 'a.0.v', 'a.1.k', 'a.1.v', 'mask'], 12, 'inputs').map((g) => g.label)).toEqual(['a.{0..1}.k', 'a.{0..1}.v', 'mask']);
    const many = groupValueNames(
      Array.from({ length: 20 }, (_, i) => `in_${'x'.repeat(i)}`),
      5,
      'inputs',
    );
    expect(many).toHaveLength(5);
    expect(many[4]!.label).toBe('16 more inputs');
  });
});

describe('buildView: a 20,000-node transformer', () => {
  it('keeps the first view and a scope view small (timed in npm run bench)', () => {
    const { graph, initializers } = syntheticTransformer(40, 500);
    expect(graph.nodes.length).toBeGreaterThanOrEqual(20_000);
    const tree = buildScopeTree(graph, initializers);
    const expanded = defaultExpanded(tree);
    const view = buildView(tree, '', { expanded });
    expect(view.renderedCount).toBeLessThanOrEqual(MAX_RENDERED);
    expect(view.boxes.length).toBeLessThanOrEqual(MAX_RENDERED);
    expect(view.boxes.some((b) => b.label === 'layers.{0..39} ×40')).toBe(true);
    expect(view.nodeCount).toBe(graph.nodes.length);
    const layer = buildView(tree, 'model/layers.17', {});
    expect(layer.renderedCount).toBeLessThanOrEqual(MAX_RENDERED);
    expect(layer.boxes.length).toBeLessThanOrEqual(MAX_RENDERED);
  });
});

describe('buildView: folded constants', () => {
  // A Constant and an Identity of an initializer feed an Add; a chained Identity of the Constant feeds
  // a Mul; a Constant that is a graph output stays a box.
  const graph = syntheticGraph(
    [
      node('0', '/Constant', 'Constant', [], ['c']),
      node('1', '/Identity', 'Identity', ['W'], ['w']),
      node('2', '/Identity_1', 'Identity', ['c'], ['c2']),
      node('3', '/Identity_2', 'Identity', ['x'], ['x2']),
      node('4', '/Add', 'Add', ['x2', 'c', 'w'], ['y']),
      node('5', '/Mul', 'Mul', ['y', 'c2'], ['z']),
      node('6', '/Constant_1', 'Constant', [], ['k']),
    ],
    { inputs: [floatValue('x', [4])], outputs: [floatValue('z', [4]), floatValue('k', [1])], initializers: ['W'] },
  );
  const tree = buildScopeTree(graph);
  const view = buildView(tree, '', {});

  it('draws no box for a Constant or an Identity of a constant, and marks their consumers', () => {
    expect([...tree.foldedConstants]).toEqual([
      ['c', 0],
      ['w', 1],
      ['c2', 2],
    ]);
    const ops = view.boxes.filter((b) => b.kind === 'op').map((b) => b.id);
    expect(ops).toEqual(['node:3', 'node:4', 'node:5', 'node:6']);
    expect(box(view, 'node:4').constantInputs).toBe(2);
    expect(box(view, 'node:4').detail).toContain('◆ 2 constants');
    expect(box(view, 'node:5').constantInputs).toBe(1);
    expect(box(view, 'node:3').constantInputs).toBeUndefined();
    expect(view.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      ['input:x>node:3', 'node:3>node:4', 'node:4>node:5', 'node:5>output:z', 'node:6>output:k'].sort(),
    );
    expect(view.nodeCount).toBe(7);
  });

  it('shows a search for a folded constant on its consumer', () => {
    expect(buildView(tree, '', { focusNodeId: '0' }).focusBoxId).toBe('node:4');
  });
});

describe('buildView: small graphs drawn whole', () => {
  const residualMlp = (blocks: number) => buildScopeTree(residualMlpGraph(blocks));

  it('draws all 100 ops of a 25-block MLP, each block an open subgraph, on first view', () => {
    const tree = residualMlp(25);
    const view = buildView(tree, '', { expanded: defaultExpanded(tree) });
    expect(view.boxes.filter((b) => b.kind === 'op')).toHaveLength(100);
    expect(view.boxes.filter((b) => b.kind === 'scope' && b.expanded)).toHaveLength(25);
    expect(view.boxes.some((b) => b.kind === 'fold')).toBe(false);
    expect(view.renderedCount).toBeLessThanOrEqual(MAX_RENDERED);
  });

  it('still lets a block be collapsed', () => {
    const tree = residualMlp(25);
    const expanded = defaultExpanded(tree);
    expanded.delete('block3');
    const view = buildView(tree, '', { expanded });
    expect(box(view, 'scope:block3').expanded).toBeUndefined();
    expect(view.boxes.filter((b) => b.kind === 'op')).toHaveLength(96);
  });

  it('folds a graph too big to draw whole', () => {
    const tree = residualMlp(250);
    const view = buildView(tree, '', { expanded: defaultExpanded(tree) });
    expect(view.boxes.map((b) => b.id)).toContain('fold:block{0..249}');
  });
});
