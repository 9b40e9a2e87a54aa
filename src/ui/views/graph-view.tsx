import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { architectureDiagram } from '../../graph/architecture-diagram';
import type { GraphNodeDetails, GraphViewModel, GraphViewRequest } from '../../graph/graph-view-model';
import { buildModuleTree } from '../../graph/module-tree';
import { moduleTreeDiagram } from '../../graph/module-tree-diagram';
import type { SearchResult } from '../../graph/search-graph';
import type { ModelDocument, ParsedFile, TensorInfo } from '../../model/document';
import type { Graph, OnnxFunction } from '../../model/graph';
import { exportMermaid, exportPng, exportSvg } from '../graph/export-diagram';
import { MermaidView, type BoxAttributes } from '../graph/mermaid-view';
import { NodePanel } from '../graph/node-panel';
import { formatInteger } from '../../model/units';
import { CancelledError, toLoupeError } from '../../model/errors';
import { getParseClient } from '../parse-client-instance';
import { SectionPager } from '../graph/section-pager';
import { TOP_VIEW } from '../../graph/top-view';

export const READY_MARK = 'loupe:ready';
const EXPAND_START = 'loupe:graph:expand:start';
/** Search hits listed under the search box; the rest are counted. */
const SHOWN_HITS = 12;

type Theme = 'light' | 'dark';

/** The graph of the document: the ONNX graph by scope, else the module tree, else the architecture from config.json. */
export function GraphView({ document, theme, onShowTensor }: { document: ModelDocument; theme: Theme; onShowTensor: (name: string) => void }) {
  const graph = document.graphs?.[0];
  if (graph) return <OnnxGraphView document={document} graph={graph} theme={theme} onShowTensor={onShowTensor} />;
  return <WeightsGraphView document={document} theme={theme} />;
}

/** Without an ONNX graph: the module tree of the weights, and the architecture the config declares, whichever exist. */
function WeightsGraphView({ document, theme }: { document: ModelDocument; theme: Theme }) {
  // The architecture comes from config.json, else from a GGUF header's metadata.
  const ggufFacts = useMemo(
    () => document.files.flatMap((f) => (f.format === 'gguf' && f.facts.configFacts ? [f.facts.configFacts] : []))[0],
    [document.files],
  );
  const facts = document.config?.facts ?? ggufFacts;
  const origin = document.config?.facts ? 'config.json' : 'GGUF metadata';
  const diagram = useMemo(() => (facts ? architectureDiagram(facts, { theme }) : undefined), [facts, theme]);
  const hasTensors = document.tensors.length > 0;
  const [show, setShow] = useState<'modules' | 'architecture'>(hasTensors ? 'modules' : 'architecture');
  const toggle = hasTensors && diagram && (
    <div className="row" role="tablist" aria-label="Diagram">
      <button
        type="button"
        role="tab"
        aria-selected={show === 'modules'}
        className={show === 'modules' ? 'tab active' : 'tab'}
        onClick={() => setShow('modules')}
      >
        Module tree
      </button>
      <button
        type="button"
        role="tab"
        aria-selected={show === 'architecture'}
        className={show === 'architecture' ? 'tab active' : 'tab'}
        onClick={() => setShow('architecture')}
        data-testid="show-architecture"
      >
        Architecture ({origin})
      </button>
    </div>
  );
  if (hasTensors && show === 'modules')
    return (
      <>
        {toggle}
        <ModuleTreeView document={document} theme={theme} />
      </>
    );
  if (diagram)
    return (
      <>
        {toggle}
        <StaticDiagram text={diagram.text} title={diagram.title} origin={origin} theme={theme} />
      </>
    );
  return (
    <div className="graph-view" data-testid="graph" data-node-count={0} data-rendered-count={0}>
      <p className="empty">
        No graph to draw: open an ONNX model for its computation graph, weights for their module tree, or a config.json of a known architecture.
      </p>
    </div>
  );
}

/** Measures loupe:graph:first once per document, from the ready document to the first painted diagram. */
function markFirstPaint(): void {
  if (performance.getEntriesByName('loupe:graph:first', 'measure').length > 0) return;
  if (performance.getEntriesByName(READY_MARK, 'mark').length === 0) return;
  performance.measure('loupe:graph:first', READY_MARK);
}

function markExpandPaint(): void {
  if (performance.getEntriesByName(EXPAND_START, 'mark').length === 0) return;
  performance.measure('loupe:graph:expand', EXPAND_START);
  performance.clearMarks(EXPAND_START);
}

function startExpand(): void {
  performance.clearMarks(EXPAND_START);
  performance.mark(EXPAND_START);
}

interface Frame {
  graph: Graph;
  label: string;
}

function OnnxGraphView({
  document,
  graph: mainGraph,
  theme,
  onShowTensor,
}: {
  document: ModelDocument;
  graph: Graph;
  theme: Theme;
  onShowTensor: (name: string) => void;
}) {
  // Subgraphs (If/Loop/Scan bodies) are entered like scopes: a stack of graphs.
  const [stack, setStack] = useState<Frame[]>([{ graph: mainGraph, label: 'main graph' }]);
  const frame = stack[stack.length - 1]!;
  const initializers = useMemo(() => new Map<string, TensorInfo>(document.tensors.map((t) => [t.name, t])), [document.tensors]);
  const nodeCount = document.files.find((f): f is Extract<ParsedFile, { format: 'onnx' }> => f.format === 'onnx')?.nodeCount ?? mainGraph.nodes.length;
  return (
    <ScopeGraph
      key={stack.length}
      graph={frame.graph}
      tensors={document.tensors}
      theme={theme}
      nodeCount={nodeCount}
      stack={stack}
      onStack={setStack}
      initializers={initializers}
      onShowTensor={onShowTensor}
      name={
        document.files[0]?.path
          .split('/')
          .pop()
          ?.replace(/\.[^.]+$/, '') ?? 'graph'
      }
      functions={document.functions ?? []}
    />
  );
}

/** What the user chose to see; the worker turns it into a view (undefined `expanded`: the scope's default). */
type ViewChoice = Omit<GraphViewRequest, 'theme'>;

const TOP: ViewChoice = TOP_VIEW;

/**
 * The graph view's model, asked of the parse worker, which keeps the graph's scope tree: the
 * page never builds the tree, the view or the mermaid text. The last model stays shown until
 * the next one arrives.
 */
function useGraphViewModel(graph: Graph, tensors: readonly TensorInfo[], request: GraphViewRequest): { model?: GraphViewModel; error?: string } {
  const [state, setState] = useState<{ model?: GraphViewModel; error?: string }>({});
  useEffect(() => {
    let current = true;
    getParseClient()
      .graphView(graph, tensors, request)
      .then(
        (model) => current && setState({ model }),
        (error: unknown) => current && !(error instanceof CancelledError) && setState((old) => ({ ...old, error: toLoupeError(error).message })),
      );
    return () => {
      current = false;
    };
  }, [graph, tensors, request]);
  return state;
}

function useGraphSearch(graph: Graph, tensors: readonly TensorInfo[], query: string): SearchResult | undefined {
  const [state, setState] = useState<{ query: string; result: SearchResult } | undefined>();
  useEffect(() => {
    if (!query) return;
    let current = true;
    getParseClient()
      .graphSearch(graph, tensors, query, 50)
      .then(
        (result) => current && setState({ query, result }),
        (error: unknown) => current && setState({ query, result: { hits: [], total: 0, truncated: false, mode: 'text', error: toLoupeError(error).message } }),
      );
    return () => {
      current = false;
    };
  }, [graph, tensors, query]);
  return query && state?.query === query ? state.result : undefined;
}

function useGraphNode(graph: Graph, tensors: readonly TensorInfo[], nodeId: string | undefined): GraphNodeDetails | undefined {
  const [state, setState] = useState<{ nodeId: string; details: GraphNodeDetails | null } | undefined>();
  useEffect(() => {
    if (nodeId === undefined) return;
    let current = true;
    getParseClient()
      .graphNode(graph, tensors, nodeId)
      .then(
        (details) => current && setState({ nodeId, details }),
        () => current && setState({ nodeId, details: null }),
      );
    return () => {
      current = false;
    };
  }, [graph, tensors, nodeId]);
  return nodeId !== undefined && state?.nodeId === nodeId ? (state.details ?? undefined) : undefined;
}

function ScopeGraph({
  graph,
  tensors,
  theme,
  nodeCount,
  stack,
  onStack,
  initializers,
  onShowTensor,
  name,
  functions,
}: {
  functions: OnnxFunction[];
  graph: Graph;
  tensors: readonly TensorInfo[];
  theme: Theme;
  nodeCount: number;
  stack: Frame[];
  onStack: (stack: Frame[]) => void;
  initializers: Map<string, TensorInfo>;
  onShowTensor: (name: string) => void;
  name: string;
}) {
  const [choice, setChoice] = useState<ViewChoice>(TOP);
  const [selected, setSelected] = useState<string | undefined>();
  const [query, setQuery] = useState('');
  const [showResults, setShowResults] = useState(false);
  /** The highlighted search hit (aria-activedescendant), -1 for none. */
  const [activeHit, setActiveHit] = useState(-1);
  const searchRef = useRef<HTMLInputElement>(null);
  const svgRef = useRef<string | null>(null);

  const request = useMemo(() => ({ ...choice, theme }), [choice, theme]);
  const { model, error } = useGraphViewModel(graph, tensors, request);
  const search = useGraphSearch(graph, tensors, query.trim());
  const details = useGraphNode(graph, tensors, selected);
  const boxes = useMemo(() => new Map<string, BoxAttributes>(model?.boxes ?? []), [model]);
  const view = model?.view;
  const scopeId = view?.scopeId ?? choice.scopeId;

  const goTo = useCallback((next: string, options: { focus?: string } = {}) => {
    startExpand();
    setChoice({ scopeId: next, instances: [], focusNodeId: options.focus });
  }, []);

  const onBoxClick = useCallback(
    (mermaidId: string) => {
      if (!model) return;
      const boxId = model.diagram.idToBox.get(mermaidId);
      const box = model.view.boxes.find((b) => b.id === boxId);
      if (!box) return;
      if (box.kind === 'op' && box.nodeId !== undefined) {
        setSelected(box.nodeId);
        return;
      }
      const toggle = box.scopeId ?? box.foldId;
      // Too many items to draw in place: the click opens the scope (a fold, its first instance).
      const opens = box.opensInPlace === false ? (box.scopeId ?? box.instanceScopeIds?.[0]) : undefined;
      if ((box.kind === 'scope' || box.kind === 'fold') && opens !== undefined) {
        goTo(opens);
        return;
      }
      if ((box.kind === 'scope' || box.kind === 'fold') && toggle) {
        startExpand();
        const expanded = new Set(model.expanded);
        if (expanded.has(toggle)) expanded.delete(toggle);
        else expanded.add(toggle);
        setChoice((old) => ({ ...old, expanded: [...expanded] }));
        return;
      }
      if (box.kind === 'stub' && box.sectionId) {
        startExpand();
        const sectionId = box.sectionId;
        setChoice((old) => ({ ...old, expanded: model.expanded, sectionId }));
      }
    },
    [model, goTo],
  );

  const selectSection = useCallback(
    (sectionId: string) => {
      startExpand();
      setChoice((old) => ({ ...old, expanded: model?.expanded, sectionId }));
    },
    [model],
  );

  // Keyboard: `/` focuses search, Esc goes back up.
  const breadcrumb = view?.breadcrumb;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if (event.key === '/' && !typing) {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === 'Escape') {
        if (typing) (event.target as HTMLElement).blur();
        else if (selected) setSelected(undefined);
        else if (breadcrumb && breadcrumb.length > 1) goTo(breadcrumb[breadcrumb.length - 2]!.scopeId);
        else if (stack.length > 1) onStack(stack.slice(0, -1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, breadcrumb, goTo, stack, onStack]);

  const shownHits = search && !search.error ? search.hits.slice(0, SHOWN_HITS) : [];
  const resultsOpen = Boolean(search) && showResults;
  const openHit = (index: number) => {
    const hit = search?.hits[index];
    if (!hit) return;
    goTo(hit.scopeId, { focus: hit.nodeId });
    setSelected(hit.nodeId);
    setShowResults(false);
    setActiveHit(-1);
  };

  const selectedNode = details ? graph.nodes[details.nodeIndex] : undefined;
  const valueTypes = useMemo(() => new Map(details?.valueTypes ?? []), [details]);
  const constants = useMemo(() => new Map(details?.constants ?? []), [details]);
  const fileName = `${name}-${scopeId.replaceAll('/', '_') || 'top'}`;

  if (!model || !view) {
    return (
      <div className="graph-view" data-testid="graph" data-node-count={nodeCount} data-rendered-count={0} aria-busy={!error}>
        {error ? <p className="inline-error">{error}</p> : <p className="muted">Laying out the graph…</p>}
      </div>
    );
  }
  const { diagram } = model;

  return (
    <div className="graph-view" data-testid="graph" data-node-count={nodeCount} data-rendered-count={view.renderedCount} data-scope={scopeId}>
      <div className="toolbar graph-toolbar">
        <nav className="breadcrumb" aria-label="Scope" data-testid="breadcrumb">
          {stack.map((f, i) => (
            <span key={`g${i}`}>
              <button type="button" className="linkish" onClick={() => onStack(stack.slice(0, i + 1))} disabled={i === stack.length - 1}>
                {f.label}
              </button>
              {' › '}
            </span>
          ))}
          {view.breadcrumb.map((b, i) => (
            <span key={b.scopeId || 'root'}>
              {i > 0 && ' › '}
              <button type="button" className="linkish" onClick={() => goTo(b.scopeId)} disabled={b.scopeId === scopeId}>
                {b.label || 'top'}
              </button>
            </span>
          ))}
        </nav>
        <div className="graph-search">
          <input
            ref={searchRef}
            type="search"
            role="combobox"
            aria-expanded={resultsOpen}
            aria-controls="graph-search-results"
            aria-autocomplete="list"
            aria-activedescendant={resultsOpen && activeHit >= 0 && activeHit < shownHits.length ? `graph-search-hit-${activeHit}` : undefined}
            placeholder="Search nodes: name, op type or /regex/  (press /)"
            aria-label="Search nodes"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setShowResults(true);
              setActiveHit(-1);
            }}
            onFocus={() => setShowResults(true)}
            onBlur={() => setShowResults(false)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                setShowResults(true);
                if (shownHits.length > 0) setActiveHit((i) => (e.key === 'ArrowDown' ? (i + 1) % shownHits.length : (i <= 0 ? shownHits.length : i) - 1));
              } else if (e.key === 'Enter') openHit(Math.max(0, activeHit));
            }}
            data-testid="graph-search"
          />
          <div className="search-results" data-testid="search-results" hidden={!resultsOpen}>
            {search?.error ? (
              <div className="inline-error">{search.error}</div>
            ) : search && search.hits.length === 0 ? (
              <div className="muted">No node matches.</div>
            ) : null}
            {/* Options keep the focus in the input (mousedown prevented), so a click is not a blur. */}
            <div role="listbox" id="graph-search-results" aria-label="Matching nodes">
              {shownHits.map((hit, i) => (
                <div
                  role="option"
                  id={`graph-search-hit-${i}`}
                  aria-selected={i === activeHit}
                  key={hit.nodeId}
                  className={i === activeHit ? 'search-hit active' : 'search-hit'}
                  data-testid="search-hit"
                  data-node-id={hit.nodeId}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => openHit(i)}
                >
                  <span className="mono">{hit.opType}</span> <span className="muted ellipsis">{hit.name || hit.nodeId}</span>
                </div>
              ))}
            </div>
            {search && search.total > SHOWN_HITS && <div className="muted">{search.total - SHOWN_HITS} more; refine the search.</div>}
          </div>
        </div>
        <span className="muted" data-testid="graph-counts">
          {view.renderedCount} boxes drawn of {formatInteger(nodeCount)} nodes
        </span>
        <div className="row">
          <button type="button" onClick={() => svgRef.current && exportSvg(svgRef.current, fileName)} data-testid="export-svg">
            SVG
          </button>
          <button type="button" onClick={() => svgRef.current && void exportPng(svgRef.current, fileName)} data-testid="export-png">
            PNG
          </button>
          <button type="button" onClick={() => exportMermaid(diagram.text, fileName)} data-testid="export-mermaid">
            Mermaid
          </button>
        </div>
      </div>
      {view.sections.length > 1 && <SectionPager sections={view.sections} currentId={view.sectionId} onSelect={selectSection} />}
      {view.instanceOf && (
        <div className="instances">
          {view.instanceOf.label}: instance {view.instanceOf.position + 1} of {view.instanceOf.count}{' '}
          <select aria-label="Instance" value={view.instanceOf.position} onChange={(e) => goTo(view.instanceOf!.instanceScopeIds[Number(e.target.value)]!)}>
            {view.instanceOf.instanceScopeIds.map((id, i) => (
              <option key={id} value={i}>
                {id.split('/').pop()}
              </option>
            ))}
          </select>
        </div>
      )}
      {view.notices.length > 0 && (
        <ul className="notices muted">
          {view.notices.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      <div className="graph-body">
        <MermaidView
          text={diagram.text}
          theme={theme}
          boxes={boxes}
          onBoxClick={onBoxClick}
          svgRef={svgRef}
          onPainted={() => {
            markFirstPaint();
            markExpandPaint();
          }}
        />
        {selectedNode && (
          <NodePanel
            key={selectedNode.id}
            node={selectedNode}
            valueTypes={valueTypes}
            constants={constants}
            graphNodes={graph.nodes}
            initializers={initializers}
            onClose={() => setSelected(undefined)}
            onShowTensor={onShowTensor}
            functions={functions}
            onEnterSubgraph={(graph, label) => onStack([...stack, { graph, label }])}
          />
        )}
      </div>
      <Legend entries={diagram.legend} />
      <p className="muted hint">Click a scope to expand it in place, a node to see its details. Scroll to zoom, drag to pan. Esc goes back up.</p>
    </div>
  );
}

function Legend({ entries }: { entries: { category: string; label: string; colors: { fill: string; stroke: string; color: string } }[] }) {
  if (entries.length === 0) return null;
  return (
    <div className="legend" data-testid="graph-legend">
      {entries.map((e) => (
        <span key={e.category} className="legend-item">
          <span className="swatch" style={{ background: e.colors.fill, borderColor: e.colors.stroke }} />
          {e.label}
        </span>
      ))}
    </div>
  );
}

/** A checkpoint without a graph: its module tree, one level at a time, repeated layers folded. */
function ModuleTreeView({ document, theme }: { document: ModelDocument; theme: Theme }) {
  const root = useMemo(() => buildModuleTree(document.tensors), [document.tensors]);
  const [path, setPath] = useState('');
  const diagram = useMemo(() => moduleTreeDiagram(root, path, { theme }), [root, path, theme]);
  const boxes = useMemo(() => {
    const out = new Map<string, BoxAttributes>();
    for (const [id, p] of diagram.idToPath) out.set(id, { boxId: `module:${p}`, kind: 'module' });
    return out;
  }, [diagram]);
  const crumbs = path ? path.split('.') : [];
  return (
    <div className="graph-view" data-testid="graph" data-node-count={document.tensors.length} data-rendered-count={diagram.boxCount} data-kind="module-tree">
      <div className="toolbar">
        <nav className="breadcrumb" aria-label="Module" data-testid="breadcrumb">
          <button type="button" className="linkish" onClick={() => setPath('')} disabled={!path}>
            modules
          </button>
          {crumbs.map((c, i) => (
            <span key={i}>
              {' › '}
              <button type="button" className="linkish" onClick={() => setPath(crumbs.slice(0, i + 1).join('.'))} disabled={i === crumbs.length - 1}>
                {c}
              </button>
            </span>
          ))}
        </nav>
        <span className="muted">Module tree from tensor names: this checkpoint holds weights, not a computation graph.</span>
      </div>
      {diagram.notices.map((n, i) => (
        <p key={i} className="muted">
          {n}
        </p>
      ))}
      <div className="graph-body">
        <MermaidView
          text={diagram.text}
          theme={theme}
          boxes={boxes}
          onPainted={markFirstPaint}
          onBoxClick={(id) => {
            const next = diagram.idToPath.get(id);
            if (next !== undefined) setPath(next);
          }}
        />
      </div>
    </div>
  );
}

function StaticDiagram({ text, title, origin, theme }: { text: string; title: string; origin: string; theme: Theme }) {
  return (
    <div className="graph-view" data-testid="graph" data-node-count={0} data-rendered-count={0} data-kind="architecture">
      <p className="muted">
        {title}: drawn from {origin}.
      </p>
      <div className="graph-body">
        <MermaidView text={text} theme={theme} boxes={new Map()} onPainted={markFirstPaint} />
      </div>
    </div>
  );
}
