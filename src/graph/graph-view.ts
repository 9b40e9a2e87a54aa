import type { ValueType } from './build-scope-tree';
import type { OpCategory } from './op-category';

/** What a box stands for. */
export type ViewBoxKind = 'scope' | 'fold' | 'op' | 'input' | 'output' | 'stub';

/** What a stub stands for: the graph outside the scope, another section, or a folded block's other instances. */
export type StubKind = 'outside-in' | 'outside-out' | 'section' | 'sections' | 'instances';

/** One box of a view. Labels are raw text: to-mermaid escapes them. */
export interface ViewBox {
  /** `scope:<scope id>`, `fold:<fold id>`, `node:<node id>`, `input:<name>`, `output:<name>`, `stub:…`. Never a mermaid id. */
  id: string;
  kind: ViewBoxKind;
  /** The main line: scope name, fold label, op type, value name. */
  label: string;
  /** Further lines: counts, top ops, node name, type. */
  detail: string[];
  /** The expanded box this one is drawn inside; absent at the level's top. */
  parent?: string;
  /** True when the box is drawn as a container (mermaid subgraph) holding its children. */
  expanded?: boolean;
  /** Scope boxes: the scope. */
  scopeId?: string;
  /** Fold boxes and their instances stub: the folded block. */
  foldId?: string;
  /** Fold boxes: the scope id of each instance, in order. */
  instanceScopeIds?: string[];
  /** Expanded fold boxes: the position of the instance shown. */
  shownInstance?: number;
  /** Op boxes: the node. */
  nodeId?: string;
  opType?: string;
  domain?: string;
  /** Op boxes: how many of its inputs are folded constants (ScopeTree.foldedConstants), drawn as a mark. */
  constantInputs?: number;
  category?: OpCategory;
  /** Scope and fold boxes: false when the box holds too many items to draw in place, so that a click opens it instead. */
  opensInPlace?: boolean;
  /** Scope and fold boxes: nodes under it (one instance's, for a fold). */
  nodeCount?: number;
  /** Scope and fold boxes: parameters under it (all instances, for a fold). */
  parameterCount?: number;
  topOps?: { opType: string; count: number }[];
  /** Input and output boxes: the graph values they stand for. */
  valueNames?: string[];
  /** Stub boxes: what they stand for. */
  stub?: StubKind;
  /** Stubs to a section: which one. */
  sectionId?: string;
}

/** An aggregated edge: the tensors that flow from one box to another. */
export interface ViewEdge {
  id: string;
  from: string;
  to: string;
  /** Distinct tensors flowing between the two boxes. */
  count: number;
  /** The first few tensor names (all of them up to 8). */
  tensorNames: string[];
  /** When count is 1: the tensor and its declared type, where known. */
  tensor?: { name: string } & ValueType;
}

/** A slice of a level too large to draw at once. */
export interface ViewSection {
  id: string;
  label: string;
  /** Box ids of the level's items in this section, whether drawn now or not. */
  boxIds: string[];
}

/** One level of the graph, ready for to-mermaid. */
export interface GraphView {
  scopeId: string;
  /** The scope's name. */
  title: string;
  /** From the top level to this scope. */
  breadcrumb: { scopeId: string; label: string }[];
  /** Set when the scope is one instance of a folded block: lets the UI offer the other instances. */
  instanceOf?: { foldId: string; label: string; position: number; count: number; instanceScopeIds: string[] };
  /** Boxes to draw; a container comes before the boxes inside it. */
  boxes: ViewBox[];
  edges: ViewEdge[];
  /** Always at least one. */
  sections: ViewSection[];
  /** The section drawn. */
  sectionId: string;
  /** Equal to boxes.length; never above MAX_RENDERED. */
  renderedCount: number;
  /** Nodes under this scope, drawn or not. */
  nodeCount: number;
  /** Ids from `expanded` that were left collapsed (too big, or over the budget). */
  refused: string[];
  /** Sentences for the user: what was left collapsed or not drawn, and why. */
  notices: string[];
  /** With `focusNodeId`: the box that shows that node. */
  focusBoxId?: string;
}

/** How to build a view. */
export interface BuildViewOptions {
  /** Scope ids and fold ids to draw expanded in place (as containers) rather than as one box. */
  expanded?: ReadonlySet<string>;
  /** Fold id → position (0-based) of the instance an expanded fold shows; 0 by default. */
  instances?: ReadonlyMap<string, number>;
  /** The section to draw; the first (or the focused node's) by default. */
  sectionId?: string;
  /** A node to show: picks its section, and `focusBoxId` says which box holds it. */
  focusNodeId?: string;
  /** Items per section (DEFAULT_MAX_BOXES; at most MAX_SECTION_BOXES). */
  maxBoxes?: number;
}
