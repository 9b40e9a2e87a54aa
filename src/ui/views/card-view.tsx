import DOMPurify from 'dompurify';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ModelDocument } from '../../model/document';
import { toLoupeError } from '../../model/errors';
import type { CardResult } from '../../workers/card-work';
import { downloadBlob } from '../download';
import { formatBytes } from '../../model/units';
import { renderMermaid } from '../graph/mermaid-renderer';
import { getParseClient } from '../parse-client-instance';
import type { HubContext } from '../use-model-document';
import 'katex/dist/katex.min.css';
import '../highlight-theme.css';
import { DiagnosticItem } from './diagnostic-item';

const LINT_DELAY_MS = 250;
/** A draft is stored this long after typing stops, not on every keystroke (a card may be megabytes). */
const DRAFT_SAVE_DELAY_MS = 500;
const DRAFT_PREFIX = 'loupe:card-draft:';

/** Stores a draft; a message for the user when the browser refuses it (over quota, storage off). */
function saveDraft(key: string, text: string): string | undefined {
  try {
    localStorage.setItem(key, text);
    return undefined;
  } catch (error) {
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    return quota
      ? `This draft (${formatBytes(text.length * 2)} as the browser stores it) is larger than this browser keeps, so it will not survive a reload. Download README.md to keep your edits.`
      : `This browser does not let Loupe keep the draft (${error instanceof Error ? error.message : String(error)}). Download README.md to keep your edits.`;
  }
}

function readDraft(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function cardText(document: ModelDocument): string | undefined {
  const card = document.card;
  if (!card) return undefined;
  return card.frontMatter === undefined ? card.body : `---\n${card.frontMatter}\n---\n${card.body}`;
}

/** A key per model, so a draft survives a reload of the same model and no other. */
function draftKey(document: ModelDocument, hub?: HubContext): string {
  const id = hub
    ? `${hub.endpoint} ${hub.repo}`
    : document.source.files
        .map((f) => f.path)
        .sort()
        .join('|');
  return DRAFT_PREFIX + id;
}

/**
 * The model card: rendered as the Hub would (sanitized, in the worker), its lint, its metadata,
 * the "what is shared" checklist, and an editor with a live preview. Nothing leaves the page.
 */
export function CardView({ document, hub, theme }: { document: ModelDocument; hub?: HubContext; theme: 'light' | 'dark' }) {
  const key = draftKey(document, hub);
  const original = cardText(document);
  const [text, setText] = useState<string | undefined>(() => readDraft(key) ?? original);
  const [editing, setEditing] = useState(() => readDraft(key) !== null);
  const [saveProblem, setSaveProblem] = useState<string | undefined>();
  const [draftError, setDraftError] = useState<string | undefined>();
  const [drafting, setDrafting] = useState(false);
  /** The draft not yet stored; written a moment after typing stops, or when the view closes. */
  const pending = useRef<{ key: string; text: string } | null>(null);
  const [allowRemote, setAllowRemote] = useState(false);
  const [result, setResult] = useState<{ text: string; value?: CardResult; error?: string } | null>(null);
  const slim = useMemo(() => ({ ...document, tensors: [], graphs: undefined, functions: undefined }), [document]);
  const repoBase = hub ? `${hub.endpoint}/${hub.repo}/resolve/${hub.commit}/` : undefined;
  const path = document.card?.path ?? 'README.md';

  // Render and lint in the worker, a moment after typing stops; a newer text supersedes an older one.
  useEffect(() => {
    if (text === undefined) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        getParseClient()
          .card({ text, path, repoBase, allowRemoteImages: allowRemote, document: slim }, { signal: controller.signal })
          .then(
            (value) => !controller.signal.aborted && setResult({ text, value }),
            (error: unknown) => !controller.signal.aborted && setResult({ text, error: toLoupeError(error).message }),
          );
      },
      editing ? LINT_DELAY_MS : 0,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, path, repoBase, allowRemote, slim, editing]);

  useEffect(() => {
    if (!pending.current) return;
    const timer = setTimeout(() => {
      if (!pending.current) return;
      setSaveProblem(saveDraft(pending.current.key, pending.current.text));
      pending.current = null;
    }, DRAFT_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  // Leaving the view, or the page, stores what is still pending.
  useEffect(() => {
    const flush = () => {
      if (pending.current) saveDraft(pending.current.key, pending.current.text);
      pending.current = null;
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, []);

  const update = (next: string) => {
    pending.current = { key, text: next };
    setText(next);
  };
  const draft = async () => {
    setDraftError(undefined);
    setDrafting(true);
    try {
      update(await getParseClient().draftCard({ ...document, graphs: undefined }));
      setEditing(true);
    } catch (error) {
      setDraftError(toLoupeError(error).message);
    } finally {
      setDrafting(false);
    }
  };
  const discard = () => {
    pending.current = null;
    try {
      localStorage.removeItem(key);
    } catch {
      // Storage turned off: there is no stored draft to remove.
    }
    setSaveProblem(undefined);
    setText(original);
    setEditing(false);
  };
  const draftErrorPanel = draftError && (
    <div className="error-panel" role="alert" data-testid="draft-error">
      The card could not be drafted: {draftError}
    </div>
  );

  if (text === undefined) {
    return (
      <div className="card-view">
        <p className="empty">This model has no model card (README.md).</p>
        <div className="row center">
          <button type="button" className="primary" onClick={draft} disabled={drafting} data-testid="draft-card">
            {drafting ? 'Drafting…' : 'Draft a card from this model'}
          </button>
        </div>
        {draftErrorPanel}
      </div>
    );
  }

  const value = result?.value;
  return (
    <div className="card-view">
      <div className="toolbar">
        {!editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid="edit-card">
            Edit
          </button>
        )}
        <button type="button" onClick={draft} disabled={drafting} data-testid="draft-card">
          {drafting ? 'Drafting…' : 'Draft from this model'}
        </button>
        <button type="button" onClick={() => downloadBlob(new Blob([text], { type: 'text/markdown' }), 'README.md')} data-testid="download-card">
          Download README.md
        </button>
        {editing && (
          <button type="button" onClick={discard} data-testid="discard-draft">
            Discard edits
          </button>
        )}
        <span className="muted">{editing ? 'Your edits are kept in this browser only; nothing is uploaded.' : path}</span>
      </div>
      {draftErrorPanel}
      {saveProblem && (
        <p className="notice" role="status" data-testid="draft-not-saved">
          {saveProblem}
        </p>
      )}
      {result?.error && (
        <div className="error-panel" role="alert" data-testid="error">
          The card could not be rendered: {result.error}
        </div>
      )}
      <div className={editing ? 'card-split' : 'card-single'}>
        {editing && (
          <textarea
            className="card-editor mono"
            value={text}
            onChange={(e) => update(e.target.value)}
            spellCheck={false}
            aria-label="README.md source"
            data-testid="card-editor"
          />
        )}
        {/* Focusable so that keyboard users can scroll a long card. */}
        <div className="card-preview panel" tabIndex={0} role="region" aria-label="Card preview">
          {value && value.remoteImages > 0 && !allowRemote && (
            <p className="notice" data-testid="remote-images">
              {value.remoteImages} remote image{value.remoteImages > 1 ? 's are' : ' is'} not loaded, so that previewing this card contacts no server.{' '}
              <button type="button" className="linkish" onClick={() => setAllowRemote(true)}>
                Load remote images
              </button>
            </p>
          )}
          {value ? <RenderedCard html={value.html} theme={theme} /> : <div className="loading">Rendering…</div>}
        </div>
      </div>
      {value && (
        <div className="columns">
          <LintPanel lints={value.lints} />
          <SharedPanel shared={value.shared} />
        </div>
      )}
      {value?.metadata && <MetadataPanel metadata={value.metadata} modelIndex={value.modelIndex} />}
    </div>
  );
}

/** The sanitized HTML (sanitized again here, defence in depth), with mermaid blocks drawn in strict mode. */
function RenderedCard({ html, theme }: { html: string; theme: 'light' | 'dark' }) {
  const host = useRef<HTMLDivElement>(null);
  const clean = useMemo(
    () =>
      DOMPurify.sanitize(html, {
        ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/|\.{0,2}\/|[^:]*$)/i,
        FORBID_TAGS: ['style', 'script', 'iframe', 'object', 'embed', 'form'],
        ADD_ATTR: ['data-remote-src', 'data-mermaid-index'],
      }),
    [html],
  );
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const controller = new AbortController();
    for (const pre of el.querySelectorAll<HTMLElement>('pre.mermaid-source')) {
      const source = pre.textContent ?? '';
      renderMermaid(source, theme, controller.signal).then(
        ({ svg }) => {
          if (controller.signal.aborted) return;
          const figure = document.createElement('div');
          figure.className = 'card-mermaid';
          figure.innerHTML = DOMPurify.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true } });
          pre.replaceWith(figure);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          // Shown, not just marked: the source stays readable below the reason.
          const note = document.createElement('p');
          note.className = 'mermaid-error-message';
          note.dataset.testid = 'card-mermaid-error';
          note.setAttribute('role', 'note');
          note.textContent = `This diagram could not be drawn: ${toLoupeError(error).message}`;
          if (pre.previousElementSibling?.classList.contains('mermaid-error-message')) pre.previousElementSibling.remove();
          pre.classList.add('mermaid-error');
          pre.before(note);
        },
      );
    }
    return () => controller.abort();
  }, [clean, theme]);
  return <div ref={host} className="card-rendered markdown" data-testid="card-rendered" dangerouslySetInnerHTML={{ __html: clean }} />;
}

function LintPanel({ lints }: { lints: CardResult['lints'] }) {
  return (
    <section className="panel" aria-label="Card lint">
      <h2>Lint ({lints.length})</h2>
      {lints.length === 0 ? (
        <p className="ok">No problems found.</p>
      ) : (
        <ul className="lint-list">
          {lints.map((l, i) => (
            <DiagnosticItem key={i} diagnostic={l} testId="card-lint" />
          ))}
        </ul>
      )}
    </section>
  );
}

const SHARED_LABELS: Record<string, string> = {
  weights: 'Weights',
  code: 'Model code / config',
  card: 'Model card',
  'training-code': 'Training code',
  'training-data': 'Training data',
};

const SHARED_STATUS_LABELS: Record<string, string> = { green: 'shared', amber: 'partly shared', red: 'not shared' };

function SharedPanel({ shared }: { shared: CardResult['shared'] }) {
  if (shared.length === 0) return null;
  return (
    <section className="panel" aria-label="What is shared" data-testid="what-is-shared">
      <h2>What is shared</h2>
      <ul className="shared-list">
        {shared.map((s) => (
          <li key={s.part} data-testid="shared-item" data-part={s.part} data-status={s.status}>
            <span className={`dot dot-${s.status}`} role="img" aria-label={SHARED_STATUS_LABELS[s.status] ?? s.status} />{' '}
            <strong>{SHARED_LABELS[s.part] ?? s.part}</strong>: {s.detail}
            {s.hint && <div className="muted">{s.hint}</div>}
            {s.links && s.links.length > 0 && (
              <div>
                Linked:{' '}
                {s.links.map((url) => (
                  <a key={url} href={url} target="_blank" rel="noopener noreferrer" data-testid="shared-link">
                    {url}
                  </a>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function MetadataPanel({ metadata, modelIndex }: { metadata: Record<string, unknown>; modelIndex: CardResult['modelIndex'] }) {
  return (
    <section className="panel" data-testid="card-metadata">
      <h2>Metadata</h2>
      <dl className="kv">
        {Object.entries(metadata)
          .filter(([k]) => k !== 'model-index')
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
      </dl>
      {modelIndex.length > 0 && (
        <>
          <h3>Evaluation results (model-index)</h3>
          <table className="grid" data-testid="model-index">
            <thead>
              <tr>
                <th>model</th>
                <th>task</th>
                <th>dataset</th>
                <th>metric</th>
                <th className="num">value</th>
              </tr>
            </thead>
            <tbody>
              {modelIndex.map((r, i) => (
                <tr key={i}>
                  <td>{r.model}</td>
                  <td>{r.task}</td>
                  <td>{r.dataset}</td>
                  <td>{r.metric}</td>
                  <td className="num">{String(r.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
