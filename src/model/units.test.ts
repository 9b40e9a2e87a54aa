import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatInteger, formatNumber, formatShape } from './units';

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1K'],
    [1500, '1.5K'],
    [12_345, '12.3K'],
    [124_439_808, '124M'],
    [6_738_415_616, '6.74B'],
    [1.5e12, '1.5T'],
    [2.5e15, '2500T'],
    [-1234, '-1.23K'],
  ])('%d is %s', (count, text) => {
    expect(formatCount(count)).toBe(text);
  });

  it('moves to the next unit when rounding reaches 1000', () => {
    expect(formatCount(999_950)).toBe('1M');
    expect(formatCount(999_499)).toBe('999K');
    expect(formatCount(999.6)).toBe('1K');
  });

  it('writes ? for what is not a number', () => {
    expect(formatCount(NaN)).toBe('?');
    expect(formatCount(Infinity)).toBe('?');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1000, '1 KB'],
    [1_500_000, '1.5 MB'],
    [16_060_522_496, '16.1 GB'],
    [9_976_576_152, '9.98 GB'],
    [999_999_999, '1 GB'],
    [3e15, '3 PB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatInteger', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [32_000, '32,000'],
    [-1_234_567, '-1,234,567'],
    [6_738_415_616, '6,738,415,616'],
    [0.5, '0.5'],
    [NaN, '?'],
  ])('%d is %s', (n, text) => {
    expect(formatInteger(n)).toBe(text);
  });
});

describe('formatShape', () => {
  it('lists dimensions, symbolic ones by name, unnamed ones as ?', () => {
    expect(formatShape([1, 3, 224, 224])).toBe('[1, 3, 224, 224]');
    expect(formatShape(['batch', '', 128])).toBe('[batch, ?, 128]');
    expect(formatShape([])).toBe('[]');
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-3, '-3'],
    [1.5, '1.5'],
    [1 / 3, '0.333333'],
    [123456.789, '123457'],
    [1234567.5, '1.2346e+6'],
    [0.00001234, '1.2340e-5'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%d is %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
