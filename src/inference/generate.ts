import { allocate, elementCount, isBigIntDType, isFloatDType, numberToFloat16, type HostTensor, type NumericArray, type TensorDType } from './tensor';

/**
 * Input generation: concrete shapes from declared ones (symbolic dims get sensible defaults) and
 * deterministic fills from a seed, so that the same seed gives the same tensor in the page, in
 * the worker and in Node (the end-to-end tests compute reference outputs from the same inputs).
 */

export const FILL_MODES = ['normal', 'uniform', 'zeros', 'ones', 'range'] as const;
export type FillMode = (typeof FILL_MODES)[number];

export interface FillOptions {
  mode: FillMode;
  seed: number;
  /** normal: mean and standard deviation (defaults 0, 1). */
  mean?: number;
  std?: number;
  /** uniform: [low, high) (defaults 0, 1 for floats; 0, 10 for integers; vocabulary ids use 0, vocab size). */
  low?: number;
  high?: number;
  /** range: start + i·step (defaults 0, 1). */
  start?: number;
  step?: number;
}

/** mulberry32: a small, fast 32-bit PRNG; good enough for test inputs, and identical everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for the input at `index`, so that inputs filled from one seed differ from each other. */
export function inputSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 1), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const INT_RANGES: Partial<Record<TensorDType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 53), 2 ** 53],
  uint64: [0, 2 ** 53],
  int4: [-8, 7],
  uint4: [0, 15],
  bool: [0, 1],
};

/** Makes a tensor of `dtype` and `dims` filled as `options` say. */
export function fillTensor(dtype: TensorDType, dims: number[], options: FillOptions): HostTensor {
  const count = elementCount(dims);
  const values = fillValues(count, dtype, options);
  return { dtype, dims: [...dims], data: castValues(values, dtype) };
}

function fillValues(count: number, dtype: TensorDType, options: FillOptions): Float64Array {
  const values = new Float64Array(count);
  const float = isFloatDType(dtype) || dtype === 'string';
  switch (options.mode) {
    case 'zeros':
      break;
    case 'ones':
      values.fill(1);
      break;
    case 'range': {
      const start = options.start ?? 0;
      const step = options.step ?? 1;
      for (let i = 0; i < count; i++) values[i] = start + i * step;
      break;
    }
    case 'uniform': {
      const random = mulberry32(options.seed);
      const low = options.low ?? 0;
      const high = options.high ?? (float ? 1 : dtype === 'bool' ? 2 : 10);
      for (let i = 0; i < count; i++) {
        const u = random();
        values[i] = float ? low + (high - low) * u : Math.floor(low + (high - low) * u);
      }
      break;
    }
    case 'normal': {
      const random = mulberry32(options.seed);
      const mean = options.mean ?? 0;
      const std = options.std ?? 1;
      // Box–Muller, two values per pair of uniforms.
      for (let i = 0; i < count; i += 2) {
        const u1 = 1 - random(); // (0, 1]
        const u2 = random();
        const r = Math.sqrt(-2 * Math.log(u1));
        values[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
        if (i + 1 < count) values[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
      }
      if (!float) for (let i = 0; i < count; i++) values[i] = Math.round(values[i]!);
      break;
    }
  }
  return values;
}

/** Converts float64 values to a dtype: rounding to float16, clamping integers to their range. */
export function castValues(values: Float64Array, dtype: TensorDType): HostTensor['data'] {
  const count = values.length;
  if (dtype === 'string') return Array.from(values, (v) => String(v));
  const out = allocate(dtype, count) as NumericArray;
  if (dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = numberToFloat16(values[i]!);
    return out;
  }
  if (isFloatDType(dtype)) {
    (out as Float32Array | Float64Array).set(values);
    return out;
  }
  const [min, max] = INT_RANGES[dtype]!;
  const clamp = (v: number) => (Number.isNaN(v) ? 0 : Math.min(max, Math.max(min, Math.round(v))));
  if (dtype === 'bool') {
    for (let i = 0; i < count; i++) out[i] = values[i] ? 1 : 0;
  } else if (isBigIntDType(dtype)) {
    const big = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < count; i++) big[i] = BigInt(clamp(values[i]!));
  } else {
    for (let i = 0; i < count; i++) out[i] = clamp(values[i]!);
  }
  return out;
}

// Shapes.

/** Dims whose name says batch. */
const BATCH = /^(n|b|bs|batch.*|.*_batch|.*batch_size.*|num_images)$/i;
/** Dims whose name says sequence or time. */
const SEQUENCE = /seq|sequence|len|length|token|time|step|frames|position|past|total|decoder|encoder|sentence|word/i;
const HEIGHT = /^(h|height|.*_h|.*height.*|rows)$/i;
const WIDTH = /^(w|width|.*_w|.*width.*|cols)$/i;

export const DEFAULT_SEQUENCE_LENGTH = 16;
export const DEFAULT_IMAGE_SIZE = 224;

/** Whether a declared shape looks like an image batch: [N, C, H, W] with C of 1, 3 or 4. */
export function isImageLike(shape: readonly (number | string)[] | undefined): boolean {
  return !!shape && shape.length === 4 && typeof shape[1] === 'number' && [1, 3, 4].includes(shape[1]);
}

/**
 * A default for a symbolic (or unknown) dimension: 1 for batch-like dims (by name, or the first
 * axis when the name says nothing), 16 for sequence-like ones, 224 for the height and width of an
 * image-like input, and 16 otherwise.
 */
export function defaultDim(shape: readonly (number | string)[], axis: number): number {
  const dim = shape[axis];
  if (typeof dim === 'number') return dim;
  const name = dim ?? '';
  if (BATCH.test(name)) return 1;
  if (SEQUENCE.test(name)) return DEFAULT_SEQUENCE_LENGTH;
  if (isImageLike(shape) && axis >= 2) return DEFAULT_IMAGE_SIZE;
  if (HEIGHT.test(name) || WIDTH.test(name)) return DEFAULT_IMAGE_SIZE;
  if (axis === 0) return 1;
  return DEFAULT_SEQUENCE_LENGTH;
}

/**
 * Concrete dims for a declared shape: numbers stay, symbolic dims take `overrides[symbol]`
 * (one value per symbol name, so dims that share a name stay equal), then `overrides[#axis]`,
 * then the default. An undeclared shape gives [].
 */
export function resolveDims(shape: readonly (number | string)[] | undefined, overrides: Record<string, number> = {}): number[] {
  if (!shape) return [];
  return shape.map((dim, axis) => {
    if (typeof dim === 'number') return dim;
    const byAxis = overrides[`#${axis}`];
    const bySymbol = dim !== '' ? overrides[dim] : undefined;
    return byAxis ?? bySymbol ?? defaultDim(shape, axis);
  });
}

/** The fill an input gets by default, from its name and type (masks are ones, type ids zeros, ids random within the vocabulary). */
export function defaultFill(name: string, dtype: TensorDType | undefined, vocabSize?: number): Omit<FillOptions, 'seed'> {
  const lower = name.toLowerCase();
  if (/mask/.test(lower)) return { mode: 'ones' };
  if (/token_type|segment/.test(lower)) return { mode: 'zeros' };
  if (/position_ids|positions/.test(lower)) return { mode: 'range', start: 0, step: 1 };
  if (dtype && (dtype === 'int64' || dtype === 'int32') && /ids|input|token/.test(lower)) {
    return { mode: 'uniform', low: 0, high: vocabSize && vocabSize > 0 ? vocabSize : 1000 };
  }
  if (dtype === 'bool') return { mode: 'ones' };
  if (dtype && !isFloatDType(dtype)) return { mode: 'uniform' };
  return { mode: 'normal' };
}
