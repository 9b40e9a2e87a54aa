import { useEffect, useRef, useState } from 'react';
import { shardedConversionPlan } from '../../formats/pytorch/convert-to-safetensors';
import type { ModelDocument, ParsedFile } from '../../model/document';
import { CancelledError, toLoupeError } from '../../model/errors';
import type { PickleReport } from '../../model/pickle';
import type { FileInput } from '../../workers/parse-protocol';
import { downloadBlob } from '../download';
import { getParseClient } from '../parse-client-instance';

const VERDICT_TEXT: Record<PickleReport['verdict'], string> = {
  safe: 'Safe: every import is on PyTorch’s weights-only allowlist.',
  suspicious: 'Suspicious: it imports something outside the weights-only allowlist.',
  unknown: 'Unknown: the scan could not read the whole pickle, so it cannot be called safe.',
  unsafe: 'Unsafe: loading this file would run code on your machine.',
};

/** The pickle scan, shown like the Hub's: a verdict, every import with a badge, the calls Loupe refused to make. */
export function PicklePanel({ document, files }: { document: ModelDocument; files: FileInput[] }) {
  const reports = document.files.filter((f): f is Extract<ParsedFile, { format: 'pytorch' }> => f.format === 'pytorch');
  if (reports.length === 0 || !document.pickle) return null;
  const { verdict } = document.pickle;
  return (
    <section className={`panel pickle verdict-${verdict}`} data-testid="pickle-panel" data-verdict={verdict}>
      <h2>PyTorch pickle scan</h2>
      <p className="verdict" data-testid="pickle-verdict" data-verdict={verdict}>
        <span className={`badge badge-${verdict}`}>{verdict}</span> {VERDICT_TEXT[verdict]}
      </p>
      {verdict !== 'safe' && (
        <p className="pickle-warning" role="alert">
          Do not open this file with <code>torch.load</code> (without <code>weights_only=True</code>): unpickling imports and calls whatever the file names, so
          a checkpoint can run any program with your permissions. Loupe only read its opcodes and executed nothing.
        </p>
      )}
      {reports.map(({ path, report }) => (
        <div key={path} className="pickle-file">
          <h3>
            {path}{' '}
            <span className="muted">
              ({report.container}
              {report.protocol !== undefined ? `, protocol ${report.protocol}` : ''}, {report.tensorsRecovered} tensors)
            </span>
          </h3>
          <table className="grid">
            <tbody>
              {report.imports.map((i) => (
                <tr key={`${i.module}.${i.name}`} data-testid="pickle-import" data-import={`${i.module}.${i.name}`} data-badge={i.badge}>
                  <td>
                    <span className={`badge badge-${i.badge}`}>{i.badge}</span>
                  </td>
                  <td className="mono">
                    {i.module}.{i.name}
                  </td>
                  <td className="num">×{i.count}</td>
                  <td className="muted">{i.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.calls.length > 0 && (
            <>
              <h3>Calls refused</h3>
              <ul className="mono">
                {report.calls.slice(0, 20).map((c, k) => (
                  <li key={k}>
                    {c.opcode} {c.callable}: {c.description}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.notes.length > 0 && (
            <ul className="muted">
              {report.notes.map((n, k) => (
                <li key={k}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {verdict === 'safe' && files.length > 0 && <ConvertButton document={document} files={files} paths={reports.map((r) => r.path)} />}
    </section>
  );
}

type ConvertState =
  | { state: 'idle' }
  | { state: 'running'; file: string; done: number; total: number }
  | { state: 'done'; names: string[] }
  | { state: 'error'; message: string };

function ConvertButton({ document, files, paths }: { document: ModelDocument; files: FileInput[]; paths: string[] }) {
  const [status, setStatus] = useState<ConvertState>({ state: 'idle' });
  const controller = useRef<AbortController | null>(null);
  // Leaving the Overview cancels a conversion: nothing converts, and nothing downloads, out of sight.
  useEffect(() => () => controller.current?.abort(), []);
  const run = async () => {
    const c = new AbortController();
    controller.current = c;
    const names: string[] = [];
    try {
      for (const path of paths) {
        const file = files.find((f) => f.path === path);
        if (!file) continue;
        setStatus({ state: 'running', file: path, done: 0, total: 1 });
        const { blob, name } = await getParseClient().convert(file, {
          signal: c.signal,
          onProgress: (p) => setStatus({ state: 'running', file: path, done: p.done, total: p.total }),
        });
        if (c.signal.aborted) throw new CancelledError();
        downloadBlob(blob, name);
        names.push(name);
      }
      // A sharded pytorch_model-0000N-of-0000M.bin checkpoint gets its safetensors index too.
      const index = document.files.find((f) => f.format === 'safetensors-index');
      const indexFile = index && files.find((f) => f.path === index.path);
      if (indexFile && paths.length > 1) {
        const plan = shardedConversionPlan(await indexFile.blob.text(), indexFile.path.split('/').pop());
        if (c.signal.aborted) throw new CancelledError();
        downloadBlob(new Blob([plan.indexText], { type: 'application/json' }), plan.indexName);
        names.push(plan.indexName);
      }
      setStatus({ state: 'done', names });
    } catch (error) {
      if (error instanceof CancelledError) setStatus({ state: 'idle' });
      else setStatus({ state: 'error', message: toLoupeError(error).message });
    }
  };
  return (
    <div className="convert">
      {status.state === 'running' ? (
        <div className="stats-progress">
          Converting {status.file} <progress max={status.total || 1} value={status.done} aria-label={`Converting ${status.file}`} />
          <button type="button" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="primary" data-testid="convert-safetensors" onClick={run}>
          Convert to safetensors
        </button>
      )}
      {status.state === 'done' && <p data-testid="convert-done">Saved {status.names.join(', ')}. Nothing was uploaded.</p>}
      {status.state === 'error' && (
        <p className="inline-error" role="alert" data-testid="error">
          {status.message}
        </p>
      )}
    </div>
  );
}
