import type { BenchResult } from '../inference/engine';
import { InferenceError } from '../inference/ort-errors';
import { DEFAULT_RUNTIME_OPTIONS, sameRuntimeOptions, type RuntimeOptions } from '../inference/runtime-options';
import type { NamedTensor } from '../inference/tensor';
import { CancelledError, LoupeError } from '../model/errors';
import { isInferenceResponse, type BenchPhase, type InferenceRequest, type LoadPhase, type SessionInfo, type WorkerFile } from './inference-protocol';

/**
 * The main-thread caller of the inference worker. It owns the worker's life:
 * - one worker per runtime configuration (backend, threads); changing it starts a fresh worker;
 * - cancelling terminates the worker (ORT cannot interrupt a run) and fails what was pending with
 *   CancelledError; the next call starts a fresh worker and loads the model again;
 * - a worker that dies fails what was pending with a 'worker' error and is replaced the same way.
 *
 * Performance measures (User Timing, main thread): `loupe:inference:session` from asking for a
 * session to having it (worker start, runtime load, file read, session creation), and
 * `loupe:inference:run` from handing the inputs over to having the outputs.
 */

export type InferenceWorkerFactory = () => Worker;

const defaultFactory: InferenceWorkerFactory = () => new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'loupe-inference' });

export interface ModelFiles {
  model: WorkerFile;
  /** External data files, each with `path` as the model's `location` names it. */
  externalData: WorkerFile[];
}

/** Progress of a call: reading the files, loading the runtime, creating the session; then the benchmark's runs. */
export interface InferenceProgress {
  phase: LoadPhase | BenchPhase;
  done: number;
  total: number;
}

export interface RunResult {
  outputs: NamedTensor[];
  /** Time inside session.run, in the worker. */
  ms: number;
  /** Main-thread time from handing the inputs over to having the outputs. */
  wallMs: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: LoupeError) => void;
  onProgress?: (progress: InferenceProgress) => void;
}

type CallOptions = { signal?: AbortSignal };

export const SESSION_MEASURE = 'loupe:inference:session';
export const RUN_MEASURE = 'loupe:inference:run';

export class InferenceClient {
  #factory: InferenceWorkerFactory;
  #options: RuntimeOptions;
  #worker: Worker | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #model: ModelFiles | undefined;
  #info: SessionInfo | undefined;
  /** The load in flight, shared by callers that need the session. */
  #loading: Promise<SessionInfo> | undefined;
  #disposed = false;
  #measure: boolean;

  /**
   * `measure: false` leaves out the `loupe:inference:*` measures (the benchmark panel's clients,
   * whose timings are recorded under their own names).
   */
  constructor(options: RuntimeOptions = DEFAULT_RUNTIME_OPTIONS, factory: InferenceWorkerFactory = defaultFactory, { measure = true }: { measure?: boolean } = {}) {
    this.#options = { ...options };
    this.#factory = factory;
    this.#measure = measure;
  }

  get options(): RuntimeOptions {
    return { ...this.#options };
  }

  /** The session the worker holds now; undefined before loading and after a cancel. */
  get info(): SessionInfo | undefined {
    return this.#info;
  }

  /** Changes the backend configuration. A change stops the worker; the next call loads the model afresh. */
  setOptions(options: RuntimeOptions): void {
    if (sameRuntimeOptions(options, this.#options)) return;
    this.#options = { ...options };
    this.#stop(new CancelledError());
  }

  /** Creates a session for the model (replacing the one held). Measured as `loupe:inference:session`. */
  load(model: ModelFiles, options: CallOptions & { onProgress?: (p: InferenceProgress) => void } = {}): Promise<SessionInfo> {
    this.#model = model;
    this.#info = undefined;
    const loading = this.#load(model, options);
    this.#loading = loading;
    const clear = () => {
      if (this.#loading === loading) this.#loading = undefined;
    };
    loading.then(clear, clear);
    return loading;
  }

  async #load(model: ModelFiles, options: CallOptions & { onProgress?: (p: InferenceProgress) => void }): Promise<SessionInfo> {
    const start = performance.now();
    const info = (await this.#request((id) => ({ type: 'load', id, options: this.#options, model: model.model, externalData: model.externalData }), options)) as SessionInfo;
    if (this.#model !== model) throw new CancelledError(); // another model was loaded meanwhile
    this.#info = info;
    if (this.#measure) measure(SESSION_MEASURE, start, { model: info.model, backend: info.backend, threads: info.threads, ...info.timings });
    return info;
  }

  /** The session, loading the model again when a cancel or a crash lost it. */
  async ensureSession(options: CallOptions & { onProgress?: (p: InferenceProgress) => void } = {}): Promise<SessionInfo> {
    if (this.#info) return this.#info;
    if (this.#loading) return this.#loading;
    if (!this.#model) throw new InferenceError('runtime', 'No model is loaded.');
    return this.load(this.#model, options);
  }

  /**
   * Waits for a session that is still there when the caller goes on synchronously: a cancel or a
   * crash between the load and the request would otherwise send the request to a fresh worker
   * that has no model.
   */
  async #sessionNow(options: CallOptions & { onProgress?: (p: InferenceProgress) => void }): Promise<SessionInfo> {
    for (;;) {
      const info = await this.ensureSession(options);
      if (this.#info === info && this.#worker) return info;
      if (options.signal?.aborted || this.#disposed) throw new CancelledError();
    }
  }

  /** One run. Measured as `loupe:inference:run`. */
  async run(feeds: NamedTensor[], options: CallOptions & { onProgress?: (p: InferenceProgress) => void } = {}): Promise<RunResult> {
    await this.#sessionNow(options);
    const start = performance.now();
    const result = (await this.#request((id) => ({ type: 'run', id, feeds }), options)) as { outputs: NamedTensor[]; ms: number };
    const wallMs = this.#measure ? measure(RUN_MEASURE, start, { ms: result.ms }) : performance.now() - start;
    return { ...result, wallMs };
  }

  /** Warm-up, then `runs` timed runs, all in the worker. */
  async bench(
    feeds: NamedTensor[],
    options: CallOptions & { warmupRuns: number; minWarmupMs?: number; runs: number; onProgress?: (p: InferenceProgress) => void },
  ): Promise<BenchResult> {
    await this.#sessionNow(options);
    return (await this.#request(
      (id) => ({ type: 'bench', id, feeds, warmupRuns: options.warmupRuns, minWarmupMs: Math.round(options.minWarmupMs ?? 0), runs: options.runs }),
      options,
    )) as BenchResult;
  }

  /** Stops whatever runs: the worker is terminated; pending calls fail with CancelledError. The model is kept for the next call. */
  cancel(): void {
    this.#stop(new CancelledError());
  }

  /** Stops the worker for good. */
  dispose(): void {
    this.#disposed = true;
    this.#model = undefined;
    this.#stop(new CancelledError());
  }

  #stop(error: LoupeError): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#info = undefined;
    this.#loading = undefined;
    this.#failAll(error);
  }

  #request(make: (id: number) => InferenceRequest, options: CallOptions & { onProgress?: Pending['onProgress'] }): Promise<unknown> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.#disposed) return Promise.reject(new CancelledError());
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: options.onProgress });
      signal?.addEventListener(
        'abort',
        () => {
          // ORT cannot stop a run half way: the worker goes, and with it the session.
          if (this.#pending.has(id)) this.cancel();
        },
        { once: true },
      );
      try {
        worker.postMessage(make(id));
      } catch (error) {
        this.#pending.delete(id);
        reject(new LoupeError('worker', `The inputs could not be sent to the inference worker: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    let worker: Worker;
    try {
      worker = this.#factory();
    } catch (error) {
      throw new LoupeError('worker', `The inference worker could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.#worker === worker) this.#onMessage(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (this.#worker !== worker) return;
      this.#stop(new LoupeError('worker', `The inference worker stopped unexpectedly${event.message ? `: ${event.message}` : ''}. Run again to start a fresh one.`));
    });
    worker.addEventListener('messageerror', () => {
      if (this.#worker === worker) this.#failAll(new LoupeError('worker', 'A message from the inference worker could not be read.'));
    });
    this.#worker = worker;
    return worker;
  }

  #onMessage(data: unknown): void {
    if (!isInferenceResponse(data)) {
      console.error('Loupe: ignored a malformed message from the inference worker', data);
      return;
    }
    const pending = this.#pending.get(data.id);
    if (!pending) return;
    switch (data.type) {
      case 'progress':
        pending.onProgress?.(data);
        return;
      case 'loaded':
        this.#pending.delete(data.id);
        pending.resolve(data.info);
        return;
      case 'result':
        this.#pending.delete(data.id);
        pending.resolve({ outputs: data.outputs, ms: data.ms });
        return;
      case 'bench-result':
        this.#pending.delete(data.id);
        pending.resolve(data.result);
        return;
      case 'released':
        this.#pending.delete(data.id);
        pending.resolve(undefined);
        return;
      case 'error': {
        this.#pending.delete(data.id);
        const { error } = data;
        pending.reject(
          data.kind
            ? new InferenceError(data.kind, error.message, { node: data.node, detail: data.detail })
            : LoupeError.fromJSON(error),
        );
        return;
      }
    }
  }

  #failAll(error: LoupeError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/** A User Timing measure from `start` to now; returns its duration. */
function measure(name: string, start: number, detail: Record<string, unknown>): number {
  const end = performance.now();
  try {
    performance.measure(name, { start, end, detail });
  } catch {
    // User Timing is missing in some test environments; the duration is still returned.
  }
  return end - start;
}
