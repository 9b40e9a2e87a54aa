/** Summary statistics of run times, for the benchmark panel and the bench. */
export interface TimingSummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  mean: number;
  max: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(times: readonly number[]): TimingSummary {
  const sorted = [...times].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? NaN,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    mean: sorted.length ? sum / sorted.length : NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** "12.3 ms", "1.23 s", "850 µs". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
