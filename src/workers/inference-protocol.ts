import type { BenchResult } from '../inference/engine';
import type { InferenceWorkload, Progress, SessionInfo, WorkerFile } from '../inference/inference-workload';
import { InferenceError, type OrtErrorKind } from '../inference/ort-errors';
import type { RuntimeOptions } from '../inference/runtime-options';
import { dataMatchesDType, isTensorDType, type NamedTensor } from '../inference/tensor';
import { toLoupeError, type SerializedError } from '../model/errors';
import { isRecord } from '../model/is-record';
import { isSerializedError } from './parse-protocol';

/**
 * Messages between the page and the inference worker: one tagged union each way, checked where
 * they arrive. Tensors cross as NamedTensor (typed arrays by structured clone; outputs transferred).
 * The worker owns onnxruntime-web; one worker holds one runtime configuration (backend, threads)
 * and at most one session. A different configuration gets a fresh worker.
 */

export type { SessionInfo, WorkerFile };

export type LoadPhase = 'read' | 'runtime' | 'session';
export type BenchPhase = 'first' | 'warmup' | 'run';

export type InferenceRequest =
  | { type: 'load'; id: number; options: RuntimeOptions; model: WorkerFile; externalData: WorkerFile[] }
  | { type: 'run'; id: number; feeds: NamedTensor[] }
  | { type: 'bench'; id: number; feeds: NamedTensor[]; warmupRuns: number; minWarmupMs: number; runs: number }
  | { type: 'release'; id: number };

export type InferenceResponse =
  | { type: 'progress'; id: number; phase: LoadPhase | BenchPhase; done: number; total: number }
  | { type: 'loaded'; id: number; info: SessionInfo }
  | { type: 'result'; id: number; outputs: NamedTensor[]; ms: number }
  | { type: 'bench-result'; id: number; result: BenchResult }
  | { type: 'released'; id: number }
  | { type: 'error'; id: number; error: SerializedError; kind?: OrtErrorKind; node?: string; detail?: string };

const LOAD_PHASES: readonly string[] = ['read', 'runtime', 'session', 'first', 'warmup', 'run'];
const ERROR_KINDS: readonly string[] = ['invalid-model', 'unsupported', 'invalid-input', 'memory', 'runtime'];

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isWorkerFile(value: unknown): value is WorkerFile {
  return isRecord(value) && typeof value.path === 'string' && value.blob instanceof Blob;
}

export function isNamedTensor(value: unknown): value is NamedTensor {
  if (!isRecord(value) || typeof value.name !== 'string' || !isTensorDType(value.dtype)) return false;
  if (!Array.isArray(value.dims) || !value.dims.every(isCount)) return false;
  if (!dataMatchesDType(value.dtype, value.data)) return false;
  const count = (value.dims as number[]).reduce((a, b) => a * b, 1);
  return (value.data as { length: number }).length === count;
}

function isRuntimeOptions(value: unknown): value is RuntimeOptions {
  return isRecord(value) && (value.backend === 'auto' || value.backend === 'wasm' || value.backend === 'webgpu') && isCount(value.threads);
}

function isValueInfo(value: unknown): boolean {
  return isRecord(value) && typeof value.name === 'string' && typeof value.isTensor === 'boolean' && (value.shape === undefined || Array.isArray(value.shape));
}

export function isInferenceRequest(value: unknown): value is InferenceRequest {
  if (!isRecord(value) || !isId(value.id)) return false;
  switch (value.type) {
    case 'load':
      return isRuntimeOptions(value.options) && isWorkerFile(value.model) && Array.isArray(value.externalData) && value.externalData.every(isWorkerFile);
    case 'run':
      return Array.isArray(value.feeds) && value.feeds.every(isNamedTensor);
    case 'bench':
      return Array.isArray(value.feeds) && value.feeds.every(isNamedTensor) && isCount(value.warmupRuns) && isCount(value.minWarmupMs) && isCount(value.runs) && value.runs > 0;
    case 'release':
      return true;
    default:
      return false;
  }
}

function isSessionInfo(value: unknown): value is SessionInfo {
  return (
    isRecord(value) &&
    typeof value.model === 'string' &&
    Array.isArray(value.inputs) &&
    value.inputs.every(isValueInfo) &&
    Array.isArray(value.outputs) &&
    value.outputs.every(isValueInfo) &&
    (value.backend === 'wasm' || value.backend === 'webgpu') &&
    isCount(value.threads) &&
    typeof value.crossOriginIsolated === 'boolean' &&
    isRecord(value.timings)
  );
}

function isBenchResult(value: unknown): value is BenchResult {
  return isRecord(value) && typeof value.firstMs === 'number' && Array.isArray(value.times) && value.times.every((t) => typeof t === 'number') && isRecord(value.summary);
}

export function isInferenceResponse(value: unknown): value is InferenceResponse {
  if (!isRecord(value) || !isId(value.id)) return false;
  switch (value.type) {
    case 'progress':
      return typeof value.phase === 'string' && LOAD_PHASES.includes(value.phase) && typeof value.done === 'number' && typeof value.total === 'number';
    case 'loaded':
      return isSessionInfo(value.info);
    case 'result':
      return Array.isArray(value.outputs) && value.outputs.every(isNamedTensor) && typeof value.ms === 'number';
    case 'bench-result':
      return isBenchResult(value.result);
    case 'released':
      return true;
    case 'error':
      return isSerializedError(value.error) && (value.kind === undefined || (typeof value.kind === 'string' && ERROR_KINDS.includes(value.kind)));
    default:
      return false;
  }
}

/** The buffers of tensors, for a transfer list (each buffer once; string tensors have none). */
export function transferables(tensors: readonly NamedTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of tensors) if (!Array.isArray(t.data) && t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  return [...buffers];
}

/**
 * The worker side of the protocol: checks each request, runs it on the workload one at a time
 * (ORT sessions are not re-entrant, and a queue keeps the order the page asked in) and posts the
 * answers. The worker entry wires it to `self`; tests wire it to an in-process fake worker.
 */
export function serveInferenceRequests(workload: InferenceWorkload, post: (message: InferenceResponse, transfer?: Transferable[]) => void): (data: unknown) => void {
  let queue: Promise<unknown> = Promise.resolve();
  const postError = (id: number, error: unknown) => {
    const e = error instanceof InferenceError ? error : toLoupeError(error);
    post({
      type: 'error',
      id,
      error: e.toJSON(),
      ...(e instanceof InferenceError ? { kind: e.kind, ...(e.node ? { node: e.node } : {}), ...(e.detail ? { detail: e.detail } : {}) } : {}),
    });
  };
  return (request: unknown) => {
    if (!isInferenceRequest(request)) {
      console.error('inference worker: ignored a malformed request', request);
      return;
    }
    const { id } = request;
    const progress: Progress = (phase, done, total) => post({ type: 'progress', id, phase, done, total });
    queue = queue.then(async () => {
      try {
        switch (request.type) {
          case 'load':
            post({ type: 'loaded', id, info: await workload.load(request.options, request.model, request.externalData, progress) });
            return;
          case 'run': {
            const { outputs, ms } = await workload.run(request.feeds);
            post({ type: 'result', id, outputs, ms }, transferables(outputs));
            return;
          }
          case 'bench': {
            const result = await workload.bench(request.feeds, request, progress);
            post({ type: 'bench-result', id, result });
            return;
          }
          case 'release':
            await workload.release();
            post({ type: 'released', id });
            return;
        }
      } catch (error) {
        postError(id, error);
      }
    });
  };
}
