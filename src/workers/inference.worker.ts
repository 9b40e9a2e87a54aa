/// <reference lib="webworker" />
// The inference worker entry: it owns onnxruntime-web. Loading the runtime is the only thing
// here that is not the pure workload (src/inference/inference-workload.ts): which build, where
// its WebAssembly lives, how many threads.
//
// ORT's loader (.mjs) and binary (.wasm) are separate assets of the build, passed by URL: with
// threads, ORT starts its pthread workers from the loader's URL, and a loader inlined into this
// bundle makes them hang. Nothing is fetched from anywhere but the app's own origin.
import jsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import wasmMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { InferenceWorkload, type LoadedRuntime } from '../inference/inference-workload';
import { chooseBackend, resolveThreads, type RuntimeOptions } from '../inference/runtime-options';
import { serveInferenceRequests } from './inference-protocol';

async function findAdapter(): Promise<{ adapter?: GPUAdapter; problem?: string }> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { problem: 'this browser has no WebGPU (navigator.gpu)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter } : { problem: 'the browser gave no WebGPU adapter' };
  } catch (error) {
    return { problem: `asking for a WebGPU adapter failed (${error instanceof Error ? error.message : String(error)})` };
  }
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((p) => p);
  return parts.length ? parts.join(' ') : 'WebGPU adapter';
}

/**
 * The smallest model there is (Identity, float [1]). Creating a session from it makes ORT compile
 * and instantiate its WebAssembly and start its threads, so that this happens while the real
 * model is being read rather than after.
 */
const IDENTITY_MODEL = 'CAc6NwoQCgF4EgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

/** Loads the WebGPU build (JSEP) only when there is an adapter to use; else the smaller WASM-only build. */
async function loadRuntime(options: RuntimeOptions): Promise<LoadedRuntime> {
  const { threads, note } = resolveThreads(options.threads, self.navigator.hardwareConcurrency, self.crossOriginIsolated);
  const probe = options.backend === 'wasm' ? {} : await findAdapter();
  const { backend, fallback } = chooseBackend(options.backend, !!probe.adapter, probe.problem);
  const ort = backend === 'webgpu' ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm');
  ort.env.wasm.wasmPaths = backend === 'webgpu' ? { wasm: jsepWasmUrl, mjs: jsepMjsUrl } : { wasm: wasmUrl, mjs: wasmMjsUrl };
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false; // this is already a worker
  ort.env.logLevel = 'error';
  if (backend === 'webgpu' && probe.adapter) ort.env.webgpu.adapter = probe.adapter;
  try {
    const warm = await ort.InferenceSession.create(
      Uint8Array.from(atob(IDENTITY_MODEL), (c) => c.charCodeAt(0)),
      { executionProviders: ['wasm'] },
    );
    await warm.release();
  } catch {
    // The real session will say what is wrong.
  }
  const fallbacks = [fallback, note].filter((f): f is string => !!f);
  return {
    ort,
    backend,
    threads,
    ...(fallbacks.length ? { fallback: fallbacks.join(' ') } : {}),
    ...(probe.adapter ? { adapter: describeAdapter(probe.adapter) } : {}),
  };
}

const workload = new InferenceWorkload(loadRuntime, { crossOriginIsolated: self.crossOriginIsolated });
const serve = serveInferenceRequests(workload, (message, transfer = []) => self.postMessage(message, transfer));

self.addEventListener('message', (event: MessageEvent<unknown>) => serve(event.data));
