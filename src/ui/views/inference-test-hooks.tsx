import { matchTensorFiles } from '../../inference/match-files';
import { encodeNpy } from '../../inference/npy';
import type { BackendPreference } from '../../inference/runtime-options';
import { decodeTensorFile } from '../../inference/tensor-files';
import { InferenceError } from '../../inference/ort-errors';
import type { NamedTensor } from '../../inference/tensor';
import { InferenceClient } from '../../workers/inference-client';

/**
 * A test-only hook for end-to-end tests that drive the inference worker without the UI (the ONNX
 * conformance suite: a thousand small models). It exists only in a build made with
 * LOUPE_TEST_HOOKS=1 (vite.config.ts), when the page's URL has `?test-hooks=1`, and it goes
 * through the same client, worker and runtime as the Inference view.
 *
 *   window.__loupeInference.run({ model, inputs, backend, threads, timeoutMs })
 *
 * `model` is the .onnx file and `inputs` the input tensor files (.pb TensorProto or .npy), all
 * base64; inputs match the model's inputs by stored name, else by position. The answer has the
 * backend and threads that ran, and each output as base64 .npy, or the stage that failed and why.
 */

export interface HookRunRequest {
  model: string;
  inputs: string[];
  backend?: BackendPreference;
  threads?: number;
  timeoutMs?: number;
}

export type HookRunResult =
  | {
      ok: true;
      backend: string;
      threads: number;
      fallback?: string;
      adapter?: string;
      inputs: string[];
      outputs: { name: string; npy: string }[];
      sessionMs: number;
      runMs: number;
    }
  | { ok: false; stage: 'inputs' | 'session' | 'run' | 'timeout'; error: string; kind?: string; node?: string };

export interface LoupeInferenceHook {
  run(request: HookRunRequest): Promise<HookRunResult>;
}

declare global {
  interface Window {
    __loupeInference?: LoupeInferenceHook;
  }
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function installInferenceTestHooks(): void {
  if (!import.meta.env.LOUPE_TEST_HOOKS || typeof window === 'undefined' || !new URLSearchParams(window.location.search).has('test-hooks')) return;
  const clients = new Map<string, InferenceClient>();
  const clientFor = (backend: BackendPreference, threads: number) => {
    const key = `${backend}|${threads}`;
    let client = clients.get(key);
    if (!client) {
      client = new InferenceClient({ backend, threads });
      clients.set(key, client);
    }
    return client;
  };

  const run = async (request: HookRunRequest): Promise<HookRunResult> => {
    const client = clientFor(request.backend ?? 'wasm', request.threads ?? 0);
    let stage: 'session' | 'inputs' | 'run' = 'session';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const work = (async (): Promise<HookRunResult> => {
      const info = await client.load({ model: { path: 'model.onnx', blob: new Blob([fromBase64(request.model)]) }, externalData: [] });
      const sessionMs = performance.getEntriesByName('loupe:inference:session').at(-1)?.duration ?? NaN;
      stage = 'inputs';
      const files = request.inputs.map((b64, i) => {
        const tensor = decodeTensorFile(fromBase64(b64), `input_${i}.pb`);
        return { fileName: `input_${i}.pb`, storedName: tensor.name, tensor };
      });
      const names = info.inputs.map((i) => i.name);
      const { matched } = matchTensorFiles(names, files, 'input');
      const feeds: NamedTensor[] = [...matched.entries()].map(([name, f]) => ({ ...f.tensor, name }));
      stage = 'run';
      const result = await client.run(feeds);
      return {
        ok: true,
        backend: info.backend,
        threads: info.threads,
        ...(info.fallback ? { fallback: info.fallback } : {}),
        ...(info.adapter ? { adapter: info.adapter } : {}),
        inputs: names,
        outputs: result.outputs.map((o) => ({ name: o.name, npy: toBase64(encodeNpy(o)) })),
        sessionMs,
        runMs: result.ms,
      };
    })();
    const timeout = new Promise<HookRunResult>((resolve) => {
      timer = setTimeout(() => {
        client.cancel();
        resolve({ ok: false, stage: 'timeout', error: `no answer within ${request.timeoutMs} ms (in ${stage})` });
      }, request.timeoutMs ?? 60_000);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      return {
        ok: false,
        stage,
        error: message(error),
        ...(error instanceof InferenceError ? { kind: error.kind, ...(error.node ? { node: error.node } : {}) } : {}),
      };
    } finally {
      clearTimeout(timer);
    }
  };

  window.__loupeInference = { run };
}
