/**
 * Test-only: writes GGUF files byte by byte, from ggml's docs/gguf.md, independently of Loupe's
 * reader. Little-endian by default; can write big-endian files and, through the raw hooks, broken ones.
 */

/** Value type ids (docs/gguf.md, enum gguf_metadata_value_type). */
export const VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;
export type ValueTypeName = keyof typeof VALUE_TYPE;

/** ggml type ids and blocks (elements, bytes) for the types the fixtures write, from ggml-common.h's block structs. */
export const WRITER_TYPES = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 2 + 16 },
  Q8_0: { id: 8, block: 32, bytes: 2 + 32 },
  Q2_K: { id: 10, block: 256, bytes: 16 + 64 + 2 + 2 },
  Q4_K: { id: 12, block: 256, bytes: 2 + 2 + 12 + 128 },
  Q6_K: { id: 14, block: 256, bytes: 128 + 64 + 16 + 2 },
  IQ2_XS: { id: 17, block: 256, bytes: 2 + 64 + 8 },
  I32: { id: 26, block: 1, bytes: 4 },
  BF16: { id: 30, block: 1, bytes: 2 },
} as const;
export type WriterTypeName = keyof typeof WRITER_TYPES;

export type WriterScalar = number | bigint | boolean | string;
export type WriterValue = WriterScalar | WriterValue[];

/** Little- or big-endian byte output. */
export class ByteWriter {
  readonly littleEndian: boolean;
  #chunks: Uint8Array[] = [];
  length = 0;

  constructor(littleEndian = true) {
    this.littleEndian = littleEndian;
  }

  bytes(bytes: Uint8Array): this {
    this.#chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  #fixed(size: number, set: (view: DataView) => void): this {
    const bytes = new Uint8Array(size);
    set(new DataView(bytes.buffer));
    return this.bytes(bytes);
  }

  u8(v: number): this {
    return this.#fixed(1, (d) => d.setUint8(0, v));
  }
  i8(v: number): this {
    return this.#fixed(1, (d) => d.setInt8(0, v));
  }
  u16(v: number): this {
    return this.#fixed(2, (d) => d.setUint16(0, v, this.littleEndian));
  }
  i16(v: number): this {
    return this.#fixed(2, (d) => d.setInt16(0, v, this.littleEndian));
  }
  u32(v: number): this {
    return this.#fixed(4, (d) => d.setUint32(0, v, this.littleEndian));
  }
  i32(v: number): this {
    return this.#fixed(4, (d) => d.setInt32(0, v, this.littleEndian));
  }
  u64(v: number | bigint): this {
    return this.#fixed(8, (d) => d.setBigUint64(0, BigInt(v), this.littleEndian));
  }
  i64(v: number | bigint): this {
    return this.#fixed(8, (d) => d.setBigInt64(0, BigInt(v), this.littleEndian));
  }
  f32(v: number): this {
    return this.#fixed(4, (d) => d.setFloat32(0, v, this.littleEndian));
  }
  f64(v: number): this {
    return this.#fixed(8, (d) => d.setFloat64(0, v, this.littleEndian));
  }
  /** A GGUF string: u64 byte length, then the bytes (UTF-8 for a string). */
  str(v: string | Uint8Array): this {
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    return this.u64(bytes.length).bytes(bytes);
  }
  zeros(n: number): this {
    return this.bytes(new Uint8Array(n));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

/** One metadata pair. `raw` writes the value bytes itself (after the type id), for broken files. */
export interface WriterEntry {
  key: string | Uint8Array;
  /** A value type name, or a raw id (an unknown one for a broken file). */
  type: ValueTypeName | number;
  value?: WriterValue;
  /** For arrays: the element type; nested arrays give `array` and `nested` for the next level. */
  elementType?: ValueTypeName;
  nested?: ValueTypeName[];
  raw?: (w: ByteWriter) => void;
}

export interface WriterTensor {
  name: string | Uint8Array;
  type: WriterTypeName | number;
  /** ggml order, innermost first. */
  dims: (number | bigint)[];
  /** The data; zeros of the computed size when absent. */
  data?: Uint8Array;
  /** Overrides the packed offset (relative to the data section). */
  offset?: number | bigint;
  /** Overrides n_dims as written. */
  nDims?: number;
}

export interface GgufSpec {
  metadata?: WriterEntry[];
  tensors?: WriterTensor[];
  version?: number;
  littleEndian?: boolean;
  /** Padding used for the data section and between tensors (write `general.alignment` yourself to declare another). */
  alignment?: number;
  magic?: Uint8Array;
  /** Override the counts as written. */
  tensorCount?: bigint;
  metadataCount?: bigint;
  /** Bytes after the last tensor. */
  trailing?: number;
}

/** Entry helpers. */
export const kv = {
  u8: (key: string, value: number): WriterEntry => ({ key, type: 'uint8', value }),
  u16: (key: string, value: number): WriterEntry => ({ key, type: 'uint16', value }),
  u32: (key: string, value: number): WriterEntry => ({ key, type: 'uint32', value }),
  i32: (key: string, value: number): WriterEntry => ({ key, type: 'int32', value }),
  u64: (key: string, value: bigint): WriterEntry => ({ key, type: 'uint64', value }),
  f32: (key: string, value: number): WriterEntry => ({ key, type: 'float32', value }),
  bool: (key: string, value: boolean): WriterEntry => ({ key, type: 'bool', value }),
  str: (key: string, value: string): WriterEntry => ({ key, type: 'string', value }),
  arr: (key: string, elementType: ValueTypeName, value: WriterValue[]): WriterEntry => ({ key, type: 'array', elementType, value }),
};

export function typeBytes(type: WriterTypeName, elements: number): number {
  const t = WRITER_TYPES[type];
  return (elements / t.block) * t.bytes;
}

function writeValue(w: ByteWriter, type: ValueTypeName, value: WriterValue, nested: ValueTypeName[]): void {
  switch (type) {
    case 'uint8':
      w.u8(value as number);
      break;
    case 'int8':
      w.i8(value as number);
      break;
    case 'uint16':
      w.u16(value as number);
      break;
    case 'int16':
      w.i16(value as number);
      break;
    case 'uint32':
      w.u32(value as number);
      break;
    case 'int32':
      w.i32(value as number);
      break;
    case 'float32':
      w.f32(value as number);
      break;
    case 'bool':
      w.u8(value ? 1 : 0);
      break;
    case 'string':
      w.str(value as string);
      break;
    case 'uint64':
      w.u64(value as bigint);
      break;
    case 'int64':
      w.i64(value as bigint);
      break;
    case 'float64':
      w.f64(value as number);
      break;
    case 'array': {
      const [element, ...rest] = nested;
      if (element === undefined) throw new Error('array needs an element type');
      const items = value as WriterValue[];
      w.u32(VALUE_TYPE[element]).u64(items.length);
      for (const item of items) writeValue(w, element, item, rest);
      break;
    }
  }
}

/** Writes a whole GGUF file. */
export function writeGguf(spec: GgufSpec): Uint8Array {
  const littleEndian = spec.littleEndian ?? true;
  const alignment = spec.alignment ?? 32;
  const metadata = spec.metadata ?? [];
  const tensors = spec.tensors ?? [];
  const w = new ByteWriter(littleEndian);
  w.bytes(spec.magic ?? new Uint8Array([0x47, 0x47, 0x55, 0x46]));
  w.u32(spec.version ?? 3);
  w.u64(spec.tensorCount ?? BigInt(tensors.length));
  w.u64(spec.metadataCount ?? BigInt(metadata.length));
  for (const entry of metadata) {
    w.str(entry.key);
    w.u32(typeof entry.type === 'number' ? entry.type : VALUE_TYPE[entry.type]);
    if (entry.raw) entry.raw(w);
    else if (typeof entry.type === 'string')
      writeValue(w, entry.type, entry.value!, entry.type === 'array' ? [entry.elementType!, ...(entry.nested ?? [])] : []);
  }
  // Pack the data: each tensor at the next aligned offset.
  const datas: Uint8Array[] = [];
  let position = 0;
  const offsets: bigint[] = [];
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce<number>((n, d) => n * Number(d), 1);
    const data = tensor.data ?? new Uint8Array(typeof tensor.type === 'number' ? 0 : typeBytes(tensor.type, elements));
    position = Math.ceil(position / alignment) * alignment;
    offsets.push(tensor.offset === undefined ? BigInt(position) : BigInt(tensor.offset));
    datas.push(data);
    position += data.length;
  }
  tensors.forEach((tensor, i) => {
    w.str(tensor.name);
    w.u32(tensor.nDims ?? tensor.dims.length);
    for (const dim of tensor.dims) w.u64(dim);
    w.u32(typeof tensor.type === 'number' ? tensor.type : WRITER_TYPES[tensor.type].id);
    w.u64(offsets[i]!);
  });
  w.zeros((alignment - (w.length % alignment)) % alignment);
  let data = 0;
  for (const bytes of datas) {
    const pad = (alignment - (data % alignment)) % alignment;
    w.zeros(pad);
    w.bytes(bytes);
    data += pad + bytes.length;
  }
  w.zeros(spec.trailing ?? 0);
  return w.finish();
}

// --- Quantized blocks, packed from their logical values (ggml src/ggml-common.h layouts). ---

/** IEEE half bits of `x`, which must be exactly representable (the fixtures choose such scales). */
export function halfBits(x: number): number {
  if (x === 0) return Object.is(x, -0) ? 0x8000 : 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp--;
  if (exp < -14) {
    const mant = a / 2 ** -24;
    if (!Number.isInteger(mant)) throw new Error(`${x} is not exact in f16`);
    return sign | mant;
  }
  const mant = (a / 2 ** exp - 1) * 1024;
  if (!Number.isInteger(mant) || exp > 15) throw new Error(`${x} is not exact in f16`);
  return sign | ((exp + 15) << 10) | mant;
}

function putHalf(out: Uint8Array, at: number, x: number, littleEndian: boolean): void {
  new DataView(out.buffer, out.byteOffset).setUint16(at, halfBits(x), littleEndian);
}

/** Q8_0: f16 d, then 32 int8 q; x = d × q. */
export function q8_0Block(d: number, q: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(34);
  putHalf(out, 0, d, littleEndian);
  for (let i = 0; i < 32; i++) out[2 + i] = q[i]! & 0xff;
  return out;
}

/** Q4_0: f16 d, then 16 bytes; element i < 16 is the low nibble of byte i, element i + 16 the high one; x = d × (n - 8). */
export function q4_0Block(d: number, nibbles: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(18);
  putHalf(out, 0, d, littleEndian);
  for (let i = 0; i < 16; i++) out[2 + i] = (nibbles[i]! & 0xf) | ((nibbles[i + 16]! & 0xf) << 4);
  return out;
}

/**
 * Q4_K: f16 d, f16 dmin, 12 bytes of eight 6-bit scales and mins, 128 bytes of nibbles. Sub-block j
 * (32 elements) is x = d × scale[j] × n - dmin × min[j]; sub-blocks 2k and 2k + 1 share bytes
 * 32k..32k+31, low nibbles then high.
 */
export function q4_KBlock(d: number, dmin: number, scales: number[], mins: number[], nibbles: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(144);
  putHalf(out, 0, d, littleEndian);
  putHalf(out, 2, dmin, littleEndian);
  const s = out.subarray(4, 16);
  for (let j = 0; j < 8; j++) {
    const sc = scales[j]!;
    const m = mins[j]!;
    if (j < 4) {
      s[j] = (s[j]! & 0xc0) | sc;
      s[j + 4] = (s[j + 4]! & 0xc0) | m;
    } else {
      // Low 4 bits in byte j + 4; the top 2 bits in the spare high bits of bytes j - 4 (scale) and j (min).
      s[j + 4] = (sc & 0xf) | ((m & 0xf) << 4);
      s[j - 4] = s[j - 4]! | ((sc >> 4) << 6);
      s[j] = s[j]! | ((m >> 4) << 6);
    }
  }
  for (let k = 0; k < 4; k++) {
    for (let l = 0; l < 32; l++) out[16 + 32 * k + l] = (nibbles[64 * k + l]! & 0xf) | ((nibbles[64 * k + 32 + l]! & 0xf) << 4);
  }
  return out;
}

/**
 * Q6_K: 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 int8 scales, f16 d. Element e of the
 * block is x = d × scale[e / 16] × (q - 32), q a 6-bit value. Each 128-element half h uses ql[64h..],
 * qh[32h..]: for l < 32, elements l, l+32, l+64, l+96 take ql[l] low, ql[l+32] low, ql[l] high,
 * ql[l+32] high, and bits 0-1, 2-3, 4-5, 6-7 of qh[l].
 */
export function q6_KBlock(d: number, scales: number[], q: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(210);
  const ql = out.subarray(0, 128);
  const qh = out.subarray(128, 192);
  for (let h = 0; h < 2; h++) {
    for (let l = 0; l < 32; l++) {
      const e = 128 * h + l;
      const [a, b, c, dd] = [q[e]!, q[e + 32]!, q[e + 64]!, q[e + 96]!];
      ql[64 * h + l] = (a & 0xf) | ((c & 0xf) << 4);
      ql[64 * h + l + 32] = (b & 0xf) | ((dd & 0xf) << 4);
      qh[32 * h + l] = (a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((dd >> 4) << 6);
    }
  }
  for (let i = 0; i < 16; i++) out[192 + i] = scales[i]! & 0xff;
  putHalf(out, 208, d, littleEndian);
  return out;
}

/** Concatenates blocks. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** F32 data of `values`. */
export function f32Data(values: number[], littleEndian = true): Uint8Array {
  const w = new ByteWriter(littleEndian);
  for (const v of values) w.f32(v);
  return w.finish();
}

/** F16 data of exactly representable `values`. */
export function f16Data(values: number[], littleEndian = true): Uint8Array {
  const w = new ByteWriter(littleEndian);
  for (const v of values) w.u16(halfBits(v));
  return w.finish();
}

/** BF16 data: the top half of each value's float32 bits. */
export function bf16Data(values: number[], littleEndian = true): Uint8Array {
  const w = new ByteWriter(littleEndian);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (const v of values) {
    f[0] = v;
    w.u16(u[0]! >>> 16);
  }
  return w.finish();
}
