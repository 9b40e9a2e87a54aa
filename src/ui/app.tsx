import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { toLoupeError } from '../model/errors';
import type { FileInput } from '../workers/parse-protocol';
import { collectDroppedFiles, filesFromInput } from './collect-dropped-files';
import { FilePickerButton } from './file-picker-button';
import { loadExample } from './load-example';
import { HubSettings } from './hub-settings';
import { RepoInput } from './repo-input';
import { useHubDocument } from './use-hub-document';
import { useHubParams, type HubParams } from './use-hub-params';
import { useHubToken } from './use-hub-token';
import { useZenodoDocument } from './use-zenodo-document';
import { useZenodoParams } from './use-zenodo-params';
import { ZenodoRecordPanel } from './views/zenodo-record-panel';
import { statsFor, useModelDocument, type ComputeStats, type DocState } from './use-model-document';
import { RenderFault } from './render-faults';
import { RepoPanel } from './views/repo-panel';
import { useTheme } from './use-theme';
import { VIEWS, useUrlView, type View } from './use-url-view';
import { ViewErrorBoundary } from './view-error-boundary';
import { CardView } from './views/card-view';
import { GraphView, READY_MARK } from './views/graph-view';
import { InferenceView } from './views/inference-view';
import { OverviewView } from './views/overview-view';
import { TensorsView } from './views/tensors-view';
import { CompareControl } from './compare-control';
import { useCompare, valuesFor } from './use-compare';
import { DiffBody } from './views/diff-view';
import { loadMermaidSoon, preloadMermaid } from './graph/mermaid-renderer';
import { getParseClient } from './parse-client-instance';
import { whenIdle } from './when-idle';
import { TOP_VIEW } from '../graph/top-view';

const VIEW_LABELS: Record<View, string> = {
  overview: 'Overview',
  tensors: 'Tensors',
  graph: 'Graph',
  inference: 'Inference',
  card: 'Card',
  diff: 'Diff',
};

export function App() {
  const [theme, toggleTheme] = useTheme();
  const { doc: localDoc, open, cancel: cancelLocal } = useModelDocument();
  const [hubParams, setHubParams, endpoint, setEndpoint] = useHubParams();
  const hubToken = useHubToken();
  const hubDoc = useHubDocument(hubParams, endpoint, hubToken.token, hubToken.version);
  const [zenodoRecord, setZenodoRecord, zenodoEndpoint, setZenodoEndpoint] = useZenodoParams();
  const zenodoDoc = useZenodoDocument(zenodoRecord, zenodoEndpoint);
  // A repo or record in the URL is what the user looks at; opening local files leaves it.
  const doc: DocState = zenodoDoc ?? hubDoc ?? localDoc;
  const computeStats = useMemo(() => statsFor(doc), [doc]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [focusTensor, setFocusTensor] = useState<string | undefined>();

  // Each ready document restarts the graph's first-paint measure (loupe:graph:first).
  const readyDocument = doc.state === 'ready' ? doc.document : undefined;
  useEffect(() => {
    if (!readyDocument) return;
    performance.clearMarks(READY_MARK);
    performance.clearMeasures('loupe:graph:first');
    performance.mark(READY_MARK);
  }, [readyDocument]);
  const [view, setView] = useUrlView();
  // The second model of a comparison (`?compare=` or files); the Diff tab shows while there is one.
  const comparing = useCompare(hubParams, endpoint, hubToken.token, hubToken.version);
  const computeValues = useMemo(() => valuesFor(doc, comparing.doc), [doc, comparing.doc]);
  const [dragging, setDragging] = useState(false);
  const [exampleError, setExampleError] = useState<string | null>(null);
  const dragDepth = useRef(0);

  // Nothing on the first graph's critical path that could have happened before (issue 17): the
  // parse worker starts once the page is idle after its first paint, and mermaid loads while the
  // Graph view is shown, before any file is given.
  useEffect(() => whenIdle(() => getParseClient().warm()), []);
  useEffect(() => (view === 'graph' ? whenIdle(() => void preloadMermaid(theme)) : undefined), [view, theme]);

  const openFiles = useCallback(
    (files: FileInput[], kind: 'local' | 'example' = 'local') => {
      // A model with a computation graph: mermaid loads in parallel with parsing.
      if (files.some((f) => /\.onnx$/i.test(f.path))) loadMermaidSoon();
      setExampleError(null);
      if (hubParams) setHubParams(null);
      if (zenodoRecord) setZenodoRecord(null);
      void open(files, kind, { ...TOP_VIEW, theme });
    },
    [open, hubParams, setHubParams, zenodoRecord, setZenodoRecord, theme],
  );
  const cancel = zenodoRecord ? () => setZenodoRecord(null) : hubParams ? () => setHubParams(null) : cancelLocal;
  const openHub = (params: HubParams) => {
    if (zenodoRecord) setZenodoRecord(null);
    setHubParams(params);
  };
  const openZenodo = (record: string) => {
    if (hubParams) setHubParams(null);
    setZenodoRecord(record);
  };
  const inspect = (file: string | undefined) => hubParams && setHubParams({ ...hubParams, file });

  const openExample = useCallback(async () => {
    try {
      openFiles(await loadExample(), 'example');
    } catch (error) {
      setExampleError(toLoupeError(error).message);
    }
  }, [openFiles]);

  // A drop anywhere on the page opens the files, folders included.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth.current++;
      setDragging(true);
    };
    const onLeave = () => {
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = async (e: DragEvent) => {
      e.preventDefault();
      dragDepth.current = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      const files = await collectDroppedFiles(e.dataTransfer);
      if (files.length > 0) openFiles(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [openFiles]);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          <span aria-hidden="true">◎</span> Loupe
        </h1>
        <OpenButtons onFiles={openFiles} />
        <button type="button" className="linkish" data-testid="open-example" onClick={openExample}>
          Try an example
        </button>
        <RepoInput
          key={hubParams?.repo ?? zenodoRecord ?? ''}
          endpoint={endpoint}
          current={hubParams}
          onOpen={openHub}
          zenodoEndpoint={zenodoEndpoint}
          onOpenZenodo={openZenodo}
        />
        <CompareControl
          active={comparing.doc !== null}
          current={comparing.param}
          onFiles={(files) => {
            comparing.compareFiles(files);
            setView('diff');
          }}
          onRepo={(value) => {
            comparing.compareWith(value);
            setView('diff');
          }}
          onStop={() => {
            comparing.stop();
            if (view === 'diff') setView('overview');
          }}
        />
        <div className="spacer" />
        <StatusBadge doc={doc} onCancel={cancel} />
        <button
          type="button"
          className="icon"
          onClick={() => setSettingsOpen((o) => !o)}
          aria-label="Hub settings"
          title="Hub endpoint and token"
          data-testid="open-settings"
        >
          ⚙
        </button>
        <button type="button" className="icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      {settingsOpen && (
        <HubSettings
          endpoint={endpoint}
          onEndpoint={setEndpoint}
          token={hubToken.token}
          remembered={hubToken.remembered}
          onToken={hubToken.setToken}
          zenodoEndpoint={zenodoEndpoint}
          onZenodoEndpoint={setZenodoEndpoint}
          onClose={() => setSettingsOpen(false)}
        />
      )}
      <ViewTabs view={view} views={VIEWS.filter((v) => v !== 'diff' || comparing.doc)} onView={setView} />
      <main className="content">
        {exampleError && <ErrorPanel message={`The example could not be loaded: ${exampleError}`} />}
        <div className="view-panel" role="tabpanel" id={VIEW_PANEL_ID} aria-labelledby={`view-tab-${view}`}>
          {doc.state === 'ready' && doc.hub && view === 'overview' && <RepoPanel hub={doc.hub} document={doc.document} onInspect={inspect} />}
          {(doc.state === 'ready' || doc.state === 'error') && doc.zenodo && view === 'overview' && (
            <ZenodoRecordPanel
              record={doc.zenodo.record}
              descriptionHtml={doc.state === 'ready' ? doc.zenodo.descriptionHtml : undefined}
              files={doc.state === 'ready' ? doc.zenodo.files : undefined}
            />
          )}
          {view === 'diff' ? (
            <DiffBody a={doc} b={comparing.doc} computeValues={computeValues} />
          ) : (
            <Body
              doc={doc}
              view={view}
              theme={theme}
              onExample={openExample}
              computeStats={computeStats}
              focusTensor={focusTensor}
              onShowTensor={(name) => {
                setFocusTensor(name);
                setView('tensors');
              }}
            />
          )}
        </div>
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop files or a folder to open them. Nothing is uploaded.</div>
        </div>
      )}
    </div>
  );
}

const VIEW_PANEL_ID = 'view-panel';

/**
 * The view tabs, with the WAI-ARIA tabs pattern: one tab in the Tab order (the selected one), the
 * arrow keys, Home and End move between tabs and select them, and each tab names the panel it controls.
 */
/** The view tabs; `views` are those shown (Diff only while two models are open). */
function ViewTabs({ view, views, onView }: { view: View; views: readonly View[]; onView: (view: View) => void }) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const at = views.indexOf(view);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1 + views.length, Home: 0, End: views.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const index = next % views.length;
    onView(views[index]!);
    tabs.current[index]?.focus();
  };
  return (
    <nav className="tabs" aria-label="Views">
      <div className="tab-list" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
        {views.map((v, i) => (
          <button
            key={v}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`view-tab-${v}`}
            aria-selected={view === v}
            aria-controls={VIEW_PANEL_ID}
            tabIndex={view === v ? 0 : -1}
            data-testid={`tab-${v}`}
            className={view === v ? 'tab active' : 'tab'}
            onClick={() => onView(v)}
          >
            {VIEW_LABELS[v]}
          </button>
        ))}
      </div>
    </nav>
  );
}

function OpenButtons({ onFiles }: { onFiles: (files: FileInput[]) => void }) {
  const open = (files: File[]) => onFiles(filesFromInput(files));
  return (
    <div className="open-buttons">
      <FilePickerButton multiple testId="file-input" buttonTestId="open-files" onFiles={open}>
        Open files
      </FilePickerButton>
      <FilePickerButton directory testId="folder-input" buttonTestId="open-folder" onFiles={open}>
        Open folder
      </FilePickerButton>
    </div>
  );
}

function StatusBadge({ doc, onCancel }: { doc: DocState; onCancel: () => void }) {
  let text: ReactNode = 'No model open';
  if (doc.state === 'loading') {
    const p = doc.progress;
    text = (
      <>
        Opening {doc.label}
        {p && p.total > 1 && (
          <progress max={p.total} value={p.done} aria-label="Progress">
            {p.done}/{p.total}
          </progress>
        )}
        <button type="button" className="linkish" onClick={onCancel}>
          Cancel
        </button>
      </>
    );
  } else if (doc.state === 'ready') text = doc.label;
  else if (doc.state === 'error') text = `Could not open ${doc.label}`;
  return (
    <div className={`status status-${doc.state}`} data-testid="doc-status" data-state={doc.state} role="status" aria-live="polite">
      {text}
    </div>
  );
}

export function ErrorPanel({ message, title = 'Something went wrong' }: { message: string; title?: string }) {
  return (
    <div className="error-panel" role="alert" data-testid="error">
      <strong>{title}</strong>
      <p>{message}</p>
    </div>
  );
}

interface BodyProps {
  doc: DocState;
  view: Exclude<View, 'diff'>;
  theme: 'light' | 'dark';
  onExample: () => void;
  computeStats: ComputeStats;
  focusTensor?: string;
  onShowTensor: (name: string) => void;
}

function Body({ doc, view, theme, onExample, computeStats, focusTensor, onShowTensor }: BodyProps) {
  if (doc.state === 'idle') return <Welcome onExample={onExample} />;
  if (doc.state === 'loading')
    return (
      <div className="loading" aria-busy="true">
        Reading {doc.label}…
      </div>
    );
  if (doc.state === 'error') {
    return (
      <>
        <ErrorPanel title={`Could not open ${doc.label}`} message={doc.error.message} />
        <Welcome onExample={onExample} />
      </>
    );
  }
  return (
    <ViewErrorBoundary key={`${view} ${doc.label}`} view={VIEW_LABELS[view]}>
      <RenderFault view={view} />
      <ReadyView doc={doc} view={view} theme={theme} computeStats={computeStats} focusTensor={focusTensor} onShowTensor={onShowTensor} />
    </ViewErrorBoundary>
  );
}

function ReadyView({
  doc,
  view,
  theme,
  computeStats,
  focusTensor,
  onShowTensor,
}: Omit<BodyProps, 'doc' | 'onExample'> & { doc: Extract<DocState, { state: 'ready' }> }) {
  const { document } = doc;
  switch (view) {
    case 'overview':
      return <OverviewView document={document} files={doc.files} />;
    case 'tensors':
      return <TensorsView key={focusTensor} document={document} computeStats={computeStats} focus={focusTensor} />;
    case 'graph':
      return <GraphView document={document} theme={theme} onShowTensor={onShowTensor} />;
    case 'inference':
      return <InferenceView document={document} files={doc.files} />;
    case 'card':
      return <CardView key={doc.label} document={document} hub={doc.hub} theme={theme} />;
  }
}

function Welcome({ onExample }: { onExample: () => void }) {
  return (
    <section className="welcome">
      <h2>Look inside a shared model</h2>
      <p>
        Drop a <code>.safetensors</code> file, a sharded checkpoint folder with its <code>model.safetensors.index.json</code>, an <code>.onnx</code> model with
        its external data, a <code>config.json</code> or a model card <code>README.md</code> anywhere on this page.
      </p>
      <p className="privacy">Everything runs in your browser. Your files never leave this machine.</p>
      <button type="button" className="primary" onClick={onExample}>
        Try an example
      </button>
    </section>
  );
}
