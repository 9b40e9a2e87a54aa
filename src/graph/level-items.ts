import type { Scope, ScopeTree } from './build-scope-tree';
import { foldedChildren, type FoldedBlock, type FoldItem } from './fold-repeated-blocks';
import { DEFAULT_MAX_BOXES, MAX_IO_BOXES, MAX_RENDERED } from './view-limits';

/** One item of a scope's level: a child scope, a folded run of repeated child scopes, or a direct op. */
export type LevelItem = { kind: 'scope'; scope: Scope } | { kind: 'fold'; block: FoldedBlock } | { kind: 'op'; index: number };

const itemsCache = new WeakMap<Scope, LevelItem[]>();
const unfoldedCache = new WeakMap<Scope, LevelItem[]>();

function firstIndexOf(item: FoldItem): number {
  return item.kind === 'scope' ? item.scope.firstIndex : item.block.instances[0]!.firstIndex;
}

/** A scope's direct nodes and children (repeated runs folded unless `fold` is false), in graph order. Memoized. */
export function levelItems(scope: Scope, fold = true): LevelItem[] {
  const cache = fold ? itemsCache : unfoldedCache;
  let items = cache.get(scope);
  if (items) return items;
  items = [];
  const folded: FoldItem[] = fold ? foldedChildren(scope) : scope.children.map((child) => ({ kind: 'scope', scope: child }));
  let j = 0;
  for (const index of scope.nodeIndices) {
    while (j < folded.length && firstIndexOf(folded[j]!) < index) items.push(folded[j++]!);
    items.push({ kind: 'op', index });
  }
  while (j < folded.length) items.push(folded[j++]!);
  cache.set(scope, items);
  return items;
}

const wholeCache = new WeakMap<Scope, boolean>();

/**
 * Whether everything under a scope can be drawn at once, unfolded and fully expanded, as Netron
 * draws small graphs: every op and every scope a box, no level longer than a section, all of it
 * (with the graph's inputs and outputs and two stubs) within MAX_RENDERED. Memoized.
 */
export function drawsWhole(tree: ScopeTree, scope: Scope): boolean {
  const known = wholeCache.get(scope);
  if (known !== undefined) return known;
  const io = scope === tree.root ? Math.min(tree.graphInputs.length, MAX_IO_BOXES) + Math.min(tree.graphOutputs.length, MAX_IO_BOXES) : 0;
  let boxes = io + 2;
  let fits = scope.nodeCount <= MAX_RENDERED;
  const stack = [scope];
  while (fits && stack.length > 0) {
    const s = stack.pop()!;
    const items = s.nodes.length + s.children.length;
    boxes += items;
    fits = items <= DEFAULT_MAX_BOXES && boxes <= MAX_RENDERED;
    stack.push(...s.children);
  }
  wholeCache.set(scope, fits);
  return fits;
}

/** The ids of every scope under a scope, itself excluded. */
export function scopeIdsUnder(scope: Scope): string[] {
  const ids: string[] = [];
  const stack = [...scope.children];
  while (stack.length > 0) {
    const s = stack.pop()!;
    ids.push(s.id);
    stack.push(...s.children);
  }
  return ids;
}

/** The id of the box that draws an item. */
export function itemBoxId(tree: ScopeTree, item: LevelItem): string {
  if (item.kind === 'scope') return `scope:${item.scope.id}`;
  if (item.kind === 'fold') return `fold:${item.block.id}`;
  return `node:${tree.graph.nodes[item.index]!.id}`;
}

/** A name to show: blank names still need a visible label. */
export function displayName(name: string): string {
  return name.trim() === '' ? '(unnamed)' : name;
}

/** An item's name, for section labels. */
export function itemLabel(tree: ScopeTree, item: LevelItem): string {
  if (item.kind === 'scope') return displayName(item.scope.name);
  if (item.kind === 'fold') return item.block.label;
  const node = tree.graph.nodes[item.index]!;
  return node.name || node.opType;
}
