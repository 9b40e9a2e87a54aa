import type { InferenceSession, OnnxValue, Tensor as OrtTensor } from 'onnxruntime-web';
import { summarize, type TimingSummary } from './timing';
import {
  elementCount,
  isTensorDType,
  packInt4,
  unpackInt4,
  validateTensor,
  type HostTensor,
  type NamedTensor,
  type NumericArray,
  type TensorDType,
} from './tensor';
import { formatShape } from '../model/units';

/**
 * The inference workload, written against ONNX Runtime's common API so that the same code runs
 * onnxruntime-web in the inference worker and onnxruntime-node in unit tests. The caller passes
 * the runtime module in; nothing here imports a runtime.
 */

/** The part of an ORT module this code uses (onnxruntime-web and onnxruntime-node both fit). */
export interface OrtApi {
  InferenceSession: {
    create(buffer: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (type: OrtTensor.Type, data: OrtTensor.DataType | readonly string[], dims?: readonly number[]) => OrtTensor;
}

/** An input or output of a session, from its metadata. */
export interface ValueInfo {
  name: string;
  /** False for sequences, maps and optionals, which Loupe cannot feed or show. */
  isTensor: boolean;
  /** The element type, when the value is a tensor of a type ORT names. */
  dtype?: TensorDType;
  /** The declared type as ORT names it, when it is not an element type Loupe knows. */
  typeName?: string;
  /** Declared dims: numbers, symbols (`batch`), or '' for an unnamed unknown dim. Absent when the model declares no shape. */
  shape?: (number | string)[];
}

export interface SessionDescription {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/** Reads inputs and outputs from a session, with shapes and types where ORT gives them. */
export function describeSession(session: InferenceSession): SessionDescription {
  return {
    inputs: describeValues(session.inputNames, session.inputMetadata),
    outputs: describeValues(session.outputNames, session.outputMetadata),
  };
}

function describeValues(names: readonly string[], metadata: readonly InferenceSession.ValueMetadata[] | undefined): ValueInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.find((m) => m.name === name) ?? metadata?.[i];
    if (!meta) return { name, isTensor: true };
    if (!meta.isTensor) return { name, isTensor: false, typeName: 'non-tensor' };
    const type = String(meta.type);
    const info: ValueInfo = { name, isTensor: true };
    if (isTensorDType(type)) info.dtype = type;
    else info.typeName = type;
    // ORT gives [] both for a scalar and for an undeclared shape; both are fed as given.
    info.shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : ''));
    return info;
  });
}

/** Converts a host tensor into an ORT tensor (no copy, except 4-bit packing). */
export function toOrtTensor(ort: OrtApi, tensor: HostTensor, name = 'tensor'): OrtTensor {
  validateTensor(tensor, name);
  const dims = tensor.dims;
  if (tensor.dtype === 'int4' || tensor.dtype === 'uint4') {
    const packed = packInt4(tensor.data as Int8Array | Uint8Array);
    const data = tensor.dtype === 'int4' ? new Int8Array(packed.buffer) : packed;
    return new ort.Tensor(tensor.dtype, data, dims);
  }
  return new ort.Tensor(tensor.dtype, tensor.data as OrtTensor.DataType, dims);
}

/** Copies an ORT output into a host tensor that owns its buffer (so it can be transferred). */
export function fromOrtValue(value: OnnxValue, name: string): NamedTensor {
  const tensor = value as OrtTensor;
  if (!tensor || typeof tensor !== 'object' || !('dims' in tensor) || !('type' in tensor)) {
    throw new TypeError(`the output ${name} is not a tensor (sequences and maps cannot be shown)`);
  }
  const dtype = String(tensor.type);
  if (!isTensorDType(dtype)) throw new TypeError(`the output ${name} has the element type ${dtype}, which Loupe cannot show`);
  if (tensor.location !== undefined && tensor.location !== 'cpu' && tensor.location !== 'cpu-pinned') {
    throw new TypeError(`the output ${name} stayed on the ${tensor.location}; ask for CPU outputs`);
  }
  const dims = tensor.dims.map(Number);
  const count = elementCount(dims);
  const raw = tensor.data as unknown;
  let data: HostTensor['data'];
  if (dtype === 'string') {
    data = [...(raw as string[])];
  } else if (dtype === 'int4' || dtype === 'uint4') {
    const bytes = raw as Int8Array | Uint8Array;
    data = unpackInt4(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), count, dtype === 'int4');
  } else if (dtype === 'float16' && !(raw instanceof Uint16Array)) {
    // ORT returns a Float16Array where the platform has one: keep the bits.
    const array = raw as ArrayBufferView & { length: number };
    data = new Uint16Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.length * 2));
  } else if (dtype === 'bool' && !(raw instanceof Uint8Array)) {
    data = Uint8Array.from(raw as ArrayLike<number>, (v) => (v ? 1 : 0));
  } else {
    data = (raw as NumericArray).slice();
  }
  return { name, dtype, dims, data };
}

export interface SessionOptions {
  executionProviders?: InferenceSession.SessionOptions['executionProviders'];
  /** Files the model's external data lives in, by the `location` the model names. */
  externalData?: { path: string; data: Uint8Array }[];
  /** Extra ORT session options. */
  extra?: Partial<InferenceSession.SessionOptions>;
}

export async function createSession(ort: OrtApi, model: Uint8Array, options: SessionOptions = {}): Promise<{ session: InferenceSession; ms: number }> {
  const start = performance.now();
  const sessionOptions: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', ...options.extra };
  if (options.executionProviders) sessionOptions.executionProviders = options.executionProviders;
  if (options.externalData?.length) sessionOptions.externalData = options.externalData;
  const session = await ort.InferenceSession.create(model, sessionOptions);
  return { session, ms: performance.now() - start };
}

/** Checks the feeds against the session's inputs: every required input is there, with its type and fixed dims. */
export function checkFeeds(inputs: readonly ValueInfo[], feeds: readonly NamedTensor[]): void {
  for (const feed of feeds) {
    const info = inputs.find((i) => i.name === feed.name);
    if (!info) throw new RangeError(`the model has no input named ${feed.name}; its inputs are ${inputs.map((i) => i.name).join(', ')}`);
    validateTensor(feed, `input ${feed.name}`);
    if (info.dtype && feed.dtype !== info.dtype) throw new TypeError(`input ${feed.name} must be ${info.dtype}, got ${feed.dtype}`);
    if (info.shape && info.shape.length > 0) {
      if (info.shape.length !== feed.dims.length) {
        throw new RangeError(`input ${feed.name} must have ${info.shape.length} dimensions ${formatShape(info.shape)}, got ${formatShape(feed.dims)}`);
      }
      info.shape.forEach((d, axis) => {
        if (typeof d === 'number' && d !== feed.dims[axis]) {
          throw new RangeError(
            `input ${feed.name}: dimension ${axis} must be ${d}, got ${feed.dims[axis]} (shape ${formatShape(feed.dims)}, expected ${formatShape(info.shape!)})`,
          );
        }
      });
    }
  }
}

export interface RunOutput {
  outputs: NamedTensor[];
  /** Time inside session.run, in ms. */
  ms: number;
}

/** One run: host tensors in, host tensors out (in the session's output order). */
export async function runSession(ort: OrtApi, session: InferenceSession, feeds: readonly NamedTensor[]): Promise<RunOutput> {
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const feed of feeds) ortFeeds[feed.name] = toOrtTensor(ort, feed, `input ${feed.name}`);
  const start = performance.now();
  const results = await session.run(ortFeeds);
  const ms = performance.now() - start;
  const outputs: NamedTensor[] = [];
  for (const name of session.outputNames) {
    const value = results[name];
    if (value === undefined) continue;
    outputs.push(fromOrtValue(value, name));
    (value as Partial<OrtTensor>).dispose?.();
  }
  return { outputs, ms };
}

export interface BenchOptions {
  /** Runs before measuring (after the first run), at least. */
  warmupRuns: number;
  /** Keep warming up until this much time has passed (V8 tiers WebAssembly up over seconds). */
  minWarmupMs?: number;
  /** Measured runs. */
  runs: number;
  signal?: AbortSignal;
  onProgress?: (phase: 'first' | 'warmup' | 'run', done: number, total: number) => void;
}

export interface BenchResult {
  /** The first run of the session, in ms (it includes one-time allocations). */
  firstMs: number;
  warmupRuns: number;
  warmupMs: number;
  /** The measured runs, in ms, in order. */
  times: number[];
  summary: TimingSummary;
}

/** How often a benchmark reports progress, at most. */
const PROGRESS_INTERVAL_MS = 250;

/** Warm-up then N timed runs of one session with the same feeds. */
export async function benchSession(session: InferenceSession, feeds: Record<string, OrtTensor>, options: BenchOptions): Promise<BenchResult> {
  const { warmupRuns, minWarmupMs = 0, runs, signal, onProgress } = options;
  const timed = async () => {
    signal?.throwIfAborted();
    const start = performance.now();
    const results = await session.run(feeds);
    const ms = performance.now() - start;
    for (const value of Object.values(results)) (value as Partial<OrtTensor>).dispose?.();
    return ms;
  };
  // Progress goes to the page's main thread, whose rendering competes for the same cores as ORT's
  // threads: with a message per run the OCR detector's p50 was 36.5 ms, with a few a second 32.9 ms
  // (2 threads, 2 cores; plain onnxruntime-web: 31–32 ms). A few a second is enough.
  let lastReport = -Infinity;
  const report = (phase: 'warmup' | 'run', done: number, total: number) => {
    const now = performance.now();
    if (done !== total && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    onProgress?.(phase, done, total);
  };
  onProgress?.('first', 0, 1);
  const firstMs = await timed();
  const warmStart = performance.now();
  let warm = 0;
  while (warm < warmupRuns || performance.now() - warmStart < minWarmupMs) {
    await timed();
    warm++;
    report('warmup', warm, warmupRuns);
  }
  const warmupMs = performance.now() - warmStart;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await timed());
    report('run', i + 1, runs);
  }
  return { firstMs, warmupRuns: warm, warmupMs, times, summary: summarize(times) };
}
