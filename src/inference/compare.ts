import { isBigIntDType, numberAt, type HostTensor } from './tensor';
import { formatShape } from '../model/units';

/**
 * Comparison of an output with its expected value, as numpy.testing.assert_allclose does it:
 * an element passes when |actual − expected| ≤ atol + rtol·|expected|. NaN equals NaN, an infinity
 * equals only the same infinity. Integers and booleans compare by value (64-bit integers exactly),
 * strings by equality.
 */

export const DEFAULT_RTOL = 1e-3;
export const DEFAULT_ATOL = 1e-5;

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface Comparison {
  pass: boolean;
  /** Largest |actual − expected| over the elements (0 when equal; Infinity when an infinity or NaN differs). */
  maxAbs: number;
  /** Largest |actual − expected| / |expected| over the elements whose expected value is not zero. */
  maxRel: number;
  /** How many elements are outside the tolerance. */
  mismatches: number;
  /** How many elements were compared. */
  count: number;
  /** The first element outside the tolerance. */
  firstMismatch?: { index: number; actual: number | string; expected: number | string };
  /** Why the tensors could not be compared element by element (shape or type), when they could not. */
  reason?: string;
  /** Differences that do not fail the comparison (e.g. float64 expected for a float32 output). */
  notes: string[];
}

function squeeze(dims: readonly number[]): number[] {
  return dims.filter((d) => d !== 1);
}

export function compareTensors(actual: HostTensor, expected: HostTensor, tolerance: Partial<Tolerance> = {}): Comparison {
  const rtol = tolerance.rtol ?? DEFAULT_RTOL;
  const atol = tolerance.atol ?? DEFAULT_ATOL;
  const notes: string[] = [];
  const fail = (reason: string): Comparison => ({ pass: false, maxAbs: NaN, maxRel: NaN, mismatches: 0, count: 0, reason, notes });

  const sameShape = actual.dims.length === expected.dims.length && actual.dims.every((d, i) => d === expected.dims[i]);
  if (!sameShape) {
    const a = squeeze(actual.dims);
    const e = squeeze(expected.dims);
    if (a.length !== e.length || a.some((d, i) => d !== e[i])) {
      return fail(`the shapes differ: ${formatShape(actual.dims)} vs expected ${formatShape(expected.dims)}`);
    }
    notes.push(`the shapes differ only in dimensions of size 1: ${formatShape(actual.dims)} vs expected ${formatShape(expected.dims)}`);
  }
  if ((actual.dtype === 'string') !== (expected.dtype === 'string')) return fail(`${actual.dtype} cannot be compared with ${expected.dtype}`);
  if (actual.dtype !== expected.dtype) notes.push(`the types differ: ${actual.dtype} vs expected ${expected.dtype}; compared by value`);

  const count = actual.data.length;
  let maxAbs = 0;
  let maxRel = 0;
  let mismatches = 0;
  let firstMismatch: Comparison['firstMismatch'];

  if (actual.dtype === 'string') {
    const a = actual.data as string[];
    const e = expected.data as string[];
    for (let i = 0; i < count; i++) {
      if (a[i] === e[i]) continue;
      mismatches++;
      firstMismatch ??= { index: i, actual: a[i]!, expected: e[i]! };
    }
    return { pass: mismatches === 0, maxAbs: mismatches ? Infinity : 0, maxRel: mismatches ? Infinity : 0, mismatches, count, firstMismatch, notes };
  }

  const bothBig = isBigIntDType(actual.dtype) && isBigIntDType(expected.dtype);
  for (let i = 0; i < count; i++) {
    let abs: number;
    let ok: boolean;
    let e: number;
    let a: number;
    if (bothBig) {
      const ab = (actual.data as BigInt64Array | BigUint64Array)[i]!;
      const eb = (expected.data as BigInt64Array | BigUint64Array)[i]!;
      const diff = ab > eb ? ab - eb : eb - ab;
      abs = Number(diff);
      a = Number(ab);
      e = Number(eb);
      ok = diff === 0n || abs <= atol + rtol * Math.abs(e);
    } else {
      a = numberAt(actual, i);
      e = numberAt(expected, i);
      if (Number.isNaN(a) || Number.isNaN(e)) {
        ok = Number.isNaN(a) && Number.isNaN(e);
        abs = ok ? 0 : Infinity;
      } else if (!Number.isFinite(a) || !Number.isFinite(e)) {
        ok = a === e;
        abs = ok ? 0 : Infinity;
      } else {
        abs = Math.abs(a - e);
        ok = abs <= atol + rtol * Math.abs(e);
      }
    }
    if (abs > maxAbs) maxAbs = abs;
    if (e !== 0 && Number.isFinite(e) && abs > 0) {
      const rel = abs / Math.abs(e);
      if (rel > maxRel) maxRel = rel;
    }
    if (!ok) {
      mismatches++;
      firstMismatch ??= { index: i, actual: a, expected: e };
    }
  }
  return { pass: mismatches === 0, maxAbs, maxRel, mismatches, count, firstMismatch, notes };
}

/** One line for people: "pass: max abs 1.2e-6, max rel 3.4e-5" or why it failed. */
export function describeComparison(c: Comparison, tolerance: Partial<Tolerance> = {}): string {
  const rtol = tolerance.rtol ?? DEFAULT_RTOL;
  const atol = tolerance.atol ?? DEFAULT_ATOL;
  if (c.reason) return `fail: ${c.reason}`;
  const errors = `max abs ${formatError(c.maxAbs)}, max rel ${formatError(c.maxRel)}`;
  if (c.pass) return `pass (rtol ${rtol}, atol ${atol}): ${errors}`;
  const m = c.firstMismatch;
  const first = m ? `; first at element ${m.index}: ${String(m.actual)} vs expected ${String(m.expected)}` : '';
  return `fail: ${c.mismatches} of ${c.count} elements outside rtol ${rtol}, atol ${atol}; ${errors}${first}`;
}

export function formatError(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  return value.toExponential(2);
}
