import type { OpenProgress } from '../formats/open-group';
import type { Handlers } from './worker-protocol';
import type { Kept, ParseMap } from './parse-protocol';
import type { GraphViewCache } from '../graph/graph-view-model';
import type { Graph } from '../model/graph';
import type { TensorInfo } from '../model/document';
import { TOP_VIEW } from '../graph/top-view';

/**
 * Each request's code is loaded on its first use: an ONNX open loads the format readers and no
 * more; the card stack, the Hub and Zenodo clients, zip and the tensor statistics come in their own
 * chunks when a request needs them. The worker script the page starts at idle is then small, and a
 * first drop waits only for what it uses (issue 17: the single 1.5 MB worker was 200 ms of the first graph).
 */
const load = {
  open: () => Promise.all([import('../sources/model-source'), import('../sources/local-source')]),
  hub: () => import('../hub/open-hub-repo'),
  zenodo: () => import('../zenodo/open-zenodo-record'),
  files: () => import('./parse-files'),
  card: () => import('./card-work'),
  template: () => import('../formats/tokenizer/render-chat-template'),
  graph: () => import('../graph/graph-view-model'),
};

/**
 * Loads what opening local files and showing their graph need, as soon as the worker starts (the
 * page starts it when idle): the first drop then waits for no module (measured: 70–90 ms otherwise).
 */
export function preloadOpen(): void {
  const open = load.open();
  void graphs();
  // Then the first drop's path, once, on a tiny model: parsing, the scope tree and the view run
  // compiled code when the user's file comes, not code the engine has never seen.
  void Promise.all([open, load.graph(), import('./warm-up-model')])
    .then(async ([[{ openSource }, { localSource }], { GraphViewCache }, { WARM_UP_ONNX_BASE64 }]) => {
      const bytes = Uint8Array.from(atob(WARM_UP_ONNX_BASE64), (c) => c.charCodeAt(0));
      const document = await openSource(localSource([{ path: 'warm-up.onnx', blob: new Blob([bytes]) }]));
      const cache = new GraphViewCache();
      cache.load('warm-up', document.graphs![0]!, document.tensors);
      cache.view('warm-up', { ...TOP_VIEW, theme: 'light' });
    })
    .catch((error: unknown) => console.warn('Loupe: the parse worker could not warm up', error));
}

/** Scope trees of the graphs the page shows, kept between requests so that an expand or a search does not rebuild them. */
let graphCache: Promise<GraphViewCache> | undefined;
function graphs(): Promise<GraphViewCache> {
  graphCache ??= load.graph().then((m) => new m.GraphViewCache());
  return graphCache;
}

/** Scope trees being built after an open answered: a graph request for one of these keys waits for it. */
const building = new Map<string, Promise<void>>();
/** The key of the last opened document's graph: the next open drops its tree (the page sends it again if it still shows it). */
let lastOpened: string | undefined;

/**
 * Builds the opened document's graph's scope tree under the key the page chose, just after the
 * document is posted: the tree is ready when the Graph view asks, and the page never sends the graph back.
 */
function keepAfterReply(key: string, graph: Graph, initializers: readonly TensorInfo[]): void {
  const previous = lastOpened;
  lastOpened = key;
  const done = new Promise((resolve) => setTimeout(resolve, 0))
    .then(graphs)
    .then((cache) => {
      if (previous) cache.drop(previous);
      cache.load(key, graph, initializers);
    })
    .catch((error: unknown) => console.error('Loupe: the graph of the opened model could not be prepared', error))
    .finally(() => building.delete(key));
  building.set(key, done);
}

async function kept<T>(key: string, answer: (cache: GraphViewCache) => T | undefined): Promise<Kept<T>> {
  await building.get(key);
  const value = answer(await graphs());
  return value === undefined ? { kept: false } : { kept: true, value };
}

const progressOf = (file: string) => (progress: (p: OpenProgress) => void) => (done: number, total: number) => progress({ done, total, file });

/** The parse workload, one function per request: the worker serves them, and the main thread runs them when no worker starts. */
export const parseHandlers: Handlers<ParseMap, OpenProgress> = {
  open: async (request, { signal, progress }) => {
    const [{ openSource }, { localSource }] = await load.open();
    const document = await openSource(localSource(request.files, request.sourceKind), { signal, onProgress: progress });
    const graph = document.graphs?.[0];
    if (request.graphKey && graph) keepAfterReply(request.graphKey, graph, document.tensors);
    return document;
  },
  'open-hub': async ({ request }, { signal, progress }) =>
    (await load.hub()).openHubRepo({ ...request, signal, onProgress: (p) => progress({ done: p.done, total: p.total, file: p.file ?? p.phase }) }),
  'open-zenodo': async ({ request }, { signal, progress }) =>
    (await load.zenodo()).openZenodoRecord({
      endpoint: request.endpoint,
      recordId: request.recordId,
      record: request.record,
      online: request.online,
      signal,
      onProgress: progress,
    }),
  stats: async (request, { signal, progress }) =>
    (await load.files()).computeFileStats(request.file, request.tensor, signal, progressOf(request.file.path)(progress)),
  convert: async (request, { signal, progress }) => (await load.files()).convertFile(request.file, signal, progressOf(request.file.path)(progress)),
  md5: async (request, { signal, progress }) => (await load.files()).md5File(request.file, signal, progressOf(request.file.path)(progress)),
  card: async (request) => (await load.card()).cardWork(request.request),
  'draft-card': async (request) => (await load.card()).draftWork(request.document),
  'chat-template': async (request) => {
    const { describeTemplateFailure, renderChatTemplate, SAMPLE_CONVERSATION } = await load.template();
    const result = renderChatTemplate(request.template, {
      messages: SAMPLE_CONVERSATION,
      addGenerationPrompt: true,
      specialTokens: { bos: request.tokens.bos, eos: request.tokens.eos },
    });
    return result.ok ? result : { ok: false, error: describeTemplateFailure(result) };
  },
  'compare-values': async (request, { signal, progress }) =>
    (await load.files()).compareFileValues(request.a, request.b, signal, progressOf(request.a.tensor.name)(progress)),
  'graph-load': async (request) => {
    await building.get(request.key);
    (await graphs()).load(request.key, request.graph, request.initializers);
    return null;
  },
  'graph-view': (request) => kept(request.key, (cache) => cache.view(request.key, request.view)),
  'graph-search': (request) => kept(request.key, (cache) => cache.search(request.key, request.query, request.limit)),
  'graph-node': (request) => kept(request.key, (cache) => (cache.tree(request.key) ? (cache.node(request.key, request.nodeId) ?? null) : undefined)),
};
