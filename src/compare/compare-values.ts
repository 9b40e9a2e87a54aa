import { decodeToFloat64, packedGroup, valuesPerElement } from '../formats/tensors/decode-elements';
import { DEFAULT_CHUNK_BYTES } from '../formats/tensors/tensor-stats';
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
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}

function checkTensor(tensor: TensorInfo): number {
  const field = `tensors[${JSON.stringify(tensor.name)}]`;
  if (!isDType(tensor.dtype) || DTYPES[tensor.dtype].bits === 0) {
    throw new LoupeError('unsupported', `${tensor.name}: ${tensor.dtype} values cannot be compared yet.`, { file: tensor.file, field: `${field}.dtype` });
  }
  const needed = Math.ceil((tensor.elements * DTYPES[tensor.dtype].bits) / 8);
  if (tensor.byteLength < needed) throw new FormatError(tensor.file, field, `${tensor.byteLength} bytes is too short for ${tensor.elements} ${tensor.dtype} elements (${needed} bytes)`);
  return needed;
}

/**
 * Compares two tensors' values by streaming both byte ranges side by side, a chunk at a time:
 * memory stays at one chunk of each whatever the size. Dtypes may differ (BF16 against F32);
 * element counts must agree. Cancellation is checked between chunks.
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
    throw new LoupeError('unsupported', `${a.name} has ${a.elements} elements and ${b.name} ${b.elements}: values are compared only between tensors of the same size.`);
  }
  const neededA = checkTensor(a);
  const neededB = checkTensor(b);
  const perElement = valuesPerElement(a.dtype as keyof typeof DTYPES);
  if (valuesPerElement(b.dtype as keyof typeof DTYPES) !== perElement) throw new LoupeError('unsupported', `${a.name}: a complex tensor is compared only with a complex one.`);

  // A chunk holds a whole number of packed groups on both sides.
  const groupA = packedGroup(a.dtype as keyof typeof DTYPES);
  const groupB = packedGroup(b.dtype as keyof typeof DTYPES);
  const step = (groupA.elements * groupB.elements) / gcd(groupA.elements, groupB.elements);
  const widestBits = Math.max(DTYPES[a.dtype as keyof typeof DTYPES].bits, DTYPES[b.dtype as keyof typeof DTYPES].bits);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const chunkElements = Math.max(step, Math.floor((chunkBytes * 8) / widestBits / step) * step);
  const bufferLength = Math.min(chunkElements, a.elements) * perElement;
  const valuesA = new Float64Array(bufferLength);
  const valuesB = new Float64Array(bufferLength);
  const bytesOf = (t: TensorInfo, elements: number) => Math.ceil((elements * DTYPES[t.dtype as keyof typeof DTYPES].bits) / 8);
  const total = neededA + neededB;

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
    const startA = bytesOf(a, element);
    const startB = bytesOf(b, element);
    const lengthA = Math.min(bytesOf(a, count), neededA - startA);
    const lengthB = Math.min(bytesOf(b, count), neededB - startB);
    const [bytesA, bytesB] = await Promise.all([sourceA.read(a.byteOffset + startA, lengthA, signal), sourceB.read(b.byteOffset + startB, lengthB, signal)]);
    decodeToFloat64(a.dtype as keyof typeof DTYPES, bytesA, count, valuesA);
    decodeToFloat64(b.dtype as keyof typeof DTYPES, bytesB, count, valuesB);
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
