import type { TensorStats } from '../../formats/tensors/tensor-stats';
import type { TensorInfo } from '../../model/document';
import { useCancellableWork, WorkProgress } from '../use-cancellable-work';
import type { ComputeStats } from '../use-model-document';
import { formatBytes, formatInteger, formatNumber, formatShape } from '../../model/units';

/** One tensor's facts, and its statistics on demand (streamed in the worker, with progress and cancel). */
export function TensorStatsPanel({ tensor, computeStats, onClose }: { tensor: TensorInfo; computeStats: ComputeStats; onClose: () => void }) {
  const { status, run: runWork, cancel } = useCancellableWork<TensorStats>();
  const run = () => runWork(tensor.byteLength, (options) => computeStats(tensor, options));

  return (
    <aside className="side-panel panel" data-testid="tensor-panel" aria-label={`Tensor ${tensor.name}`}>
      <header className="side-head">
        <h2 className="mono">{tensor.name}</h2>
        <button type="button" className="icon" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <dl className="kv">
        <div>
          <dt>dtype</dt>
          <dd>{tensor.dtype}</dd>
        </div>
        <div>
          <dt>shape</dt>
          <dd className="mono">{formatShape(tensor.shape)}</dd>
        </div>
        <div>
          <dt>elements</dt>
          <dd>{formatInteger(tensor.elements)}</dd>
        </div>
        <div>
          <dt>bytes</dt>
          <dd>{formatBytes(tensor.byteLength)}</dd>
        </div>
        <div>
          <dt>file</dt>
          <dd className="mono">{tensor.file}</dd>
        </div>
        <div>
          <dt>byte range</dt>
          <dd className="mono">
            {formatInteger(tensor.byteOffset)} – {formatInteger(tensor.byteOffset + tensor.byteLength)}
          </dd>
        </div>
      </dl>
      {tensor.origin && <p className="muted">From {tensor.origin}.</p>}
      {tensor.unreadable && (
        <p className="muted" data-testid="stats-unavailable">
          Statistics are not available: {tensor.unreadable}.
        </p>
      )}
      {status.state === 'idle' && !tensor.unreadable && (
        <button type="button" className="primary" data-testid="compute-stats" onClick={run}>
          Compute statistics
        </button>
      )}
      <WorkProgress status={status} label="Computing statistics" testId="stats" onCancel={cancel} />
      {status.state === 'done' && <StatsTable stats={status.result} />}
    </aside>
  );
}

/** A statistic; NaN means there were no finite values. */
function num(value: number): string {
  return Number.isNaN(value) ? '–' : formatNumber(value);
}

function StatsTable({ stats }: { stats: TensorStats }) {
  const rows: [string, string][] = [
    ['min', num(stats.min)],
    ['max', num(stats.max)],
    ['mean', num(stats.mean)],
    ['std', num(stats.std)],
    ['zeros', formatInteger(stats.zeros)],
    ['NaN', formatInteger(stats.nans)],
    ['±Inf', formatInteger(stats.infs)],
  ];
  return (
    <div data-testid="tensor-stats" data-min={stats.min} data-max={stats.max} data-mean={stats.mean} data-zeros={stats.zeros} data-nans={stats.nans}>
      <dl className="kv stats">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
      </dl>
      <Histogram histogram={stats.histogram} />
    </div>
  );
}

/** The histogram as a picture: one bar per bin, heights on a square-root scale so small bins stay visible. */
function Histogram({ histogram }: { histogram: TensorStats['histogram'] }) {
  const width = 320;
  const height = 120;
  const peak = Math.max(1, ...histogram.counts);
  const barWidth = width / Math.max(1, histogram.counts.length);
  return (
    <figure className="histogram">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Histogram of values" data-testid="histogram">
        {histogram.counts.map((count, i) => {
          const h = count === 0 ? 0 : Math.max(1, Math.sqrt(count / peak) * (height - 2));
          return (
            <rect key={i} x={i * barWidth} y={height - h} width={Math.max(1, barWidth - 1)} height={h} fill="var(--accent)">
              <title>{formatInteger(count)}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted mono">
        <span>{num(histogram.min)}</span>
        <span>{num(histogram.max)}</span>
      </figcaption>
    </figure>
  );
}
