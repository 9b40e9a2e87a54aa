import type { Scope, ScopeTree } from './build-scope-tree';
import { foldedChildren, type FoldedBlock, type FoldItem } from './fold-repeated-blocks';

/** One item of a scope's level: a child scope, a folded run of repeated child scopes, or a direct op. */
export type LevelItem = { kind: 'scope'; scope: Scope } | { kind: 'fold'; block: FoldedBlock } | { kind: 'op'; index: number };

const itemsCache = new WeakMap<Scope, LevelItem[]>();

function firstIndexOf(item: FoldItem): number {
  return item.kind === 'scope' ? item.scope.firstIndex : item.block.instances[0]!.firstIndex;
}

/** A scope's direct nodes and (folded) children, in graph order. Memoized. */
export function levelItems(scope: Scope): LevelItem[] {
  let items = itemsCache.get(scope);
  if (items) return items;
  items = [];
  const folded = foldedChildren(scope);
  let j = 0;
  for (const index of scope.nodeIndices) {
    while (j < folded.length && firstIndexOf(folded[j]!) < index) items.push(folded[j++]!);
    items.push({ kind: 'op', index });
  }
  while (j < folded.length) items.push(folded[j++]!);
  itemsCache.set(scope, items);
  return items;
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
