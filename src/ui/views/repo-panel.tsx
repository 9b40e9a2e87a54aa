import type { HubFileEntry } from '../../hub/hub-files';
import type { HubContext } from '../use-model-document';
import { formatBytes } from '../../model/units';

const OPENABLE_KINDS = new Set(['safetensors', 'onnx', 'config', 'card', 'safetensors-index', 'pickle']);

/** The Hub repo's files: size, LFS, the format Loupe recognizes, pickles flagged; any openable file can be inspected alone. */
export function RepoPanel({ hub, onInspect }: { hub: HubContext; onInspect: (path: string | undefined) => void }) {
  return (
    <section className="panel" data-testid="repo-panel">
      <h2>
        Repository {hub.repo} @ <span className="mono" title={hub.commit} data-testid="repo-commit">{hub.commit.slice(0, 10)}</span>
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
                  <button type="button" className="linkish" onClick={() => onInspect(f.path)} data-testid="inspect-file" title={f.pickle ? 'Scan its pickle opcodes; nothing is executed' : 'Open this file alone'}>
                    {f.pickle ? 'scan' : 'inspect'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
