import type { Scope, ScopeTree } from './build-scope-tree';

/** A run needs at least this many instances to fold. */
export const MIN_FOLD_RUN = 2;

/** Index suffixes longer than this are not indices (and would not parse to exact integers). */
const MAX_INDEX_DIGITS = 9;

/**
 * A run of sibling scopes with the same structure, shown as one block ×K:
 * `layers.0 … layers.31` → `layers.{0..31}` ×32.
 */
export interface FoldedBlock {
  /** `<parent id>/<label>`, or the label at the root: the key for `expanded` and instance choices. */
  id: string;
  /** `layers.{0..31}`; with a collapsed chain, `layers.{0..31}/mlp`. */
  label: string;
  /** The instances, in order (at least MIN_FOLD_RUN). */
  instances: Scope[];
  /** The numeric suffix of each instance (consecutive). */
  indices: number[];
  /** The instances' common structural signature. */
  signature: string;
}

/** A child scope as a level shows it: itself, or the folded block it belongs to. */
export type FoldItem = { kind: 'scope'; scope: Scope } | { kind: 'fold'; block: FoldedBlock };

/** A name of the form `prefixN`, `prefix.N`, `prefix_N` or `N`, optionally followed by `/rest` (a collapsed chain). */
export interface IndexedName {
  /** Up to and including the separator, if any: `layers.`, `block`; empty for a bare number. */
  prefix: string;
  /** The digits as written (`07` keeps its zero). */
  digits: string;
  index: number;
  /** `/mlp` for a collapsed chain, else empty. */
  rest: string;
}

/**
 * Splits `layers.3/mlp` into `layers.` + `3` + `/mlp` (and `block7` into `block` + `7`): exporters
 * spell indices every way, and folding still needs equal structure. Undefined when the name has no
 * index. Linear time.
 */
export function parseIndexedName(name: string): IndexedName | undefined {
  const slash = name.indexOf('/');
  const head = slash < 0 ? name : name.slice(0, slash);
  const rest = slash < 0 ? '' : name.slice(slash);
  let start = head.length;
  while (start > 0 && head.charCodeAt(start - 1) >= 48 && head.charCodeAt(start - 1) <= 57) start--;
  const digits = head.slice(start);
  if (digits.length === 0 || digits.length > MAX_INDEX_DIGITS) return undefined;
  return { prefix: head.slice(0, start), digits, index: Number(digits), rest };
}

/**
 * Folds runs of siblings that repeat: consecutive scopes whose names share a prefix and rest,
 * whose indices go up by one, and whose structural signatures are equal. Anything else (a
 * different layer, a gap in the numbering) ends the run. O(scopes).
 */
export function foldRepeatedBlocks(parentId: string, scopes: readonly Scope[]): FoldItem[] {
  const items: FoldItem[] = [];
  let i = 0;
  while (i < scopes.length) {
    const first = scopes[i]!;
    const parsed = parseIndexedName(first.name);
    let end = i + 1;
    if (parsed) {
      let previous = parsed.index;
      while (end < scopes.length) {
        const next = scopes[end]!;
        const p = parseIndexedName(next.name);
        if (!p || p.prefix !== parsed.prefix || p.rest !== parsed.rest || p.index !== previous + 1 || next.signature !== first.signature) break;
        previous = p.index;
        end++;
      }
    }
    if (parsed && end - i >= MIN_FOLD_RUN) {
      const instances = scopes.slice(i, end);
      const lastDigits = parseIndexedName(instances[instances.length - 1]!.name)!.digits;
      const label = `${parsed.prefix}{${parsed.digits}..${lastDigits}}${parsed.rest}`;
      items.push({
        kind: 'fold',
        block: {
          id: parentId === '' ? label : `${parentId}/${label}`,
          label,
          instances,
          indices: instances.map((s) => parseIndexedName(s.name)!.index),
          signature: first.signature,
        },
      });
      i = end;
    } else {
      items.push({ kind: 'scope', scope: first });
      i++;
    }
  }
  return items;
}

const foldCache = new WeakMap<Scope, FoldItem[]>();
const membership = new WeakMap<Scope, { block: FoldedBlock; position: number } | null>();

/** The children of a scope with repeated runs folded; memoized per scope. */
export function foldedChildren(scope: Scope): FoldItem[] {
  let items = foldCache.get(scope);
  if (!items) {
    items = foldRepeatedBlocks(scope.id, scope.children);
    foldCache.set(scope, items);
    for (const item of items) {
      if (item.kind === 'scope') membership.set(item.scope, null);
      else item.block.instances.forEach((instance, position) => membership.set(instance, { block: item.block, position }));
    }
  }
  return items;
}

/** The folded block a scope is an instance of, with its position in the run; undefined when it is not folded. */
export function foldContaining(tree: ScopeTree, scope: Scope): { block: FoldedBlock; position: number } | undefined {
  if (scope.parentId === undefined) return undefined;
  if (!membership.has(scope)) {
    const parent = tree.byId.get(scope.parentId);
    if (parent) foldedChildren(parent);
  }
  return membership.get(scope) ?? undefined;
}

/** Finds a folded block by id (`model/layers.{0..31}`) among the children of its parent scope. */
export function findFoldedBlock(tree: ScopeTree, foldId: string): FoldedBlock | undefined {
  // The parent is the root or a prefix ending before a `/`; names may hold `/` and `{`, so try each.
  const parents = [''];
  for (let i = foldId.indexOf('/'); i >= 0; i = foldId.indexOf('/', i + 1)) parents.push(foldId.slice(0, i));
  for (const parentId of parents) {
    const parent = tree.byId.get(parentId);
    if (!parent) continue;
    for (const item of foldedChildren(parent)) if (item.kind === 'fold' && item.block.id === foldId) return item.block;
  }
  return undefined;
}
