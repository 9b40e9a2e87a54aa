import { describe, expect, it } from 'vitest';
import { compareTensors, describeComparison } from './compare';
import type { HostTensor } from './tensor';

const f32 = (values: number[], dims = [values.length]): HostTensor => ({ dtype: 'float32', dims, data: Float32Array.from(values) });
const f64 = (values: number[], dims = [values.length]): HostTensor => ({ dtype: 'float64', dims, data: Float64Array.from(values) });

describe('compareTensors', () => {
  it('uses rtol 1e-3 and atol 1e-5 by default, as |a − e| ≤ atol + rtol·|e|', () => {
    // Just inside: 1000 ± (1e-5 + 1) ; just outside: 1000 + 1.001
    expect(compareTensors(f64([1000 + 1.0]), f64([1000])).pass).toBe(true);
    expect(compareTensors(f64([1000 + 1.0001]), f64([1000])).pass).toBe(false);
    // Near zero only atol counts.
    expect(compareTensors(f64([9e-6]), f64([0])).pass).toBe(true);
    expect(compareTensors(f64([2e-5]), f64([0])).pass).toBe(false);
  });

  it('reports the max absolute and relative errors and the first mismatch', () => {
    const c = compareTensors(f64([1, 2.5, 0, 10]), f64([1, 2, 0, 10.001]));
    expect(c.pass).toBe(false);
    expect(c.maxAbs).toBeCloseTo(0.5, 12);
    expect(c.maxRel).toBeCloseTo(0.25, 12);
    expect(c.mismatches).toBe(1);
    expect(c.count).toBe(4);
    expect(c.firstMismatch).toEqual({ index: 1, actual: 2.5, expected: 2 });
    expect(describeComparison(c)).toMatch(/^fail: 1 of 4 elements outside rtol 0\.001, atol 0\.00001|^fail: 1 of 4 elements outside rtol 0\.001, atol 1e-5/);
  });

  it('leaves zero expected values out of the relative error', () => {
    const c = compareTensors(f64([1e-6, 2]), f64([0, 2]));
    expect(c.pass).toBe(true);
    expect(c.maxAbs).toBeCloseTo(1e-6, 15);
    expect(c.maxRel).toBe(0);
  });

  it('takes NaN as equal to NaN and infinities as equal to the same infinity only', () => {
    expect(compareTensors(f32([NaN, Infinity, -Infinity]), f32([NaN, Infinity, -Infinity])).pass).toBe(true);
    const nan = compareTensors(f32([NaN]), f32([1]));
    expect(nan.pass).toBe(false);
    expect(nan.maxAbs).toBe(Infinity);
    expect(compareTensors(f32([Infinity]), f32([-Infinity])).pass).toBe(false);
  });

  it('compares 64-bit integers exactly and across types by value', () => {
    const big = (v: bigint[]): HostTensor => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v) });
    expect(compareTensors(big([2n ** 62n + 1n]), big([2n ** 62n + 1n])).pass).toBe(true);
    expect(compareTensors(big([5n]), big([6n])).pass).toBe(false);
    const c = compareTensors(f32([1, 2]), f64([1, 2]));
    expect(c.pass).toBe(true);
    expect(c.notes[0]).toMatch(/types differ: float32 vs expected float64/);
    const half: HostTensor = { dtype: 'float16', dims: [1], data: Uint16Array.from([0x3c00]) };
    expect(compareTensors(half, f32([1])).pass).toBe(true);
  });

  it('fails on different shapes, but allows dimensions of size 1 with a note', () => {
    const c = compareTensors(f32([1, 2, 3, 4], [2, 2]), f32([1, 2, 3, 4], [4]));
    expect(c.pass).toBe(false);
    expect(c.reason).toMatch(/shapes differ: \[2, 2\] vs expected \[4\]/);
    const squeezed = compareTensors(f32([1, 2], [1, 2]), f32([1, 2], [2]));
    expect(squeezed.pass).toBe(true);
    expect(squeezed.notes[0]).toMatch(/size 1/);
  });

  it('compares strings by equality', () => {
    const s = (v: string[]): HostTensor => ({ dtype: 'string', dims: [v.length], data: v });
    expect(compareTensors(s(['a', 'b']), s(['a', 'b'])).pass).toBe(true);
    const c = compareTensors(s(['a', 'b']), s(['a', 'c']));
    expect(c).toMatchObject({ pass: false, mismatches: 1, firstMismatch: { index: 1, actual: 'b', expected: 'c' } });
    expect(compareTensors(s(['1']), f32([1])).reason).toMatch(/cannot be compared/);
  });

  it('honours other tolerances', () => {
    expect(compareTensors(f64([1.05]), f64([1]), { rtol: 0.1, atol: 0 }).pass).toBe(true);
    expect(compareTensors(f64([1.05]), f64([1]), { rtol: 0, atol: 0.01 }).pass).toBe(false);
  });
});
