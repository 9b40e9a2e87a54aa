import { describe, expect, it } from 'vitest';
import { buildScopeTree } from './build-scope-tree';
import { findFoldedBlock, foldContaining, foldedChildren, parseIndexedName } from './fold-repeated-blocks';
import { syntheticGraph, syntheticNode as node } from '../../test/builders/synthetic-graph';

/** Layers `layers.0 …` with the given op sequences, chained. */
function layered(ops: string[][], name = (i: number) => `layers.${i}`) {
  const nodes = [];
  let x = 'x';
  for (const [i, list] of ops.entries()) {
    for (const [k, op] of list.entries()) {
      const out = `v${i}_${k}`;
      nodes.push(node(String(nodes.length), `/model/${name(i)}/sub/${op}_${k}`, op, [x], [out]));
      nodes.push(node(String(nodes.length), `/model/${name(i)}/${op}_${k}`, op, [out], [`${out}b`]));
      x = `${out}b`;
    }
  }
  nodes.push(node(String(nodes.length), '/model/norm/Mul', 'Mul', [x], ['y']));
  return buildScopeTree(syntheticGraph(nodes));
}

describe('parseIndexedName', () => {
  it('splits prefix, index and the rest of a collapsed chain', () => {
    expect(parseIndexedName('layers.3')).toEqual({ prefix: 'layers.', digits: '3', index: 3, rest: '' });
    expect(parseIndexedName('block_12/mlp')).toEqual({ prefix: 'block_', digits: '12', index: 12, rest: '/mlp' });
    expect(parseIndexedName('7')).toEqual({ prefix: '', digits: '7', index: 7, rest: '' });
    expect(parseIndexedName('block249')).toEqual({ prefix: 'block', digits: '249', index: 249, rest: '' });
    expect(parseIndexedName('layers')).toBeUndefined();
    expect(parseIndexedName(`l.${'9'.repeat(30)}`)).toBeUndefined();
  });
});

describe('foldRepeatedBlocks', () => {
  it.each([
    ['block', (i: number) => `block${i}`, 'block{0..249}'],
    ['blk.', (i: number) => `blk.${i}`, 'blk.{0..249}'],
    ['h.', (i: number) => `h.${i}`, 'h.{0..249}'],
    ['layer_', (i: number) => `layer_${i}`, 'layer_{0..249}'],
    ['layers.', (i: number) => `layers.${i}`, 'layers.{0..249}'],
  ])('folds 250 identical siblings named %s0… whatever the naming', (_prefix, name, label) => {
    const tree = layered(
      Array.from({ length: 250 }, () => ['MatMul', 'Add']),
      name,
    );
    const items = foldedChildren(tree.root);
    expect(items.map((i) => (i.kind === 'fold' ? `${i.block.label} ×${i.block.instances.length}` : i.scope.name))).toEqual([`${label} ×250`, 'norm']);
  });

  it('does not fold siblings named alike whose structure differs', () => {
    const tree = layered(
      [
        ['MatMul', 'Add'],
        ['MatMul', 'Relu'],
        ['MatMul', 'Add'],
      ],
      (i) => `block${i}`,
    );
    expect(foldedChildren(tree.root).map((i) => i.kind)).toEqual(['scope', 'scope', 'scope', 'scope']);
  });

  it('folds identical consecutive layers into one block ×K', () => {
    const tree = layered(Array.from({ length: 32 }, () => ['MatMul', 'Relu']));
    const items = foldedChildren(tree.root);
    expect(items.map((i) => (i.kind === 'fold' ? `${i.block.label} ×${i.block.instances.length}` : i.scope.name))).toEqual(['layers.{0..31} ×32', 'norm']);
    const block = items[0]!.kind === 'fold' ? items[0]!.block : undefined;
    expect(block?.id).toBe('layers.{0..31}');
    expect(block?.indices.slice(0, 3)).toEqual([0, 1, 2]);
    expect(findFoldedBlock(tree, 'layers.{0..31}')).toBe(block);
  });

  it('ends a run at a layer with a different structure', () => {
    const ops = Array.from({ length: 8 }, (_, i) => (i === 5 ? ['MatMul', 'Gelu'] : ['MatMul', 'Relu']));
    const tree = layered(ops);
    const labels = foldedChildren(tree.root).map((i) => (i.kind === 'fold' ? i.block.label : i.scope.name));
    expect(labels).toEqual(['layers.{0..4}', 'layers.5', 'layers.{6..7}', 'norm']);
  });

  it('does not fold a gap in the numbering, or a single layer', () => {
    const tree = layered([['Relu'], ['Relu'], ['Relu']], (i) => `layers.${i === 2 ? 5 : i}`);
    const labels = foldedChildren(tree.root).map((i) => (i.kind === 'fold' ? i.block.label : i.scope.name));
    expect(labels).toEqual(['layers.{0..1}', 'layers.5', 'norm']);
  });

  it('says which block and position an instance belongs to', () => {
    const tree = layered(Array.from({ length: 4 }, () => ['MatMul']));
    const third = tree.byId.get('model/layers.2')!;
    const found = foldContaining(tree, third);
    expect(found?.block.label).toBe('layers.{0..3}');
    expect(found?.position).toBe(2);
    expect(foldContaining(tree, tree.byId.get('model/norm')!)).toBeUndefined();
  });
});
