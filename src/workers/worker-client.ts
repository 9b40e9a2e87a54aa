import { CancelledError, LoupeError } from '../model/errors';
import { isWorkerResponse, runHandler, type Handlers, type RequestMap, type WorkerProtocol, type RequestOf } from './worker-protocol';

/**
 * The one main-thread caller of a worker, generic over the workload's request map. It owns the
 * worker's life, in one place for every workload:
 * - start: the worker starts on the first call; when it cannot start at all, the client runs the
 *   same handlers on the main thread (when the workload offers them) or fails with a 'worker' error;
 * - crash: a worker that dies fails what was pending with a readable 'worker' error and is
 *   replaced on the next call;
 * - cancel: an aborted call either sends `cancel` (work that can stop half way) or stops the
 *   worker (ONNX Runtime cannot interrupt a run); either way it rejects with CancelledError;
 * - answers are checked by the guard of the request type they answer, so each call resolves to
 *   its own type without a cast.
 */

export interface WorkerClientOptions<M extends RequestMap<M>, P> {
  protocol: WorkerProtocol<M, P>;
  factory: () => Worker;
  /** The workload's handlers, loaded on the main thread when no worker can start. */
  mainThread?: () => Promise<Handlers<M, P>>;
  /** 'message' aborts the one request in the worker; 'terminate' stops the worker and everything pending in it. */
  cancel: 'message' | 'terminate';
  /** The sentence after "The X worker stopped unexpectedly.": how to go on. */
  retryHint: string;
  /** Called when the worker goes: crash, cancel by termination, terminate(). */
  onStop?: () => void;
}

export interface CallOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
  /** Buffers of the payload to move rather than copy. */
  transfer?: Transferable[];
}

interface Pending<P> {
  settle: (result: unknown) => void;
  reject: (error: LoupeError) => void;
  onProgress?: (progress: P) => void;
}

export class WorkerClient<M extends RequestMap<M>, P> {
  #options: WorkerClientOptions<M, P>;
  #worker: Worker | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending<P>>();
  #mainThread = false;

  constructor(options: WorkerClientOptions<M, P>) {
    this.#options = options;
  }

  /** Whether the work has fallen back to the main thread (the worker could not start). */
  get onMainThread(): boolean {
    return this.#mainThread;
  }

  /** Whether a worker is running now. */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  call<K extends keyof M & string>(type: K, payload: M[K]['request'], options: CallOptions<P> = {}): Promise<M[K]['response']> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let worker: Worker | undefined;
    try {
      worker = this.#mainThread ? undefined : this.#start();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!worker) return this.#runOnMainThread(type, payload, options);
    const id = this.#nextId++;
    const request: RequestOf<M, K> = { ...payload, type, id };
    const guard = this.#options.protocol.isResponse[type];
    const name = this.#options.protocol.name;
    return new Promise<M[K]['response']>((resolve, reject) => {
      const settle = (result: unknown) => {
        if (guard(result)) resolve(result);
        else reject(new LoupeError('worker', `The ${name} worker gave a malformed answer to a ${type} request.`));
      };
      this.#pending.set(id, { settle, reject, onProgress: options.onProgress });
      signal?.addEventListener('abort', () => this.#abort(id), { once: true });
      try {
        worker.postMessage(request, options.transfer ?? []);
      } catch (error) {
        this.#pending.delete(id);
        reject(new LoupeError('worker', `The request could not be sent to the ${name} worker: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  /** Starts the worker now, so that its script is fetched and compiled before the first call needs it. */
  warm(): void {
    if (this.#mainThread || this.#worker) return;
    try {
      this.#start();
    } catch {
      // The first call reports what went wrong.
    }
  }

  /** Stops the worker; what was pending fails with `error`. The next call starts a fresh worker. */
  terminate(error: LoupeError = new LoupeError('worker', `The ${this.#options.protocol.name} worker was stopped.`)): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(error);
    this.#options.onStop?.();
  }

  #abort(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (this.#options.cancel === 'terminate') {
      this.terminate(new CancelledError());
      return;
    }
    this.#pending.delete(id);
    this.#worker?.postMessage({ type: 'cancel', id });
    pending.reject(new CancelledError());
  }

  #start(): Worker | undefined {
    if (this.#worker) return this.#worker;
    const { protocol, factory, mainThread } = this.#options;
    let worker: Worker;
    try {
      worker = factory();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (!mainThread) throw new LoupeError('worker', `The ${protocol.name} worker could not start: ${why}`);
      console.warn(`Loupe: the ${protocol.name} worker could not start; working on the main thread.`, error);
      this.#mainThread = true;
      return undefined;
    }
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.#worker === worker) this.#onMessage(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (this.#worker !== worker) return;
      // An uncaught error or a failed module load: the worker is gone or unusable.
      this.terminate(
        new LoupeError('worker', `The ${protocol.name} worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}. ${this.#options.retryHint}`),
      );
    });
    worker.addEventListener('messageerror', () => {
      if (this.#worker === worker) this.#failAll(new LoupeError('worker', `A message from the ${protocol.name} worker could not be read.`));
    });
    this.#worker = worker;
    return worker;
  }

  #onMessage(data: unknown): void {
    const { protocol } = this.#options;
    if (!isWorkerResponse(data, protocol.isProgress)) {
      console.error(`Loupe: ignored a malformed message from the ${protocol.name} worker`, data);
      return;
    }
    const pending = this.#pending.get(data.id);
    if (!pending) return; // cancelled or superseded
    if (data.type === 'progress') {
      pending.onProgress?.(data.progress);
      return;
    }
    this.#pending.delete(data.id);
    if (data.type === 'error') pending.reject(protocol.fromWire(data.error));
    else pending.settle(data.result);
  }

  async #runOnMainThread<K extends keyof M & string>(type: K, payload: M[K]['request'], options: CallOptions<P>): Promise<M[K]['response']> {
    const handlers = await this.#options.mainThread!();
    const request: RequestOf<M, K> = { ...payload, type, id: 0 };
    return runHandler(handlers, request, {
      signal: options.signal ?? new AbortController().signal,
      progress: (p) => options.onProgress?.(p),
      transfer: () => {},
    });
  }

  #failAll(error: LoupeError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}
