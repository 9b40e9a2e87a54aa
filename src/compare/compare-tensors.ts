import type { TensorInfo } from '../model/document';
import { tensorKey } from './normalize-tensor-name';

/** How a tensor differs between model A and model B. */
export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

/** What differs in a `changed` tensor. */
export type ChangeReason = 'dtype' | 'shape' | 'values';

/** One row of a comparison: a tensor matched by its key, on one side or both. */
export interface TensorDiff {
  /** The key both names normalize to (see tensorKey). */
  key: string;
  status: DiffStatus;
  /** Empty unless `changed`. */
  reasons: ChangeReason[];
  a?: TensorInfo;
  b?: TensorInfo;
}

/** A removed and an added tensor of the same dtype and shape: probably one tensor renamed. */
export interface ProbableRename {
  from: TensorInfo;
  to: TensorInfo;
}

export interface TensorComparison {
  /** Every tensor of either side, A's order first, then B's tensors that A lacks. */
  rows: TensorDiff[];
  renames: ProbableRename[];
}

/** Per side, what a tensor's name normalizes with: the architecture (config `model_type`, GGUF `general.architecture`). */
export interface CompareSide {
  tensors: readonly TensorInfo[];
  architecture?: string;
}

/** `same` when dtype and shape agree; `changed` with the reasons otherwise. A values comparison that found differences makes it `changed` too. */
export function classifyPair(a: TensorInfo, b: TensorInfo, valuesDiffer = false): Pick<TensorDiff, 'status' | 'reasons'> {
  const reasons: ChangeReason[] = [];
  if (a.dtype !== b.dtype) reasons.push('dtype');
  if (!sameShape(a.shape, b.shape)) reasons.push('shape');
  if (valuesDiffer) reasons.push('values');
  return { status: reasons.length > 0 ? 'changed' : 'same', reasons };
}

function sameShape(a: TensorInfo['shape'], b: TensorInfo['shape']): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Matches the tensors of two models by key (names normalized across formats) and classifies
 * each. A key that occurs twice on one side (two files of one group) keeps its first tensor.
 */
export function compareTensors(a: CompareSide, b: CompareSide): TensorComparison {
  const keyed = (side: CompareSide) => {
    const map = new Map<string, TensorInfo>();
    for (const t of side.tensors) {
      const key = tensorKey(t.name, side.architecture);
      if (!map.has(key)) map.set(key, t);
    }
    return map;
  };
  const left = keyed(a);
  const right = keyed(b);
  const rows: TensorDiff[] = [];
  for (const [key, ta] of left) {
    const tb = right.get(key);
    if (tb) rows.push({ key, a: ta, b: tb, ...classifyPair(ta, tb) });
    else rows.push({ key, status: 'removed', reasons: [], a: ta });
  }
  for (const [key, tb] of right) {
    if (!left.has(key)) rows.push({ key, status: 'added', reasons: [], b: tb });
  }
  return { rows, renames: findRenames(rows) };
}

/** The numbers in a name (`layers.3.experts.7` → `3,7`), so that a rename keeps its layer. */
function numbersOf(name: string): string {
  return (name.match(/\d+/g) ?? []).join(',');
}

/**
 * Pairs removed with added tensors of equal dtype and shape. Within one dtype and shape, a pair
 * whose names carry the same numbers (layer indexes) is preferred, then file order; each tensor
 * is in one pair at most.
 */
export function findRenames(rows: readonly TensorDiff[]): ProbableRename[] {
  const signature = (t: TensorInfo) => `${t.dtype}|${t.shape.join(',')}`;
  const added = new Map<string, TensorInfo[]>();
  for (const row of rows) {
    if (row.status !== 'added' || !row.b) continue;
    const list = added.get(signature(row.b));
    if (list) list.push(row.b);
    else added.set(signature(row.b), [row.b]);
  }
  const renames: ProbableRename[] = [];
  const taken = new Set<TensorInfo>();
  const paired = new Set<TensorInfo>();
  const removed = rows.filter((r) => r.status === 'removed' && r.a).map((r) => r.a!);
  // Two passes: same numbers first, then any left in order.
  for (const strict of [true, false]) {
    for (const from of removed) {
      if (paired.has(from)) continue;
      const candidates = added.get(signature(from));
      const to = candidates?.find((c) => !taken.has(c) && (!strict || numbersOf(c.name) === numbersOf(from.name)));
      if (!to) continue;
      taken.add(to);
      paired.add(from);
      renames.push({ from, to });
    }
  }
  return renames;
}
