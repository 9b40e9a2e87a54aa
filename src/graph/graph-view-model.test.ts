import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../model/document';
import { floatValue, syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';
import { GraphViewCache, MAX_CACHED_GRAPHS } from './graph-view-model';

/** Two scopes: /a holds two nodes, /b one; the view model must say so in plain data that survives structuredClone. */
const graph = syntheticGraph(
  [node('0', '/a/MatMul', 'MatMul', ['x', 'W'], ['a1']), node('1', '/a/Relu', 'Relu', ['a1'], ['a2']), node('2', '/b/Add', 'Add', ['a2', 'x'], ['y'])],
  { inputs: [floatValue('x', ['batch', 16])], outputs: [floatValue('y', ['batch', 16])], valueInfo: [floatValue('a1', ['batch', 16])], initializers: ['W'] },
);
const W: TensorInfo = { name: 'W', file: 'model.onnx', dtype: 'F32', shape: [16, 16], elements: 256, byteOffset: 0, byteLength: 1024 };

describe('GraphViewCache', () => {
  it('keeps a scope tree per key and answers views, searches and node details from it', () => {
    const cache = new GraphViewCache();
    expect(cache.view('g1', { scopeId: '', instances: [], theme: 'light' })).toBeUndefined();
    cache.load('g1', graph, [W]);

    const top = cache.view('g1', { scopeId: '', expanded: [], instances: [], theme: 'light' })!;
    expect(top.view.boxes.filter((b) => b.kind === 'scope').map((b) => b.label)).toEqual(['a', 'b']);
    expect(top.expanded).toEqual([]);
    // Every drawn box is named by its mermaid id, with its kind; op boxes carry their node id.
    expect(top.boxes.map(([, box]) => box.kind).sort()).toEqual(
      top.view.boxes
        .filter((b) => top.diagram.boxToId.has(b.id))
        .map((b) => b.kind)
        .sort(),
    );
    expect(top.diagram.text).toMatch(/^flowchart TB/);

    const opened = cache.view('g1', { scopeId: '', expanded: ['a'], instances: [], theme: 'dark' })!;
    expect(
      opened.boxes
        .filter(([, box]) => box.kind === 'op')
        .map(([, box]) => box.nodeId)
        .sort(),
    ).toEqual(['0', '1']);

    // Without `expanded`, the scope's default first view (a graph this small opens fully).
    expect(cache.view('g1', { scopeId: '', instances: [], theme: 'light' })!.expanded.sort()).toEqual(['a', 'b']);

    expect(cache.search('g1', 'relu', 10)!.hits.map((h) => h.nodeId)).toEqual(['1']);
    expect(cache.node('g1', '1')).toEqual({ nodeIndex: 1, valueTypes: [['a1', { dtype: 'F32', shape: ['batch', 16] }]], constants: [] });
    expect(cache.node('g1', 'nope')).toBeUndefined();
  });

  it('answers in plain data that crosses a worker boundary unchanged', () => {
    const cache = new GraphViewCache();
    cache.load('g', graph, [W]);
    const model = cache.view('g', { scopeId: '', instances: [], theme: 'light' })!;
    expect(structuredClone(model)).toEqual(model);
  });

  it(`keeps the ${MAX_CACHED_GRAPHS} graphs used last`, () => {
    const cache = new GraphViewCache();
    for (let i = 0; i <= MAX_CACHED_GRAPHS; i++) {
      cache.load(`g${i}`, graph, []);
      if (i === 1) expect(cache.tree('g0')).toBeDefined(); // g0 used again: g1 is now the oldest
    }
    expect(cache.tree('g0')).toBeDefined();
    expect(cache.tree('g1')).toBeUndefined();
    expect(cache.tree(`g${MAX_CACHED_GRAPHS}`)).toBeDefined();
  });
});
