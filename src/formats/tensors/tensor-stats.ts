import type { ByteSource } from '../../model/byte-source';
import type { TensorInfo } from '../../model/document';
import { DTYPES } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import { decodeToFloat64, packedGroup, valuesPerElement } from './decode-elements';

/** Bytes read per step unless told otherwise: large enough to amortize a read, small enough to stay responsive. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
export const DEFAULT_BINS = 64;
/** Most histogram bins a caller may ask for. */
export const MAX_BINS = 4096;

/**
 * Summary statistics of one tensor's values. Complex tensors count their real and imaginary parts
 * as separate values. min, max, mean, std and the histogram cover finite values only; they are
 * NaN when there are none.
 */
export interface TensorStats {
  /** Values examined: the element count, or twice it for complex dtypes. */
  count: number;
  /** Finite values among them. */
  finite: number;
  /** Values that are exactly zero (either sign). */
  zeros: number;
  nans: number;
  /** Infinite values, of either sign. */
  infs: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (divides by `finite`, not `finite - 1`). */
  std: number;
  /**
   * Equal-width bins from `min` to `max`; the last bin includes `max`. When every finite value is
   * the same, they all fall in bin 0.
   */
  histogram: { min: number; max: number; counts: number[] };
}

/** Options for computeTensorStats. */
export interface TensorStatsOptions {
  signal?: AbortSignal;
  /** Called after each chunk with bytes processed so far and the total over all passes. */
  onProgress?: (done: number, total: number) => void;
  /** Bytes per read; rounded down to whole elements (whole packed groups for sub-byte types). */
  chunkBytes?: number;
  /** Histogram bins, 1 to MAX_BINS. */
  bins?: number;
  /** Decodes the tensor's bytes instead of decodeToFloat64: for types the dtype alone cannot decode (ggml's quantized blocks, big-endian data). */
  decoder?: ElementDecoder;
}

/** Decodes a run of whole groups of elements (e.g. quantization blocks) into one number each. */
export interface ElementDecoder {
  /** The smallest run of whole elements that fills whole bytes; chunked reads split only at these boundaries. */
  group: { elements: number; bytes: number };
  /** Decodes `count` elements (whole groups) from the start of `bytes` into `out` from index 0. */
  decode(bytes: Uint8Array, count: number, out: Float64Array): void;
}

/**
 * Computes statistics of one tensor by streaming only its byte range, a chunk at a time.
 *
 * Two passes: the first reads everything for min, max, mean and std (see Moments), the second
 * reads it again to fill the histogram, whose bins need the range first. Reading twice keeps memory
 * at one chunk for any tensor size; a tensor that fits in one chunk is read once. Cancellation is
 * checked between chunks and throws CancelledError.
 */
export async function computeTensorStats(source: ByteSource, tensor: TensorInfo, options: TensorStatsOptions = {}): Promise<TensorStats> {
  const { signal, onProgress } = options;
  const bins = checkedBins(options.bins ?? DEFAULT_BINS);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!(chunkBytes >= 1)) throw new RangeError('chunkBytes must be at least 1');
  if (signal?.aborted) throw new CancelledError();

  const { dtype, elements } = tensor;
  const { decoder } = options;
  const field = `tensors[${JSON.stringify(tensor.name)}]`;
  const { bits, kind } = DTYPES[dtype];
  if (bits === 0) throw new FormatError(tensor.file, `${field}.dtype`, `${dtype} values are not numbers`);
  if (kind === 'quantized' && decoder === undefined) throw new FormatError(tensor.file, `${field}.dtype`, `statistics are not available for ${dtype} tensors`);
  const group = decoder?.group ?? packedGroup(dtype);
  const needed = decoder ? Math.ceil(elements / group.elements) * group.bytes : Math.ceil((elements * bits) / 8);
  if (tensor.byteLength < needed) {
    throw new FormatError(tensor.file, field, `${tensor.byteLength} bytes is too short for ${elements} ${dtype} elements (${needed} bytes)`);
  }

  const groupsPerChunk = Math.max(1, Math.floor(chunkBytes / group.bytes));
  const chunkLength = groupsPerChunk * group.bytes;
  const chunkElements = groupsPerChunk * group.elements;
  const perElement = decoder ? 1 : valuesPerElement(dtype);
  const values = new Float64Array(Math.min(chunkElements, elements) * perElement);
  const onePass = needed <= chunkLength;
  const total = onePass ? needed : 2 * needed;
  let done = 0;

  /** Reads the tensor chunk by chunk, handing each decoded chunk's value count to `visit`. */
  const stream = async (visit: (length: number) => void): Promise<void> => {
    for (let offset = 0, element = 0; element < elements; offset += chunkLength, element += chunkElements) {
      if (signal?.aborted) throw new CancelledError();
      const length = Math.min(chunkLength, needed - offset);
      const count = Math.min(chunkElements, elements - element);
      const bytes = await source.read(tensor.byteOffset + offset, length, signal);
      if (decoder) decoder.decode(bytes, count, values);
      else decodeToFloat64(dtype, bytes, count, values);
      visit(count * perElement);
      done += length;
      onProgress?.(done, total);
    }
  };

  const moments = new Moments();
  await stream((length) => moments.add(values, length));

  const histogram = new HistogramBins(bins, moments);
  if (moments.finite > 0) {
    if (onePass) histogram.add(values, elements * perElement);
    else await stream((length) => histogram.add(values, length));
  }
  return moments.finish(elements * perElement, histogram);
}

/**
 * Statistics of values already in memory (an inference output, say): the same engine as
 * computeTensorStats, in two passes over the array.
 */
export function summarizeValues(values: ArrayLike<number>, bins = DEFAULT_BINS): TensorStats {
  checkedBins(bins);
  const moments = new Moments();
  moments.add(values, values.length);
  const histogram = new HistogramBins(bins, moments);
  if (moments.finite > 0) histogram.add(values, values.length);
  return moments.finish(values.length, histogram);
}

function checkedBins(bins: number): number {
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) throw new RangeError(`bins must be an integer from 1 to ${MAX_BINS}`);
  return bins;
}

/**
 * Running counts, range and moments over finite values, fed a chunk at a time: Welford's update
 * for the variance, and a compensated (Neumaier) sum that gives the mean to full precision
 * (Welford's running mean stands in if the sum overflows).
 */
class Moments {
  finite = 0;
  zeros = 0;
  nans = 0;
  infs = 0;
  min = Infinity;
  max = -Infinity;
  #mean = 0;
  #m2 = 0;
  #sum = 0;
  #compensation = 0;

  add(values: ArrayLike<number>, length: number): void {
    let { finite, zeros, nans, infs, min, max } = this;
    let mean = this.#mean;
    let m2 = this.#m2;
    let sum = this.#sum;
    let compensation = this.#compensation;
    for (let i = 0; i < length; i++) {
      const v = values[i]!;
      if (v !== v) {
        nans++;
        continue;
      }
      if (v === Infinity || v === -Infinity) {
        infs++;
        continue;
      }
      if (v === 0) zeros++;
      if (v < min) min = v;
      if (v > max) max = v;
      finite++;
      const delta = v - mean;
      mean += delta / finite;
      m2 += delta * (v - mean);
      const next = sum + v;
      compensation += Math.abs(sum) >= Math.abs(v) ? sum - next + v : v - next + sum;
      sum = next;
    }
    this.finite = finite;
    this.zeros = zeros;
    this.nans = nans;
    this.infs = infs;
    this.min = min;
    this.max = max;
    this.#mean = mean;
    this.#m2 = m2;
    this.#sum = sum;
    this.#compensation = compensation;
  }

  finish(count: number, histogram: HistogramBins): TensorStats {
    const { finite } = this;
    const none = finite === 0;
    const compensatedSum = this.#sum + this.#compensation;
    const mean = Number.isFinite(compensatedSum) ? compensatedSum / finite : this.#mean;
    const min = none ? NaN : this.min;
    const max = none ? NaN : this.max;
    return {
      count,
      finite,
      zeros: this.zeros,
      nans: this.nans,
      infs: this.infs,
      min,
      max,
      mean: none ? NaN : mean,
      std: none ? NaN : Math.sqrt(Math.max(0, this.#m2 / finite)),
      histogram: { min, max, counts: Array.from(histogram.counts) },
    };
  }
}

/** Equal-width bins over the finite range found by a first pass; infinities and NaN are left out. */
class HistogramBins {
  readonly counts: Float64Array;
  readonly #halfMin: number;
  readonly #scale: number;

  constructor(bins: number, { min, max }: { min: number; max: number }) {
    this.counts = new Float64Array(bins);
    // Halved so that max - min cannot overflow to Infinity for extreme doubles.
    this.#halfMin = min / 2;
    this.#scale = max > min ? bins / (max / 2 - this.#halfMin) : 0;
  }

  add(values: ArrayLike<number>, length: number): void {
    const { counts } = this;
    const bins = counts.length;
    for (let i = 0; i < length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      const raw = Math.floor((v / 2 - this.#halfMin) * this.#scale);
      const bin = raw >= bins ? bins - 1 : raw < 0 ? 0 : raw;
      counts[bin] = counts[bin]! + 1;
    }
  }
}
