import { describe, expect, it } from 'vitest';
import { buildScopeTree, type ScopeTree } from './build-scope-tree';
import type { BuildViewOptions, ViewEdge } from './graph-view';
import { createViewContext, NONE, OUTSIDE, type ViewContext } from './view-context';
import { MAX_DRAWN_EDGES, MAX_SECTION_BOXES, MAX_SECTION_STUBS } from './view-limits';
import {
  aggregateEdges,
  assembleView,
  assignOffView,
  capEdges,
  pickSection,
  placeIoBoxes,
  placeLevelBoxes,
  placeStubBoxes,
  splitSections,
} from './view-phases';
import { floatValue, syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';

// Each phase on its own: the context is built by hand or by the phases before it, and only the
// fields the phase fills are checked.

/** x → a (2 ops) → b (2 ops) → c (2 ops) → y, with a nested scope b/inner. */
function chainTree(): ScopeTree {
  return buildScopeTree(
    syntheticGraph(
      [
        node('0', '/a/MatMul', 'MatMul', ['x', 'W'], ['a1']),
        node('1', '/a/Relu', 'Relu', ['a1'], ['a2']),
        node('2', '/b/Add', 'Add', ['a1', 'a2'], ['b1']),
        node('3', '/b/inner/Mul', 'Mul', ['b1'], ['b2']),
        node('4', '/c/Sigmoid', 'Sigmoid', ['b2'], ['c1']),
        node('5', '/c/Add', 'Add', ['c1', 'x'], ['y']),
      ],
      {
        inputs: [floatValue('x', ['batch', 16])],
        outputs: [floatValue('y', ['batch', 16])],
        valueInfo: [floatValue('b2', ['batch', 16])],
        initializers: ['W'],
      },
    ),
  );
}

/** Ten ops at the top level, each feeding the next. */
function flatTree(count = 10): ScopeTree {
  const nodes = Array.from({ length: count }, (_, i) => node(String(i), `Op_${i}`, 'Relu', [i === 0 ? 'x' : `v${i - 1}`], [`v${i}`]));
  return buildScopeTree(syntheticGraph(nodes, { inputs: [floatValue('x', [1])], outputs: [floatValue(`v${count - 1}`, [1])] }));
}

/** A context with the phases up to (not including) `phase` already run. */
function contextBefore(phase: (context: ViewContext) => void, tree: ScopeTree, scopeId = '', options: BuildViewOptions = {}): ViewContext {
  const context = createViewContext(tree, scopeId, options);
  for (const step of [splitSections, pickSection, assignOffView, placeIoBoxes, placeLevelBoxes, aggregateEdges, capEdges, placeStubBoxes]) {
    if (step === phase) return context;
    step(context);
  }
  return context;
}

/** Edges sorted by their ends, where the test is not about order. */
function sorted<T extends unknown[]>(rows: T[]): T[] {
  return [...rows].sort((a, b) => `${String(a[0])}\u0000${String(a[1])}`.localeCompare(`${String(b[0])}\u0000${String(b[1])}`));
}

function edge(from: string, to: string, count: number, tensorNames = [`${from}>${to}`]): ViewEdge {
  return { id: '', from, to, count, tensorNames };
}

describe('createViewContext', () => {
  it('falls back to the top level for an unknown scope, with a notice', () => {
    const tree = chainTree();
    const context = createViewContext(tree, 'nowhere', {});
    expect(context.view).toBe(tree.root);
    expect(context.isRoot).toBe(true);
    expect(context.notices).toEqual(['That scope is not in this graph; showing the top level.']);
  });

  it('clamps the section size to 1..MAX_SECTION_BOXES', () => {
    const tree = chainTree();
    expect(createViewContext(tree, 'b', { maxBoxes: 0.5 }).maxBoxes).toBe(1);
    expect(createViewContext(tree, 'b', { maxBoxes: 10_000 }).maxBoxes).toBe(MAX_SECTION_BOXES);
    expect(createViewContext(tree, 'b', {}).notices).toEqual([]);
  });
});

describe('splitSections', () => {
  it('cuts a level into consecutive slices with ranged labels', () => {
    const context = createViewContext(flatTree(5), '', { maxBoxes: 2 });
    splitSections(context);
    expect(context.sections.map((s) => s.id)).toEqual(['part-1', 'part-2', 'part-3']);
    expect(context.sections.map((s) => s.boxIds)).toEqual([['node:0', 'node:1'], ['node:2', 'node:3'], ['node:4']]);
    expect(context.sections[0]!.label).toBe('1–2 of 5: Op_0 … Op_1');
    expect(context.sections[2]!.label).toBe('5–5 of 5: Op_4 … Op_4');
  });

  it('keeps one section labelled "all" for a level that fits, even an empty one', () => {
    const fits = createViewContext(chainTree(), '', {});
    splitSections(fits);
    expect(fits.sections).toEqual([{ id: 'part-1', label: 'all', boxIds: ['scope:a', 'scope:b', 'scope:c'] }]);
    const empty = createViewContext(buildScopeTree(syntheticGraph([])), '', {});
    splitSections(empty);
    expect(empty.sections).toEqual([{ id: 'part-1', label: 'all', boxIds: [] }]);
  });
});

describe('pickSection', () => {
  it('takes the section asked for', () => {
    const context = contextBefore(pickSection, flatTree(), '', { maxBoxes: 3, sectionId: 'part-3' });
    pickSection(context);
    expect(context.current).toBe(2);
  });

  it("takes the focused node's section when none is asked for, or an unknown one", () => {
    const context = contextBefore(pickSection, flatTree(), '', { maxBoxes: 3, sectionId: 'part-99', focusNodeId: '7' });
    pickSection(context);
    expect(context.current).toBe(2);
    expect(context.focusIndex).toBe(7);
  });

  it('drops a focus outside the viewed scope and draws the first section', () => {
    const context = contextBefore(pickSection, chainTree(), 'b', { focusNodeId: '0' });
    pickSection(context);
    expect(context.current).toBe(0);
    expect(context.focusIndex).toBeUndefined();
  });
});

describe('assignOffView', () => {
  it('sends the ancestors outside and the view itself nowhere', () => {
    const tree = chainTree();
    const context = contextBefore(assignOffView, tree, 'b/inner');
    assignOffView(context);
    expect(context.assigned.get(tree.byId.get('b')!)).toBe(OUTSIDE);
    expect(context.assigned.get(tree.root)).toBe(OUTSIDE);
    expect(context.assigned.get(tree.byId.get('b/inner')!)).toBe(NONE);
  });

  it('sends the items of the other sections to their section stub', () => {
    const context = contextBefore(assignOffView, flatTree(5), '', { maxBoxes: 2, sectionId: 'part-2' });
    assignOffView(context);
    expect([...context.nodeBox]).toEqual([
      [0, 'stub:section:part-1'],
      [1, 'stub:section:part-1'],
      [4, 'stub:section:part-3'],
    ]);
  });
});

describe('placeIoBoxes', () => {
  it('draws the graph inputs and outputs at the top level, typed', () => {
    const context = contextBefore(placeIoBoxes, chainTree());
    placeIoBoxes(context);
    expect(context.ioBoxes).toEqual([
      { id: 'input:x', kind: 'input', label: 'x', detail: ['[batch,16] F32'], valueNames: ['x'] },
      { id: 'output:y', kind: 'output', label: 'y', detail: ['[batch,16] F32'], valueNames: ['y'] },
    ]);
    expect([...context.inputBox]).toEqual([['x', 'input:x']]);
  });

  it('groups numbered values into one box', () => {
    const nodes = [node('0', '/a/Concat', 'Concat', ['kv.0', 'kv.1', 'kv.2'], ['out'])];
    const context = contextBefore(placeIoBoxes, buildScopeTree(syntheticGraph(nodes, { inputs: ['kv.0', 'kv.1', 'kv.2'].map((n) => floatValue(n, [1])) })));
    placeIoBoxes(context);
    expect(context.ioBoxes).toEqual([{ id: 'input:kv.0', kind: 'input', label: 'kv.{0..2}', detail: ['×3'], valueNames: ['kv.0', 'kv.1', 'kv.2'] }]);
  });

  it('draws none below the top level', () => {
    const context = contextBefore(placeIoBoxes, chainTree(), 'b');
    placeIoBoxes(context);
    expect(context.ioBoxes).toEqual([]);
  });
});

describe('placeLevelBoxes', () => {
  it('draws collapsed scopes as one box each, assigned to their box', () => {
    const tree = chainTree();
    const context = contextBefore(placeLevelBoxes, tree);
    placeLevelBoxes(context);
    expect(context.boxes.map((b) => [b.id, b.label, b.detail])).toEqual([
      ['scope:a', 'a', ['2 ops', 'MatMul ×1 · Relu ×1']],
      ['scope:b', 'b', ['2 ops', 'Add ×1 · Mul ×1']],
      ['scope:c', 'c', ['2 ops', 'Sigmoid ×1 · Add ×1']],
    ]);
    expect(context.assigned.get(tree.byId.get('b')!)).toBe('scope:b');
    // 3 items + input + output + 2 reserved for the outside stubs.
    expect(context.used).toBe(7);
  });

  it('expands a scope asked for as a container, its children after it', () => {
    const context = contextBefore(placeLevelBoxes, chainTree(), '', { expanded: new Set(['b']) });
    placeLevelBoxes(context);
    expect(context.boxes.map((b) => [b.id, b.parent, b.expanded])).toEqual([
      ['scope:a', undefined, undefined],
      ['scope:b', undefined, true],
      ['scope:c', undefined, undefined],
      ['node:2', 'scope:b', undefined],
      ['scope:b/inner', 'scope:b', undefined],
    ]);
    expect(context.nodeBox.get(2)).toBe('node:2');
  });

  it('refuses an expansion with more items than a section holds', () => {
    const context = contextBefore(placeLevelBoxes, chainTree(), '', { expanded: new Set(['b']), maxBoxes: 1, sectionId: 'part-2' });
    placeLevelBoxes(context);
    expect(context.refused).toEqual(['b']);
    expect(context.notices).toEqual(['b was left collapsed: its 2 items are too many to draw in place. Open it instead.']);
  });
});

describe('aggregateEdges', () => {
  it('counts the distinct tensors between each pair of boxes, from the producer', () => {
    const context = contextBefore(aggregateEdges, chainTree());
    aggregateEdges(context);
    expect(sorted(context.edges.map((e) => [e.from, e.to, e.count, e.tensorNames]))).toEqual([
      ['input:x', 'scope:a', 1, ['x']],
      ['input:x', 'scope:c', 1, ['x']],
      ['scope:a', 'scope:b', 2, ['a1', 'a2']],
      ['scope:b', 'scope:c', 1, ['b2']],
      ['scope:c', 'output:y', 1, ['y']],
    ]);
  });

  it('joins what comes from and goes to outside the scope through the outside stubs', () => {
    const context = contextBefore(aggregateEdges, chainTree(), 'b');
    aggregateEdges(context);
    expect(sorted(context.edges.map((e) => [e.from, e.to, e.count]))).toEqual([
      ['node:2', 'scope:b/inner', 1],
      ['scope:b/inner', 'stub:outside-out', 1],
      ['stub:outside-in', 'node:2', 2],
    ]);
  });

  it('leaves out flow between two sections not drawn', () => {
    // Op 5 (section 3) also reads v0 (section 1): neither end is drawn from section 2.
    const nodes = Array.from({ length: 6 }, (_, i) => node(String(i), `Op_${i}`, 'Add', i === 0 ? ['x'] : i === 5 ? ['v4', 'v0'] : [`v${i - 1}`], [`v${i}`]));
    const context = contextBefore(aggregateEdges, buildScopeTree(syntheticGraph(nodes)), '', { maxBoxes: 2, sectionId: 'part-2' });
    aggregateEdges(context);
    expect(sorted(context.edges.map((e) => [e.from, e.to, e.tensorNames]))).toEqual([
      ['node:2', 'node:3', ['v2']],
      ['node:3', 'stub:section:part-3', ['v3']],
      ['stub:section:part-1', 'node:2', ['v1']],
    ]);
  });
});

describe('capEdges', () => {
  it('numbers the edges and types the single-tensor ones', () => {
    const context = createViewContext(chainTree(), '', {});
    context.edges = [edge('scope:b', 'scope:c', 1, ['b2']), edge('scope:a', 'scope:b', 2, ['a1', 'a2'])];
    capEdges(context);
    expect(context.edges).toEqual([
      { id: 'e0', from: 'scope:b', to: 'scope:c', count: 1, tensorNames: ['b2'], tensor: { name: 'b2', dtype: 'F32', shape: ['batch', 16] } },
      { id: 'e1', from: 'scope:a', to: 'scope:b', count: 2, tensorNames: ['a1', 'a2'] },
    ]);
  });

  it('merges the least connected section stubs into one', () => {
    const context = createViewContext(chainTree(), '', {});
    // Section k sends k tensors to the drawn box: the weakest merge.
    const parts = MAX_SECTION_STUBS + 2;
    context.edges = Array.from({ length: parts }, (_, k) => edge(`stub:section:part-${k + 1}`, 'node:0', k + 1));
    capEdges(context);
    const ends = context.edges.map((e) => [e.from, e.count]);
    expect(ends).toHaveLength(MAX_SECTION_STUBS);
    expect(ends[0]).toEqual(['stub:sections', 1 + 2 + 3]);
    expect(ends.slice(1)).toEqual(Array.from({ length: MAX_SECTION_STUBS - 1 }, (_, k) => [`stub:section:part-${k + 4}`, k + 4]));
  });

  it('drops the weakest edges past MAX_DRAWN_EDGES, with a notice', () => {
    const context = createViewContext(chainTree(), '', {});
    context.edges = Array.from({ length: MAX_DRAWN_EDGES + 3 }, (_, k) => edge(`node:${k}`, 'node:sink', k < 3 ? 1 : 2));
    capEdges(context);
    expect(context.edges).toHaveLength(MAX_DRAWN_EDGES);
    expect(context.edges.every((e) => e.count === 2)).toBe(true);
    expect(context.notices).toEqual([`3 of the weakest connections were not drawn (at most ${MAX_DRAWN_EDGES} edges).`]);
  });
});

describe('placeStubBoxes', () => {
  it('draws one box per far end, once, in the order the edges name them', () => {
    const context = contextBefore(placeStubBoxes, flatTree(6), '', { maxBoxes: 2, sectionId: 'part-2' });
    context.edges = [
      edge('stub:outside-in', 'node:2', 1),
      edge('node:3', 'stub:section:part-3', 1),
      edge('stub:section:part-3', 'node:2', 1),
      edge('node:2', 'stub:instances:f', 1),
    ];
    placeStubBoxes(context);
    expect(context.stubBoxes).toEqual([
      { id: 'stub:outside-in', kind: 'stub', label: 'from outside', detail: [], stub: 'outside-in' },
      { id: 'stub:section:part-3', kind: 'stub', label: 'part 3', detail: ['5–6 of 6: Op_4 … Op_5'], stub: 'section', sectionId: 'part-3' },
    ]);
  });

  it('names the scope on the outside stubs below the top level', () => {
    const context = contextBefore(placeStubBoxes, chainTree(), 'b');
    context.edges = [edge('node:3', 'stub:outside-out', 1)];
    placeStubBoxes(context);
    expect(context.stubBoxes).toEqual([{ id: 'stub:outside-out', kind: 'stub', label: 'to outside', detail: ['b'], stub: 'outside-out' }]);
  });
});

describe('assembleView', () => {
  it('orders inputs, incoming stubs, the level, other stubs, then outputs', () => {
    const context = contextBefore(assembleView, flatTree(6), '', { maxBoxes: 2, sectionId: 'part-2', focusNodeId: '3' });
    context.stubBoxes.push({ id: 'stub:outside-in', kind: 'stub', label: 'from outside', detail: [], stub: 'outside-in' });
    const view = assembleView(context);
    expect(view.boxes.map((b) => b.id)).toEqual(['input:x', 'stub:outside-in', 'node:2', 'node:3', 'stub:section:part-1', 'stub:section:part-3', 'output:v5']);
    expect(view.renderedCount).toBe(7);
    expect(view.sectionId).toBe('part-2');
    expect(view.focusBoxId).toBe('node:3');
    expect(view.notices).toEqual(['This level has 6 items, shown in 3 parts of at most 2.']);
  });

  it('gives the breadcrumb from the top level', () => {
    const view = assembleView(contextBefore(assembleView, chainTree(), 'b/inner'));
    expect(view.breadcrumb).toEqual([
      { scopeId: '', label: 'main' },
      { scopeId: 'b', label: 'b' },
      { scopeId: 'b/inner', label: 'inner' },
    ]);
    expect(view.title).toBe('inner');
  });
});
