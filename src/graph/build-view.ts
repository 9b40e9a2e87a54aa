import type { Scope, ScopeTree } from './build-scope-tree';
import type { BuildViewOptions, GraphView } from './graph-view';
import { drawsWhole, levelItems, scopeIdsUnder, type LevelItem } from './level-items';
import { createViewContext } from './view-context';
import {
  aggregateEdges,
  assembleView,
  assignOffView,
  capEdges,
  pickSection,
  placeIoBoxes,
  placeLevelBoxes,
  placeStubBoxes,
  splitSections,
} from './view-phases';

export type { BuildViewOptions, GraphView, StubKind, ViewBox, ViewBoxKind, ViewEdge, ViewSection } from './graph-view';
export { groupValueNames } from './group-value-names';
export { DEFAULT_MAX_BOXES, MAX_DRAWN_EDGES, MAX_IO_BOXES, MAX_RENDERED, MAX_SECTION_BOXES, MAX_SECTION_STUBS, TOP_OPS_SHOWN } from './view-limits';

/**
 * Builds the view of one scope level: its direct ops and child scopes as boxes (repeated blocks
 * folded), expanded scopes drawn in place as long as the whole stays within MAX_RENDERED boxes,
 * a large level cut into sections, and the tensors between boxes aggregated into edges.
 * A sequence of named phases over one context (view-phases.ts).
 *
 * Cost: O(nodes and edges under the scope), plus the items of the level.
 */
export function buildView(tree: ScopeTree, scopeId = '', options: BuildViewOptions = {}): GraphView {
  const context = createViewContext(tree, scopeId, options);
  splitSections(context);
  pickSection(context);
  assignOffView(context);
  placeIoBoxes(context);
  placeLevelBoxes(context);
  aggregateEdges(context);
  capEdges(context);
  placeStubBoxes(context);
  return assembleView(context);
}

/** Items a first view aims for when it opens scopes by itself. */
export const FIRST_VIEW_TARGET = 40;

/**
 * Scopes worth expanding in a first view. All of them when the view draws whole (drawsWhole). Else,
 * while the level stays under `target` boxes, open the
 * scope boxes (never folded blocks) breadth-first, largest first. With Optimum's exports, the top
 * level is `model` and `lm_head`: this opens `model`, showing embed_tokens, layers ×N and norm.
 */
export function defaultExpanded(tree: ScopeTree, scopeId = '', target = FIRST_VIEW_TARGET): Set<string> {
  const view = tree.byId.get(scopeId) ?? tree.root;
  // A graph small enough is drawn whole, every scope open, as Netron does.
  if (drawsWhole(tree, view)) return new Set(scopeIdsUnder(view));
  const expanded = new Set<string>();
  let count = levelItems(view).length;
  if (count > target) return expanded;
  let frontier = levelItems(view);
  while (frontier.length > 0) {
    const scopes = frontier.filter((item): item is { kind: 'scope'; scope: Scope } => item.kind === 'scope');
    scopes.sort((a, b) => b.scope.nodeCount - a.scope.nodeCount);
    const next: LevelItem[] = [];
    for (const { scope } of scopes) {
      const children = levelItems(scope);
      if (count + children.length > target) continue; // The box stays, as the container.
      count += children.length;
      expanded.add(scope.id);
      next.push(...children);
    }
    frontier = next;
  }
  return expanded;
}
