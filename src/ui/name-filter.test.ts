import { describe, expect, it } from 'vitest';
import { makeNameFilter } from './name-filter';

describe('tensor name filter', () => {
  it('matches a case-insensitive substring', () => {
    const f = makeNameFilter(' Q_PROJ ');
    expect(f.test('model.layers.0.self_attn.q_proj.weight')).toBe(true);
    expect(f.test('model.layers.0.self_attn.k_proj.weight')).toBe(false);
  });
  it('matches a /regex/ with flags', () => {
    const f = makeNameFilter('/layers\\.(1|2)\\./i');
    expect(f.test('model.LAYERS.1.mlp')).toBe(true);
    expect(f.test('model.layers.3.mlp')).toBe(false);
  });
  it('reports an invalid regex and keeps everything', () => {
    const f = makeNameFilter('/(unclosed/');
    expect(f.error).toBeTruthy();
    expect(f.test('anything')).toBe(true);
  });
});
