import { describe, expect, it } from 'vitest';
import { FormatError } from '../../model/errors';
import {
  bf16Data,
  concatBytes,
  f16Data,
  f32Data,
  q4_0Block,
  q4_KBlock,
  q6_KBlock,
  q8_0Block,
  writeGguf,
  type WriterTypeName,
} from '../../../test/builders/gguf-writer';
import { q8_0Data, tinyLlamaGguf } from '../../../test/fixtures/gguf-fixtures';
import { BoundedSource } from '../../../test/fuzz/fuzz-helpers';
import { computeGgufTensorStats, ggmlElementDecoder, GGML_STATS_TYPES } from './dequantize-ggml';
import { describeGguf } from './gguf-facts';
import { GGML_TYPES, type GgmlTypeName } from './ggml-types';
import { computeTensorStats } from '../tensors/tensor-stats';
import { parseGgufHeader } from './parse-gguf';

/** A fixed-seed generator of integers in [min, max]. */
function integers(seed: number): (min: number, max: number) => number {
  let state = seed;
  return (min, max) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return min + (state % (max - min + 1));
  };
}

/** Blocks of each type built from logical values, and the values ggml's formulas give for them. */
function blocks(type: 'Q8_0' | 'Q4_0' | 'Q4_K' | 'Q6_K', count: number, littleEndian = true): { bytes: Uint8Array; values: number[] } {
  const next = integers(count * 31 + type.length);
  const parts: Uint8Array[] = [];
  const values: number[] = [];
  for (let b = 0; b < count; b++) {
    const d = 2 ** -next(0, 4);
    if (type === 'Q8_0') {
      const q = Array.from({ length: 32 }, () => next(-128, 127));
      parts.push(q8_0Block(d, q, littleEndian));
      values.push(...q.map((x) => d * x));
    } else if (type === 'Q4_0') {
      const n = Array.from({ length: 32 }, () => next(0, 15));
      parts.push(q4_0Block(d, n, littleEndian));
      values.push(...n.map((x) => d * (x - 8)));
    } else if (type === 'Q4_K') {
      const dmin = 2 ** -next(1, 5);
      const scales = Array.from({ length: 8 }, () => next(0, 63));
      const mins = Array.from({ length: 8 }, () => next(0, 63));
      const n = Array.from({ length: 256 }, () => next(0, 15));
      parts.push(q4_KBlock(d, dmin, scales, mins, n, littleEndian));
      values.push(...n.map((x, i) => d * scales[i >> 5]! * x - dmin * mins[i >> 5]!));
    } else {
      const scales = Array.from({ length: 16 }, () => next(-128, 127));
      const q = Array.from({ length: 256 }, () => next(0, 63));
      parts.push(q6_KBlock(d, scales, q, littleEndian));
      values.push(...q.map((x, i) => d * scales[i >> 4]! * (x - 32)));
    }
  }
  return { bytes: concatBytes(parts), values };
}

function decode(type: Parameters<typeof ggmlElementDecoder>[0], bytes: Uint8Array, count: number, littleEndian = true): number[] {
  const out = new Float64Array(count);
  ggmlElementDecoder(type, littleEndian)!.decode(bytes, count, out);
  return Array.from(out);
}

describe('ggmlElementDecoder', () => {
  it.each(['Q8_0', 'Q4_0', 'Q4_K', 'Q6_K'] as const)('decodes %s blocks to the values their fields give', (type) => {
    const perBlock = type === 'Q4_K' || type === 'Q6_K' ? 256 : 32;
    const { bytes, values } = blocks(type, 5);
    expect(decode(type, bytes, 5 * perBlock)).toEqual(values);
    const big = blocks(type, 5, false);
    expect(decode(type, big.bytes, 5 * perBlock, false)).toEqual(big.values);
  });

  it('decodes plain types, little- and big-endian', () => {
    const floats = [0, 1, -2.5, 0.125, 65504, -0.0009765625];
    expect(decode('F32', f32Data(floats), 6)).toEqual(floats);
    expect(decode('F32', f32Data(floats, false), 6, false)).toEqual(floats);
    expect(decode('F16', f16Data(floats), 6)).toEqual(floats);
    expect(decode('F16', f16Data(floats, false), 6, false)).toEqual(floats);
    expect(decode('BF16', bf16Data([1, -2, 0.5, 3]), 4)).toEqual([1, -2, 0.5, 3]);
    expect(decode('I8', Uint8Array.of(0x80, 0x7f, 0xff), 3)).toEqual([-128, 127, -1]);
    expect(decode('I16', Uint8Array.of(0x00, 0x80, 0x01, 0x00), 2)).toEqual([-32768, 1]);
    expect(decode('I32', Uint8Array.of(0xff, 0xff, 0xff, 0xff), 1)).toEqual([-1]);
    expect(decode('I64', Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 1)).toEqual([-2]);
    expect(decode('F64', Uint8Array.from(new Uint8Array(new Float64Array([Math.E]).buffer)), 1)).toEqual([Math.E]);
  });

  it('has a decoder for exactly the types it lists', () => {
    for (const { name } of GGML_TYPES) expect(ggmlElementDecoder(name) !== undefined).toBe(GGML_STATS_TYPES.has(name));
    for (const required of ['F32', 'F16', 'BF16', 'Q8_0', 'Q4_0', 'Q4_K', 'Q6_K'] as const) expect(GGML_STATS_TYPES.has(required)).toBe(true);
  });
});

/** Statistics computed in the test from the values themselves. */
function expected(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return {
    count: values.length,
    zeros: values.filter((v) => v === 0).length,
    min: Math.min(...values),
    max: Math.max(...values),
    mean,
    std: Math.sqrt(variance),
  };
}

describe('computeGgufTensorStats', () => {
  it.each([
    ['Q8_0', 256, 8],
    ['Q4_0', 256, 8],
    ['Q4_K', 512, 2],
    ['Q6_K', 512, 2],
  ] as const)('streams %s statistics from the tensor bytes, in small chunks', async (type, elements, count) => {
    const { bytes, values } = blocks(type, count);
    const file = writeGguf({
      tensors: [
        { name: 'before.weight', type: 'F32', dims: [8] },
        { name: 'w', type: type as WriterTypeName, dims: [elements], data: bytes },
      ],
    });
    const parsed = describeGguf(await parseGgufHeader(new BoundedSource(file, 'q.gguf')));
    const tensor = parsed.tensors.find((t) => t.name === 'w')!;
    const source = new BoundedSource(file, 'q.gguf');
    const stats = await computeGgufTensorStats(source, tensor, type, true, { chunkBytes: 300 });
    const want = expected(values);
    expect(stats.count).toBe(want.count);
    expect(stats.zeros).toBe(want.zeros);
    expect(stats.min).toBe(want.min);
    expect(stats.max).toBe(want.max);
    // Sums in another order: equal to a few ulps.
    expect(Math.abs(stats.mean - want.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.mean)));
    expect(Math.abs(stats.std - want.std)).toBeLessThanOrEqual(1e-12 * want.std);
    expect(stats.histogram.counts.reduce((a, b) => a + b, 0)).toBe(want.count);
  });

  it('gives the statistics of a Q8_0 tensor of the Llama fixture', async () => {
    const fixture = tinyLlamaGguf();
    const parsed = describeGguf(await parseGgufHeader(new BoundedSource(fixture.bytes, fixture.name)));
    const tensor = parsed.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    const stats = await computeGgufTensorStats(new BoundedSource(fixture.bytes, fixture.name), tensor, 'Q8_0', true);
    const want = expected(q8_0Data(64 * 64).values);
    expect(stats).toMatchObject({ count: want.count, zeros: want.zeros, min: want.min, max: want.max });
    expect(stats.mean).toBeCloseTo(want.mean, 12);
  });

  it('gives a big-endian file the same statistics as the little-endian one', async () => {
    const stats = async (littleEndian: boolean) => {
      const fixture = tinyLlamaGguf({ littleEndian });
      const parsed = describeGguf(await parseGgufHeader(new BoundedSource(fixture.bytes, fixture.name)));
      return Promise.all(
        ['blk.0.attn_q.weight', 'blk.0.ffn_down.weight', 'output_norm.weight'].map((name) => {
          const tensor = parsed.tensors.find((t) => t.name === name)!;
          return computeGgufTensorStats(new BoundedSource(fixture.bytes, fixture.name), tensor, tensor.dtype as GgmlTypeName, littleEndian);
        }),
      );
    };
    const little = await stats(true);
    expect(await stats(false)).toEqual(little);
    // output_norm is 1 + i / 64 for i < 64.
    expect(little[2]).toMatchObject({ min: 1, max: 1 + 63 / 64, zeros: 0 });
  });

  it('keeps the generic statistics from misreading a quantized tensor', async () => {
    const fixture = tinyLlamaGguf();
    const parsed = describeGguf(await parseGgufHeader(new BoundedSource(fixture.bytes, fixture.name)));
    const tensor = parsed.tensors.find((t) => t.dtype === 'Q8_0')!;
    await expect(computeTensorStats(new BoundedSource(fixture.bytes, fixture.name), tensor)).rejects.toThrow(/statistics are not available for Q8_0 tensors/);
  });

  it('says clearly that statistics are not available for other types', async () => {
    const file = writeGguf({ tensors: [{ name: 'w', type: 13, dims: [256], data: new Uint8Array(176) }] });
    const parsed = describeGguf(await parseGgufHeader(new BoundedSource(file, 'q5k.gguf')));
    const error = await computeGgufTensorStats(new BoundedSource(file, 'q5k.gguf'), parsed.tensors[0]!, 'Q5_K', true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toContain('statistics are not available for Q5_K tensors');
  });
});
