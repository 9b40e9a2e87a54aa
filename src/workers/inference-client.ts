import type { Comparison, Tolerance } from '../inference/compare';
import type { BenchResult, ValueInfo } from '../inference/engine';
import type { InputRecipe } from '../inference/input-recipe';
import type { BuiltFeeds, TensorFileSummary } from '../inference/input-work';
import { InferenceError } from '../inference/ort-errors';
import { DEFAULT_RUNTIME_OPTIONS, sameRuntimeOptions, type RuntimeOptions } from '../inference/runtime-options';
import type { NamedTensor } from '../inference/tensor';
import { CancelledError } from '../model/errors';
import {
  INFERENCE_PROTOCOL,
  transferables,
  type ExpectedFile,
  type InferenceMap,
  type InferenceProgress,
  type NamedBlob,
  type RunAnswer,
  type SessionInfo,
  type WorkerFile,
} from './inference-protocol';
import { WorkerClient } from './worker-client';

export type { InferenceProgress };
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

export interface RunResult extends RunAnswer {
  /** Main-thread time from handing the inputs over to having the outputs. */
  wallMs: number;
}

type CallOptions = { signal?: AbortSignal };

export const SESSION_MEASURE = 'loupe:inference:session';
export const RUN_MEASURE = 'loupe:inference:run';

export class InferenceClient {
  #factory: InferenceWorkerFactory;
  #options: RuntimeOptions;
  #client: WorkerClient<InferenceMap, InferenceProgress>;
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
  constructor(
    options: RuntimeOptions = DEFAULT_RUNTIME_OPTIONS,
    factory: InferenceWorkerFactory = defaultFactory,
    { measure = true }: { measure?: boolean } = {},
  ) {
    this.#options = { ...options };
    this.#factory = factory;
    this.#measure = measure;
    this.#client = new WorkerClient({
      protocol: INFERENCE_PROTOCOL,
      factory: () => this.#factory(),
      // ORT cannot stop a run half way: a cancel stops the worker, and with it the session.
      cancel: 'terminate',
      retryHint: 'Run again to start a fresh one.',
      onStop: () => {
        this.#info = undefined;
        this.#loading = undefined;
      },
    });
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
    this.#client.terminate(new CancelledError());
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
    const { signal, onProgress } = options;
    const info = await this.#call('load', { options: this.#options, model: model.model, externalData: model.externalData }, { signal, onProgress });
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
      if (this.#info === info && this.#client.started) return info;
      if (options.signal?.aborted || this.#disposed) throw new CancelledError();
    }
  }

  /**
   * One run. Measured as `loupe:inference:run`. `transfer` moves the inputs' buffers to the
   * worker instead of copying them (the caller gives them up).
   */
  async run(feeds: NamedTensor[], options: CallOptions & { onProgress?: (p: InferenceProgress) => void; transfer?: boolean } = {}): Promise<RunResult> {
    const { signal, onProgress, transfer } = options;
    await this.#sessionNow({ signal, onProgress });
    const start = performance.now();
    const result = await this.#call('run', { feeds }, { signal, onProgress, transfer: transfer ? transferables(feeds) : undefined });
    const wallMs = this.#measure ? measure(RUN_MEASURE, start, { ms: result.ms }) : performance.now() - start;
    return { ...result, wallMs };
  }

  /** Warm-up, then `runs` timed runs, all in the worker. */
  async bench(
    feeds: NamedTensor[],
    options: CallOptions & { warmupRuns: number; minWarmupMs?: number; runs: number; onProgress?: (p: InferenceProgress) => void },
  ): Promise<BenchResult> {
    await this.#sessionNow(options);
    return this.#call('bench', { feeds, warmupRuns: options.warmupRuns, minWarmupMs: Math.round(options.minWarmupMs ?? 0), runs: options.runs }, options);
  }

  /** Builds the inputs from their recipes in the worker (no session needed); the tensors come back transferred. */
  buildFeeds(
    request: { inputs: ValueInfo[]; recipes: Record<string, InputRecipe>; symbols: Record<string, number>; seed: number; vocabSize?: number },
    options: CallOptions = {},
  ): Promise<BuiltFeeds> {
    return this.#call('build-feeds', request, options);
  }

  /** Decodes .npy/.pb files in the worker and says what each holds. */
  describeFiles(files: NamedBlob[], options: CallOptions = {}): Promise<{ files: TensorFileSummary[]; problems: string[] }> {
    return this.#call('describe-files', { files }, options);
  }

  /** Compares outputs with expected files in the worker, by output name. */
  compare(outputs: NamedTensor[], expected: ExpectedFile[], tolerance: Tolerance, options: CallOptions = {}): Promise<Record<string, Comparison>> {
    return this.#call('compare', { outputs, expected, tolerance }, options);
  }

  /** Stops whatever runs: the worker is terminated; pending calls fail with CancelledError. The model is kept for the next call. */
  cancel(): void {
    this.#client.terminate(new CancelledError());
  }

  /** Stops the worker for good. */
  dispose(): void {
    this.#disposed = true;
    this.#model = undefined;
    this.#client.terminate(new CancelledError());
  }

  #call<K extends keyof InferenceMap>(
    type: K,
    payload: InferenceMap[K]['request'],
    options: CallOptions & { onProgress?: (p: InferenceProgress) => void; transfer?: Transferable[] },
  ): Promise<InferenceMap[K]['response']> {
    if (this.#disposed) return Promise.reject(new CancelledError());
    return this.#client.call(type, payload, options);
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
