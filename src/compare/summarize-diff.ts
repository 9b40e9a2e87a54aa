import type { TensorInfo } from '../model/document';
import type { DiffStatus, TensorDiff } from './compare-tensors';

/** Parameters and bytes of one side's tensors. */
export interface SideTotals {
  tensors: number;
  parameters: number;
  bytes: number;
}

/** Tensors that went from one dtype to another, and what that did to their bytes. */
export interface DtypeTransition {
  from: string;
  to: string;
  tensors: number;
  bytesA: number;
  bytesB: number;
  /** (bytesB − bytesA) / bytesA; −0.5 for F32 → BF16. NaN when A had no bytes. */
  bytesChange: number;
}

export interface DiffSummary {
  counts: Record<DiffStatus, number>;
  a: SideTotals;
  b: SideTotals;
  /** By tensor count, most first. */
  transitions: DtypeTransition[];
}

function totals(tensors: readonly (TensorInfo | undefined)[]): SideTotals {
  let count = 0;
  let parameters = 0;
  let bytes = 0;
  for (const t of tensors) {
    if (!t) continue;
    count++;
    parameters += t.elements;
    bytes += t.byteLength;
  }
  return { tensors: count, parameters, bytes };
}

/** Counts by status, totals on each side, and the bytes each dtype change cost or saved. */
export function summarizeDiff(rows: readonly TensorDiff[]): DiffSummary {
  const counts: Record<DiffStatus, number> = { same: 0, changed: 0, added: 0, removed: 0 };
  const byTransition = new Map<string, DtypeTransition>();
  for (const row of rows) {
    counts[row.status]++;
    if (!row.a || !row.b || row.a.dtype === row.b.dtype) continue;
    const id = `${row.a.dtype}→${row.b.dtype}`;
    let t = byTransition.get(id);
    if (!t) byTransition.set(id, (t = { from: row.a.dtype, to: row.b.dtype, tensors: 0, bytesA: 0, bytesB: 0, bytesChange: NaN }));
    t.tensors++;
    t.bytesA += row.a.byteLength;
    t.bytesB += row.b.byteLength;
  }
  const transitions = [...byTransition.values()].map((t) => ({ ...t, bytesChange: t.bytesA > 0 ? (t.bytesB - t.bytesA) / t.bytesA : NaN }));
  transitions.sort((x, y) => y.tensors - x.tensors);
  return { counts, a: totals(rows.map((r) => r.a)), b: totals(rows.map((r) => r.b)), transitions };
}

/** "F32 → BF16 on 39 tensors, −50% bytes". */
export function describeTransition(t: DtypeTransition): string {
  const percent = Number.isFinite(t.bytesChange) ? `, ${t.bytesChange < 0 ? '−' : '+'}${formatPercent(Math.abs(t.bytesChange))} bytes` : '';
  return `${t.from} → ${t.to} on ${t.tensors} tensor${t.tensors === 1 ? '' : 's'}${percent}`;
}

function formatPercent(share: number): string {
  const p = share * 100;
  return `${Number.isInteger(Math.round(p * 10) / 10) ? Math.round(p) : p.toFixed(1)}%`;
}
