import { useMemo } from 'react';
import { compareTensors, describeComparison, type Comparison, type Tolerance } from '../../inference/compare';
import { encodeNpy } from '../../inference/npy';
import { firstValues, isClassificationLike, tensorStats, topK } from '../../inference/stats';
import type { HostTensor, NamedTensor } from '../../inference/tensor';
import { formatMs } from '../../inference/timing';
import { FilePickerButton } from '../file-picker-button';
import { formatInteger, formatNumber, formatShape } from '../../model/units';

/** The outputs area: per output its shape, type, statistics, first values, download, comparison and top-k. */

export type RunState =
  | { state: 'idle' }
  | { state: 'running'; message: string }
  | { state: 'done'; outputs: NamedTensor[]; ms: number; wallMs: number }
  | { state: 'error'; message: string; node?: string; detail?: string }
  | { state: 'cancelled' };

export interface ExpectedTensor {
  fileName: string;
  tensor: HostTensor;
}

interface OutputsProps {
  run: RunState;
  runs: number;
  expected: Map<string, ExpectedTensor>;
  expectedNotes: string[];
  tolerance: Tolerance;
  labels?: Record<string, unknown>;
  onTolerance: (t: Tolerance) => void;
  onLoadExpected: (files: File[]) => void;
  onClearExpected: () => void;
}

export function OutputsPanel({ run, runs, expected, expectedNotes, tolerance, labels, onTolerance, onLoadExpected, onClearExpected }: OutputsProps) {
  const outputs = useMemo(() => (run.state === 'done' ? run.outputs : []), [run]);
  const comparisons = useMemo(() => {
    const result = new Map<string, Comparison>();
    for (const output of outputs) {
      const e = expected.get(output.name);
      if (e) result.set(output.name, compareTensors(output, e.tensor, tolerance));
    }
    return result;
  }, [outputs, expected, tolerance]);
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
          rtol <input type="number" step="any" data-testid="rtol" value={tolerance.rtol} onChange={(e) => e.target.value !== '' && onTolerance({ ...tolerance, rtol: Number(e.target.value) })} />
        </label>
        <label>
          atol <input type="number" step="any" data-testid="atol" value={tolerance.atol} onChange={(e) => e.target.value !== '' && onTolerance({ ...tolerance, atol: Number(e.target.value) })} />
        </label>
        {expected.size > 0 && (
          <>
            <span className="muted">
              expected: {[...expected.entries()].map(([name, e]) => `${name} ← ${e.fileName}`).join(', ')}
            </span>
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
            <OutputBlock key={output.name} output={output} comparison={comparisons.get(output.name)} tolerance={tolerance} labels={labels} />
          ))}
        </>
      )}
    </section>
  );
}

function download(output: NamedTensor): void {
  const blob = new Blob([encodeNpy(output)], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${output.name.replace(/[^\w.-]/g, '_')}.npy`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function OutputBlock({ output, comparison, tolerance, labels }: { output: NamedTensor; comparison?: Comparison; tolerance: Tolerance; labels?: Record<string, unknown> }) {
  const stats = useMemo(() => tensorStats(output), [output]);
  const first = useMemo(() => firstValues(output, 12), [output]);
  const top = useMemo(() => (isClassificationLike(output) ? topK(output, 5, labels) : undefined), [output, labels]);
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
          {stats.finite > 0 ? `min ${formatNumber(stats.min)} · max ${formatNumber(stats.max)} · mean ${formatNumber(stats.mean)} · std ${formatNumber(stats.std)}` : 'no finite values'}
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
