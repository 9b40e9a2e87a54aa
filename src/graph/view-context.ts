import type { Scope, ScopeTree } from './build-scope-tree';
import type { BuildViewOptions, ViewBox, ViewEdge, ViewSection } from './graph-view';
import { drawsWhole, type LevelItem } from './level-items';
import { DEFAULT_MAX_BOXES, MAX_SECTION_BOXES } from './view-limits';

/** Where everything outside the viewed scope goes: its ancestors resolve to it. */
export const OUTSIDE = '\u0000outside';
/** The viewed scope itself: flow that stays inside it without reaching a box is not drawn. */
export const NONE = '\u0000none';

/**
 * The state one buildView call passes from phase to phase. Each phase fills in or reads the
 * fields named in its comment; the order is buildView's.
 */
export interface ViewContext {
  readonly tree: ScopeTree;
  /** The scope drawn (the root when the id asked for is unknown). */
  readonly view: Scope;
  readonly isRoot: boolean;
  readonly options: BuildViewOptions;
  readonly expanded: ReadonlySet<string>;
  /** False when the view is small enough to draw whole (drawsWhole): repeated blocks are then drawn one by one. */
  readonly fold: boolean;
  /** Items per section, clamped to 1..MAX_SECTION_BOXES. */
  readonly maxBoxes: number;
  /** Sentences for the user, in the order the phases add them. */
  readonly notices: string[];
  /** Expansions asked for and left collapsed. */
  readonly refused: string[];
  /** splitSections: the level's items, and their slices. */
  items: LevelItem[];
  sections: ViewSection[];
  sectionItems: LevelItem[][];
  /** pickSection: the index of the section drawn, and the focused node's index when it is under the view. */
  current: number;
  focusIndex: number | undefined;
  /** Which box each scope (and its nodes) is drawn in, or OUTSIDE / NONE / a stub id; filled lazily by resolveNodeBox. */
  readonly assigned: Map<Scope, string>;
  /** Which box each node drawn on its own, or hidden in another section, is in. */
  readonly nodeBox: Map<number, string>;
  /** placeIoBoxes: graph input and output name → box id, and the boxes. */
  readonly inputBox: Map<string, string>;
  readonly outputBox: Map<string, string>;
  ioBoxes: ViewBox[];
  /** placeLevelBoxes: boxes spent from MAX_RENDERED, and the level's boxes (containers before their children). */
  used: number;
  boxes: ViewBox[];
  /** aggregateEdges, then capEdges: the edges drawn. */
  edges: ViewEdge[];
  /** placeStubBoxes: boxes for the ends of edges that leave what is drawn. */
  stubBoxes: ViewBox[];
}

/** The context for one view, before any phase has run. */
export function createViewContext(tree: ScopeTree, scopeId: string, options: BuildViewOptions): ViewContext {
  const view = tree.byId.get(scopeId) ?? tree.root;
  const notices: string[] = [];
  if (view.id !== scopeId) notices.push('That scope is not in this graph; showing the top level.');
  return {
    tree,
    view,
    isRoot: view === tree.root,
    options,
    expanded: options.expanded ?? new Set<string>(),
    fold: !drawsWhole(tree, view),
    maxBoxes: Math.max(1, Math.min(MAX_SECTION_BOXES, Math.floor(options.maxBoxes ?? DEFAULT_MAX_BOXES))),
    notices,
    refused: [],
    items: [],
    sections: [],
    sectionItems: [],
    current: 0,
    focusIndex: undefined,
    assigned: new Map(),
    nodeBox: new Map(),
    inputBox: new Map(),
    outputBox: new Map(),
    ioBoxes: [],
    used: 0,
    boxes: [],
    edges: [],
    stubBoxes: [],
  };
}

/** The box a scope is drawn in: its own, or its nearest assigned ancestor's. Caches the answer along the way. */
export function resolveScopeBox(context: ViewContext, scope: Scope): string {
  const { assigned, tree } = context;
  const chain: Scope[] = [];
  let s: Scope | undefined = scope;
  let found = assigned.get(s);
  while (found === undefined) {
    chain.push(s);
    s = s.parentId === undefined ? undefined : tree.byId.get(s.parentId);
    if (!s) {
      found = OUTSIDE;
      break;
    }
    found = assigned.get(s);
  }
  for (const c of chain) assigned.set(c, found);
  return found;
}

/** The box a node is drawn in. */
export function resolveNodeBox(context: ViewContext, index: number): string {
  return context.nodeBox.get(index) ?? resolveScopeBox(context, context.tree.scopeOfNode[index]!);
}
