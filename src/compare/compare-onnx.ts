import type { ModelDocument } from '../model/document';
import type { Graph, Node } from '../model/graph';

/** How often one op occurs in each model. */
export interface OpCount {
  /** `Conv`, or `com.microsoft.Attention` for an op of another domain. */
  op: string;
  a: number;
  b: number;
}

export interface OpsetDifference {
  /** Empty for the default ONNX domain (`ai.onnx`). */
  domain: string;
  a?: number;
  b?: number;
}

/** Ops a scope gained or lost: by op, B's count minus A's (positive is added). */
export interface ScopeDifference {
  /** The exporter's namespace (`model/layers.3/self_attn`); empty for the top level. */
  scope: string;
  added: number;
  removed: number;
  ops: { op: string; change: number }[];
}

export interface OnnxComparison {
  /** Every op of either model, those whose counts differ first. */
  ops: OpCount[];
  opsets: OpsetDifference[];
  /** Scopes whose nodes differ, most changed first. */
  scopes: ScopeDifference[];
}

function opName(node: Node): string {
  return node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
}

function visitNodes(graphs: readonly Graph[] | undefined, visit: (node: Node) => void): void {
  const stack = [...(graphs ?? [])];
  while (stack.length > 0) {
    const graph = stack.pop()!;
    for (const node of graph.nodes) {
      visit(node);
      for (const sub of node.subgraphs ?? []) stack.push(sub.graph);
    }
  }
}

function opsetsOf(document: ModelDocument): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of document.files) {
    if (file.format !== 'onnx') continue;
    for (const o of file.opsets) out.set(o.domain === 'ai.onnx' ? '' : o.domain, o.version);
  }
  return out;
}

/**
 * Two ONNX graphs compared by what they compute: the op histogram, the opsets, and per scope the
 * ops added or removed. Nodes are matched by scope and op, not by name, since exporters number
 * node names and any insertion renumbers the rest. Undefined when neither model has a graph.
 */
export function compareOnnx(a: ModelDocument, b: ModelDocument): OnnxComparison | undefined {
  if (!a.graphs?.length && !b.graphs?.length) return undefined;
  const histogram = new Map<string, { a: number; b: number }>();
  const scopes = new Map<string, Map<string, number>>();
  const count = (side: 'a' | 'b', sign: number) => (node: Node) => {
    const op = opName(node);
    const h = histogram.get(op) ?? { a: 0, b: 0 };
    h[side]++;
    histogram.set(op, h);
    let scope = scopes.get(node.namespace);
    if (!scope) scopes.set(node.namespace, (scope = new Map()));
    scope.set(op, (scope.get(op) ?? 0) + sign);
  };
  visitNodes(a.graphs, count('a', -1));
  visitNodes(b.graphs, count('b', 1));

  const ops = [...histogram].map(([op, c]) => ({ op, ...c }));
  ops.sort((x, y) => Number(y.a !== y.b) - Number(x.a !== x.b) || Math.abs(y.b - y.a) - Math.abs(x.b - x.a) || x.op.localeCompare(y.op));

  const opsetsA = opsetsOf(a);
  const opsetsB = opsetsOf(b);
  const opsets: OpsetDifference[] = [];
  for (const domain of new Set([...opsetsA.keys(), ...opsetsB.keys()])) {
    const va = opsetsA.get(domain);
    const vb = opsetsB.get(domain);
    if (va !== vb) opsets.push({ domain, a: va, b: vb });
  }

  const changed: ScopeDifference[] = [];
  for (const [scope, byOp] of scopes) {
    const diffs = [...byOp].filter(([, change]) => change !== 0).map(([op, change]) => ({ op, change }));
    if (diffs.length === 0) continue;
    const added = diffs.reduce((s, d) => s + Math.max(0, d.change), 0);
    const removed = diffs.reduce((s, d) => s + Math.max(0, -d.change), 0);
    changed.push({ scope, added, removed, ops: diffs });
  }
  changed.sort((x, y) => y.added + y.removed - (x.added + x.removed) || x.scope.localeCompare(y.scope));
  return { ops, opsets, scopes: changed };
}
