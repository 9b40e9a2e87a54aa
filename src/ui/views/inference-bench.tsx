import { useEffect, useRef, useState } from 'react';
import type { BenchResult } from '../../inference/engine';
import { MAX_THREADS, type RuntimeOptions } from '../../inference/runtime-options';
import type { NamedTensor } from '../../inference/tensor';
import { formatMs } from '../../inference/timing';
import { CancelledError, toLoupeError } from '../../model/errors';
import { InferenceClient, type InferenceProgress, type ModelFiles } from '../../workers/inference-client';
import { describeProgress } from './inference-session';

/**
 * The benchmark panel: for each configuration (WASM 1 thread, WASM all threads, WebGPU where
 * there is an adapter), a fresh worker creates a session, runs once, warms up, then times N runs.
 * Each configuration's numbers are also User Timing measures, `loupe:inference:bench:<config>:<metric>`
 * with config `wasm-1`, `wasm-all` or `webgpu` and metric session, first, p50, p90 or min, so the
 * bench harness reads them like the app's other measures.
 */

export interface BenchConfig {
  id: string;
  label: string;
  options: RuntimeOptions;
}

export interface BenchRow {
  config: BenchConfig;
  backend?: string;
  threads?: number;
  fallback?: string;
  sessionMs?: number;
  result?: BenchResult;
  error?: string;
}

export function benchConfigs(hardwareConcurrency: number, hasWebGpu: boolean): BenchConfig[] {
  const all = Math.max(1, Math.min(hardwareConcurrency || 1, MAX_THREADS));
  const configs: BenchConfig[] = [{ id: 'wasm-1', label: 'WASM, 1 thread', options: { backend: 'wasm', threads: 1 } }];
  if (all > 1) configs.push({ id: 'wasm-all', label: `WASM, ${all} threads`, options: { backend: 'wasm', threads: all } });
  if (hasWebGpu) configs.push({ id: 'webgpu', label: 'WebGPU', options: { backend: 'webgpu', threads: all } });
  return configs;
}

function record(config: string, metric: string, duration: number): void {
  const end = performance.now();
  performance.measure(`loupe:inference:bench:${config}:${metric}`, { start: end - duration, end });
}

/** Whether the page can get a WebGPU adapter (undefined while asking). */
function useWebGpuAvailable(): boolean | undefined {
  const [available, setAvailable] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    (gpu
      ? gpu.requestAdapter().then(
          (a) => !!a,
          () => false,
        )
      : Promise.resolve(false)
    ).then((a) => live && setAvailable(a));
    return () => {
      live = false;
    };
  }, []);
  return available;
}

/** Benchmarks each configuration in turn, each in a fresh worker that is stopped afterwards. */
export async function runBenchmark(
  configs: readonly BenchConfig[],
  model: ModelFiles,
  feeds: NamedTensor[],
  settings: { warmupRuns: number; minWarmupMs: number; runs: number },
  signal: AbortSignal,
  report: { rows: (rows: BenchRow[]) => void; status: (message: string) => void },
): Promise<BenchRow[]> {
  const rows: BenchRow[] = configs.map((config) => ({ config }));
  report.rows([...rows]);
  for (const [i, config] of configs.entries()) {
    if (signal.aborted) break;
    const client = new InferenceClient(config.options, undefined, { measure: false });
    const update = (row: Partial<BenchRow>) => {
      rows[i] = { ...rows[i]!, ...row };
      report.rows([...rows]);
    };
    const onProgress = (p: InferenceProgress) => report.status(`${config.label}: ${describeProgress(p, model.model.path)}`);
    try {
      const t0 = performance.now();
      const info = await client.load(model, { signal, onProgress });
      const sessionMs = performance.now() - t0;
      update({ backend: info.backend, threads: info.threads, fallback: info.fallback, sessionMs });
      const result = await client.bench(feeds, { signal, ...settings, onProgress });
      update({ result });
      record(config.id, 'session', sessionMs);
      record(config.id, 'first', result.firstMs);
      record(config.id, 'p50', result.summary.p50);
      record(config.id, 'p90', result.summary.p90);
      record(config.id, 'min', result.summary.min);
    } catch (error) {
      if (!(error instanceof CancelledError)) update({ error: toLoupeError(error).message });
    } finally {
      client.dispose();
    }
  }
  return rows;
}

export function BenchPanel({ model, buildFeeds }: { model: ModelFiles; buildFeeds: () => Promise<NamedTensor[] | undefined> }) {
  const webgpu = useWebGpuAvailable();
  const configs = benchConfigs(navigator.hardwareConcurrency, !!webgpu);
  const [selected, setSelected] = useState<Record<string, boolean>>({});
  const [warmupRuns, setWarmupRuns] = useState(10);
  const [minWarmupS, setMinWarmupS] = useState(2);
  const [runs, setRuns] = useState(20);
  const [rows, setRows] = useState<BenchRow[]>([]);
  const [status, setStatus] = useState<{ running: boolean; message?: string }>({ running: false });
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const isSelected = (c: BenchConfig) => selected[c.id] ?? true;

  const start = async () => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    // The inputs are built in the inference worker, which a cancel or a crash can stop.
    const feeds = await buildFeeds().catch((error: unknown) => {
      if (!(error instanceof CancelledError)) setStatus({ running: false, message: toLoupeError(error).message });
      return undefined;
    });
    if (!feeds) return;
    setStatus({ running: true, message: 'Starting…' });
    await runBenchmark(configs.filter(isSelected), model, feeds, { warmupRuns, minWarmupMs: minWarmupS * 1000, runs }, c.signal, {
      rows: (r) => !c.signal.aborted && setRows(r),
      status: (message) => !c.signal.aborted && setStatus({ running: true, message }),
    });
    if (controller.current === c) {
      controller.current = null;
      setStatus({ running: false });
    }
  };

  const cancel = () => {
    controller.current?.abort();
    controller.current = null;
    setStatus({ running: false, message: 'Cancelled.' });
  };

  return (
    <details className="panel" data-testid="bench-panel">
      <summary>
        <strong>Benchmark</strong> <span className="muted">warm-up, then timed runs per backend, each in a fresh worker</span>
      </summary>
      <div className="toolbar" style={{ flexWrap: 'wrap', margin: '8px 0' }}>
        {configs.map((config) => (
          <label key={config.id}>
            <input
              type="checkbox"
              data-testid="bench-config"
              data-config={config.id}
              checked={isSelected(config)}
              onChange={(e) => setSelected({ ...selected, [config.id]: e.target.checked })}
            />{' '}
            {config.label}
          </label>
        ))}
        {webgpu === false && <span className="muted">(no WebGPU adapter in this browser)</span>}
      </div>
      <div className="toolbar" style={{ flexWrap: 'wrap', marginBottom: 8 }}>
        <label>
          warm-up runs{' '}
          <input
            type="number"
            min={0}
            data-testid="bench-warmup"
            value={warmupRuns}
            onChange={(e) => setWarmupRuns(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
          />
        </label>
        <label>
          at least (s){' '}
          <input
            type="number"
            min={0}
            step="any"
            data-testid="bench-warmup-seconds"
            value={minWarmupS}
            onChange={(e) => setMinWarmupS(Math.max(0, Number(e.target.value) || 0))}
          />
        </label>
        <label>
          timed runs{' '}
          <input type="number" min={1} data-testid="bench-runs" value={runs} onChange={(e) => setRuns(Math.max(1, Math.floor(Number(e.target.value) || 1)))} />
        </label>
        {status.running ? (
          <button type="button" data-testid="cancel-bench" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" data-testid="run-bench" onClick={() => void start()}>
            Run benchmark
          </button>
        )}
        {status.message && (
          <span className="muted" data-testid="bench-status">
            {status.message}
          </span>
        )}
      </div>
      {rows.length > 0 && (
        <table className="grid" data-testid="bench-table" data-done={status.running ? undefined : 'true'}>
          <thead>
            <tr>
              <th>configuration</th>
              <th className="num">session</th>
              <th className="num">first run</th>
              <th className="num">p50</th>
              <th className="num">p90</th>
              <th className="num">min</th>
              <th className="num">runs</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.config.id}
                data-testid="bench-row"
                data-config={row.config.id}
                data-backend={row.backend}
                data-threads={row.threads}
                data-session-ms={row.sessionMs}
                data-first-ms={row.result?.firstMs}
                data-p50={row.result?.summary.p50}
                data-p90={row.result?.summary.p90}
                data-min={row.result?.summary.min}
              >
                <td>
                  {row.config.label}
                  {row.fallback && <div className="muted">{row.fallback}</div>}
                  {row.error && <div className="inline-error">{row.error}</div>}
                </td>
                <td className="num">{row.sessionMs !== undefined ? formatMs(row.sessionMs) : ''}</td>
                <td className="num">{row.result ? formatMs(row.result.firstMs) : ''}</td>
                <td className="num">{row.result ? formatMs(row.result.summary.p50) : ''}</td>
                <td className="num">{row.result ? formatMs(row.result.summary.p90) : ''}</td>
                <td className="num">{row.result ? formatMs(row.result.summary.min) : ''}</td>
                <td className="num">{row.result ? `${row.result.times.length} (+${row.result.warmupRuns} warm-up)` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
