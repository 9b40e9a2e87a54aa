import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { ModelDocument, TensorInfo } from '../../model/document';
import { buildModuleTree, modulesAtDepth, treeDepth } from '../../graph/module-tree';
import { makeNameFilter } from '../name-filter';
import type { ComputeStats } from '../use-model-document';
import { TensorStatsPanel } from './tensor-stats-panel';
import { formatBytes, formatCount, formatInteger, formatShape } from '../../model/units';

type SortKey = 'index' | 'name' | 'dtype' | 'elements' | 'bytes' | 'offset';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'name' },
  { key: 'dtype', label: 'dtype' },
  { key: 'elements', label: 'shape / elements', numeric: true },
  { key: 'bytes', label: 'bytes', numeric: true },
  { key: 'offset', label: 'file @ offset', numeric: true },
];

const ROW_HEIGHT = 28;

function compare(a: TensorInfo, b: TensorInfo, key: SortKey, order: Map<TensorInfo, number>): number {
  switch (key) {
    case 'name':
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    case 'dtype':
      return a.dtype.localeCompare(b.dtype);
    case 'elements':
      return a.elements - b.elements;
    case 'bytes':
      return a.byteLength - b.byteLength;
    case 'offset':
      return a.file === b.file ? a.byteOffset - b.byteOffset : a.file.localeCompare(b.file);
    case 'index':
      return order.get(a)! - order.get(b)!;
  }
}

/** Every tensor in a virtualized table: only the visible rows are in the DOM, so 100,000 tensors scroll smoothly. */
export function TensorsView({ document, computeStats, focus }: { document: ModelDocument; computeStats: ComputeStats; focus?: string }) {
  const { tensors } = document;
  const [query, setQuery] = useState(focus ?? '');
  const deferredQuery = useDeferredValue(query);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'index', desc: false });
  const scrollRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<TensorInfo | null>(() => (focus ? (tensors.find((t) => t.name === focus) ?? null) : null));

  const filter = useMemo(() => makeNameFilter(deferredQuery), [deferredQuery]);
  // GGUF stores dims innermost first (ggml `ne`): the table shows PyTorch order, the tooltip ggml's.
  const ggufFiles = useMemo(() => new Set(document.files.filter((f) => f.format === 'gguf').map((f) => f.path)), [document.files]);
  const rows = useMemo(() => {
    const order = new Map(tensors.map((t, i) => [t, i]));
    const filtered = tensors.filter((t) => filter.test(t.name));
    if (sort.key !== 'index' || sort.desc) {
      filtered.sort((a, b) => (sort.desc ? -1 : 1) * compare(a, b, sort.key, order));
    }
    return filtered;
  }, [tensors, filter, sort]);

  // TanStack Virtual's API is not memoizable by the React Compiler; this component opts out, as its docs advise.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const tree = useMemo(() => buildModuleTree(tensors), [tensors]);
  const maxDepth = useMemo(() => Math.max(1, treeDepth(tree) - 1), [tree]);
  const [groupDepth, setGroupDepth] = useState(0);
  const modules = useMemo(() => (groupDepth > 0 ? modulesAtDepth(tree, Math.min(groupDepth, maxDepth)) : []), [tree, groupDepth, maxDepth]);

  const toggleSort = (key: SortKey) => setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: false }));

  if (tensors.length === 0) {
    return <p className="empty">This document has no tensors. Drop weights (.safetensors) to see them.</p>;
  }

  return (
    <div className="tensors">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by name, or /regex/"
          aria-label="Filter tensors"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="tensor-filter"
        />
        <span className="muted" data-testid="tensor-shown" data-value={rows.length}>
          {formatInteger(rows.length)} of {formatInteger(tensors.length)} tensors
        </span>
        {filter.error && <span className="inline-error">Invalid regex: {filter.error}</span>}
        <label className="muted">
          Group by module{' '}
          <select value={groupDepth} onChange={(e) => setGroupDepth(Number(e.target.value))} data-testid="group-depth">
            <option value={0}>off</option>
            {Array.from({ length: maxDepth }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                depth {i + 1}
              </option>
            ))}
          </select>
        </label>
      </div>
      {modules.length > 0 && (
        <div className="module-list panel" data-testid="module-list">
          <table className="grid">
            <thead>
              <tr>
                <th>module</th>
                <th className="num">tensors</th>
                <th className="num">parameters</th>
                <th>share</th>
              </tr>
            </thead>
            <tbody>
              {modules.map((m) => (
                <tr key={m.path} data-testid="module-row" data-path={m.path} data-parameters={m.parameters}>
                  <td className="mono">
                    <button
                      type="button"
                      className="linkish mono"
                      title="Show only this module's tensors"
                      onClick={() => setQuery(m.isTensor ? m.path : `/^${m.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\./`)}
                    >
                      {m.path}
                    </button>
                  </td>
                  <td className="num">{formatInteger(m.tensorCount)}</td>
                  <td className="num" title={formatInteger(m.parameters)}>
                    {formatCount(m.parameters)}
                  </td>
                  <td>
                    <span className="share-bar" style={{ width: `${tree.parameters ? (100 * m.parameters) / tree.parameters : 0}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="tensors-body">
        <div className="tensor-table" role="table" aria-rowcount={rows.length} data-testid="tensor-table" data-total={tensors.length}>
          <div className="tensor-row tensor-head" role="row">
            {COLUMNS.map((c) => (
              <button
                key={c.key}
                type="button"
                role="columnheader"
                className={c.numeric ? 'num' : undefined}
                onClick={() => toggleSort(c.key)}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              >
                {c.label}
                {sort.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
              </button>
            ))}
          </div>
          <div className="tensor-scroll" ref={scrollRef}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const t = rows[item.index]!;
                return (
                  <div
                    key={item.key}
                    className={t === selected ? 'tensor-row selected' : 'tensor-row'}
                    role="row"
                    data-testid="tensor-row"
                    data-name={t.name}
                    tabIndex={0}
                    onClick={() => setSelected(t)}
                    onKeyDown={(e) => e.key === 'Enter' && setSelected(t)}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  >
                    <span role="cell" className="mono ellipsis" title={t.name}>
                      {t.name}
                    </span>
                    <span role="cell">{t.dtype}</span>
                    <span
                      role="cell"
                      className="num mono"
                      data-testid="tensor-shape"
                      title={`${formatInteger(t.elements)} elements${ggufFiles.has(t.file) ? `; ggml order ne = ${formatShape([...t.shape].reverse())}` : ''}`}
                    >
                      {formatShape(t.shape)} <span className="muted">{formatInteger(t.elements)}</span>
                    </span>
                    <span role="cell" className="num">
                      {formatBytes(t.byteLength)}
                    </span>
                    <span role="cell" className="num mono ellipsis" title={`${t.file} bytes ${t.byteOffset}–${t.byteOffset + t.byteLength}`}>
                      {t.file.split('/').pop()} @ {formatInteger(t.byteOffset)}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        {selected && (
          <TensorStatsPanel key={`${selected.file}:${selected.name}`} tensor={selected} computeStats={computeStats} onClose={() => setSelected(null)} />
        )}
      </div>
    </div>
  );
}
