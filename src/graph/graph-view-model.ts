import type { TensorInfo } from '../model/document';
import type { Graph } from '../model/graph';
import { buildScopeTree, type ScopeTree, type ValueType } from './build-scope-tree';
import { buildView, defaultExpanded, type GraphView } from './build-view';
import type { DiagramTheme } from './op-category';
import { searchGraph, type SearchResult } from './search-graph';
import { toMermaid, type MermaidDiagram } from './to-mermaid';

/**
 * The graph view's model, computed away from the page (the parse worker): the scope tree of a
 * graph, built once and kept per graph, and from it one view and its mermaid text per request.
 * Everything here crosses a worker boundary by structured clone, so it is plain data.
 */

/** Graphs whose scope trees are kept: the open document's graph and a few subgraphs. */
export const MAX_CACHED_GRAPHS = 8;

/** What the page asks to see: the scope, what is expanded in place, which instances and section, a node to show. */
export interface GraphViewRequest {
  scopeId: string;
  /** Scope and fold ids drawn expanded; undefined for the scope's default (the first view). */
  expanded?: string[];
  /** Fold id → the instance shown. */
  instances: [string, number][];
  sectionId?: string;
  focusNodeId?: string;
  theme: DiagramTheme;
}

/** A drawn box as the page needs it: which view box a mermaid id is, of what kind, for which node. */
export interface DiagramBox {
  boxId: string;
  kind: string;
  nodeId?: string;
}

export interface GraphViewModel {
  view: GraphView;
  diagram: MermaidDiagram;
  /** Mermaid id → the box it draws. */
  boxes: [string, DiagramBox][];
  /** The expanded ids the view was built with (the default ones when none were asked for). */
  expanded: string[];
}

/** A node's details that come from the whole graph: where it is, and the types of its values. */
export interface GraphNodeDetails {
  nodeIndex: number;
  valueTypes: [string, ValueType][];
  /**
   * Inputs that are folded constants (ScopeTree.foldedConstants) → what holds the value: the index
   * of the `Constant` node, or the name of the initializer a chain of `Identity` nodes passes on.
   */
  constants: [string, number | string][];
}

/** Follows a folded constant through its Identity nodes to the Constant node's index or the initializer's name. */
function constantSource(tree: ScopeTree, name: string): number | string | undefined {
  let value = name;
  // Each folded Identity reads a value folded before it, so the chain has at most one step per node.
  for (let steps = 0; steps <= tree.graph.nodes.length; steps++) {
    const index = tree.foldedConstants.get(value);
    if (index === undefined) return tree.initializerNames.has(value) ? value : undefined;
    const node = tree.graph.nodes[index]!;
    if (node.opType === 'Constant') return index;
    value = node.inputs[0]!;
  }
  return undefined;
}

export function graphViewModel(tree: ScopeTree, request: GraphViewRequest): GraphViewModel {
  const expanded = request.expanded ? new Set(request.expanded) : defaultExpanded(tree, request.scopeId);
  const view = buildView(tree, request.scopeId, {
    expanded,
    instances: new Map(request.instances),
    sectionId: request.sectionId,
    focusNodeId: request.focusNodeId,
  });
  const diagram = toMermaid(view, { theme: request.theme, highlight: view.focusBoxId });
  const byBox = new Map(view.boxes.map((b) => [b.id, b]));
  const boxes: [string, DiagramBox][] = [];
  for (const [mermaidId, boxId] of diagram.idToBox) {
    const box = byBox.get(boxId);
    if (box) boxes.push([mermaidId, { boxId, kind: box.kind, ...(box.nodeId !== undefined ? { nodeId: box.nodeId } : {}) }]);
  }
  return { view, diagram, boxes, expanded: [...expanded] };
}

export function graphNodeDetails(tree: ScopeTree, nodeId: string): GraphNodeDetails | undefined {
  const nodeIndex = tree.nodeIndexById.get(nodeId);
  const node = nodeIndex === undefined ? undefined : tree.graph.nodes[nodeIndex];
  if (nodeIndex === undefined || !node) return undefined;
  const valueTypes: [string, ValueType][] = [];
  for (const name of [...node.inputs, ...node.outputs]) {
    const type = tree.valueTypes.get(name);
    if (type) valueTypes.push([name, type]);
  }
  const constants: [string, number | string][] = [];
  for (const name of node.inputs) {
    const source = tree.foldedConstants.has(name) ? constantSource(tree, name) : undefined;
    if (source !== undefined) constants.push([name, source]);
  }
  return { nodeIndex, valueTypes, constants };
}

/** Scope trees by graph key, the most recently used last; the oldest goes past MAX_CACHED_GRAPHS. */
export class GraphViewCache {
  #trees = new Map<string, ScopeTree>();

  load(key: string, graph: Graph, initializers: readonly TensorInfo[]): void {
    this.#trees.delete(key);
    this.#trees.set(key, buildScopeTree(graph, new Map(initializers.map((t) => [t.name, t]))));
    while (this.#trees.size > MAX_CACHED_GRAPHS) this.#trees.delete(this.#trees.keys().next().value!);
  }

  /** Forgets a key's tree (a request for it then answers `kept: false`). */
  drop(key: string): void {
    this.#trees.delete(key);
  }

  /** The tree for a key, or undefined when it was never loaded here or was dropped. */
  tree(key: string): ScopeTree | undefined {
    const tree = this.#trees.get(key);
    if (tree) {
      this.#trees.delete(key);
      this.#trees.set(key, tree);
    }
    return tree;
  }

  view(key: string, request: GraphViewRequest): GraphViewModel | undefined {
    const tree = this.tree(key);
    return tree && graphViewModel(tree, request);
  }

  search(key: string, query: string, limit: number): SearchResult | undefined {
    const tree = this.tree(key);
    return tree && searchGraph(tree, query, { limit });
  }

  node(key: string, nodeId: string): GraphNodeDetails | undefined {
    const tree = this.tree(key);
    return tree && graphNodeDetails(tree, nodeId);
  }
}
