import { describe, expect, it } from 'vitest';
import { castValues, defaultDim, defaultFill, fillTensor, inputSeed, isImageLike, mulberry32, resolveDims } from './generate';
import { buildInput, convertTensor } from './input-spec';
import { float16ToNumber, TENSOR_DTYPES, toFloat64 } from './tensor';

describe('fillTensor', () => {
  it('makes the asked shape for every dtype', () => {
    for (const dtype of TENSOR_DTYPES) {
      const t = fillTensor(dtype, [2, 3, 4], { mode: 'uniform', seed: 1 });
      expect(t.dims).toEqual([2, 3, 4]);
      expect(t.data.length).toBe(24);
      expect(t.dtype).toBe(dtype);
    }
    expect(fillTensor('float32', [], { mode: 'ones', seed: 0 }).data).toEqual(Float32Array.from([1]));
    expect(fillTensor('float32', [0, 5], { mode: 'normal', seed: 0 }).data.length).toBe(0);
  });

  it('is deterministic: the same seed gives the same values, another seed others', () => {
    const a = fillTensor('float32', [1000], { mode: 'normal', seed: 42 });
    const b = fillTensor('float32', [1000], { mode: 'normal', seed: 42 });
    const c = fillTensor('float32', [1000], { mode: 'normal', seed: 43 });
    expect(b.data).toEqual(a.data);
    expect(c.data).not.toEqual(a.data);
    // Pinned values: the generator must not change, since tests elsewhere compute references from it.
    expect(mulberry32(42)()).toBeCloseTo(0.6011037519201636, 15);
    expect([...(a.data.slice(0, 3) as Float32Array)]).toEqual([-1.2848381996154785, 0.43278026580810547, -0.9453527927398682]);
  });

  it('normal fills have the asked mean and standard deviation', () => {
    const t = fillTensor('float64', [100_000], { mode: 'normal', seed: 7, mean: 3, std: 2 });
    const v = toFloat64(t);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(3, 1);
    expect(std).toBeCloseTo(2, 1);
  });

  it('uniform fills stay in [low, high); integers are whole', () => {
    const f = toFloat64(fillTensor('float32', [10_000], { mode: 'uniform', seed: 1, low: -2, high: 5 }));
    expect(Math.min(...f)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...f)).toBeLessThan(5);
    const ids = fillTensor('int64', [10_000], { mode: 'uniform', seed: 1, low: 0, high: 30522 }).data as BigInt64Array;
    expect(ids.every((x) => x >= 0n && x < 30522n)).toBe(true);
    const b = fillTensor('bool', [1000], { mode: 'uniform', seed: 1 }).data as Uint8Array;
    expect(new Set(b)).toEqual(new Set([0, 1]));
  });

  it('zeros, ones and range', () => {
    expect([...fillTensor('int32', [3], { mode: 'zeros', seed: 0 }).data]).toEqual([0, 0, 0]);
    expect([...fillTensor('int64', [3], { mode: 'ones', seed: 0 }).data]).toEqual([1n, 1n, 1n]);
    expect([...fillTensor('float32', [4], { mode: 'range', seed: 0, start: 1, step: 0.5 }).data]).toEqual([1, 1.5, 2, 2.5]);
    expect([...fillTensor('uint8', [3], { mode: 'range', seed: 0, start: 254 }).data]).toEqual([254, 255, 255]);
    const half = fillTensor('float16', [3], { mode: 'range', seed: 0, start: 0.5 }).data as Uint16Array;
    expect([...half].map(float16ToNumber)).toEqual([0.5, 1.5, 2.5]);
  });

  it('castValues clamps integers to their range and rounds floats to half', () => {
    expect([...castValues(Float64Array.from([-300, 3.6, 300]), 'int8')]).toEqual([-128, 4, 127]);
    expect([...castValues(Float64Array.from([-1, 20]), 'uint4')]).toEqual([0, 15]);
    expect([...(castValues(Float64Array.from([1e6]), 'float16') as Uint16Array)].map(float16ToNumber)).toEqual([Infinity]);
  });

  it('gives each input its own seed', () => {
    expect(inputSeed(0, 0)).not.toBe(inputSeed(0, 1));
    expect(inputSeed(5, 2)).toBe(inputSeed(5, 2));
  });
});

describe('shapes', () => {
  it('gives 1 to batch-like dims, 16 to sequence-like ones, 224 to image sizes', () => {
    expect(resolveDims(['batch_size', 'sequence_length'])).toEqual([1, 16]);
    expect(resolveDims(['N', 3, 'H', 'W'])).toEqual([1, 3, 224, 224]);
    expect(resolveDims(['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'])).toEqual([1, 3, 224, 224]);
    expect(resolveDims(['', 3, 48, ''])).toEqual([1, 3, 48, 224]);
    expect(resolveDims(['', ''])).toEqual([1, 16]);
    expect(resolveDims([2, 'unk__12', 128])).toEqual([2, 16, 128]);
    expect(resolveDims([])).toEqual([]);
    expect(resolveDims(undefined)).toEqual([]);
    expect(defaultDim(['total_sequence_length'], 0)).toBe(16);
    expect(isImageLike(['N', 3, 'H', 'W'])).toBe(true);
    expect(isImageLike(['N', 'C', 'H', 'W'])).toBe(false);
  });

  it('takes overrides by symbol (shared between inputs) and by axis', () => {
    expect(resolveDims(['batch', 'seq'], { seq: 7 })).toEqual([1, 7]);
    expect(resolveDims(['batch', ''], { '#1': 9 })).toEqual([1, 9]);
    expect(resolveDims(['batch', 'seq'], { seq: 7, '#1': 3 })).toEqual([1, 3]);
    expect(resolveDims([4, 'seq'], { '#0': 9 })).toEqual([4, 16]);
  });

  it('fills masks with ones, type ids with zeros, token ids within the vocabulary', () => {
    expect(defaultFill('attention_mask', 'int64')).toEqual({ mode: 'ones' });
    expect(defaultFill('token_type_ids', 'int64')).toEqual({ mode: 'zeros' });
    expect(defaultFill('input_ids', 'int64', 30522)).toEqual({ mode: 'uniform', low: 0, high: 30522 });
    expect(defaultFill('position_ids', 'int64')).toMatchObject({ mode: 'range' });
    expect(defaultFill('x', 'float32')).toEqual({ mode: 'normal' });
  });
});

describe('buildInput', () => {
  const info = { name: 'x', isTensor: true, dtype: 'float32' as const, shape: ['N', 3, 'H', 'W'] };

  it('fills with the per-input seed, so the result is reproducible anywhere', () => {
    const a = buildInput(info, 0, { kind: 'fill', fill: { mode: 'normal' } }, [1, 3, 4, 4], 42);
    const b = buildInput(info, 0, { kind: 'fill', fill: { mode: 'normal' } }, [1, 3, 4, 4], 42);
    expect(a.tensor).toEqual(b.tensor);
    expect(a.tensor).toMatchObject({ name: 'x', dtype: 'float32', dims: [1, 3, 4, 4] });
    const other = buildInput(info, 1, { kind: 'fill', fill: { mode: 'normal' } }, [1, 3, 4, 4], 42);
    expect(other.tensor.data).not.toEqual(a.tensor.data);
  });

  it('converts a file tensor of another type, with a note', () => {
    const built = buildInput(
      info,
      0,
      { kind: 'tensor', tensor: { dtype: 'float64', dims: [1, 3, 1, 1], data: Float64Array.from([1, 2, 3]) }, origin: 'x.npy' },
      [],
      0,
    );
    expect(built.tensor.dtype).toBe('float32');
    expect(built.notes[0]).toMatch(/x\.npy holds float64; converted to float32/);
  });

  it('takes token ids for integer inputs only', () => {
    const ids = { name: 'input_ids', isTensor: true, dtype: 'int64' as const, shape: ['batch', 'seq'] };
    const built = buildInput(ids, 0, { kind: 'tokens', text: '101, 2023 102' }, [], 0);
    expect(built.tensor.dims).toEqual([1, 3]);
    expect([...built.tensor.data]).toEqual([101n, 2023n, 102n]);
    expect(() => buildInput(info, 0, { kind: 'tokens', text: '1' }, [], 0)).toThrow(/integer inputs/);
  });

  it('convertTensor keeps 64-bit integers exact', () => {
    const t = convertTensor({ dtype: 'uint64', dims: [1], data: BigUint64Array.from([2n ** 60n + 1n]) }, 'int64');
    expect([...t.data]).toEqual([2n ** 60n + 1n]);
  });
});
