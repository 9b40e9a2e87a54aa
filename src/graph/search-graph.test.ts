import { describe, expect, it } from 'vitest';
import { buildScopeTree } from './build-scope-tree';
import { buildView } from './build-view';
import { regexRisk, searchGraph } from './search-graph';
import { syntheticTransformer } from '../../test/builders/synthetic-graph';

describe('searchGraph', () => {
  const { graph, initializers } = syntheticTransformer(4, 80);
  const tree = buildScopeTree(graph, initializers);

  it('finds nodes by a piece of their name, ignoring case', () => {
    const result = searchGraph(tree, 'LAYERS.2/SELF_ATTN/Q_PROJ');
    expect(result.mode).toBe('text');
    expect(result.hits.map((h) => h.name)).toEqual(['/model/layers.2/self_attn/q_proj/MatMul']);
    const hit = result.hits[0]!;
    expect(hit.scopeId).toBe('model/layers.2/self_attn/q_proj');
    expect(hit.scopePath).toEqual(['model', 'model/layers.2', 'model/layers.2/self_attn', 'model/layers.2/self_attn/q_proj']);
    // To expand in place from the top: layers.2 is instance 2 of the folded layers.
    expect(hit.expand).toEqual(['model', 'model/layers.{0..3}', 'model/layers.2/self_attn', 'model/layers.2/self_attn/q_proj']);
    expect(hit.instances).toEqual([{ foldId: 'model/layers.{0..3}', position: 2 }]);
  });

  it('finds nodes by op type', () => {
    const result = searchGraph(tree, 'softmax', { limit: 1000 });
    expect(result.total).toBe(graph.nodes.filter((n) => n.opType === 'Softmax').length);
    expect(result.hits.every((h) => h.opType === 'Softmax')).toBe(true);
  });

  it('finds nodes by regular expression, and cuts at the limit', () => {
    const result = searchGraph(tree, '/layers\\.[13]\\/mlp\\/gate_proj/', { limit: 1 });
    expect(result.mode).toBe('regex');
    expect(result.total).toBe(2);
    expect(result.hits).toHaveLength(1);
    expect(result.truncated).toBe(true);
    expect(searchGraph(tree, '/embed_tokens\\/GATHER$/i').hits.map((h) => h.name)).toEqual(['/model/embed_tokens/Gather']);
  });

  it('explains an invalid or risky regular expression instead of running it', () => {
    const invalid = searchGraph(tree, '/layers.(/');
    expect(invalid.error).toMatch(/^Invalid regular expression/);
    expect(invalid.hits).toEqual([]);
    expect(searchGraph(tree, '/(a+)+$/').error).toMatch(/very long time/);
    expect(searchGraph(tree, '/(a|aa)*b/').error).toMatch(/very long time/);
    expect(searchGraph(tree, '/(x)\\1/').error).toMatch(/backreference/);
    expect(regexRisk('a.*b.*c.*d.*e')).toMatch(/repeats/);
    expect(regexRisk('layers\\.\\d+/(q|k|v)_proj')).toBeUndefined();
    expect(regexRisk('[(+)]+')).toBeUndefined();
  });

  it('returns nothing for an empty query', () => {
    expect(searchGraph(tree, '   ')).toEqual({ hits: [], total: 0, truncated: false, mode: 'text' });
  });

  it('gives what the view needs to show the hit', () => {
    const hit = searchGraph(tree, 'layers.3/mlp/gate_proj').hits[0]!;
    const view = buildView(tree, '', {
      expanded: new Set(hit.expand),
      instances: new Map(hit.instances.map((i) => [i.foldId, i.position])),
      focusNodeId: hit.nodeId,
    });
    expect(view.focusBoxId).toBe(`node:${hit.nodeId}`);
    const opened = buildView(tree, hit.scopeId, { focusNodeId: hit.nodeId });
    expect(opened.focusBoxId).toBe(`node:${hit.nodeId}`);
  });

  it('searches 20,000 nodes, by text and by regex (timed in npm run bench)', () => {
    const big = syntheticTransformer(40, 500);
    const bigTree = buildScopeTree(big.graph, big.initializers);
    const text = searchGraph(bigTree, 'self_attn/matmul');
    const regex = searchGraph(bigTree, '/layers\\.1\\d\\/mlp\\/Mul/');
    expect(text.total).toBeGreaterThan(0);
    expect(regex.total).toBeGreaterThan(0);
    expect(regex.hits.every((h) => /layers\.1\d\/mlp\/Mul/.test(h.name))).toBe(true);
  });
});
