import type { ByteSource } from '../../model/byte-source';
import type { TensorInfo } from '../../model/document';
import { FormatError } from '../../model/errors';
import { decodeTable } from '../tensors/decode-elements';
import { computeTensorStats, type ElementDecoder, type TensorStats, type TensorStatsOptions } from '../tensors/tensor-stats';
import { ggmlTypeByName, type GgmlTypeName } from './ggml-types';

/*
 * Dequantization of ggml blocks for statistics, after ggml's reference `dequantize_row_*`
 * (src/ggml-quants.c) and block structs (src/ggml-common.h). Scales are IEEE halves. In a
 * big-endian file every multi-byte field (halves included) is big-endian; byte arrays are not.
 */

/** The ggml types whose values Loupe can decode for statistics. */
export const GGML_STATS_TYPES: ReadonlySet<GgmlTypeName> = new Set<GgmlTypeName>([
  'F32',
  'F16',
  'BF16',
  'F64',
  'I8',
  'I16',
  'I32',
  'I64',
  'Q8_0',
  'Q4_0',
  'Q4_K',
  'Q6_K',
]);

type BlockDecoder = (view: DataView, bytes: Uint8Array, at: number, out: Float64Array, o: number, le: boolean) => void;

const half = decodeTable('F16');
const bf16Bits = new Uint32Array(1);
const bf16Float = new Float32Array(bf16Bits.buffer);

const BLOCKS: Record<string, BlockDecoder> = {
  F32: (v, _b, at, out, o, le) => {
    out[o] = v.getFloat32(at, le);
  },
  F64: (v, _b, at, out, o, le) => {
    out[o] = v.getFloat64(at, le);
  },
  F16: (v, _b, at, out, o, le) => {
    out[o] = half[v.getUint16(at, le)]!;
  },
  BF16: (v, _b, at, out, o, le) => {
    bf16Bits[0] = v.getUint16(at, le) << 16;
    out[o] = bf16Float[0]!;
  },
  I8: (v, _b, at, out, o) => {
    out[o] = v.getInt8(at);
  },
  I16: (v, _b, at, out, o, le) => {
    out[o] = v.getInt16(at, le);
  },
  I32: (v, _b, at, out, o, le) => {
    out[o] = v.getInt32(at, le);
  },
  I64: (v, _b, at, out, o, le) => {
    out[o] = Number(v.getBigInt64(at, le));
  },
  // block_q8_0 { half d; int8 qs[32] }: x = d * q.
  Q8_0: (v, _b, at, out, o, le) => {
    const d = half[v.getUint16(at, le)]!;
    for (let i = 0; i < 32; i++) out[o + i] = d * v.getInt8(at + 2 + i);
  },
  // block_q4_0 { half d; uint8 qs[16] }: element i is the low nibble of qs[i], element i + 16 the high one; x = d * (n - 8).
  Q4_0: (v, b, at, out, o, le) => {
    const d = half[v.getUint16(at, le)]!;
    for (let i = 0; i < 16; i++) {
      const byte = b[at + 2 + i]!;
      out[o + i] = d * ((byte & 0xf) - 8);
      out[o + i + 16] = d * ((byte >> 4) - 8);
    }
  },
  // block_q4_K { half d, dmin; uint8 scales[12]; uint8 qs[128] }: eight sub-blocks of 32 with 6-bit scale and min.
  Q4_K: (v, b, at, out, o, le) => {
    const d = half[v.getUint16(at, le)]!;
    const dmin = half[v.getUint16(at + 2, le)]!;
    const s = at + 4;
    let q = at + 16;
    for (let j = 0; j < 8; j += 2, q += 32) {
      const [sc1, m1] = scaleMinK4(b, s, j);
      const [sc2, m2] = scaleMinK4(b, s, j + 1);
      const d1 = d * sc1;
      const min1 = dmin * m1;
      const d2 = d * sc2;
      const min2 = dmin * m2;
      const base = o + j * 32;
      for (let l = 0; l < 32; l++) {
        const byte = b[q + l]!;
        out[base + l] = d1 * (byte & 0xf) - min1;
        out[base + 32 + l] = d2 * (byte >> 4) - min2;
      }
    }
  },
  // block_q6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d }: x = d * scale[i / 16] * (q - 32), q 6-bit.
  Q6_K: (v, b, at, out, o, le) => {
    const d = half[v.getUint16(at + 208, le)]!;
    for (let h = 0; h < 2; h++) {
      const ql = at + 64 * h;
      const qh = at + 128 + 32 * h;
      const sc = at + 192 + 8 * h;
      const base = o + 128 * h;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const high = b[qh + l]!;
        const lo = b[ql + l]!;
        const lo32 = b[ql + l + 32]!;
        out[base + l] = d * v.getInt8(sc + is) * (((lo & 0xf) | ((high & 3) << 4)) - 32);
        out[base + l + 32] = d * v.getInt8(sc + is + 2) * (((lo32 & 0xf) | (((high >> 2) & 3) << 4)) - 32);
        out[base + l + 64] = d * v.getInt8(sc + is + 4) * (((lo >> 4) | (((high >> 4) & 3) << 4)) - 32);
        out[base + l + 96] = d * v.getInt8(sc + is + 6) * (((lo32 >> 4) | (((high >> 6) & 3) << 4)) - 32);
      }
    }
  },
};

/** ggml `get_scale_min_k4`: the 6-bit scale and min of sub-block j from the 12 packed bytes at `s`. */
function scaleMinK4(b: Uint8Array, s: number, j: number): [number, number] {
  if (j < 4) return [b[s + j]! & 63, b[s + j + 4]! & 63];
  return [(b[s + j + 4]! & 0xf) | ((b[s + j - 4]! >> 6) << 4), (b[s + j + 4]! >> 4) | ((b[s + j]! >> 6) << 4)];
}

/**
 * A decoder for tensor-stats that turns whole blocks of `type` into numbers, or undefined when Loupe
 * cannot decode that type (see GGML_STATS_TYPES).
 */
export function ggmlElementDecoder(type: GgmlTypeName, littleEndian = true): ElementDecoder | undefined {
  const block = BLOCKS[type];
  const info = ggmlTypeByName(type);
  if (block === undefined || info === undefined) return undefined;
  const { blockSize, blockBytes } = info;
  return {
    group: { elements: blockSize, bytes: blockBytes },
    decode(bytes, count, out) {
      if (count % blockSize !== 0) throw new RangeError(`${count} ${type} elements are not whole blocks of ${blockSize}`);
      const blocks = count / blockSize;
      if (bytes.length < blocks * blockBytes) throw new RangeError(`${count} ${type} elements need ${blocks * blockBytes} bytes, got ${bytes.length}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < blocks; i++) block(view, bytes, i * blockBytes, out, i * blockSize, littleEndian);
    },
  };
}

/**
 * Statistics of one GGUF tensor, streamed from its bytes only (computeTensorStats with a ggml
 * decoder). A type Loupe cannot decode is a FormatError saying statistics are not available for it.
 */
export async function computeGgufTensorStats(
  source: ByteSource,
  tensor: TensorInfo,
  type: GgmlTypeName,
  littleEndian: boolean,
  options: Omit<TensorStatsOptions, 'decoder'> = {},
): Promise<TensorStats> {
  const decoder = ggmlElementDecoder(type, littleEndian);
  if (decoder === undefined) {
    throw new FormatError(
      tensor.file,
      `tensors[${JSON.stringify(tensor.name)}].type`,
      `statistics are not available for ${type} tensors (Loupe decodes ${[...GGML_STATS_TYPES].join(', ')})`,
    );
  }
  return computeTensorStats(source, tensor, { ...options, decoder });
}
