import { describe, expect, it } from 'vitest';
import type { Graph, Node } from '../model/graph';
import { describeType, opHistogram } from './describe-graph';

const node = (opType: string, extra: Partial<Node> = {}): Node => ({
  id: opType,
  name: '',
  opType,
  domain: '',
  namespace: '',
  inputs: [],
  outputs: [],
  attributes: [],
  ...extra,
});
const graph = (nodes: Node[]): Graph => ({
  name: 'g',
  nodes,
  inputs: [],
  outputs: [],
  valueInfo: [],
  initializers: [],
  sparseInitializers: [],
  quantizationAnnotations: [],
});

describe('describeType', () => {
  it('writes tensor, sequence, map and optional types', () => {
    expect(describeType({ kind: 'tensor', elemType: 'F32', shape: ['batch', 3, 224, 224] })).toBe('F32[batch, 3, 224, 224]');
    expect(describeType({ kind: 'tensor', elemType: 'I64' })).toBe('I64[…]');
    expect(describeType({ kind: 'sequence', elemType: { kind: 'tensor', elemType: 'F32', shape: ['?'] } })).toBe('seq(F32[?])');
    expect(describeType({ kind: 'map', keyType: 'I64', valueType: { kind: 'tensor', elemType: 'F32', shape: [] } })).toBe('map(I64, F32[])');
    expect(describeType({ kind: 'optional', elemType: { kind: 'unknown' } })).toBe('optional(unknown)');
  });
});

describe('opHistogram', () => {
  it('counts ops in the graph and its subgraphs, with the domain for custom ops', () => {
    const body = graph([node('Add'), node('Add')]);
    const g = graph([node('Add'), node('If', { subgraphs: [{ attribute: 'then_branch', graph: body }] }), node('FusedGemm', { domain: 'com.microsoft' })]);
    expect(opHistogram(g)).toEqual([
      ['Add', 3],
      ['com.microsoft.FusedGemm', 1],
      ['If', 1],
    ]);
  });
});
