import { decodeToFloat64, packedGroup, valuesPerElement } from '../formats/tensors/decode-elements';
import { DEFAULT_CHUNK_BYTES, type ElementDecoder } from '../formats/tensors/tensor-stats';
import type { ByteSource } from '../model/byte-source';
import type { TensorInfo } from '../model/document';
import { DTYPES, isDType } from '../model/dtype';
import { CancelledError, FormatError, LoupeError } from '../model/errors';

/**
 * How the values of two tensors differ, element by element, after each is decoded to float64.
 * NaN in both at the same place counts as equal; a NaN against a number is a differing element
 * and is left out of the sums (so the other figures stay finite).
 */
export interface ValueComparison {
  /** Values compared: the element count (twice it for complex dtypes). */
  count: number;
  /** Values where A and B differ. */
  differing: number;
  /** Values where exactly one side is NaN. */
  nanMismatches: number;
  /** Largest |a − b|. */
  maxAbs: number;
  /** Largest |a − b| / max(|a|, |b|) over values where either is non-zero: 0 is identical, 1 a sign flip or a zeroed value. */
  maxRel: number;
  /** sqrt(mean((a − b)²)). */
  rms: number;
  /** a·b / (|a| |b|); NaN when either side is all zeros. */
  cosine: number;
}

export interface ValueComparisonOptions {
  signal?: AbortSignal;
  /** Bytes read so far over both tensors, and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Bytes of the wider tensor per step. */
  chunkBytes?: number;
  /** Decoders for dtypes the dtype alone cannot decode (ggml's quantized blocks, big-endian data), per side. */
  decoders?: { a?: ElementDecoder; b?: ElementDecoder };
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}

/** How one side's bytes become numbers: its group of whole elements, its byte count, and the decode. */
interface SideDecoder {
  group: { elements: number; bytes: number };
  needed: number;
  perElement: 1 | 2;
  decode(bytes: Uint8Array, count: number, out: Float64Array): void;
}

function sideDecoder(tensor: TensorInfo, given: ElementDecoder | undefined): SideDecoder {
  const field = `tensors[${JSON.stringify(tensor.name)}]`;
  let decoder: SideDecoder;
  if (given) {
    decoder = { group: given.group, needed: Math.ceil(tensor.elements / given.group.elements) * given.group.bytes, perElement: 1, decode: given.decode };
  } else {
    const { dtype } = tensor;
    // Quantized blocks need their format's decoder (see options.decoders).
    if (!isDType(dtype) || DTYPES[dtype].bits === 0 || DTYPES[dtype].kind === 'quantized') {
      throw new LoupeError('unsupported', `${tensor.name}: ${dtype} values cannot be compared without a decoder for them.`, {
        file: tensor.file,
        field: `${field}.dtype`,
      });
    }
    decoder = {
      group: packedGroup(dtype),
      needed: Math.ceil((tensor.elements * DTYPES[dtype].bits) / 8),
      perElement: valuesPerElement(dtype),
      decode: (bytes, count, out) => decodeToFloat64(dtype, bytes, count, out),
    };
  }
  if (tensor.byteLength < decoder.needed) {
    throw new FormatError(
      tensor.file,
      field,
      `${tensor.byteLength} bytes is too short for ${tensor.elements} ${tensor.dtype} elements (${decoder.needed} bytes)`,
    );
  }
  return decoder;
}

/**
 * Compares two tensors' values by streaming both byte ranges side by side, a chunk at a time:
 * memory stays at one chunk of each whatever the size. Dtypes may differ (BF16 against F32, Q8_0
 * against F16 with a ggml decoder); element counts must agree. Cancellation is checked between chunks.
 */
export async function compareTensorValues(
  sourceA: ByteSource,
  a: TensorInfo,
  sourceB: ByteSource,
  b: TensorInfo,
  options: ValueComparisonOptions = {},
): Promise<ValueComparison> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new CancelledError();
  if (a.elements !== b.elements) {
    throw new LoupeError(
      'unsupported',
      `${a.name} has ${a.elements} elements and ${b.name} ${b.elements}: values are compared only between tensors of the same size.`,
    );
  }
  const left = sideDecoder(a, options.decoders?.a);
  const right = sideDecoder(b, options.decoders?.b);
  const perElement = left.perElement;
  if (right.perElement !== perElement) throw new LoupeError('unsupported', `${a.name}: a complex tensor is compared only with a complex one.`);

  // A chunk holds a whole number of groups on both sides.
  const step = (left.group.elements * right.group.elements) / gcd(left.group.elements, right.group.elements);
  const widestBytesPerElement = Math.max(left.group.bytes / left.group.elements, right.group.bytes / right.group.elements);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const chunkElements = Math.max(step, Math.floor(chunkBytes / widestBytesPerElement / step) * step);
  const bufferLength = Math.ceil(Math.min(chunkElements, a.elements) / step) * step * perElement;
  const valuesA = new Float64Array(bufferLength);
  const valuesB = new Float64Array(bufferLength);
  const bytesOf = (side: SideDecoder, elements: number) => Math.ceil(elements / side.group.elements) * side.group.bytes;
  const total = left.needed + right.needed;

  let differing = 0;
  let nanMismatches = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let sumSq = 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  let done = 0;
  for (let element = 0; element < a.elements; element += chunkElements) {
    if (signal?.aborted) throw new CancelledError();
    const count = Math.min(chunkElements, a.elements - element);
    const startA = bytesOf(left, element);
    const startB = bytesOf(right, element);
    const lengthA = Math.min(bytesOf(left, count), left.needed - startA);
    const lengthB = Math.min(bytesOf(right, count), right.needed - startB);
    const [bytesA, bytesB] = await Promise.all([sourceA.read(a.byteOffset + startA, lengthA, signal), sourceB.read(b.byteOffset + startB, lengthB, signal)]);
    left.decode(bytesA, count, valuesA);
    right.decode(bytesB, count, valuesB);
    for (let i = 0; i < count * perElement; i++) {
      const x = valuesA[i]!;
      const y = valuesB[i]!;
      if (x !== y) {
        if (x !== x || y !== y) {
          if (x === x || y === y) {
            differing++;
            nanMismatches++;
          }
          continue;
        }
        differing++;
        const d = Math.abs(x - y);
        if (d > maxAbs) maxAbs = d;
        const rel = d / Math.max(Math.abs(x), Math.abs(y));
        if (rel > maxRel) maxRel = rel;
        sumSq += d * d;
      }
      dot += x * y;
      normA += x * x;
      normB += y * y;
    }
    done += lengthA + lengthB;
    onProgress?.(done, total);
  }
  const count = a.elements * perElement;
  return {
    count,
    differing,
    nanMismatches,
    maxAbs,
    maxRel,
    rms: count > 0 ? Math.sqrt(sumSq / count) : 0,
    cosine: normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : NaN,
  };
}
