import { describe, expect, it } from 'vitest';
import { buildModuleTree } from './module-tree';
import { moduleTreeDiagram } from './module-tree-diagram';

const tensors = [
  { name: 'model.embed_tokens.weight', elements: 100 },
  ...Array.from({ length: 32 }, (_, l) => [
    { name: `model.layers.${l}.self_attn.q_proj.weight`, elements: 16 },
    { name: `model.layers.${l}.mlp.up_proj.weight`, elements: l === 31 ? 64 : 32 },
  ]).flat(),
  { name: 'model.norm.weight', elements: 4 },
  { name: 'lm_head.weight', elements: 100 },
  { name: 'odd"name[0]#;.x', elements: 1 },
];
const root = buildModuleTree(tensors);

describe('moduleTreeDiagram', () => {
  it('draws one level with parameters, and notes repeated layers', () => {
    const d = moduleTreeDiagram(root, 'model');
    expect(d.path).toBe('model');
    expect(d.text).toContain('n0["model<br/>1.67K params #183; 66 tensors"]');
    expect(d.text).toContain('31 #215; layers.#123;0..30#125; + 1 more');
    expect(d.idToPath.get('n2')).toBe('model.layers');
    expect(d.idToPath.get('n0')).toBe('');
  });

  it('folds identical numbered children, and a different one breaks the run', () => {
    const d = moduleTreeDiagram(root, 'model.layers');
    expect(d.text).toContain('layers.#123;0..30#125; #215;31');
    expect(d.text).toContain('n2["31<br/>80 params');
    expect(d.foldInstances.get('n1')).toHaveLength(31);
    expect(d.idToPath.get('n1')).toBe('model.layers.0');
  });

  it('caps the boxes and escapes names', () => {
    const many = buildModuleTree(Array.from({ length: 200 }, (_, i) => ({ name: `m${i}x.w`, elements: 1 })));
    const d = moduleTreeDiagram(many, '', { maxBoxes: 10 });
    expect(d.boxCount).toBe(11);
    expect(d.notices[0]).toBe('191 of 200 children are not drawn.');
    const top = moduleTreeDiagram(root);
    expect(top.text).toContain('odd#34;name#91;0#93;#35;#59;');
    expect(moduleTreeDiagram(root, 'no.such').notices[0]).toMatch(/not found/);
  });
});
