import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../model/document';
import { buildScopeTree, MAX_SCOPE_DEPTH, scopePath, topOps } from './build-scope-tree';
import { floatValue, syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';

function tensor(name: string, elements: number): TensorInfo {
  return { name, dtype: 'F32', shape: [elements], elements, file: 'm.onnx', byteOffset: 0, byteLength: elements * 4 };
}

describe('buildScopeTree', () => {
  const graph = syntheticGraph(
    [
      node('0', '/embed/Gather', 'Gather', ['W_embed', 'ids'], ['e']),
      node('1', '/blocks/b.0/attn/MatMul', 'MatMul', ['e', 'W0'], ['a0']),
      node('2', '/blocks/b.0/attn/Softmax', 'Softmax', ['a0'], ['s0']),
      node('3', '/blocks/b.0/mlp/inner/MatMul', 'MatMul', ['s0', 'W1'], ['m0']),
      node('4', '/blocks/b.0/mlp/inner/Relu', 'Relu', ['m0'], ['r0']),
      node('5', '/Add', 'Add', ['r0', 'e'], ['y']),
      node('6', '', 'Identity', ['y'], ['z']),
    ],
    { inputs: [floatValue('ids', [1, 8]), floatValue('W_embed', [10, 4])], outputs: [floatValue('z', [1, 8, 4])], initializers: ['W_embed', 'W0', 'W1'] },
  );
  const initializers = new Map([
    ['W_embed', tensor('W_embed', 40)],
    ['W0', tensor('W0', 16)],
    ['W1', tensor('W1', 32)],
  ]);
  const tree = buildScopeTree(graph, initializers);

  it('nests scopes by namespace, deriving it from the name when empty', () => {
    expect(tree.root.children.map((s) => s.id)).toEqual(['embed', 'blocks/b.0']);
    expect(tree.root.nodes.map((n) => n.id)).toEqual(['5', '6']);
    expect(tree.scopeOfNode[0]!.id).toBe('embed');
  });

  it('collapses chains of single-child scopes with no nodes of their own', () => {
    // blocks → b.0 is a chain (blocks has no nodes); mlp → inner too.
    const block = tree.byId.get('blocks/b.0')!;
    expect(block.name).toBe('blocks/b.0');
    expect(block.children.map((s) => [s.id, s.name])).toEqual([
      ['blocks/b.0/attn', 'attn'],
      ['blocks/b.0/mlp/inner', 'mlp/inner'],
    ]);
    expect(tree.byId.has('blocks')).toBe(false);
    expect(tree.byId.has('blocks/b.0/mlp')).toBe(false);
    expect(tree.byId.get('blocks/b.0/mlp/inner')!.parentId).toBe('blocks/b.0');
    expect(scopePath(tree, tree.byId.get('blocks/b.0/mlp/inner')!)).toEqual(['blocks/b.0', 'blocks/b.0/mlp/inner']);
  });

  it('counts nodes, parameters (each initializer once) and ops per scope', () => {
    expect(tree.root.nodeCount).toBe(7);
    expect(tree.root.parameterCount).toBe(88);
    const block = tree.byId.get('blocks/b.0')!;
    expect(block.nodeCount).toBe(4);
    expect(block.parameterCount).toBe(48);
    expect(Object.fromEntries(block.opHistogram)).toEqual({ MatMul: 2, Softmax: 1, Relu: 1 });
    expect(topOps(block, 1)).toEqual([{ opType: 'MatMul', count: 2 }]);
  });

  it('indexes producers, consumers, inputs without initializers, and value types', () => {
    expect(tree.producer.get('e')).toBe(0);
    expect(tree.consumers.get('e')).toEqual([1, 5]);
    expect(tree.consumers.has('W0')).toBe(false);
    expect(tree.graphInputs).toEqual(['ids']);
    expect(tree.valueTypes.get('z')).toEqual({ dtype: 'F32', shape: [1, 8, 4] });
    expect(tree.valueTypes.get('W1')).toEqual({ dtype: 'F32', shape: [32] });
  });

  it('hoists a root with one child and no nodes', () => {
    const t = buildScopeTree(syntheticGraph([node('0', '/model/a/Relu', 'Relu', ['x'], ['y']), node('1', '/model/b/Relu', 'Relu', ['y'], ['z'])]));
    expect(t.root.name).toBe('model');
    expect(t.root.children.map((s) => [s.id, s.parentId])).toEqual([
      ['model/a', ''],
      ['model/b', ''],
    ]);
  });

  it('gives equal signatures to equal structures only', () => {
    const t = buildScopeTree(
      syntheticGraph([
        node('0', '/l.0/MatMul', 'MatMul', [], ['a']),
        node('1', '/l.0/Relu', 'Relu', [], ['b']),
        node('2', '/l.1/MatMul', 'MatMul', [], ['c']),
        node('3', '/l.1/Relu', 'Relu', [], ['d']),
        node('4', '/l.2/MatMul', 'MatMul', [], ['e']),
        node('5', '/l.2/Gelu', 'Gelu', [], ['f']),
      ]),
    );
    const [a, b, c] = t.root.children;
    expect(a!.signature).toBe(b!.signature);
    expect(a!.signature).not.toBe(c!.signature);
  });

  it('caps the depth of hostile namespaces', () => {
    const deep = Array.from({ length: 500 }, (_, i) => `s${i}`).join('/');
    const t = buildScopeTree(syntheticGraph([node('0', `/${deep}/Relu`, 'Relu', [], ['y']), node('1', '/other/Relu', 'Relu', [], ['z'])]));
    const scope = t.scopeOfNode[0]!;
    expect(scopePath(t, scope).length).toBeLessThanOrEqual(MAX_SCOPE_DEPTH);
    expect(scope.id.endsWith('s499')).toBe(true);
  });
});
