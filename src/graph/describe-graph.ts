import type { Graph, TypeInfo } from '../model/graph';
import { formatShape } from '../model/units';

/** How a declared type reads: `F32[batch, 3, 224, 224]`, `seq(F32[?])`, `map(I64, F32)`. */
export function describeType(type: TypeInfo): string {
  switch (type.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const shape = type.shape ? formatShape(type.shape) : '[…]';
      return `${type.kind === 'sparse_tensor' ? 'sparse ' : ''}${String(type.elemType)}${shape}`;
    }
    case 'sequence':
      return `seq(${type.elemType ? describeType(type.elemType) : '?'})`;
    case 'optional':
      return `optional(${type.elemType ? describeType(type.elemType) : '?'})`;
    case 'map':
      return `map(${String(type.keyType)}, ${type.valueType ? describeType(type.valueType) : '?'})`;
    case 'opaque':
      return `opaque(${type.domain}.${type.name})`;
    case 'unknown':
      return 'unknown';
  }
}

/** Op types and how often each occurs, over the graph and its subgraphs. */
export function opHistogram(graph: Graph): [string, number][] {
  const counts = new Map<string, number>();
  const stack: Graph[] = [graph];
  while (stack.length > 0) {
    const g = stack.pop()!;
    for (const node of g.nodes) {
      const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      for (const sub of node.subgraphs ?? []) stack.push(sub.graph);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
