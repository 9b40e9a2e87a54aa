import type { Comparison, Tolerance } from '../inference/compare';
import type { BenchResult, ValueInfo } from '../inference/engine';
import type { InferenceWorkload, SessionInfo, WorkerFile } from '../inference/inference-workload';
import type { InputRecipe } from '../inference/input-recipe';
import {
  buildFeeds,
  compareOutputs,
  describeTensorFiles,
  summarizeOutputs,
  type BuiltFeeds,
  type OutputSummary,
  type TensorFileSummary,
} from '../inference/input-work';
import { InferenceError, type OrtErrorKind } from '../inference/ort-errors';
import type { RuntimeOptions } from '../inference/runtime-options';
import { dataMatchesDType, isTensorDType, type NamedTensor } from '../inference/tensor';
import { LoupeError, toLoupeError } from '../model/errors';
import { isRecord } from '../model/is-record';
import { isId, serveRequests, type Handlers, type WorkerProtocol, type WorkerRequest, type WorkerResponse } from './worker-protocol';

/**
 * Messages between the page and the inference worker (the envelope is worker-protocol.ts): each
 * request type's payload and answer, checked where they arrive. Tensors cross as NamedTensor (typed arrays by structured clone; outputs transferred).
 * The worker owns onnxruntime-web; one worker holds one runtime configuration (backend, threads)
 * and at most one session. A different configuration gets a fresh worker.
 */

export type { SessionInfo, WorkerFile };

export type LoadPhase = 'read' | 'runtime' | 'session';
export type BenchPhase = 'first' | 'warmup' | 'run';

/** Progress of a call: reading the files, loading the runtime, creating the session; then the benchmark's runs. */
export interface InferenceProgress {
  phase: LoadPhase | BenchPhase;
  done: number;
  total: number;
}

/** A run's answer: the outputs (transferred), the time inside session.run, and what the outputs panel shows of each. */
export interface RunAnswer {
  outputs: NamedTensor[];
  ms: number;
  summaries: OutputSummary[];
}

/** Each inference request's payload and answer. */
export type InferenceMap = {
  load: { request: { options: RuntimeOptions; model: WorkerFile; externalData: WorkerFile[] }; response: SessionInfo };
  run: { request: { feeds: NamedTensor[] }; response: RunAnswer };
  bench: { request: { feeds: NamedTensor[]; warmupRuns: number; minWarmupMs: number; runs: number }; response: BenchResult };
  release: { request: object; response: null };
  /** Builds the inputs from their recipes, in the worker; the tensors come back transferred. */
  'build-feeds': {
    request: { inputs: ValueInfo[]; recipes: Record<string, InputRecipe>; symbols: Record<string, number>; seed: number; vocabSize?: number };
    response: BuiltFeeds;
  };
  /** Decodes .npy/.pb files to say what each holds. */
  'describe-files': { request: { files: NamedBlob[] }; response: { files: TensorFileSummary[]; problems: string[] } };
  /** Compares outputs with expected tensor files, by output name. */
  compare: { request: { outputs: NamedTensor[]; expected: ExpectedFile[]; tolerance: Tolerance }; response: Record<string, Comparison> };
};

export interface NamedBlob {
  name: string;
  blob: Blob;
}

/** An expected-output file and the output it is compared with. */
export interface ExpectedFile extends NamedBlob {
  output: string;
}

export type InferenceRequest = WorkerRequest<InferenceMap>;
export type InferenceResponse = WorkerResponse<InferenceProgress>;

const LOAD_PHASES: readonly string[] = ['read', 'runtime', 'session', 'first', 'warmup', 'run'];
const ERROR_KINDS: readonly string[] = ['invalid-model', 'unsupported', 'invalid-input', 'memory', 'runtime'];

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
      return (
        Array.isArray(value.feeds) &&
        value.feeds.every(isNamedTensor) &&
        isCount(value.warmupRuns) &&
        isCount(value.minWarmupMs) &&
        isCount(value.runs) &&
        value.runs > 0
      );
    case 'release':
      return true;
    case 'build-feeds':
      return (
        Array.isArray(value.inputs) &&
        value.inputs.every(isValueInfo) &&
        isRecord(value.recipes) &&
        Object.values(value.recipes).every(isRecipe) &&
        isNumberRecord(value.symbols) &&
        isCount(value.seed) &&
        (value.vocabSize === undefined || isCount(value.vocabSize))
      );
    case 'describe-files':
      return Array.isArray(value.files) && value.files.every(isNamedBlob);
    case 'compare':
      return (
        Array.isArray(value.outputs) &&
        value.outputs.every(isNamedTensor) &&
        Array.isArray(value.expected) &&
        value.expected.every((e) => isNamedBlob(e) && typeof (e as { output?: unknown }).output === 'string') &&
        isRecord(value.tolerance) &&
        typeof value.tolerance.rtol === 'number' &&
        typeof value.tolerance.atol === 'number'
      );
    default:
      return false;
  }
}

const SOURCE_KINDS: readonly string[] = ['fill', 'json', 'tokens', 'file', 'image'];

function isRecipe(value: unknown): value is InputRecipe {
  return (
    isRecord(value) &&
    typeof value.source === 'string' &&
    SOURCE_KINDS.includes(value.source) &&
    isRecord(value.fill) &&
    isNumberRecord(value.axes) &&
    typeof value.json === 'string' &&
    typeof value.tokens === 'string' &&
    isRecord(value.imageSettings) &&
    (value.file === undefined || (isRecord(value.file) && typeof value.file.name === 'string' && value.file.blob instanceof Blob)) &&
    (value.image === undefined || (isRecord(value.image) && typeof value.image.name === 'string' && value.image.file instanceof Blob))
  );
}

function isNumberRecord(value: unknown): value is Record<string, number> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'number');
}

function isNamedBlob(value: unknown): value is NamedBlob {
  return isRecord(value) && typeof value.name === 'string' && value.blob instanceof Blob;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isOutputSummary(value: unknown): value is OutputSummary {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    isRecord(value.stats) &&
    typeof value.stats.count === 'number' &&
    isStringList(value.first) &&
    (value.top === undefined || Array.isArray(value.top))
  );
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
  return (
    isRecord(value) &&
    typeof value.firstMs === 'number' &&
    Array.isArray(value.times) &&
    value.times.every((t) => typeof t === 'number') &&
    isRecord(value.summary)
  );
}

/** The answers, each checked by the guard of the request it answers. */
export const INFERENCE_PROTOCOL: WorkerProtocol<InferenceMap, InferenceProgress> = {
  name: 'inference',
  isRequest: isInferenceRequest,
  isProgress: (value): value is InferenceProgress =>
    isRecord(value) &&
    typeof value.phase === 'string' &&
    LOAD_PHASES.includes(value.phase) &&
    typeof value.done === 'number' &&
    typeof value.total === 'number',
  isResponse: {
    load: isSessionInfo,
    run: (value): value is RunAnswer =>
      isRecord(value) &&
      Array.isArray(value.outputs) &&
      value.outputs.every(isNamedTensor) &&
      typeof value.ms === 'number' &&
      Array.isArray(value.summaries) &&
      value.summaries.every(isOutputSummary),
    bench: isBenchResult,
    release: (value): value is null => value === null,
    'build-feeds': (value): value is BuiltFeeds =>
      isRecord(value) &&
      Array.isArray(value.feeds) &&
      value.feeds.every(isNamedTensor) &&
      isRecord(value.errors) &&
      Object.values(value.errors).every((e) => typeof e === 'string') &&
      isRecord(value.notes) &&
      Object.values(value.notes).every(isStringList),
    'describe-files': (value): value is { files: TensorFileSummary[]; problems: string[] } =>
      isRecord(value) &&
      Array.isArray(value.files) &&
      value.files.every(
        (f) =>
          isRecord(f) &&
          typeof f.fileName === 'string' &&
          typeof f.storedName === 'string' &&
          typeof f.dtype === 'string' &&
          Array.isArray(f.dims) &&
          f.dims.every(isCount),
      ) &&
      isStringList(value.problems),
    compare: (value): value is Record<string, Comparison> =>
      isRecord(value) &&
      Object.values(value).every(
        (c) => isRecord(c) && typeof c.pass === 'boolean' && typeof c.maxAbs === 'number' && typeof c.maxRel === 'number' && isStringList(c.notes),
      ),
  },
  fromWire: (error) =>
    error.kind && ERROR_KINDS.includes(error.kind)
      ? new InferenceError(error.kind as OrtErrorKind, error.message, { node: error.node, detail: error.detail })
      : LoupeError.fromJSON(error),
  toWire: (error) => {
    const e = error instanceof InferenceError ? error : toLoupeError(error);
    return {
      ...e.toJSON(),
      ...(e instanceof InferenceError ? { kind: e.kind, ...(e.node ? { node: e.node } : {}), ...(e.detail ? { detail: e.detail } : {}) } : {}),
    };
  },
};

/** The buffers of tensors, for a transfer list (each buffer once; string tensors have none). */
export function transferables(tensors: readonly NamedTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of tensors) if (!Array.isArray(t.data) && t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  return [...buffers];
}

/** The inference workload, one handler per request; `workload` holds the runtime and the session. */
export function inferenceHandlers(workload: InferenceWorkload): Handlers<InferenceMap, InferenceProgress> {
  return {
    load: (request, { progress }) =>
      workload.load(request.options, request.model, request.externalData, (phase, done, total) => progress({ phase, done, total })),
    run: async (request, { transfer }) => {
      const { outputs, ms } = await workload.run(request.feeds);
      const summaries = summarizeOutputs(outputs);
      transfer(transferables(outputs));
      return { outputs, ms, summaries };
    },
    bench: (request, { progress }) => workload.bench(request.feeds, request, (phase, done, total) => progress({ phase, done, total })),
    release: async () => {
      await workload.release();
      return null;
    },
    'build-feeds': async (request, { transfer }) => {
      const built = await buildFeeds(request.inputs, request.recipes, request.symbols, request.seed, request.vocabSize);
      transfer(transferables(built.feeds));
      return built;
    },
    'describe-files': (request) => describeTensorFiles(request.files),
    compare: (request) => compareOutputs(request.outputs, request.expected, request.tolerance),
  };
}

/**
 * The worker side: checks each request and runs it on the workload one at a time (ORT sessions
 * are not re-entrant, and a queue keeps the order the page asked in). The worker entry wires it
 * to `self`; tests wire it to an in-process fake worker.
 */
export function serveInferenceRequests(
  workload: InferenceWorkload,
  post: (message: InferenceResponse, transfer?: Transferable[]) => void,
): (data: unknown) => void {
  return serveRequests(INFERENCE_PROTOCOL, inferenceHandlers(workload), post, { serial: true });
}
