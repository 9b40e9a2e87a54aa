import { useMemo, useState } from 'react';
import { ggufQuantizations, type HubFileEntry } from '../../hub/hub-files';
import type { ModelDocument } from '../../model/document';
import { formatBytes } from '../../model/units';
import type { HubContext } from '../use-model-document';
import { BUDGET_PRESETS_GB } from './gguf-panel';

const OPENABLE_KINDS = new Set(['safetensors', 'onnx', 'config', 'card', 'safetensors-index', 'pickle', 'gguf']);

/** The Hub repo's files: size, LFS, the format Loupe recognizes, pickles flagged; any openable file can be inspected alone. */
export function RepoPanel({ hub, document, onInspect }: { hub: HubContext; document?: ModelDocument; onInspect: (path: string | undefined) => void }) {
  return (
    <>
      {document && <GgufQuantizationTable hub={hub} document={document} onInspect={onInspect} />}
      <section className="panel" data-testid="repo-panel">
        <h2>
          Repository {hub.repo} @{' '}
          <span className="mono" title={hub.commit} data-testid="repo-commit">
            {hub.commit.slice(0, 10)}
          </span>
          {hub.revision !== hub.commit && <span className="muted"> ({hub.revision})</span>}
        </h2>
        <p className="muted">
          Loupe read only what it needed: headers by HTTP Range, never weights.{' '}
          <button type="button" className="linkish" onClick={() => onInspect(undefined)} data-testid="whole-repo">
            Open the whole repo
          </button>
        </p>
        <table className="grid">
          <thead>
            <tr>
              <th>path</th>
              <th>kind</th>
              <th className="num">size</th>
              <th>storage</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hub.files.map((f: HubFileEntry) => (
              <tr key={f.path} data-testid="repo-file" data-path={f.path} data-kind={f.kind} data-opened={f.opened}>
                <td className="mono">{f.path}</td>
                <td>
                  {f.kind}
                  {f.pickle && (
                    <span className="badge badge-danger" title="Pickle files can run code when loaded with torch.load. Loupe never executes them.">
                      pickle
                    </span>
                  )}
                </td>
                <td className="num">{formatBytes(f.lfs?.size ?? f.size)}</td>
                <td>{f.lfs ? 'LFS' : 'git'}</td>
                <td>
                  {OPENABLE_KINDS.has(f.kind) && (
                    <button
                      type="button"
                      className="linkish"
                      onClick={() => onInspect(f.path)}
                      data-testid="inspect-file"
                      title={f.pickle ? 'Scan its pickle opcodes; nothing is executed' : 'Open this file alone'}
                    >
                      {f.pickle ? 'scan' : 'inspect'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/**
 * A repo's GGUF models (often one per quantization): file, quantization, size, bits per weight and
 * whether it fits a memory budget with the KV cache at a context. Parameters and the KV cache per
 * token come from the model that was opened (GGUF or safetensors); sizes from the listing.
 */
function GgufQuantizationTable({ hub, document, onInspect }: { hub: HubContext; document: ModelDocument; onInspect: (path: string) => void }) {
  const quantizations = useMemo(() => ggufQuantizations(hub.files), [hub.files]);
  const [budgetGb, setBudgetGb] = useState(24);
  const [context, setContext] = useState(4096);
  if (quantizations.length === 0) return null;
  const parameters = document.parameters.total;
  const facts = document.config?.facts ?? document.files.flatMap((f) => (f.format === 'gguf' && f.facts.configFacts ? [f.facts.configFacts] : []))[0];
  const kvBytes = (facts?.kvCacheBytesPerToken ?? 0) * context;
  return (
    <section className="panel" data-testid="gguf-quantizations">
      <h2>GGUF files</h2>
      <p>
        Fits in{' '}
        <select value={budgetGb} onChange={(e) => setBudgetGb(Number(e.target.value))} aria-label="Memory budget" data-testid="quant-budget">
          {BUDGET_PRESETS_GB.map((gb) => (
            <option key={gb} value={gb}>
              {gb} GB
            </option>
          ))}
        </select>{' '}
        with a context of{' '}
        <input
          type="number"
          min={1}
          max={1 << 24}
          value={context}
          aria-label="Context length in tokens"
          onChange={(e) => setContext(Math.max(1, Math.min(1 << 24, Math.floor(Number(e.target.value) || 1))))}
        />{' '}
        tokens
        {facts?.kvCacheBytesPerToken === undefined && <span className="muted"> (KV cache unknown: weights only)</span>}
      </p>
      <table className="grid">
        <thead>
          <tr>
            <th>file</th>
            <th>type</th>
            <th className="num">size</th>
            <th className="num">bits per weight</th>
            <th>fits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {quantizations.map((q) => {
            const fits = q.size + kvBytes <= budgetGb * 1e9;
            const bpw = parameters > 0 ? (q.size * 8) / parameters : NaN;
            return (
              <tr key={q.path} data-testid="gguf-quantization" data-path={q.path} data-type={q.type} data-fits={fits} data-parts={q.paths.length}>
                <td className="mono">
                  {q.path}
                  {q.paths.length > 1 && <span className="muted"> + {q.paths.length - 1} more parts</span>}
                </td>
                <td>{q.type ?? '–'}</td>
                <td className="num">{formatBytes(q.size)}</td>
                <td className="num" title="file size × 8 / parameters of the opened model">
                  {Number.isNaN(bpw) ? '–' : bpw.toFixed(2)}
                </td>
                <td>{fits ? <span className="ok">yes</span> : <span className="diag-warning">no</span>}</td>
                <td>
                  <button
                    type="button"
                    className="linkish"
                    onClick={() => onInspect(q.path)}
                    data-testid="inspect-gguf"
                    title="Read its header (and its other parts') by Range"
                  >
                    inspect
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
