import type { OpenProgress } from '../formats/open-group';
import type { ValueComparison } from '../compare/compare-values';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import { CancelledError, LoupeError } from '../model/errors';
import { HubError, type HubErrorKind } from '../hub/hub-error';
import type { HubOpenResult } from '../hub/open-hub-repo';
import type { SerializedError } from '../model/errors';
import type { CardRequest, CardResult } from './card-work';
import {
  isParseResponse,
  type FileInput,
  type HubFileInput,
  type HubOpenRequest,
  type ParseRequest,
  type TensorInFile,
  type ParseResponse,
  type ZenodoFileInput,
  type ZenodoOpenRequest,
} from './parse-protocol';
import type { ZenodoOpenResult } from '../zenodo/open-zenodo-record';
import { ZenodoError, type ZenodoErrorKind } from '../zenodo/zenodo-error';

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: 'loupe-parse' });

type Result = ModelDocument | TensorStats | ValueComparison | HubOpenResult | ZenodoOpenResult | { blob: Blob; name: string } | CardResult | string;

interface Pending {
  resolve: (value: Result) => void;
  reject: (error: LoupeError) => void;
  onProgress?: (progress: OpenProgress) => void;
}

type ProgressOptions = { signal?: AbortSignal; onProgress?: (p: OpenProgress) => void };

/**
 * The main-thread caller of the parse worker. It owns the worker's life: a worker that dies
 * fails its pending opens with a 'worker' error and is replaced on the next open; a worker
 * that cannot start at all makes the client run the same pure code on the main thread.
 */
export class ParseClient {
  #factory: WorkerFactory;
  #worker: Worker | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  /** Set once a worker failed to start; from then on, parsing runs on the main thread. */
  #mainThread = false;

  constructor(factory: WorkerFactory = defaultFactory) {
    this.#factory = factory;
  }

  /** Whether parsing has fallen back to the main thread. */
  get onMainThread(): boolean {
    return this.#mainThread;
  }

  open(files: FileInput[], options: ProgressOptions & { sourceKind?: 'local' | 'example' } = {}): Promise<ModelDocument> {
    const { signal, onProgress, sourceKind = 'local' } = options;
    if (this.#mainThread || !this.#ensureWorker()) return this.#openOnMainThread(files, sourceKind, signal, onProgress);
    return this.#request((id) => ({ type: 'open', id, files, sourceKind }), options) as Promise<ModelDocument>;
  }

  /** Opens a Hub repo in the worker. Rejects with HubError (kinds survive the worker boundary), so react-query can retry the transient ones. */
  async openHub(request: HubOpenRequest, options: ProgressOptions = {}): Promise<HubOpenResult> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { openHub } = await import('./parse-files');
      return openHub(request, options.signal ?? new AbortController().signal, options.onProgress);
    }
    return this.#request((id) => ({ type: 'open-hub', id, request }), options) as Promise<HubOpenResult>;
  }

  /** Opens a Zenodo record in the worker. Rejects with ZenodoError (kinds survive the worker boundary), so react-query can retry the transient ones. */
  async openZenodo(request: ZenodoOpenRequest, options: ProgressOptions = {}): Promise<ZenodoOpenResult> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { openZenodo } = await import('./parse-files');
      return openZenodo(request, options.signal ?? new AbortController().signal, options.onProgress);
    }
    return this.#request((id) => ({ type: 'open-zenodo', id, request }), options) as Promise<ZenodoOpenResult>;
  }

  /** Renders and lints a model card in the worker (a hostile card can take seconds; the page stays responsive). */
  async card(request: CardRequest, options: ProgressOptions = {}): Promise<CardResult> {
    if (this.#mainThread || !this.#ensureWorker()) return (await import('./card-work')).cardWork(request);
    return this.#request((id) => ({ type: 'card', id, request }), options) as Promise<CardResult>;
  }

  async draftCard(document: ModelDocument): Promise<string> {
    if (this.#mainThread || !this.#ensureWorker()) return (await import('./card-work')).draftWork(document);
    return this.#request((id) => ({ type: 'draft-card', id, document }), {}) as Promise<string>;
  }

  /** Converts a safe PyTorch checkpoint to a safetensors Blob, in the worker. */
  async convert(file: FileInput, options: ProgressOptions = {}): Promise<{ blob: Blob; name: string }> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { convertFile } = await import('./parse-files');
      return convertFile(file, options.signal ?? new AbortController().signal, (done, total) => options.onProgress?.({ done, total, file: file.path }));
    }
    return this.#request((id) => ({ type: 'convert', id, file }), options) as Promise<{ blob: Blob; name: string }>;
  }

  /** The MD5 of a local file, streamed in the worker (hash-wasm): to check it against a Zenodo record's checksum. */
  async md5(file: FileInput, options: ProgressOptions = {}): Promise<string> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { md5File } = await import('./parse-files');
      return md5File(file, options.signal ?? new AbortController().signal, (done, total) => options.onProgress?.({ done, total, file: file.path }));
    }
    return this.#request((id) => ({ type: 'md5', id, file }), options) as Promise<string>;
  }

  /** Statistics of one tensor, computed in the worker from that tensor's bytes only. */
  async stats(file: FileInput | HubFileInput | ZenodoFileInput, tensor: TensorInfo, options: ProgressOptions = {}): Promise<TensorStats> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { computeFileStats } = await import('./parse-files');
      return computeFileStats(file, tensor, options.signal ?? new AbortController().signal, (done, total) => options.onProgress?.({ done, total, file: file.path }));
    }
    return this.#request((id) => ({ type: 'stats', id, file, tensor }), options) as Promise<TensorStats>;
  }

  /** Two tensors' values compared in the worker, each streamed from its own byte range. */
  async compareValues(a: TensorInFile, b: TensorInFile, options: ProgressOptions = {}): Promise<ValueComparison> {
    if (this.#mainThread || !this.#ensureWorker()) {
      const { compareFileValues } = await import('./parse-files');
      return compareFileValues(a, b, options.signal ?? new AbortController().signal, (done, total) => options.onProgress?.({ done, total, file: a.tensor.name }));
    }
    return this.#request((id) => ({ type: 'compare-values', id, a, b }), options) as Promise<ValueComparison>;
  }

  #request(make: (id: number) => ParseRequest, { signal, onProgress }: ProgressOptions): Promise<Result> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.#pending.has(id)) return;
          this.#pending.delete(id);
          this.#post({ type: 'cancel', id });
          reject(new CancelledError());
        },
        { once: true },
      );
      this.#post(make(id));
    });
  }

  /** Kills the worker (crash recovery and tests); pending opens fail with a 'worker' error. */
  terminate(reason = 'The parse worker was stopped.'): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new LoupeError('worker', reason));
  }

  #post(message: ParseRequest): void {
    this.#worker?.postMessage(message);
  }

  #ensureWorker(): Worker | undefined {
    if (this.#worker) return this.#worker;
    let worker: Worker;
    try {
      worker = this.#factory();
    } catch (error) {
      console.warn('Loupe: the parse worker could not start; parsing on the main thread.', error);
      this.#mainThread = true;
      return undefined;
    }
    worker.addEventListener('message', (event: MessageEvent<unknown>) => this.#onMessage(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // An uncaught error or a failed module load: the worker is gone or unusable. Start afresh next time.
      if (this.#worker === worker) this.#worker = undefined;
      worker.terminate();
      this.#failAll(new LoupeError('worker', `The parse worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}. Try again; a fresh worker will start.`));
    });
    worker.addEventListener('messageerror', () => {
      this.#failAll(new LoupeError('worker', 'A message from the parse worker could not be read.'));
    });
    this.#worker = worker;
    return worker;
  }

  #onMessage(data: unknown): void {
    if (!isParseResponse(data)) {
      console.error('Loupe: ignored a malformed message from the parse worker', data);
      return;
    }
    const pending = this.#pending.get(data.id);
    if (!pending) return; // cancelled or superseded
    if (data.type === 'progress') {
      pending.onProgress?.(data);
      return;
    }
    this.#pending.delete(data.id);
    if (data.type === 'error') pending.reject(rehydrate(data.error));
    else pending.resolve(resultOf(data));
  }

  #failAll(error: LoupeError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  async #openOnMainThread(
    files: FileInput[],
    sourceKind: 'local' | 'example',
    signal: AbortSignal | undefined,
    onProgress: ((p: OpenProgress) => void) | undefined,
  ): Promise<ModelDocument> {
    const { parseFiles } = await import('./parse-files');
    return parseFiles(files, sourceKind, signal ?? new AbortController().signal, onProgress);
  }
}

/** The payload of a final answer: each request type has its own field. */
function resultOf(data: Exclude<ParseResponse, { type: 'progress' } | { type: 'error' }>): Result {
  switch (data.type) {
    case 'result':
      return data.document;
    case 'stats-result':
      return data.stats;
    case 'compare-result':
      return data.result;
    case 'hub-result':
    case 'zenodo-result':
    case 'card-result':
      return data.result;
    case 'draft-result':
      return data.text;
    case 'md5-result':
      return data.md5;
    case 'convert-result':
      return { blob: data.blob, name: data.name };
  }
}

/** Rebuilds the typed error a worker sent, HubError included, so `transient` and retry delays still hold. */
export function rehydrate(error: SerializedError): LoupeError {
  if (error.kind !== undefined && error.source === 'zenodo') {
    return new ZenodoError(error.kind as ZenodoErrorKind, error.message, { status: error.status, url: error.url, retryAfterMs: error.retryAfterMs, file: error.file });
  }
  if (error.kind !== undefined) {
    return new HubError(error.kind as HubErrorKind, error.message, {
      status: error.status,
      url: error.url,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      file: error.file,
    });
  }
  return LoupeError.fromJSON(error);
}
