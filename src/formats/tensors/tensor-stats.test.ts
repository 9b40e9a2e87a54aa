import { describe, it, expect } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import type { TensorInfo } from '../../model/document';
import type { DType } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import { buildSafetensors } from '../../../test/builders/build-safetensors';
import { parseSafetensors } from '../safetensors/parse-safetensors';
import { computeTensorStats, summarizeValues } from './tensor-stats';

/** A source over `data` placed after `prefix` unrelated bytes, recording every read. */
function recordingSource(data: Uint8Array, prefix = 16, suffix = 16): { source: ByteSource; reads: [number, number][] } {
  const bytes = new Uint8Array(prefix + data.length + suffix).fill(0xaa);
  bytes.set(data, prefix);
  const inner = new FileByteSource(new Blob([bytes]), 'w.safetensors');
  const reads: [number, number][] = [];
  const source: ByteSource = {
    name: inner.name,
    size: inner.size,
    read(offset, length, signal) {
      reads.push([offset, length]);
      return inner.read(offset, length, signal);
    },
  };
  return { source, reads };
}

function tensorOf(dtype: DType, elements: number, byteLength: number, byteOffset = 16): TensorInfo {
  return { name: 't', dtype, shape: [elements], elements, file: 'w.safetensors', byteOffset, byteLength };
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function f64Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float64Array(values).buffer);
}

describe('computeTensorStats', () => {
  it('computes known statistics, skipping NaN and infinities', async () => {
    const values = [1, 2, 3, 4, NaN, Infinity, -Infinity, 0];
    const { source } = recordingSource(f32Bytes(values));
    const stats = await computeTensorStats(source, tensorOf('F32', 8, 32), { bins: 4 });
    expect(stats).toMatchObject({ count: 8, finite: 5, nans: 1, infs: 2, zeros: 1, min: 0, max: 4, mean: 2 });
    expect(stats.std).toBeCloseTo(Math.SQRT2, 12);
    // Bins of width 1 over [0, 4]; the maximum lands in the last bin.
    expect(stats.histogram).toEqual({ min: 0, max: 4, counts: [1, 1, 1, 2] });
  });

  it('defaults to 64 bins', async () => {
    const { source } = recordingSource(f32Bytes([0, 1]));
    const stats = await computeTensorStats(source, tensorOf('F32', 2, 8));
    expect(stats.histogram.counts).toHaveLength(64);
    expect(stats.histogram.counts[0]).toBe(1);
    expect(stats.histogram.counts[63]).toBe(1);
  });

  it('streams only the tensor range, in element-aligned chunks, with the same result as one chunk', async () => {
    const values = Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 100 + (i % 7));
    const data = f64Bytes(values);
    const whole = await computeTensorStats(recordingSource(data).source, tensorOf('F64', 1001, data.length), { bins: 16 });
    const { source, reads } = recordingSource(data);
    const chunked = await computeTensorStats(source, tensorOf('F64', 1001, data.length), { bins: 16, chunkBytes: 100 });
    expect(chunked.histogram).toEqual(whole.histogram);
    expect(chunked.mean).toBeCloseTo(whole.mean, 10);
    expect(chunked.std).toBeCloseTo(whole.std, 10);
    expect(chunked.min).toBe(Math.min(...values));
    expect(chunked.max).toBe(Math.max(...values));
    // 100 bytes round down to 12 whole F64 elements.
    for (const [offset, length] of reads) {
      expect(offset).toBeGreaterThanOrEqual(16);
      expect(offset + length).toBeLessThanOrEqual(16 + data.length);
      expect((offset - 16) % 96).toBe(0);
      expect(length === 96 || offset + length === 16 + data.length).toBe(true);
    }
    // Two passes over the range.
    expect(reads.reduce((sum, [, length]) => sum + length, 0)).toBe(2 * data.length);
  });

  it('reads a tensor that fits in one chunk only once', async () => {
    const { source, reads } = recordingSource(f32Bytes([1, 2, 3]));
    await computeTensorStats(source, tensorOf('F32', 3, 12));
    expect(reads).toEqual([[16, 12]]);
  });

  it('aligns chunks to packed groups of sub-byte types', async () => {
    // F6_E2M3: 8 elements in 6 bytes; code 0x08 is 1.0, so the bytes pack [1, 0, 0, 0] twice.
    const group = [0x08, 0x00, 0x00];
    const { source, reads } = recordingSource(new Uint8Array([...group, ...group]));
    const stats = await computeTensorStats(source, tensorOf('F6_E2M3', 8, 6), { chunkBytes: 4, bins: 2 });
    expect(reads.every(([, length]) => length === 3)).toBe(true);
    expect(stats).toMatchObject({ count: 8, finite: 8, zeros: 6, min: 0, max: 1, mean: 0.25 });
    expect(stats.histogram.counts).toEqual([6, 2]);

    // F4: 2 elements per byte; 0x72 is [1, 6].
    const f4 = recordingSource(new Uint8Array([0x72, 0x72, 0x72]));
    const f4Stats = await computeTensorStats(f4.source, tensorOf('F4', 6, 3), { chunkBytes: 1 });
    expect(f4.reads.every(([, length]) => length === 1)).toBe(true);
    expect(f4Stats).toMatchObject({ count: 6, min: 1, max: 6, mean: 3.5 });
  });

  it('is numerically sane for large offsets and extreme ranges', async () => {
    const offset = recordingSource(f64Bytes([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]));
    const stats = await computeTensorStats(offset.source, tensorOf('F64', 4, 32), { chunkBytes: 8 });
    expect(stats.mean).toBe(1e9 + 10);
    expect(stats.std).toBeCloseTo(Math.sqrt(22.5), 6);

    const extreme = recordingSource(f64Bytes([-1.7e308, 0, 1.7e308]));
    const wide = await computeTensorStats(extreme.source, tensorOf('F64', 3, 24), { bins: 4 });
    expect(wide.histogram.counts).toEqual([1, 0, 1, 1]);
    expect(wide.histogram.counts.every(Number.isFinite)).toBe(true);
  });

  it('puts constant values in bin 0 with zero spread', async () => {
    const { source } = recordingSource(f32Bytes([2.5, 2.5, 2.5]));
    const stats = await computeTensorStats(source, tensorOf('F32', 3, 12), { bins: 3 });
    expect(stats).toMatchObject({ min: 2.5, max: 2.5, mean: 2.5, std: 0 });
    expect(stats.histogram.counts).toEqual([3, 0, 0]);
  });

  it('reports NaN statistics when there is no finite value', async () => {
    const empty = await computeTensorStats(recordingSource(new Uint8Array(0)).source, tensorOf('F32', 0, 0));
    expect(empty.count).toBe(0);
    expect([empty.min, empty.max, empty.mean, empty.std].every(Number.isNaN)).toBe(true);
    expect(empty.histogram.counts.every((c) => c === 0)).toBe(true);

    const nans = await computeTensorStats(recordingSource(f32Bytes([NaN, Infinity])).source, tensorOf('F32', 2, 8));
    expect(nans).toMatchObject({ count: 2, finite: 0, nans: 1, infs: 1 });
    expect(Number.isNaN(nans.mean)).toBe(true);
  });

  it('counts both parts of complex values', async () => {
    const { source } = recordingSource(f32Bytes([1, -1, 3, 0]));
    const stats = await computeTensorStats(source, tensorOf('C64', 2, 16));
    expect(stats).toMatchObject({ count: 4, finite: 4, zeros: 1, min: -1, max: 3, mean: 0.75 });
  });

  it('reports progress over both passes', async () => {
    const data = f32Bytes(Array.from({ length: 100 }, (_, i) => i));
    const progress: [number, number][] = [];
    await computeTensorStats(recordingSource(data).source, tensorOf('F32', 100, 400), {
      chunkBytes: 64,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress.every(([, total]) => total === 800)).toBe(true);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual([800, 800]);
    expect(progress).toHaveLength(14);
  });

  it('cancels between chunks', async () => {
    const data = f32Bytes(Array.from({ length: 100 }, (_, i) => i));
    const controller = new AbortController();
    const { source, reads } = recordingSource(data);
    const run = computeTensorStats(source, tensorOf('F32', 100, 400), {
      chunkBytes: 64,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(reads).toHaveLength(1);

    await expect(computeTensorStats(source, tensorOf('F32', 100, 400), { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects tensors without numbers or bytes, and bad options', async () => {
    const { source } = recordingSource(new Uint8Array(8));
    await expect(computeTensorStats(source, tensorOf('STRING', 1, 8))).rejects.toBeInstanceOf(FormatError);
    await expect(computeTensorStats(source, tensorOf('F32', 3, 8))).rejects.toBeInstanceOf(FormatError);
    await expect(computeTensorStats(source, tensorOf('F32', 2, 8), { bins: 0 })).rejects.toThrow(RangeError);
    await expect(computeTensorStats(source, tensorOf('F32', 2, 8), { chunkBytes: 0 })).rejects.toThrow(RangeError);
  });

  it('works end to end on a parsed file, every tensor separately', async () => {
    const bf16 = [0x3f80, 0xc040, 0x0000, 0x4000].flatMap((c) => [c & 0xff, c >> 8]);
    const e4m3 = [0x38, 0x7e, 0xb8];
    const header = {
      b: { dtype: 'F8_E4M3', shape: [3], data_offsets: [8, 11] },
      a: { dtype: 'BF16', shape: [2, 2], data_offsets: [0, 8] },
    };
    const file = buildSafetensors(header, new Uint8Array([...bf16, ...e4m3]));
    const source = new FileByteSource(new Blob([file]), 'model.safetensors');
    const { tensors } = await parseSafetensors(source);
    const [a, b] = await Promise.all(tensors.map((t) => computeTensorStats(source, t)));
    expect(a).toMatchObject({ count: 4, min: -3, max: 2, mean: 0, zeros: 1 });
    expect(b).toMatchObject({ count: 3, min: -1, max: 448 });
    expect(b?.mean).toBeCloseTo(448 / 3, 10);
  });
});

describe('summarizeValues', () => {
  it('gives in-memory values the same statistics, counting NaN, infinities and zeros apart', () => {
    const stats = summarizeValues([1, 2, 3, NaN, Infinity, 0, -Infinity], 3);
    expect(stats).toMatchObject({ count: 7, finite: 4, zeros: 1, nans: 1, infs: 2, min: 0, max: 3, mean: 1.5 });
    expect(stats.std).toBeCloseTo(Math.sqrt(1.25), 12);
    // Bins of width 1 over [0, 3]; the last bin holds max.
    expect(stats.histogram).toEqual({ min: 0, max: 3, counts: [1, 1, 2] });
  });

  it('reports NaN moments when no value is finite', () => {
    const stats = summarizeValues([NaN, -Infinity]);
    expect(stats).toMatchObject({ count: 2, finite: 0, nans: 1, infs: 1 });
    expect([stats.min, stats.max, stats.mean, stats.std]).toEqual([NaN, NaN, NaN, NaN]);
  });
});
