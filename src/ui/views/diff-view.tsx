import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { compareDocuments, type ModelComparison } from '../../compare/compare-documents';
import type { DiffStatus, TensorDiff } from '../../compare/compare-tensors';
import type { KeyDifference } from '../../compare/compare-configs';
import type { ValueComparison } from '../../compare/compare-values';
import { describeTransition } from '../../compare/summarize-diff';
import type { ModelDocument } from '../../model/document';
import { useCancellableWork, WorkProgress } from '../use-cancellable-work';
import { formatBytes, formatCount, formatInteger, formatShape } from '../../model/units';
import { makeNameFilter } from '../name-filter';
import { DIFF_START, type ComputeValues } from '../use-compare';
import type { DocState } from '../use-model-document';

const STATUSES: DiffStatus[] = ['changed', 'added', 'removed', 'same'];
const ROW_HEIGHT = 28;

/** The Diff tab: both models' states until both are ready, then the comparison. */
export function DiffBody({ a, b, computeValues }: { a: DocState; b: DocState | null; computeValues: ComputeValues }) {
  if (!b)
    return (
      <p className="empty">
        Choose a second model with <strong>Compare with…</strong> to compare it with this one.
      </p>
    );
  for (const [side, doc] of [
    ['A', a],
    ['B', b],
  ] as const) {
    if (doc.state === 'ready') continue;
    const state = doc.state === 'idle' ? 'idle' : doc.state;
    return (
      <div data-testid="compare-status" data-side={side} data-state={state}>
        {doc.state === 'idle' && <p className="empty">Open a model first: it is model A of the comparison.</p>}
        {doc.state === 'loading' && (
          <div className="loading" aria-busy="true">
            Reading {doc.label}…
          </div>
        )}
        {doc.state === 'error' && (
          <div className="error-panel" role="alert" data-testid="error">
            <strong>Could not open {doc.label} for the comparison</strong>
            <p>{doc.error.message}</p>
          </div>
        )}
      </div>
    );
  }
  if (a.state !== 'ready' || b.state !== 'ready') return null;
  return <DiffView a={a.document} b={b.document} labelA={a.label} labelB={b.label} computeValues={computeValues} />;
}

interface DiffViewProps {
  a: ModelDocument;
  b: ModelDocument;
  labelA: string;
  labelB: string;
  computeValues: ComputeValues;
}

/** Two models compared by their headers: the summary, every tensor's status, values on demand, and config, card and graph differences. */
export function DiffView({ a, b, labelA, labelB, computeValues }: DiffViewProps) {
  const comparison = useMemo(() => compareDocuments(a, b), [a, b]);
  const [selected, setSelected] = useState<TensorDiff | null>(null);

  // loupe:diff ends when the summary is painted.
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      if (performance.getEntriesByName(DIFF_START, 'mark').length === 0) return;
      performance.measure('loupe:diff', DIFF_START);
      performance.clearMarks(DIFF_START);
    });
    return () => cancelAnimationFrame(frame);
  }, [comparison]);

  return (
    <div className="diff">
      <DiffSummary comparison={comparison} labelA={labelA} labelB={labelB} />
      <div className="tensors-body">
        <DiffTable rows={comparison.rows} selected={selected} onSelect={setSelected} />
        {selected && <ValuePanel key={selected.key} row={selected} computeValues={computeValues} onClose={() => setSelected(null)} />}
      </div>
      <KeyDifferences title="config.json" testId="config-diff" rows={comparison.config} />
      <KeyDifferences title="Metadata" testId="metadata-diff" rows={comparison.metadata} />
      {comparison.card.length > 0 && (
        <section className="panel" data-testid="card-diff">
          <h2>Model card metadata</h2>
          <table className="grid">
            <thead>
              <tr>
                <th>field</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {comparison.card.map((d) => (
                <tr key={d.field}>
                  <td className="mono">{d.field}</td>
                  <td className="mono">{d.a ?? '—'}</td>
                  <td className="mono">{d.b ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {comparison.onnx && <OnnxDifferences onnx={comparison.onnx} />}
    </div>
  );
}

function DiffSummary({ comparison, labelA, labelB }: { comparison: ModelComparison; labelA: string; labelB: string }) {
  const { counts, a, b, transitions } = comparison.summary;
  const sides = [
    ['A', labelA, a],
    ['B', labelB, b],
  ] as const;
  return (
    <section
      className="panel diff-summary"
      data-testid="diff-summary"
      data-added={counts.added}
      data-removed={counts.removed}
      data-changed={counts.changed}
      data-same={counts.same}
      data-bytes-a={a.bytes}
      data-bytes-b={b.bytes}
      aria-label="Comparison summary"
    >
      <h2>Comparison</h2>
      <table className="grid">
        <thead>
          <tr>
            <th />
            <th>model</th>
            <th className="num">tensors</th>
            <th className="num">parameters</th>
            <th className="num">bytes</th>
          </tr>
        </thead>
        <tbody>
          {sides.map(([side, label, totals]) => (
            <tr key={side}>
              <th>{side}</th>
              <td className="mono ellipsis" title={label}>
                {label}
              </td>
              <td className="num">{formatInteger(totals.tensors)}</td>
              <td className="num" title={formatInteger(totals.parameters)}>
                {formatCount(totals.parameters)}
              </td>
              <td className="num" title={`${formatInteger(totals.bytes)} bytes`}>
                {formatBytes(totals.bytes)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="diff-counts">
        {STATUSES.map((s) => (
          <span key={s} className={`diff-status diff-${s}`}>
            {formatInteger(counts[s])} {s}
          </span>
        ))}
      </p>
      {transitions.length > 0 && (
        <ul className="diff-transitions">
          {transitions.map((t) => (
            <li
              key={`${t.from}-${t.to}`}
              data-testid="diff-transition"
              data-from={t.from}
              data-to={t.to}
              data-tensors={t.tensors}
              data-bytes-change={t.bytesChange}
            >
              {describeTransition(t)}
            </li>
          ))}
        </ul>
      )}
      {comparison.renames.length > 0 && (
        <details data-testid="diff-renames">
          <summary>
            {comparison.renames.length} probable rename{comparison.renames.length === 1 ? '' : 's'} (removed and added with the same dtype and shape)
          </summary>
          <ul className="mono">
            {comparison.renames.slice(0, 200).map((r) => (
              <li key={r.from.name}>
                {r.from.name} → {r.to.name}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function nameOf(row: TensorDiff): string {
  return (row.a ?? row.b)!.name;
}

function moduleOf(name: string, depth: number): string {
  const parts = name.split('.');
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('.') || name;
}

function DiffTable({ rows, selected, onSelect }: { rows: TensorDiff[]; selected: TensorDiff | null; onSelect: (row: TensorDiff) => void }) {
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [shown, setShown] = useState<Set<DiffStatus>>(() => new Set(STATUSES));
  const [groupDepth, setGroupDepth] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const filter = useMemo(() => makeNameFilter(deferredQuery), [deferredQuery]);
  const visible = useMemo(
    () =>
      rows.filter(
        (r) => shown.has(r.status) && (filter.test(r.key) || (r.a !== undefined && filter.test(r.a.name)) || (r.b !== undefined && filter.test(r.b.name))),
      ),
    [rows, shown, filter],
  );
  const groups = useMemo(() => {
    if (groupDepth === 0) return [];
    const byModule = new Map<string, Record<DiffStatus, number>>();
    for (const row of visible) {
      const module = moduleOf(nameOf(row), groupDepth);
      const counts = byModule.get(module) ?? { same: 0, changed: 0, added: 0, removed: 0 };
      counts[row.status]++;
      byModule.set(module, counts);
    }
    return [...byModule];
  }, [visible, groupDepth]);

  // TanStack Virtual's API is not memoizable by the React Compiler; this component opts out, as its docs advise.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const toggle = (status: DiffStatus) =>
    setShown((s) => {
      const next = new Set(s);
      if (next.has(status)) next.delete(status);
      else next.add(status);
      return next;
    });

  return (
    <div className="diff-table-wrap">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by name, or /regex/"
          aria-label="Filter tensors by name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="diff-filter"
        />
        {STATUSES.map((s) => (
          <label key={s} className="muted">
            <input type="checkbox" checked={shown.has(s)} onChange={() => toggle(s)} data-testid={`diff-show-${s}`} /> {s}
          </label>
        ))}
        <span className="muted" data-testid="diff-shown" data-value={visible.length}>
          {formatInteger(visible.length)} of {formatInteger(rows.length)}
        </span>
        {filter.error && <span className="inline-error">Invalid regex: {filter.error}</span>}
        <label className="muted">
          Group by module{' '}
          <select value={groupDepth} onChange={(e) => setGroupDepth(Number(e.target.value))} data-testid="diff-group-depth">
            <option value={0}>off</option>
            {[1, 2, 3, 4].map((d) => (
              <option key={d} value={d}>
                depth {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {groups.length > 0 && (
        <div className="module-list panel" data-testid="diff-module-list">
          <table className="grid">
            <thead>
              <tr>
                <th>module</th>
                {STATUSES.map((s) => (
                  <th key={s} className="num">
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {groups.map(([module, counts]) => (
                <tr key={module} data-testid="diff-module-row" data-path={module}>
                  <td className="mono">
                    <button
                      type="button"
                      className="linkish mono"
                      title="Show only this module's tensors"
                      onClick={() => setQuery(`/^${module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.|$)/`)}
                    >
                      {module}
                    </button>
                  </td>
                  {STATUSES.map((s) => (
                    <td key={s} className="num">
                      {formatInteger(counts[s])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="tensor-table diff-table" role="table" aria-rowcount={visible.length} data-testid="diff-table" data-total={rows.length}>
        <div className="diff-row tensor-head" role="row">
          {['status', 'name', 'dtype A → B', 'shape A', 'shape B', 'bytes A → B'].map((c) => (
            <span key={c} role="columnheader">
              {c}
            </span>
          ))}
        </div>
        <div className="tensor-scroll" ref={scrollRef}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = visible[item.index]!;
              const renamed = row.a && row.b && row.a.name !== row.b.name;
              return (
                <div
                  key={item.key}
                  role="row"
                  tabIndex={0}
                  data-testid="diff-row"
                  data-status={row.status}
                  data-key={row.key}
                  className={row === selected ? 'diff-row selected' : 'diff-row'}
                  onClick={() => onSelect(row)}
                  onKeyDown={(e) => e.key === 'Enter' && onSelect(row)}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                >
                  <span role="cell">
                    <span className={`diff-status diff-${row.status}`} title={row.reasons.join(', ')}>
                      {row.status}
                    </span>
                  </span>
                  <span role="cell" className="mono ellipsis" title={renamed ? `${row.a!.name} ↔ ${row.b!.name}` : nameOf(row)}>
                    {nameOf(row)}
                    {renamed && <span className="muted"> ↔ {row.b!.name}</span>}
                  </span>
                  <span role="cell" className={row.reasons.includes('dtype') ? 'diff-changed-cell' : undefined}>
                    {row.a?.dtype ?? '—'}
                    {row.a && row.b && row.a.dtype !== row.b.dtype ? ` → ${row.b.dtype}` : row.b && !row.a ? ` → ${row.b.dtype}` : ''}
                  </span>
                  <span role="cell" className="mono">
                    {row.a ? formatShape(row.a.shape) : '—'}
                  </span>
                  <span role="cell" className={row.reasons.includes('shape') ? 'mono diff-changed-cell' : 'mono'}>
                    {row.b ? formatShape(row.b.shape) : '—'}
                  </span>
                  <span role="cell" className="num">
                    {row.a ? formatBytes(row.a.byteLength) : '—'} → {row.b ? formatBytes(row.b.byteLength) : '—'}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

function ValuePanel({ row, computeValues, onClose }: { row: TensorDiff; computeValues: ComputeValues; onClose: () => void }) {
  const { status, run: runWork, cancel } = useCancellableWork<ValueComparison>();
  const { a, b } = row;
  const comparable = a && b && a.elements === b.elements && !a.unreadable && !b.unreadable;
  const run = () => a && b && runWork(a.byteLength + b.byteLength, (options) => computeValues(a, b, options));

  return (
    <aside className="side-panel panel" data-testid="value-panel" aria-label={`Compare ${row.key}`}>
      <header className="side-head">
        <h2 className="mono">{nameOf(row)}</h2>
        <button type="button" className="icon" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <dl className="kv">
        <div>
          <dt>status</dt>
          <dd>
            {row.status}
            {row.reasons.length > 0 && ` (${row.reasons.join(', ')})`}
          </dd>
        </div>
        {a && (
          <div>
            <dt>A</dt>
            <dd className="mono">
              {a.name} · {a.dtype} {formatShape(a.shape)}
            </dd>
          </div>
        )}
        {b && (
          <div>
            <dt>B</dt>
            <dd className="mono">
              {b.name} · {b.dtype} {formatShape(b.shape)}
            </dd>
          </div>
        )}
      </dl>
      {!comparable && <p className="muted">Values are compared only for a tensor on both sides with the same number of elements, and readable bytes.</p>}
      {comparable && status.state === 'idle' && (
        <button type="button" className="primary" data-testid="compare-values" onClick={run}>
          Compare values
        </button>
      )}
      <WorkProgress status={status} label="Reading both tensors" testId="values" onCancel={cancel} />
      {status.state === 'done' && <ValueResult result={status.result} />}
    </aside>
  );
}

function ValueResult({ result }: { result: ValueComparison }) {
  const share = result.count > 0 ? result.differing / result.count : 0;
  const number = (v: number) => (Number.isNaN(v) ? '—' : v.toPrecision(6));
  return (
    <dl
      className="kv"
      data-testid="value-diff"
      data-count={result.count}
      data-differing={result.differing}
      data-max-abs={result.maxAbs}
      data-max-rel={result.maxRel}
      data-rms={result.rms}
      data-cosine={result.cosine}
    >
      <div>
        <dt>elements that differ</dt>
        <dd>
          {formatInteger(result.differing)} of {formatInteger(result.count)} ({(share * 100).toFixed(2)}%)
        </dd>
      </div>
      <div>
        <dt>max |A − B|</dt>
        <dd>{number(result.maxAbs)}</dd>
      </div>
      <div>
        <dt>max relative</dt>
        <dd>{number(result.maxRel)}</dd>
      </div>
      <div>
        <dt>RMS difference</dt>
        <dd>{number(result.rms)}</dd>
      </div>
      <div>
        <dt>cosine similarity</dt>
        <dd>{number(result.cosine)}</dd>
      </div>
      {result.nanMismatches > 0 && (
        <div>
          <dt>NaN on one side only</dt>
          <dd>{formatInteger(result.nanMismatches)}</dd>
        </div>
      )}
    </dl>
  );
}

function KeyDifferences({ title, testId, rows }: { title: string; testId: string; rows: KeyDifference[] }) {
  if (rows.length === 0) return null;
  return (
    <section className="panel" data-testid={testId} data-count={rows.length}>
      <h2>
        {title}: {rows.length} difference{rows.length === 1 ? '' : 's'}
      </h2>
      <table className="grid">
        <thead>
          <tr>
            <th>key</th>
            <th>A</th>
            <th>B</th>
            <th>what it means</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.key} data-key={d.key} data-structural={d.structural}>
              <td className="mono">{d.key}</td>
              <td className="mono ellipsis" title={d.a}>
                {d.a ?? '—'}
              </td>
              <td className="mono ellipsis" title={d.b}>
                {d.b ?? '—'}
              </td>
              <td>{d.meaning ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function OnnxDifferences({ onnx }: { onnx: NonNullable<ModelComparison['onnx']> }) {
  const changedOps = onnx.ops.filter((o) => o.a !== o.b);
  return (
    <section className="panel" data-testid="onnx-diff" data-changed-ops={changedOps.length}>
      <h2>ONNX graph</h2>
      {onnx.opsets.length > 0 && <p>Opsets: {onnx.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.a ?? '—'} → ${o.b ?? '—'}`).join('; ')}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>op</th>
            <th className="num">A</th>
            <th className="num">B</th>
          </tr>
        </thead>
        <tbody>
          {onnx.ops.map((o) => (
            <tr key={o.op} className={o.a !== o.b ? 'diff-changed-cell' : undefined}>
              <td className="mono">{o.op}</td>
              <td className="num">{o.a}</td>
              <td className="num">{o.b}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {onnx.scopes.length > 0 && (
        <>
          <h3>Nodes added and removed, by scope</h3>
          <table className="grid">
            <thead>
              <tr>
                <th>scope</th>
                <th className="num">added</th>
                <th className="num">removed</th>
                <th>ops</th>
              </tr>
            </thead>
            <tbody>
              {onnx.scopes.slice(0, 500).map((s) => (
                <tr key={s.scope}>
                  <td className="mono">{s.scope || '(top level)'}</td>
                  <td className="num">{s.added}</td>
                  <td className="num">{s.removed}</td>
                  <td className="mono">{s.ops.map((o) => `${o.change > 0 ? '+' : ''}${o.change} ${o.op}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
