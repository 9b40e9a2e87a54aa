/**
 * Choosing ONNX Runtime Web's backend and thread count. Pure: the caller says what the
 * platform offers (hardware concurrency, cross-origin isolation, a WebGPU adapter).
 */

export type BackendPreference = 'auto' | 'wasm' | 'webgpu';
export type Backend = 'wasm' | 'webgpu';

export interface RuntimeOptions {
  backend: BackendPreference;
  /** WebAssembly threads; 0 picks from the hardware. */
  threads: number;
}

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = { backend: 'auto', threads: 0 };

/** More threads than this rarely help ORT's kernels and cost memory per thread. */
export const MAX_THREADS = 8;

export function sameRuntimeOptions(a: RuntimeOptions, b: RuntimeOptions): boolean {
  return a.backend === b.backend && a.threads === b.threads;
}

/**
 * The WebAssembly thread count: the request when given, else every core up to MAX_THREADS.
 * Threads need SharedArrayBuffer, so without cross-origin isolation it is 1, with the reason.
 */
export function resolveThreads(requested: number, hardwareConcurrency: number | undefined, crossOriginIsolated: boolean): { threads: number; note?: string } {
  if (!crossOriginIsolated) {
    return { threads: 1, note: 'The page is not cross-origin isolated (COOP/COEP headers), so WebAssembly runs on one thread.' };
  }
  if (requested > 0) return { threads: Math.min(Math.floor(requested), 64) };
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 1;
  return { threads: Math.max(1, Math.min(cores, MAX_THREADS)) };
}

/** Which backend to load: WebGPU when wanted and an adapter exists; else WASM, with why when WebGPU was asked for. */
export function chooseBackend(preference: BackendPreference, hasAdapter: boolean, adapterProblem?: string): { backend: Backend; fallback?: string } {
  if (preference === 'wasm') return { backend: 'wasm' };
  if (hasAdapter) return { backend: 'webgpu' };
  if (preference === 'webgpu')
    return { backend: 'wasm', fallback: `WebGPU was asked for, but ${adapterProblem ?? 'this browser gave no WebGPU adapter'}; running on WebAssembly.` };
  return { backend: 'wasm' };
}
