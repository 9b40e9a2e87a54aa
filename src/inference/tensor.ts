/**
 * Tensors as the inference code holds them: plain, structured-cloneable data that crosses the
 * worker boundary as is. The element types are ONNX Runtime's (`onnxruntime-common` Tensor.Type),
 * so a HostTensor converts to an ORT tensor without copying.
 *
 * Representation per dtype:
 * - float16: the IEEE half bits in a Uint16Array (Float16Array is not everywhere yet);
 * - int64 / uint64: BigInt64Array / BigUint64Array;
 * - bool: a Uint8Array of 0 and 1;
 * - int4 / uint4: one element per byte (Int8Array / Uint8Array), unpacked; ORT packs two per byte,
 *   the conversion happens at the ORT boundary (engine.ts);
 * - string: a plain string array.
 */
import { halfToNumber } from '../formats/tensors/half-float';
import { formatShape } from '../model/units';
import { ORT_DTYPES, type OrtDType } from './ort-dtype';

/** The element types a HostTensor holds: ONNX Runtime's, as ort-dtype.ts maps them from DType. */
export const TENSOR_DTYPES: readonly OrtDType[] = Object.values(ORT_DTYPES);

export type TensorDType = OrtDType;

export type NumericArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export type TensorData = NumericArray | string[];

export interface HostTensor {
  dtype: TensorDType;
  /** Concrete dimensions (no symbols). `[]` is a scalar. */
  dims: number[];
  data: TensorData;
}

/** A named tensor, as fed to or returned by a session. */
export interface NamedTensor extends HostTensor {
  name: string;
}

type ArrayConstructorOf = {
  new (length: number): NumericArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
};

const ARRAY_TYPES: Record<Exclude<TensorDType, 'string'>, ArrayConstructorOf> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  int4: Int8Array,
  uint4: Uint8Array,
};

export function isTensorDType(value: unknown): value is TensorDType {
  return typeof value === 'string' && (TENSOR_DTYPES as readonly string[]).includes(value);
}

/** The typed array class that holds a dtype's elements (one element per slot). */
export function arrayTypeOf(dtype: Exclude<TensorDType, 'string'>): ArrayConstructorOf {
  return ARRAY_TYPES[dtype];
}

/** Allocates zeroed storage for `count` elements of `dtype`. */
export function allocate(dtype: TensorDType, count: number): TensorData {
  if (dtype === 'string') return new Array<string>(count).fill('');
  return new ARRAY_TYPES[dtype](count);
}

/** Whether `data` is the representation this module uses for `dtype`. */
export function dataMatchesDType(dtype: TensorDType, data: unknown): data is TensorData {
  if (dtype === 'string') return Array.isArray(data) && data.every((s) => typeof s === 'string');
  const type = ARRAY_TYPES[dtype];
  return data instanceof type && data.constructor === type;
}

export function isBigIntDType(dtype: TensorDType): dtype is 'int64' | 'uint64' {
  return dtype === 'int64' || dtype === 'uint64';
}

export function isFloatDType(dtype: TensorDType): dtype is 'float32' | 'float16' | 'float64' {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'float64';
}

/** Product of the dims; 1 for a scalar. Throws when a dim is not a non-negative safe integer. */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const dim of dims) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new RangeError(`invalid dimension ${String(dim)}`);
    count *= dim;
  }
  if (!Number.isSafeInteger(count)) throw new RangeError(`the shape ${formatShape(dims)} has too many elements`);
  return count;
}

/** Element `i` as a JS number (int64 beyond 2^53 loses precision; float16 is decoded). */
export function numberAt(tensor: HostTensor, i: number): number {
  const { data } = tensor;
  if (Array.isArray(data)) return Number(data[i]);
  const value = data[i]!;
  if (typeof value === 'bigint') return Number(value);
  return tensor.dtype === 'float16' ? float16ToNumber(value) : value;
}

/** All elements as float64 (float16 decoded, 64-bit integers rounded to the nearest double). */
export function toFloat64(tensor: HostTensor): Float64Array {
  const { data } = tensor;
  if (Array.isArray(data)) throw new TypeError('string tensors have no numeric values');
  const out = new Float64Array(data.length);
  if (tensor.dtype === 'float16') {
    for (let i = 0; i < data.length; i++) out[i] = float16ToNumber(data[i] as number);
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else {
    out.set(data as ArrayLike<number>);
  }
  return out;
}

// IEEE 754 half precision <-> number.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits to a number. */
export const float16ToNumber = halfToNumber;

/** The half nearest to the value's float32 rounding (ties to even), as numpy's float32.astype(float16). */
export function numberToFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Re-bias the exponent from 127 to 15.
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to infinity
  if (e <= 0) {
    // Subnormal half (or zero).
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let result = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && result & 1)) result++;
    return sign | result;
  }
  let result = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && result & 1)) result++; // a carry into the exponent is still correct
  return sign | result;
}

/** Packs one-per-byte 4-bit elements two per byte, low nibble first (ONNX and ORT layout). */
export function packInt4(values: Int8Array | Uint8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const nibble = values[i]! & 0x0f;
    packed[i >> 1]! |= i & 1 ? nibble << 4 : nibble;
  }
  return packed;
}

/** Unpacks `count` 4-bit elements, sign-extending for int4. */
export function unpackInt4(packed: Uint8Array | Int8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const byte = packed[i >> 1]! & 0xff;
    const nibble = i & 1 ? byte >> 4 : byte & 0x0f;
    out[i] = signed && nibble > 7 ? nibble - 16 : nibble;
  }
  return out;
}

/** Checks that a tensor is self-consistent: known dtype, valid dims, data of the right type and length. */
export function validateTensor(tensor: HostTensor, what = 'tensor'): void {
  if (!isTensorDType(tensor.dtype)) throw new TypeError(`${what}: unknown element type ${String(tensor.dtype)}`);
  const count = elementCount(tensor.dims);
  if (!dataMatchesDType(tensor.dtype, tensor.data)) throw new TypeError(`${what}: the data is not ${tensor.dtype} data`);
  if (tensor.data.length !== count) {
    throw new RangeError(`${what}: the shape ${formatShape(tensor.dims)} needs ${count} values, the data has ${tensor.data.length}`);
  }
}

/** A copy of the tensor whose data owns its own buffer (so it can be transferred or kept). */
export function cloneTensor<T extends HostTensor>(tensor: T): T {
  const data = Array.isArray(tensor.data) ? [...tensor.data] : tensor.data.slice();
  return { ...tensor, dims: [...tensor.dims], data };
}
