import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../bytes/file-byte-source';
import type { TensorInfo } from '../model/document';
import { CancelledError } from '../model/errors';
import { compareTensorValues } from './compare-values';
import { ggmlElementDecoder } from '../formats/gguf/dequantize-ggml';
import { q8_0Data } from '../../test/fixtures/gguf-fixtures';

/** A deterministic pseudo-random stream (LCG), so the test needs no seed handling. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    out[i] = (s / 2 ** 31 - 0.5) * 4;
  }
  return out;
}

/** BF16 by truncation, written here rather than taken from the product. */
function toBf16Bytes(v: Float32Array): Uint8Array {
  const bits = new Uint32Array(v.buffer.slice(0));
  const out = new Uint8Array(v.length * 2);
  for (let i = 0; i < v.length; i++) {
    out[2 * i] = (bits[i]! >>> 16) & 0xff;
    out[2 * i + 1] = bits[i]! >>> 24;
  }
  return out;
}

function fromBf16Bytes(bytes: Uint8Array): Float64Array {
  const out = new Float64Array(bytes.length / 2);
  const word = new Uint32Array(1);
  const f = new Float32Array(word.buffer);
  for (let i = 0; i < out.length; i++) {
    word[0] = ((bytes[2 * i + 1]! << 8) | bytes[2 * i]!) << 16;
    out[i] = f[0]!;
  }
  return out;
}

/** A file with `pad` junk bytes, then the tensor: only its byte range may be read. */
function placed(name: string, dtype: 'F32' | 'BF16', data: Uint8Array, pad: number): { source: FileByteSource; tensor: TensorInfo } {
  const bytes = new Uint8Array(pad + data.length + 5).fill(0xff);
  bytes.set(data, pad);
  const elements = data.length / (dtype === 'F32' ? 4 : 2);
  return {
    source: new FileByteSource(new Blob([bytes]), `${name}.safetensors`),
    tensor: { name, dtype, shape: [elements], elements, file: `${name}.safetensors`, byteOffset: pad, byteLength: data.length },
  };
}

/** The figures computed directly, in one loop over the whole arrays. */
function direct(a: ArrayLike<number>, b: ArrayLike<number>) {
  let maxAbs = 0,
    maxRel = 0,
    sq = 0,
    dot = 0,
    na = 0,
    nb = 0,
    differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differing++;
    maxAbs = Math.max(maxAbs, d);
    if (d > 0) maxRel = Math.max(maxRel, d / Math.max(Math.abs(a[i]!), Math.abs(b[i]!)));
    sq += d * d;
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return { count: a.length, differing, nanMismatches: 0, maxAbs, maxRel, rms: Math.sqrt(sq / a.length), cosine: dot / Math.sqrt(na * nb) };
}

describe('compareTensorValues', () => {
  it('F32 against its BF16 truncation, streamed in small chunks, agrees with a direct computation', async () => {
    const f32 = values(10_001, 7);
    const bf16 = toBf16Bytes(f32);
    const a = placed('a', 'F32', new Uint8Array(f32.buffer), 13);
    const b = placed('b', 'BF16', bf16, 3);
    const progress: [number, number][] = [];
    const result = await compareTensorValues(a.source, a.tensor, b.source, b.tensor, { chunkBytes: 1000, onProgress: (d, t) => progress.push([d, t]) });
    const expected = direct(f32, fromBf16Bytes(bf16));
    expect(result.count).toBe(expected.count);
    expect(result.differing).toBe(expected.differing);
    expect(result.differing).toBeGreaterThan(9_000);
    expect(result.maxAbs).toBe(expected.maxAbs);
    expect(result.maxRel).toBe(expected.maxRel);
    expect(result.rms).toBeCloseTo(expected.rms, 12);
    expect(result.cosine).toBeCloseTo(expected.cosine, 12);
    expect(result.maxRel).toBeLessThan(2 ** -7); // truncation to 8 bits of mantissa
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual([40_004 + 20_002, 60_006]);
  });

  it('finds one changed element exactly', async () => {
    const base = values(300, 3);
    const edited = base.slice();
    edited[123] = edited[123]! + 0.5;
    const a = placed('a', 'F32', new Uint8Array(base.buffer), 0);
    const b = placed('b', 'F32', new Uint8Array(edited.buffer), 8);
    const result = await compareTensorValues(a.source, a.tensor, b.source, b.tensor);
    expect(result.differing).toBe(1);
    expect(result.maxAbs).toBe(Math.abs(edited[123]! - base[123]!));
    expect(result.rms).toBeCloseTo(Math.abs(edited[123]! - base[123]!) / Math.sqrt(300), 12);
    expect(result).toEqual(direct(base, edited));
  });

  it('Q8_0 blocks against F32, with a ggml decoder: a quantization measured tensor by tensor', async () => {
    // The fixture states each block's dequantized values; the F32 side holds them, one changed.
    const { data, values: dequantized } = q8_0Data(32 * 40);
    const reference = Float32Array.from(dequantized);
    reference[77] = reference[77]! - 0.25;
    const q = {
      source: new FileByteSource(new Blob([new Uint8Array(5), data as Uint8Array<ArrayBuffer>]), 'model.gguf'),
      tensor: {
        name: 'blk.0.attn_q.weight',
        dtype: 'Q8_0',
        shape: [40, 32],
        elements: 1280,
        file: 'model.gguf',
        byteOffset: 5,
        byteLength: data.length,
      } as unknown as TensorInfo,
    };
    const f = placed('f', 'F32', new Uint8Array(reference.buffer), 3);
    const result = await compareTensorValues(q.source, q.tensor, f.source, f.tensor, { decoders: { a: ggmlElementDecoder('Q8_0') }, chunkBytes: 200 });
    expect(result).toEqual(direct(dequantized, reference));
    expect(result.differing).toBe(1);
    await expect(compareTensorValues(q.source, q.tensor, f.source, f.tensor)).rejects.toThrow(/Q8_0 values cannot be compared/);
  });

  it('counts a NaN against a number as differing, and two NaNs as equal', async () => {
    const a = placed('a', 'F32', new Uint8Array(new Float32Array([NaN, NaN, 1, 2]).buffer), 0);
    const b = placed('b', 'F32', new Uint8Array(new Float32Array([NaN, 5, 1, 2]).buffer), 0);
    const result = await compareTensorValues(a.source, a.tensor, b.source, b.tensor);
    expect(result).toMatchObject({ count: 4, differing: 1, nanMismatches: 1, maxAbs: 0, cosine: 1 });
  });

  it('refuses tensors of different sizes, and stops when cancelled', async () => {
    const a = placed('a', 'F32', new Uint8Array(16), 0);
    const b = placed('b', 'F32', new Uint8Array(12), 0);
    await expect(compareTensorValues(a.source, a.tensor, b.source, b.tensor)).rejects.toThrow(/4 elements and b 3/);
    const controller = new AbortController();
    controller.abort();
    await expect(compareTensorValues(a.source, a.tensor, a.source, a.tensor, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
