import type { OpenProgress } from '../formats/open-group';
import type { ValueComparison } from '../compare/compare-values';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { HubOpenResult } from '../hub/open-hub-repo';
import type { ModelDocument, TensorInfo } from '../model/document';
import { LoupeError } from '../model/errors';
import type { CardRequest, CardResult } from './card-work';
import type { ChatTemplateResult, ChatTemplateTokens } from '../formats/tokenizer/render-chat-template';
import type { GraphNodeDetails, GraphViewModel, GraphViewRequest } from '../graph/graph-view-model';
import type { SearchResult } from '../graph/search-graph';
import type { Graph } from '../model/graph';
import {
  PARSE_PROTOCOL,
  type FileInput,
  type HubFileInput,
  type HubOpenRequest,
  type Kept,
  type ParseMap,
  type TensorInFile,
  type ZenodoFileInput,
  type ZenodoOpenRequest,
} from './parse-protocol';
import type { ZenodoOpenResult } from '../zenodo/open-zenodo-record';
import { WorkerClient, type CallOptions } from './worker-client';

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: 'loupe-parse' });

type ProgressOptions = Pick<CallOptions<OpenProgress>, 'signal' | 'onProgress'>;

/**
 * The main-thread caller of the parse worker: named methods over the generic WorkerClient, which
 * owns the worker's life (a dead worker fails its work with a 'worker' error and is replaced on
 * the next call; a worker that cannot start makes the same handlers run on the main thread).
 */
export class ParseClient {
  #client: WorkerClient<ParseMap, OpenProgress>;
  /** A key per graph object, and the keys whose scope trees the current worker holds (or is building). */
  #graphKeys = new WeakMap<Graph, string>();
  #nextGraphKey = 1;
  #graphsLoaded = new Map<string, Promise<null>>();
  /** The first view of the last opened graph, asked for as soon as the document came (see `open`). */
  #firstView?: { graph: Graph; request: string; model: Promise<GraphViewModel> };

  constructor(factory: WorkerFactory = defaultFactory) {
    this.#client = new WorkerClient({
      protocol: PARSE_PROTOCOL,
      factory,
      mainThread: async () => (await import('./parse-handlers')).parseHandlers,
      cancel: 'message',
      retryHint: 'Try again; a fresh worker will start.',
      onStop: () => this.#graphsLoaded.clear(),
    });
  }

  /** Whether parsing has fallen back to the main thread. */
  get onMainThread(): boolean {
    return this.#client.onMainThread;
  }

  /**
   * Opens local files. The worker keeps the opened graph's scope tree under a key chosen here, so the
   * Graph view's first request finds it built and the graph never travels back to the worker.
   */
  async open(files: FileInput[], options: ProgressOptions & { sourceKind?: 'local' | 'example'; firstView?: GraphViewRequest } = {}): Promise<ModelDocument> {
    const { sourceKind = 'local', firstView, ...rest } = options;
    const graphKey = `g${this.#nextGraphKey++}`;
    const document = await this.#client.call('open', { files, sourceKind, graphKey }, rest);
    const graph = document.graphs?.[0];
    this.#firstView = undefined;
    if (graph) {
      this.#graphKeys.set(graph, graphKey);
      this.#graphsLoaded.set(graphKey, Promise.resolve(null));
      // The Graph view's first request, asked now: the worker builds it while the page renders the document.
      if (firstView) {
        const model = this.graphView(graph, document.tensors, firstView);
        model.catch(() => undefined);
        this.#firstView = { graph, request: requestKey(firstView), model };
      }
    }
    return document;
  }

  /** Starts the worker ahead of the first request (the page calls this when idle after its first paint). */
  warm(): void {
    this.#client.warm();
  }

  /** Opens a Hub repo in the worker. Rejects with HubError (kinds survive the worker boundary), so react-query can retry the transient ones. */
  openHub(request: HubOpenRequest, options: ProgressOptions = {}): Promise<HubOpenResult> {
    return this.#client.call('open-hub', { request }, options);
  }

  /** Opens a Zenodo record in the worker. Rejects with ZenodoError (kinds survive the worker boundary), so react-query can retry the transient ones. */
  openZenodo(request: ZenodoOpenRequest, options: ProgressOptions = {}): Promise<ZenodoOpenResult> {
    return this.#client.call('open-zenodo', { request }, options);
  }

  /** Renders and lints a model card in the worker (a hostile card can take seconds; the page stays responsive). */
  card(request: CardRequest, options: ProgressOptions = {}): Promise<CardResult> {
    return this.#client.call('card', { request }, options);
  }

  draftCard(document: ModelDocument): Promise<string> {
    return this.#client.call('draft-card', { document });
  }

  /**
   * Renders a chat template for the sample conversation, in the worker: a hostile template can loop,
   * and only a worker can be stopped (`terminate`) while it does.
   */
  chatTemplate(template: string, tokens: ChatTemplateTokens, options: ProgressOptions = {}): Promise<ChatTemplateResult> {
    return this.#client.call('chat-template', { template, tokens }, options);
  }

  /** Converts a safe PyTorch checkpoint to a safetensors Blob, in the worker. */
  convert(file: FileInput, options: ProgressOptions = {}): Promise<{ blob: Blob; name: string }> {
    return this.#client.call('convert', { file }, options);
  }

  /** The MD5 of a local file, streamed in the worker (hash-wasm): to check it against a Zenodo record's checksum. */
  md5(file: FileInput, options: ProgressOptions = {}): Promise<string> {
    return this.#client.call('md5', { file }, options);
  }

  /** Statistics of one tensor, computed in the worker from that tensor's bytes only. */
  stats(file: FileInput | HubFileInput | ZenodoFileInput, tensor: TensorInfo, options: ProgressOptions = {}): Promise<TensorStats> {
    return this.#client.call('stats', { file, tensor }, options);
  }

  /** Two tensors' values compared in the worker, each streamed from its own byte range. */
  compareValues(a: TensorInFile, b: TensorInFile, options: ProgressOptions = {}): Promise<ValueComparison> {
    return this.#client.call('compare-values', { a, b }, options);
  }

  /**
   * The graph view's model (scope tree → view → mermaid) for one view request, computed in the
   * worker. The graph's scope tree is built there once and kept, so expanding or searching only
   * builds the view.
   */
  graphView(graph: Graph, initializers: readonly TensorInfo[], view: GraphViewRequest): Promise<GraphViewModel> {
    const first = this.#firstView;
    if (first && first.graph === graph && first.request === requestKey(view)) {
      this.#firstView = undefined;
      return first.model;
    }
    return this.#withGraph(graph, initializers, (key) => this.#client.call('graph-view', { key, view }));
  }

  graphSearch(graph: Graph, initializers: readonly TensorInfo[], query: string, limit: number): Promise<SearchResult> {
    return this.#withGraph(graph, initializers, (key) => this.#client.call('graph-search', { key, query, limit }));
  }

  /** A node's index and value types; null when the graph has no such node. */
  graphNode(graph: Graph, initializers: readonly TensorInfo[], nodeId: string): Promise<GraphNodeDetails | null> {
    return this.#withGraph(graph, initializers, (key) => this.#client.call('graph-node', { key, nodeId }));
  }

  /** Asks about a kept graph, sending the graph first when the worker does not hold it (first use, a fresh worker, or dropped). */
  async #withGraph<T>(graph: Graph, initializers: readonly TensorInfo[], ask: (key: string) => Promise<Kept<T>>): Promise<T> {
    let key = this.#graphKeys.get(graph);
    if (!key) {
      key = `g${this.#nextGraphKey++}`;
      this.#graphKeys.set(graph, key);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      let loading = this.#graphsLoaded.get(key);
      if (!loading) {
        loading = this.#client.call('graph-load', { key, graph, initializers: [...initializers] });
        this.#graphsLoaded.set(key, loading);
        loading.catch(() => this.#graphsLoaded.delete(key));
      }
      await loading;
      const answer = await ask(key);
      if (answer.kept) return answer.value;
      this.#graphsLoaded.delete(key);
    }
    throw new LoupeError('internal', 'The parse worker did not keep the graph it was sent.');
  }

  /** Kills the worker (crash recovery and tests); pending work fails with a 'worker' error. */
  terminate(reason = 'The parse worker was stopped.'): void {
    this.#client.terminate(new LoupeError('worker', reason));
  }
}

/** A view request as a string, whatever the order of its fields. */
function requestKey(request: GraphViewRequest): string {
  return JSON.stringify(
    Object.entries(request)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
