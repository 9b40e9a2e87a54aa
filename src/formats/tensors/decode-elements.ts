import { DTYPES, type DType } from '../../model/dtype';

/*
 * Element decoding, little-endian throughout, as safetensors stores data.
 *
 * Packing of sub-byte types (the safetensors spec does not say; these follow the LSB-first order
 * PyTorch and ml_dtypes use for packed 4-bit data, extended to 6 bits):
 * - F4 (E2M1), U4, I4: two per byte, element 0 in the low nibble.
 * - F6_E2M3, F6_E3M2: four per 3 bytes. The 3 bytes are read as one little-endian 24-bit word and
 *   element k is bits 6k..6k+5 of it, so element 0 is the low 6 bits of the first byte.
 * Complex types (C64, C128) decode to two numbers per element, real then imaginary, interleaved.
 */

/** How many numbers one element decodes to: 2 for complex dtypes (real, imaginary), else 1. */
export function valuesPerElement(dtype: DType): 1 | 2 {
  return dtype === 'C64' || dtype === 'C128' ? 2 : 1;
}

/**
 * The smallest run of whole elements that fills whole bytes: 2 elements in 1 byte for 4-bit types,
 * 4 in 3 bytes for 6-bit types, else 1 element. Chunked reads split only at these boundaries.
 */
export function packedGroup(dtype: DType): { elements: number; bytes: number } {
  const bits = DTYPES[dtype].bits;
  if (bits === 0) throw new RangeError(`${dtype} has no fixed width`);
  let elements = 1;
  while ((elements * bits) % 8 !== 0) elements++;
  return { elements, bytes: (elements * bits) / 8 };
}

/** How minifloat formats spend their top exponent. */
type Specials =
  /** IEEE 754: all-ones exponent is infinity (zero mantissa) or NaN. */
  | 'ieee'
  /** "FN": no infinities; only all-ones exponent and mantissa is NaN (S.1111.111 for E4M3). */
  | 'fn'
  /** "FNUZ": no infinities, no negative zero; the negative-zero code 0x80 is the only NaN. */
  | 'fnuz'
  /** Every code is a finite number (the MX 6- and 4-bit types). */
  | 'finite';

function minifloat(code: number, expBits: number, mantBits: number, bias: number, specials: Specials): number {
  const signBit = 1 << (expBits + mantBits);
  const expMax = (1 << expBits) - 1;
  const mantMax = (1 << mantBits) - 1;
  const negative = (code & signBit) !== 0;
  const exp = (code >> mantBits) & expMax;
  const mant = code & mantMax;
  if (specials === 'fnuz' && code === signBit) return NaN;
  if (specials === 'ieee' && exp === expMax) return mant === 0 ? (negative ? -Infinity : Infinity) : NaN;
  if (specials === 'fn' && exp === expMax && mant === mantMax) return NaN;
  // Subnormals have an implicit 0 and the exponent of the smallest normal.
  const magnitude = exp === 0 ? mant * 2 ** (1 - bias - mantBits) : (mantMax + 1 + mant) * 2 ** (exp - bias - mantBits);
  return negative ? -magnitude : magnitude;
}

/** The dtypes decoded through a lookup table of every code. */
export type TableType = 'F16' | 'F8_E5M2' | 'F8_E4M3' | 'F8_E4M3FNUZ' | 'F8_E5M2FNUZ' | 'F8_E8M0' | 'F6_E2M3' | 'F6_E3M2' | 'F4';

const TABLE_SPECS: Record<Exclude<TableType, 'F8_E8M0'>, [bits: number, expBits: number, mantBits: number, bias: number, specials: Specials]> = {
  F16: [16, 5, 10, 15, 'ieee'],
  F8_E5M2: [8, 5, 2, 15, 'ieee'],
  F8_E4M3: [8, 4, 3, 7, 'fn'],
  F8_E4M3FNUZ: [8, 4, 3, 8, 'fnuz'],
  F8_E5M2FNUZ: [8, 5, 2, 16, 'fnuz'],
  F6_E2M3: [6, 2, 3, 1, 'finite'],
  F6_E3M2: [6, 3, 2, 3, 'finite'],
  F4: [4, 2, 1, 1, 'finite'],
};

const tables = new Map<TableType, Float64Array>();

/** Every code of a narrow float type, decoded once, so decoding is one lookup per element. */
export function decodeTable(dtype: TableType): Float64Array {
  let table = tables.get(dtype);
  if (table) return table;
  if (dtype === 'F8_E8M0') {
    // Exponent only (the MX block-scale type): 2^(e - 127), and 0xFF is NaN. No sign, no zero.
    table = new Float64Array(256);
    for (let code = 0; code < 256; code++) table[code] = code === 0xff ? NaN : 2 ** (code - 127);
  } else {
    const [bits, expBits, mantBits, bias, specials] = TABLE_SPECS[dtype];
    table = new Float64Array(1 << bits);
    for (let code = 0; code < table.length; code++) table[code] = minifloat(code, expBits, mantBits, bias, specials);
  }
  tables.set(dtype, table);
  return table;
}

const bf16Bits = new Uint32Array(1);
const bf16Float = new Float32Array(bf16Bits.buffer);

/**
 * Decodes `count` elements of `dtype` from the start of `bytes` into `out` from `outOffset`.
 * Writes `count * valuesPerElement(dtype)` numbers. `bytes` must begin on a packed-group boundary.
 * 64-bit integers become the nearest double (exact up to 2^53).
 */
export function decodeToFloat64(dtype: DType, bytes: Uint8Array, count: number, out: Float64Array, outOffset = 0): void {
  const { bits, kind } = DTYPES[dtype];
  if (bits === 0) throw new RangeError(`${dtype} elements have no fixed width and cannot be decoded as numbers`);
  if (kind === 'quantized') throw new RangeError(`${dtype} decodes only by whole blocks (src/formats/gguf/dequantize-ggml.ts)`);
  const needed = Math.ceil((count * bits) / 8);
  if (bytes.length < needed) throw new RangeError(`${count} ${dtype} elements need ${needed} bytes, got ${bytes.length}`);
  if (out.length - outOffset < count * valuesPerElement(dtype)) throw new RangeError('output array is too small');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const o = outOffset;
  switch (dtype) {
    case 'BOOL':
      for (let i = 0; i < count; i++) out[o + i] = bytes[i] === 0 ? 0 : 1;
      return;
    case 'U8':
      for (let i = 0; i < count; i++) out[o + i] = bytes[i]!;
      return;
    case 'I8':
      for (let i = 0; i < count; i++) out[o + i] = view.getInt8(i);
      return;
    case 'U16':
      for (let i = 0; i < count; i++) out[o + i] = view.getUint16(i * 2, true);
      return;
    case 'I16':
      for (let i = 0; i < count; i++) out[o + i] = view.getInt16(i * 2, true);
      return;
    case 'U32':
      for (let i = 0; i < count; i++) out[o + i] = view.getUint32(i * 4, true);
      return;
    case 'I32':
      for (let i = 0; i < count; i++) out[o + i] = view.getInt32(i * 4, true);
      return;
    case 'U64':
      for (let i = 0; i < count; i++) out[o + i] = Number(view.getBigUint64(i * 8, true));
      return;
    case 'I64':
      for (let i = 0; i < count; i++) out[o + i] = Number(view.getBigInt64(i * 8, true));
      return;
    case 'F16': {
      const table = decodeTable('F16');
      for (let i = 0; i < count; i++) out[o + i] = table[bytes[2 * i]! | (bytes[2 * i + 1]! << 8)]!;
      return;
    }
    case 'BF16':
      // bfloat16 is the top half of a float32.
      for (let i = 0; i < count; i++) {
        bf16Bits[0] = (bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16;
        out[o + i] = bf16Float[0]!;
      }
      return;
    case 'F32':
      for (let i = 0; i < count; i++) out[o + i] = view.getFloat32(i * 4, true);
      return;
    case 'F64':
      for (let i = 0; i < count; i++) out[o + i] = view.getFloat64(i * 8, true);
      return;
    case 'C64':
      for (let i = 0; i < 2 * count; i++) out[o + i] = view.getFloat32(i * 4, true);
      return;
    case 'C128':
      for (let i = 0; i < 2 * count; i++) out[o + i] = view.getFloat64(i * 8, true);
      return;
    case 'F8_E5M2':
    case 'F8_E4M3':
    case 'F8_E4M3FNUZ':
    case 'F8_E5M2FNUZ':
    case 'F8_E8M0': {
      const table = decodeTable(dtype);
      for (let i = 0; i < count; i++) out[o + i] = table[bytes[i]!]!;
      return;
    }
    case 'F6_E2M3':
    case 'F6_E3M2': {
      const table = decodeTable(dtype);
      for (let i = 0; i < count; i += 4) {
        const at = (i / 4) * 3;
        // A short final group reads missing bytes as 0; only the elements asked for are written.
        const word = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16);
        const n = Math.min(4, count - i);
        for (let k = 0; k < n; k++) out[o + i + k] = table[(word >>> (6 * k)) & 0x3f]!;
      }
      return;
    }
    case 'F4': {
      const table = decodeTable('F4');
      for (let i = 0; i < count; i++) out[o + i] = table[(bytes[i >> 1]! >> ((i & 1) * 4)) & 0xf]!;
      return;
    }
    case 'U4':
      for (let i = 0; i < count; i++) out[o + i] = (bytes[i >> 1]! >> ((i & 1) * 4)) & 0xf;
      return;
    case 'I4':
      for (let i = 0; i < count; i++) {
        const nibble = (bytes[i >> 1]! >> ((i & 1) * 4)) & 0xf;
        out[o + i] = nibble >= 8 ? nibble - 16 : nibble;
      }
      return;
    case 'STRING':
      throw new RangeError('STRING elements cannot be decoded as numbers');
  }
}
