import type { Dim, TensorInfo } from '../model/document';
import type { ElemType, Graph, Node, TypeInfo } from '../model/graph';
import { hashText } from './hash-text';

/**
 * Namespaces deeper than this are cut: the rest is kept as one last segment. Scope ids are
 * full paths, so a hostile 10,000-segment name would otherwise cost memory quadratic in its depth.
 */
export const MAX_SCOPE_DEPTH = 64;

/**
 * One scope of the graph: a namespace the exporter wrote into node names
 * (`/model/layers.3/self_attn/MatMul` lies in `model/layers.3/self_attn`).
 */
export interface Scope {
  /** The full path, e.g. `model/layers.3/mlp`; `''` for the root. Unique in the tree. */
  id: string;
  /** What to show: the last segment, or the joined segments of a collapsed chain (`layers.3/mlp`). */
  name: string;
  /** The parent's id; undefined for the root. */
  parentId: string | undefined;
  /** Child scopes, in the order their first node appears in the graph. */
  children: Scope[];
  /** Nodes directly in this scope (not in a child), in graph order. */
  nodes: Node[];
  /** Indices of `nodes` in `graph.nodes`, ascending. */
  nodeIndices: number[];
  /** Index in `graph.nodes` of the first node at any depth below: orders scopes among direct nodes. */
  firstIndex: number;
  /** Nodes at any depth below, folded constants included. */
  nodeCount: number;
  /** Folded constants directly in this scope (not drawn: see ScopeTree.foldedConstants). */
  foldedCount: number;
  /**
   * Elements of the initializers its nodes use, at any depth. Each initializer counts once, in the
   * scope of its first consumer (in graph order), so the counts of siblings add up to the parent's.
   */
  parameterCount: number;
  /** Op type → how many nodes at any depth below have it. */
  opHistogram: Map<string, number>;
  /**
   * Structural signature: a hash of the direct nodes' op types in order and of each child's name
   * and signature, computed bottom-up. Equal signatures mean the same structure (see fold-repeated-blocks).
   */
  signature: string;
}

/** A value's declared type, flattened for labels: dtype name and shape where known. */
export interface ValueType {
  /** `F32`, `I64`…; for a non-tensor type its kind (`sequence`, `map`…). */
  dtype?: string;
  shape?: Dim[];
}

/** A graph's scope tree, with the indexes views and searches need. Build once per graph. */
export interface ScopeTree {
  graph: Graph;
  root: Scope;
  /** Every scope by id (the root under `''`). */
  byId: Map<string, Scope>;
  /** The scope that directly holds each node, by index in `graph.nodes`. */
  scopeOfNode: Scope[];
  /** Node id → index in `graph.nodes`. */
  nodeIndexById: Map<string, number>;
  /** Value name → index of the node that produces it (the first one, for invalid graphs with two). */
  producer: Map<string, number>;
  /** Value name → indices of the nodes that consume it, ascending, each once. Initializers are left out. */
  consumers: Map<string, number[]>;
  /** Names of the graph inputs that are not initializers (IR < 4 lists initializers as inputs too). */
  graphInputs: string[];
  /** Names of the graph outputs. */
  graphOutputs: string[];
  /** Names of initializers: `graph.initializers`, sparse ones, and the keys of the map given. */
  initializerNames: Set<string>;
  /** Known types of values: from value_info, graph inputs and outputs, and initializers. */
  valueTypes: Map<string, ValueType>;
  /**
   * Values made by nodes folded into their consumers (see isFoldedConstant) → the folding node's
   * index. Those nodes are in no scope's `nodes`: views draw them as a mark on their consumers.
   */
  foldedConstants: Map<string, number>;
}

const STANDARD_DOMAINS = new Set(['', 'ai.onnx']);

/**
 * A node drawn as an input of its consumers rather than as a box: a `Constant`, or an `Identity`
 * of an initializer (or of another folded constant), as torch exports write for tied weights.
 * Neither carries any computation a reader follows, and as boxes they form rows of unconnected boxes.
 */
function isFoldedConstant(node: Node, constants: ReadonlySet<string>, outputs: ReadonlySet<string>): boolean {
  if (!STANDARD_DOMAINS.has(node.domain) || node.outputs.length !== 1 || !node.outputs[0] || outputs.has(node.outputs[0])) return false;
  if (node.opType === 'Constant') return node.inputs.every((input) => !input);
  return node.opType === 'Identity' && node.inputs.length === 1 && constants.has(node.inputs[0]!);
}

/** `/model/layers.3/self_attn/MatMul` → `model/layers.3/self_attn`, as the ONNX decoder derives it. */
function namespaceOfName(name: string): string {
  const last = name.lastIndexOf('/');
  if (last <= 0) return '';
  return name.slice(name.startsWith('/') ? 1 : 0, last);
}

function splitNamespace(namespace: string): string[] {
  const segments = namespace.split('/').filter((s) => s.length > 0);
  if (segments.length <= MAX_SCOPE_DEPTH) return segments;
  return [...segments.slice(0, MAX_SCOPE_DEPTH - 1), segments.slice(MAX_SCOPE_DEPTH - 1).join('/')];
}

function newScope(id: string, name: string, parentId: string | undefined): Scope {
  return {
    id,
    name,
    parentId,
    children: [],
    nodes: [],
    nodeIndices: [],
    firstIndex: Number.MAX_SAFE_INTEGER,
    nodeCount: 0,
    foldedCount: 0,
    parameterCount: 0,
    opHistogram: new Map(),
    signature: '',
  };
}

function elemTypeName(elemType: ElemType): string {
  return typeof elemType === 'number' ? `type ${elemType}` : elemType;
}

/** Flattens a TypeInfo for labels. */
export function valueTypeOf(type: TypeInfo): ValueType {
  switch (type.kind) {
    case 'tensor':
    case 'sparse_tensor':
      return type.shape ? { dtype: elemTypeName(type.elemType), shape: type.shape } : { dtype: elemTypeName(type.elemType) };
    case 'unknown':
      return {};
    default:
      return { dtype: type.kind };
  }
}

/**
 * Builds the scope tree of a graph in one pass over its nodes, then one bottom-up pass over the
 * scopes: O(nodes + edges + distinct namespaces × depth).
 *
 * A node's scope is its `namespace`, or the one its name implies (`/a/b/Op` → `a/b`) when that is
 * empty. A scope with no direct nodes and a single child scope is merged into that child (its name
 * becomes `layers.3/mlp`, its id the child's full path). When the root itself has only one child
 * and no nodes, the root takes that child's place (its content and name), so the first view is
 * never a single box.
 *
 * Nodes inside subgraphs (If/Loop/Scan bodies) are not part of this tree: build one tree per
 * subgraph when the user opens it.
 */
export function buildScopeTree(graph: Graph, initializers: ReadonlyMap<string, TensorInfo> = new Map()): ScopeTree {
  const root = newScope('', graph.name || 'graph', undefined);
  const byId = new Map<string, Scope>([['', root]]);
  const byNamespace = new Map<string, Scope>([['', root]]);
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  const nodeIndexById = new Map<string, number>();
  const directParameters = new Map<Scope, number>();

  const initializerNames = new Set<string>(graph.initializers);
  for (const name of graph.sparseInitializers) initializerNames.add(name);
  for (const name of initializers.keys()) initializerNames.add(name);
  const attributed = new Set<string>();

  // Graphs are topologically sorted, so one pass in order finds chains of folded constants.
  const foldedConstants = new Map<string, number>();
  const constantValues = new Set<string>(initializerNames);
  const graphOutputNames = new Set(graph.outputs.map((v) => v.name));
  graph.nodes.forEach((node, i) => {
    if (!isFoldedConstant(node, constantValues, graphOutputNames)) return;
    foldedConstants.set(node.outputs[0]!, i);
    constantValues.add(node.outputs[0]!);
  });
  const foldedNodeScope = new Map<number, Scope>();

  const scopeFor = (namespace: string): Scope => {
    let scope = root;
    let path = '';
    for (const segment of splitNamespace(namespace)) {
      path = path === '' ? segment : `${path}/${segment}`;
      let child = byId.get(path);
      if (!child) {
        child = newScope(path, segment, scope.id);
        byId.set(path, child);
        scope.children.push(child);
      }
      scope = child;
    }
    return scope;
  };

  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    nodeIndexById.set(node.id, i);
    const namespace = node.namespace || namespaceOfName(node.name);
    let scope = byNamespace.get(namespace);
    if (!scope) {
      scope = scopeFor(namespace);
      byNamespace.set(namespace, scope);
    }
    if (foldedConstants.get(node.outputs[0] ?? '') === i) {
      foldedNodeScope.set(i, scope);
      scope.foldedCount++;
      continue;
    }
    scope.nodes.push(node);
    scope.nodeIndices.push(i);
    for (const output of node.outputs) if (output && !producer.has(output)) producer.set(output, i);
    for (const input of node.inputs) {
      if (!input) continue; // An omitted optional input.
      if (initializerNames.has(input)) {
        if (!attributed.has(input)) {
          attributed.add(input);
          directParameters.set(scope, (directParameters.get(scope) ?? 0) + (initializers.get(input)?.elements ?? 0));
        }
        continue;
      }
      const list = consumers.get(input);
      if (!list) consumers.set(input, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  }

  // Bottom-up: post-order without recursion, since namespaces can be deep.
  const order: Scope[] = [];
  const stack: Scope[] = [root];
  while (stack.length > 0) {
    const scope = stack.pop()!;
    order.push(scope);
    for (const child of scope.children) stack.push(child);
  }
  const replacement = new Map<Scope, Scope>();
  for (let k = order.length - 1; k >= 0; k--) {
    const scope = order[k]!;
    scope.children = scope.children.map((child) => replacement.get(child) ?? child);
    summarize(scope, directParameters.get(scope) ?? 0);
    if (scope !== root && scope.nodes.length === 0 && scope.children.length === 1) {
      const child = scope.children[0]!;
      child.foldedCount += scope.foldedCount;
      child.nodeCount += scope.foldedCount;
      child.name = `${scope.name}/${child.name}`;
      child.parentId = scope.parentId;
      replacement.set(scope, child);
      byId.delete(scope.id);
    }
  }

  if (root.nodes.length === 0 && root.children.length === 1) {
    const only = root.children[0]!;
    byId.delete(only.id);
    root.name = only.name;
    root.children = only.children;
    root.nodes = only.nodes;
    root.nodeIndices = only.nodeIndices;
    root.foldedCount += only.foldedCount;
    root.signature = only.signature;
    for (const child of root.children) child.parentId = '';
  }

  const scopeOfNode = new Array<Scope>(nodes.length);
  for (const scope of byId.values()) for (const i of scope.nodeIndices) scopeOfNode[i] = scope;
  // A folded node whose scope was merged away lies in the scope that took its place.
  for (const [i, scope] of foldedNodeScope) scopeOfNode[i] = survivorOf(scope, replacement, byId, root);

  const valueTypes = new Map<string, ValueType>();
  for (const [name, tensor] of initializers) valueTypes.set(name, { dtype: tensor.dtype, shape: tensor.shape });
  for (const list of [graph.valueInfo, graph.inputs, graph.outputs]) {
    for (const info of list) {
      const type = valueTypeOf(info.type);
      if (type.dtype !== undefined || !valueTypes.has(info.name)) valueTypes.set(info.name, type);
    }
  }

  return {
    graph,
    root,
    byId,
    scopeOfNode,
    nodeIndexById,
    producer,
    consumers,
    graphInputs: graph.inputs.map((v) => v.name).filter((name) => !initializerNames.has(name)),
    graphOutputs: graph.outputs.map((v) => v.name),
    initializerNames,
    valueTypes,
    foldedConstants,
  };
}

/** The scope that holds what a scope held once chains were merged (into a child, or into the root). */
function survivorOf(scope: Scope, replacement: ReadonlyMap<Scope, Scope>, byId: ReadonlyMap<string, Scope>, root: Scope): Scope {
  let current = scope;
  for (let next = replacement.get(current); next; next = replacement.get(current)) current = next;
  return byId.get(current.id) === current ? current : root;
}

/** Fills the totals and the signature of a scope whose children are already summarized. */
function summarize(scope: Scope, directParameters: number): void {
  let nodeCount = scope.nodes.length + scope.foldedCount;
  let parameterCount = directParameters;
  const histogram = new Map<string, number>();
  let content = '';
  for (const node of scope.nodes) {
    histogram.set(node.opType, (histogram.get(node.opType) ?? 0) + 1);
    // Separators that cannot occur in a name: a structure can't be spelled two ways.
    content += `${node.domain}\u0001${node.opType}\u0002`;
  }
  content += '\u0003';
  for (const child of scope.children) {
    nodeCount += child.nodeCount;
    parameterCount += child.parameterCount;
    for (const [op, count] of child.opHistogram) histogram.set(op, (histogram.get(op) ?? 0) + count);
    content += `${child.name}\u0001${child.signature}\u0002`;
  }
  scope.nodeCount = nodeCount;
  scope.parameterCount = parameterCount;
  scope.opHistogram = histogram;
  scope.signature = hashText(content);
  const firstDirect = scope.nodeIndices[0] ?? Number.MAX_SAFE_INTEGER;
  const firstChild = scope.children[0]?.firstIndex ?? Number.MAX_SAFE_INTEGER;
  scope.firstIndex = Math.min(firstDirect, firstChild);
}

/** The ids of a scope's ancestors from the root's child down to the scope itself (the root excluded). */
export function scopePath(tree: ScopeTree, scope: Scope): string[] {
  const path: string[] = [];
  let current: Scope | undefined = scope;
  while (current && current !== tree.root) {
    path.push(current.id);
    current = current.parentId === undefined ? undefined : tree.byId.get(current.parentId);
  }
  return path.reverse();
}

/** The most frequent op types of a scope, most frequent first (ties in first-seen order). */
export function topOps(scope: Scope, limit: number): { opType: string; count: number }[] {
  const all = [...scope.opHistogram].map(([opType, count]) => ({ opType, count }));
  all.sort((a, b) => b.count - a.count);
  return all.slice(0, limit);
}
