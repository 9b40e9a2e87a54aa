import { useEffect, useMemo, useState } from 'react';
import { describeComparison, type Comparison, type Tolerance } from '../../inference/compare';
import type { OutputSummary } from '../../inference/input-work';
import { encodeNpy } from '../../inference/npy';
import { formatInteger, formatNumber, formatShape } from '../../model/units';
import type { NamedTensor } from '../../inference/tensor';
import { formatMs } from '../../inference/timing';
import { FilePickerButton } from '../file-picker-button';
import { CancelledError } from '../../model/errors';
import type { ExpectedFile } from '../../workers/inference-protocol';

/**
 * The outputs area: per output its shape, type, statistics, first values, download, comparison
 * and top-k. Statistics and comparisons are computed in the inference worker; this only shows them.
 */

export type RunState =
  | { state: 'idle' }
  | { state: 'running'; message: string }
  | { state: 'done'; outputs: NamedTensor[]; summaries: OutputSummary[]; ms: number; wallMs: number }
  | { state: 'error'; message: string; node?: string; detail?: string }
  | { state: 'cancelled' };

/** An expected-output file: its bytes stay in the Blob and are decoded in the worker. */
export interface ExpectedTensor {
  fileName: string;
  blob: Blob;
}

/** Compares outputs with expected files, in the worker. */
export type CompareOutputs = (outputs: NamedTensor[], expected: ExpectedFile[], tolerance: Tolerance) => Promise<Record<string, Comparison>>;

interface OutputsProps {
  run: RunState;
  runs: number;
  expected: Map<string, ExpectedTensor>;
  expectedNotes: string[];
  tolerance: Tolerance;
  labels?: Record<string, unknown>;
  compare: CompareOutputs;
  onTolerance: (t: Tolerance) => void;
  onLoadExpected: (files: File[]) => void;
  onClearExpected: () => void;
}

export function OutputsPanel({ run, runs, expected, expectedNotes, tolerance, labels, compare, onTolerance, onLoadExpected, onClearExpected }: OutputsProps) {
  const outputs = useMemo(() => (run.state === 'done' ? run.outputs : []), [run]);
  const summaries = useMemo(() => new Map((run.state === 'done' ? run.summaries : []).map((s) => [s.name, s])), [run]);
  const comparisons = useComparisons(outputs, expected, tolerance, compare);
  const compared = [...comparisons.values()];
  const overall = compared.length === 0 ? undefined : compared.every((c) => c.pass) ? 'pass' : 'fail';

  return (
    <section
      className="panel"
      aria-label="Outputs"
      data-testid="inference-output"
      data-state={run.state}
      data-runs={runs}
      data-compare={overall}
      data-ms={run.state === 'done' ? run.ms.toFixed(3) : undefined}
    >
      <h2>Outputs</h2>
      <div className="toolbar" style={{ flexWrap: 'wrap', marginBottom: 8 }}>
        <FilePickerButton multiple accept=".npy,.pb" testId="expected-files" onFiles={onLoadExpected}>
          Compare with expected (.npy, .pb)
        </FilePickerButton>
        <label>
          rtol{' '}
          <input
            type="number"
            step="any"
            data-testid="rtol"
            value={tolerance.rtol}
            onChange={(e) => e.target.value !== '' && onTolerance({ ...tolerance, rtol: Number(e.target.value) })}
          />
        </label>
        <label>
          atol{' '}
          <input
            type="number"
            step="any"
            data-testid="atol"
            value={tolerance.atol}
            onChange={(e) => e.target.value !== '' && onTolerance({ ...tolerance, atol: Number(e.target.value) })}
          />
        </label>
        {expected.size > 0 && (
          <>
            <span className="muted">expected: {[...expected.entries()].map(([name, e]) => `${name} ← ${e.fileName}`).join(', ')}</span>
            <button type="button" className="linkish" onClick={onClearExpected}>
              Clear
            </button>
          </>
        )}
      </div>
      {expectedNotes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      {run.state === 'idle' && <p className="muted">Run the model to see its outputs.</p>}
      {run.state === 'running' && <p aria-busy="true">{run.message}</p>}
      {run.state === 'cancelled' && <p className="muted">Cancelled. The worker was stopped; the next run starts a fresh one.</p>}
      {run.state === 'error' && (
        <div className="error-panel" role="alert" data-testid="inference-error" data-node={run.node}>
          <strong>Error</strong>
          <p>{run.message}</p>
          {run.detail && run.detail !== run.message && (
            <details>
              <summary>ONNX Runtime's message</summary>
              <pre style={{ whiteSpace: 'pre-wrap' }}>{run.detail}</pre>
            </details>
          )}
        </div>
      )}
      {run.state === 'done' && (
        <>
          <p className="muted">
            {outputs.length} output{outputs.length === 1 ? '' : 's'} in {formatMs(run.ms)} (session.run), {formatMs(run.wallMs)} with the transfer.
            {overall && (
              <>
                {' '}
                Comparison: <strong className={overall === 'pass' ? 'ok' : 'inline-error'}>{overall}</strong>.
              </>
            )}
          </p>
          {outputs.map((output) => (
            <OutputBlock
              key={output.name}
              output={output}
              summary={summaries.get(output.name)}
              comparison={comparisons.get(output.name)}
              tolerance={tolerance}
              labels={labels}
            />
          ))}
        </>
      )}
    </section>
  );
}

/** The comparisons of the outputs with the expected files, asked of the worker whenever either side or the tolerance changes. */
function useComparisons(outputs: NamedTensor[], expected: Map<string, ExpectedTensor>, tolerance: Tolerance, compare: CompareOutputs): Map<string, Comparison> {
  const [state, setState] = useState<{ key: unknown[]; comparisons: Map<string, Comparison> } | undefined>();
  useEffect(() => {
    const files: ExpectedFile[] = outputs.flatMap((o) => {
      const e = expected.get(o.name);
      return e ? [{ output: o.name, name: e.fileName, blob: e.blob }] : [];
    });
    if (files.length === 0) return;
    let current = true;
    compare(outputs, files, tolerance).then(
      (result) => current && setState({ key: [outputs, expected, tolerance], comparisons: new Map(Object.entries(result)) }),
      (error: unknown) => {
        if (!(error instanceof CancelledError)) console.error('Loupe: the outputs could not be compared', error);
      },
    );
    return () => {
      current = false;
    };
  }, [outputs, expected, tolerance, compare]);
  const fresh = state && state.key[0] === outputs && state.key[1] === expected && state.key[2] === tolerance;
  return fresh ? state.comparisons : EMPTY;
}

const EMPTY = new Map<string, Comparison>();

function download(output: NamedTensor): void {
  const blob = new Blob([encodeNpy(output)], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${output.name.replace(/[^\w.-]/g, '_')}.npy`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function OutputBlock({
  output,
  summary,
  comparison,
  tolerance,
  labels,
}: {
  output: NamedTensor;
  summary?: OutputSummary;
  comparison?: Comparison;
  tolerance: Tolerance;
  labels?: Record<string, unknown>;
}) {
  if (!summary) return null;
  const { stats, first } = summary;
  const top = summary.top?.map((t) => {
    const label = labels?.[String(t.index)];
    return typeof label === 'string' ? { ...t, label } : t;
  });
  return (
    <div
      data-testid="output-tensor"
      data-name={output.name}
      data-shape={output.dims.join(',')}
      data-dtype={output.dtype}
      data-compare={comparison ? (comparison.pass ? 'pass' : 'fail') : undefined}
      data-max-abs={comparison && Number.isFinite(comparison.maxAbs) ? comparison.maxAbs : undefined}
      data-max-rel={comparison && Number.isFinite(comparison.maxRel) ? comparison.maxRel : undefined}
      style={{ borderTop: '1px solid var(--border)', padding: '8px 0' }}
    >
      <div className="toolbar" style={{ flexWrap: 'wrap' }}>
        <strong className="mono">{output.name}</strong>
        <span className="mono">
          {output.dtype} {formatShape(output.dims)}
        </span>
        <span className="muted">{formatInteger(stats.count)} values</span>
        <button type="button" data-testid="download-npy" onClick={() => download(output)}>
          Download .npy
        </button>
      </div>
      {output.dtype !== 'string' && (
        <p className="mono" data-testid="output-stats">
          {stats.finite > 0
            ? `min ${formatNumber(stats.min)} · max ${formatNumber(stats.max)} · mean ${formatNumber(stats.mean)} · std ${formatNumber(stats.std)}`
            : 'no finite values'}
          {stats.nans > 0 && ` · ${stats.nans} NaN`}
          {stats.infs > 0 && ` · ${stats.infs} ±Inf`}
          {` · ${stats.zeros} zeros`}
        </p>
      )}
      <p className="mono" data-testid="output-values" style={{ overflowWrap: 'anywhere' }}>
        {first.join(', ')}
        {output.data.length > first.length ? ', …' : ''}
      </p>
      {comparison && (
        <p data-testid="output-compare" className={comparison.pass ? 'ok' : 'inline-error'}>
          {describeComparison(comparison, tolerance)}
          {comparison.notes.map((n) => ` (${n})`).join('')}
        </p>
      )}
      {top && (
        <table className="grid" data-testid="top-k" style={{ maxWidth: 560 }}>
          <thead>
            <tr>
              <th>class</th>
              <th>label</th>
              <th className="num">score</th>
              <th className="num">probability</th>
            </tr>
          </thead>
          <tbody>
            {top.map((t) => (
              <tr key={t.index}>
                <td className="num">{t.index}</td>
                <td>{t.label ?? <span className="muted">–</span>}</td>
                <td className="num">{formatNumber(t.value)}</td>
                <td className="num">{(t.probability * 100).toFixed(2)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
