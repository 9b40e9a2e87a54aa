import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { CancelledError } from '../model/errors';
import { benchSession, checkFeeds, createSession, describeSession, runSession, toOrtTensor, type BenchResult, type OrtApi, type ValueInfo } from './engine';
import { InferenceError } from './ort-errors';
import type { Backend, RuntimeOptions } from './runtime-options';
import type { NamedTensor } from './tensor';

/**
 * The inference worker's workload, apart from how the runtime is loaded: read the files, create
 * the session (falling back from WebGPU to WebAssembly when WebGPU cannot take the model), run,
 * benchmark. The worker entry passes a RuntimeLoader for onnxruntime-web; tests pass one for
 * onnxruntime-node.
 */

export interface WorkerFile {
  path: string;
  blob: Blob;
}

export interface SessionInfo {
  /** The model file's path in the dropped group. */
  model: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  backend: Backend;
  /** WebAssembly threads (for WebGPU, the threads of the kernels that stay on the CPU). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Why the backend or thread count is not the one asked for (no adapter, WebGPU failed, no isolation). */
  fallback?: string;
  /** The WebGPU adapter, when WebGPU runs. */
  adapter?: string;
  /** Worker-side timings, ms: reading the files, loading the runtime, creating the session. */
  timings: { readMs: number; runtimeMs: number; sessionMs: number };
}

export interface LoadedRuntime {
  ort: OrtApi;
  backend: Backend;
  threads: number;
  /** Why the runtime is not what was asked for. */
  fallback?: string;
  adapter?: string;
  /** The execution provider name per backend, where it is not the backend's name (onnxruntime-node: `cpu`). */
  providers?: Partial<Record<Backend, string>>;
}

/** Loads the runtime once per worker; `options` are the worker's runtime options. */
export type RuntimeLoader = (options: RuntimeOptions) => Promise<LoadedRuntime>;

export type Progress = (phase: 'read' | 'runtime' | 'session' | 'first' | 'warmup' | 'run', done: number, total: number) => void;

/** Reads a Blob into memory, reporting bytes as they come. */
export async function readBlob(blob: Blob, onProgress?: (done: number, total: number) => void): Promise<Uint8Array> {
  const total = blob.size;
  const out = new Uint8Array(total);
  const reader = blob.stream().getReader();
  let done = 0;
  let reported = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    if (done + chunk.value.length > total) throw new InferenceError('runtime', 'The file grew while it was read.');
    out.set(chunk.value, done);
    done += chunk.value.length;
    if (done - reported >= total / 100 || done === total) {
      reported = done;
      onProgress?.(done, total);
    }
  }
  if (done !== total) throw new InferenceError('runtime', `The file ended after ${done} of ${total} bytes; was it changed while it was read?`);
  return out;
}

export class InferenceWorkload {
  #loader: RuntimeLoader;
  #crossOriginIsolated: boolean;
  #runtime: Promise<LoadedRuntime> | undefined;
  #runtimeOptions: RuntimeOptions | undefined;
  #session: InferenceSession | undefined;
  #info: SessionInfo | undefined;

  constructor(loader: RuntimeLoader, environment: { crossOriginIsolated: boolean }) {
    this.#loader = loader;
    this.#crossOriginIsolated = environment.crossOriginIsolated;
  }

  get info(): SessionInfo | undefined {
    return this.#info;
  }

  async load(options: RuntimeOptions, model: WorkerFile, externalData: readonly WorkerFile[], onProgress?: Progress): Promise<SessionInfo> {
    if (this.#runtimeOptions && (this.#runtimeOptions.backend !== options.backend || this.#runtimeOptions.threads !== options.threads)) {
      throw new InferenceError('runtime', 'This worker runs another backend configuration; start a fresh worker for a new one.');
    }
    await this.release();
    const runtimeStart = performance.now();
    this.#runtimeOptions = options;
    this.#runtime ??= this.#loader(options);
    // The runtime loads while the files are read.
    const runtimePromise = this.#runtime.then((r) => {
      onProgress?.('runtime', 1, 1);
      return { runtime: r, ms: performance.now() - runtimeStart };
    });
    runtimePromise.catch(() => {}); // reported below, after the files

    const readStart = performance.now();
    const totalBytes = model.blob.size + externalData.reduce((a, f) => a + f.blob.size, 0);
    let before = 0;
    const progress = (done: number) => onProgress?.('read', before + done, totalBytes);
    const modelBytes = await readBlob(model.blob, progress);
    before += model.blob.size;
    const external: { path: string; data: Uint8Array }[] = [];
    for (const file of externalData) {
      external.push({ path: file.path, data: await readBlob(file.blob, progress) });
      before += file.blob.size;
    }
    const readMs = performance.now() - readStart;

    let loaded: { runtime: LoadedRuntime; ms: number };
    try {
      loaded = await runtimePromise;
    } catch (error) {
      this.#runtime = undefined;
      throw new InferenceError('runtime', `ONNX Runtime could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const { runtime } = loaded;
    onProgress?.('session', 0, 1);
    let backend = runtime.backend;
    let fallback = runtime.fallback;
    let created: { session: InferenceSession; ms: number };
    try {
      created = await createSession(runtime.ort, modelBytes, { executionProviders: [runtime.providers?.[backend] ?? backend], externalData: external });
    } catch (error) {
      if (backend !== 'webgpu') throw InferenceError.fromOrt(error, 'session');
      // WebGPU could not take the model: the same runtime runs it on WebAssembly.
      const why = InferenceError.fromOrt(error, 'session').message;
      backend = 'wasm';
      fallback = `WebGPU could not create a session (${why}); running on WebAssembly.`;
      try {
        created = await createSession(runtime.ort, modelBytes, { executionProviders: [runtime.providers?.wasm ?? 'wasm'], externalData: external });
      } catch (second) {
        throw InferenceError.fromOrt(second, 'session');
      }
    }
    onProgress?.('session', 1, 1);
    this.#session = created.session;
    const description = describeSession(created.session);
    this.#info = {
      model: model.path,
      ...description,
      backend,
      threads: runtime.threads,
      crossOriginIsolated: this.#crossOriginIsolated,
      ...(fallback ? { fallback } : {}),
      ...(backend === 'webgpu' && runtime.adapter ? { adapter: runtime.adapter } : {}),
      timings: { readMs, runtimeMs: loaded.ms, sessionMs: created.ms },
    };
    return this.#info;
  }

  #ready(): { session: InferenceSession; info: SessionInfo; ort: Promise<LoadedRuntime> } {
    if (!this.#session || !this.#info || !this.#runtime) throw new InferenceError('runtime', 'No model is loaded in this worker.');
    return { session: this.#session, info: this.#info, ort: this.#runtime };
  }

  #check(info: SessionInfo, feeds: readonly NamedTensor[]): void {
    try {
      checkFeeds(info.inputs, feeds);
    } catch (error) {
      throw new InferenceError('invalid-input', error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  async run(feeds: readonly NamedTensor[]): Promise<{ outputs: NamedTensor[]; ms: number }> {
    const { session, info, ort } = this.#ready();
    this.#check(info, feeds);
    const runtime = await ort;
    try {
      return await runSession(runtime.ort, session, feeds);
    } catch (error) {
      throw InferenceError.fromOrt(error, 'run');
    }
  }

  async bench(
    feeds: readonly NamedTensor[],
    options: { warmupRuns: number; minWarmupMs: number; runs: number; signal?: AbortSignal },
    onProgress?: Progress,
  ): Promise<BenchResult> {
    const { session, info, ort } = this.#ready();
    this.#check(info, feeds);
    const runtime = await ort;
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const feed of feeds) ortFeeds[feed.name] = toOrtTensor(runtime.ort, feed, `input ${feed.name}`);
    try {
      return await benchSession(session, ortFeeds, { ...options, onProgress });
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError();
      throw InferenceError.fromOrt(error, 'run');
    }
  }

  async release(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#info = undefined;
    await session?.release();
  }
}
