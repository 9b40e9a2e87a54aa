import { describe, expect, it } from 'vitest';
import { buildModuleTree, modulesAtDepth, treeDepth } from './module-tree';

const tensors = [
  { name: 'model.embed_tokens.weight', elements: 100 },
  { name: 'model.layers.0.self_attn.q_proj.weight', elements: 16 },
  { name: 'model.layers.0.mlp.up_proj.weight', elements: 32 },
  { name: 'model.layers.1.self_attn.q_proj.weight', elements: 16 },
  { name: 'model.layers.1.mlp.up_proj.weight', elements: 32 },
  { name: 'lm_head.weight', elements: 100 },
  { name: 'scale', elements: 1 },
];

describe('module tree', () => {
  const root = buildModuleTree(tensors);

  it('sums parameters and tensors per module', () => {
    expect(root.parameters).toBe(297);
    expect(root.tensorCount).toBe(7);
    expect(modulesAtDepth(root, 1).map((m) => [m.path, m.parameters, m.tensorCount])).toEqual([
      ['model', 196, 5],
      ['lm_head', 100, 1],
      ['scale', 1, 1],
    ]);
  });

  it('lists modules at a depth, keeping shallow tensors visible', () => {
    expect(modulesAtDepth(root, 3).map((m) => m.path)).toEqual(['model.embed_tokens.weight', 'model.layers.0', 'model.layers.1', 'lm_head.weight', 'scale']);
    expect(modulesAtDepth(root, 3).find((m) => m.path === 'model.layers.1')?.parameters).toBe(48);
  });

  it('marks tensors and measures depth', () => {
    expect(modulesAtDepth(root, 1).find((m) => m.path === 'scale')?.isTensor).toBe(true);
    expect(modulesAtDepth(root, 1).find((m) => m.path === 'model')?.isTensor).toBe(false);
    expect(treeDepth(root)).toBe(6);
  });

  it('treats a name that is also a prefix as a module', () => {
    const tree = buildModuleTree([
      { name: 'a.b', elements: 1 },
      { name: 'a.b.c', elements: 2 },
    ]);
    expect(modulesAtDepth(tree, 2)[0]).toMatchObject({ path: 'a.b', isTensor: false, parameters: 3 });
  });
});
