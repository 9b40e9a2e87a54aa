import { describe, it, expect } from 'vitest';
import type { DType } from '../../model/dtype';
import { decodeTable, decodeToFloat64, packedGroup, valuesPerElement } from './decode-elements';

function decode(dtype: DType, bytes: number[], count: number): number[] {
  const out = new Float64Array(count * valuesPerElement(dtype));
  decodeToFloat64(dtype, new Uint8Array(bytes), count, out);
  return Array.from(out);
}

/** Little-endian bytes of 16-bit codes. */
const le16 = (...codes: number[]) => codes.flatMap((c) => [c & 0xff, c >> 8]);

function expectValues(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  // Object.is tells -0 from 0 and matches NaN.
  actual.forEach((value, i) => expect(Object.is(value, expected[i]), `#${i}: ${value} vs ${expected[i]}`).toBe(true));
}

describe('decodeToFloat64: IEEE types', () => {
  it('F16', () => {
    expectValues(decode('F16', le16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x3555), 9), [
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      -0,
      0.333251953125,
    ]);
    expect(decode('F16', le16(0x7e00, 0x7c01, 0xfe00), 3).every(Number.isNaN)).toBe(true);
  });

  it('F16 agrees with the float32 bit layout for every normal code', () => {
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    const table = decodeTable('F16');
    for (let code = 0; code < 0x10000; code++) {
      const exp = (code >> 10) & 0x1f;
      if (exp === 0 || exp === 0x1f) continue;
      bits[0] = ((code & 0x8000) << 16) | ((exp - 15 + 127) << 23) | ((code & 0x3ff) << 13);
      if (table[code] !== f32[0]) throw new Error(`F16 ${code.toString(16)}: ${table[code]} vs ${f32[0]}`);
    }
  });

  it('BF16', () => {
    expectValues(decode('BF16', le16(0x3f80, 0xc040, 0x7f80, 0xff80, 0x8000, 0x0001, 0x4049), 7), [1, -3, Infinity, -Infinity, -0, 2 ** -133, 3.140625]);
    expect(Number.isNaN(decode('BF16', le16(0x7fc0), 1)[0])).toBe(true);
  });

  it('F32, F64 and C64, little-endian', () => {
    const bytes = new Uint8Array(24);
    const view = new DataView(bytes.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -0.1, true);
    view.setFloat64(8, -2.25, true);
    view.setFloat64(16, 1e300, true);
    expectValues(decode('F32', [...bytes.subarray(0, 8)], 2), [1.5, Math.fround(-0.1)]);
    expectValues(decode('F64', [...bytes.subarray(8, 24)], 2), [-2.25, 1e300]);
    // One complex element: real then imaginary.
    expectValues(decode('C64', [...bytes.subarray(0, 8)], 1), [1.5, Math.fround(-0.1)]);
  });

  it('decodes from unaligned views', () => {
    const buffer = new Uint8Array(13);
    new DataView(buffer.buffer).setFloat64(5, Math.PI, true);
    const out = new Float64Array(1);
    decodeToFloat64('F64', buffer.subarray(5), 1, out);
    expect(out[0]).toBe(Math.PI);
  });
});

describe('decodeToFloat64: integers and BOOL', () => {
  it('8-, 16- and 32-bit integers', () => {
    expectValues(decode('U8', [0, 255, 128], 3), [0, 255, 128]);
    expectValues(decode('I8', [0, 255, 128, 127], 4), [0, -1, -128, 127]);
    expectValues(decode('U16', le16(0xffff, 0x1234), 2), [65535, 0x1234]);
    expectValues(decode('I16', le16(0x8000, 0xffff, 0x7fff), 3), [-32768, -1, 32767]);
    expectValues(decode('U32', [0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0], 2), [4294967295, 1]);
    expectValues(decode('I32', [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80], 2), [-1, -2147483648]);
  });

  it('64-bit integers, exact up to 2^53', () => {
    const bytes = new Uint8Array(24);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 2n ** 53n, true);
    view.setBigInt64(8, -(2n ** 53n) + 1n, true);
    view.setBigUint64(16, 2n ** 64n - 1n, true);
    expectValues(decode('U64', [...bytes.subarray(0, 8)], 1), [2 ** 53]);
    expectValues(decode('I64', [...bytes.subarray(8, 16)], 1), [-(2 ** 53) + 1]);
    expectValues(decode('U64', [...bytes.subarray(16, 24)], 1), [2 ** 64]);
    expectValues(decode('I64', [...bytes.subarray(16, 24)], 1), [-1]);
  });

  it('BOOL: any non-zero byte is true', () => {
    expectValues(decode('BOOL', [0, 1, 2, 255], 4), [0, 1, 1, 1]);
  });

  it('U4 and I4, low nibble first', () => {
    expectValues(decode('U4', [0xf8, 0x21], 4), [8, 15, 1, 2]);
    expectValues(decode('I4', [0xf8, 0x71], 4), [-8, -1, 1, 7]);
  });
});

describe('decodeToFloat64: 8-bit floats', () => {
  it('F8_E4M3 (FN: no infinity, NaN only at S.1111.111)', () => {
    expectValues(decode('F8_E4M3', [0x7e, 0x38, 0xb8, 0x01, 0x08, 0x80, 0x00, 0xfe, 0x78], 9), [448, 1, -1, 2 ** -9, 2 ** -6, -0, 0, -448, 256]);
    expect(decode('F8_E4M3', [0x7f, 0xff], 2).every(Number.isNaN)).toBe(true);
    const table = decodeTable('F8_E4M3');
    expect(Array.from(table).filter(Number.isNaN)).toHaveLength(2);
    expect(Array.from(table).some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(false);
  });

  it('F8_E5M2 (IEEE-like, with infinities)', () => {
    expectValues(decode('F8_E5M2', [0x7b, 0x3c, 0x01, 0x04, 0x7c, 0xfc, 0x80, 0xbc], 8), [57344, 1, 2 ** -16, 2 ** -14, Infinity, -Infinity, -0, -1]);
    expect(decode('F8_E5M2', [0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff], 6).every(Number.isNaN)).toBe(true);
    expect(Array.from(decodeTable('F8_E5M2')).filter(Number.isNaN)).toHaveLength(6);
  });

  it('F8_E4M3FNUZ (bias 8, NaN only at 0x80, no negative zero)', () => {
    expectValues(decode('F8_E4M3FNUZ', [0x40, 0x7f, 0xff, 0x01, 0x00, 0xc0], 6), [1, 240, -240, 2 ** -10, 0, -1]);
    expect(Number.isNaN(decode('F8_E4M3FNUZ', [0x80], 1)[0])).toBe(true);
    const table = Array.from(decodeTable('F8_E4M3FNUZ'));
    expect(table.filter(Number.isNaN)).toHaveLength(1);
    expect(table.some((v) => Object.is(v, -0))).toBe(false);
    expect(table.every((v) => Number.isNaN(v) || Number.isFinite(v))).toBe(true);
  });

  it('F8_E5M2FNUZ (bias 16, NaN only at 0x80, no infinity)', () => {
    expectValues(decode('F8_E5M2FNUZ', [0x40, 0x7f, 0xff, 0x01, 0x00], 5), [1, 57344, -57344, 2 ** -17, 0]);
    expect(Number.isNaN(decode('F8_E5M2FNUZ', [0x80], 1)[0])).toBe(true);
    const table = Array.from(decodeTable('F8_E5M2FNUZ'));
    expect(table.filter(Number.isNaN)).toHaveLength(1);
    expect(table.every((v) => Number.isNaN(v) || Number.isFinite(v))).toBe(true);
  });

  it('F8_E8M0 (exponent only: 2^(e-127), 0xFF is NaN)', () => {
    expectValues(decode('F8_E8M0', [0x7f, 0x80, 0x7e, 0x00, 0xfe], 5), [1, 2, 0.5, 2 ** -127, 2 ** 127]);
    expect(Number.isNaN(decode('F8_E8M0', [0xff], 1)[0])).toBe(true);
  });

  it('8-bit tables are monotonic over the positive codes', () => {
    for (const dtype of ['F8_E4M3', 'F8_E5M2', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'F8_E8M0'] as const) {
      const table = decodeTable(dtype);
      for (let code = 1; code < 0x80 && !Number.isNaN(table[code]); code++) {
        expect(table[code]! > table[code - 1]!, `${dtype} ${code}`).toBe(true);
      }
    }
  });
});

describe('decodeToFloat64: sub-byte floats', () => {
  it('F4 (E2M1), low nibble first', () => {
    expectValues(decode('F4', [0x07], 2), [6, 0]);
    expectValues(decode('F4', [0x72], 2), [1, 6]);
    expectValues(decode('F4', [0x10, 0x32, 0x54, 0x76], 8), [0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expectValues(decode('F4', [0x98, 0xff], 4), [-0, -0.5, -6, -6]);
  });

  it('F6_E2M3 and F6_E3M2: four per 3 bytes, as a little-endian 24-bit word', () => {
    const pack = (codes: number[]) => {
      const word = codes.reduce((w, code, k) => w | (code << (6 * k)), 0);
      return [word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff];
    };
    // E2M3: bias 1, no specials; max 7.5, smallest subnormal 0.125.
    expectValues(decode('F6_E2M3', pack([0x08, 0x1f, 0x01, 0x3f]), 4), [1, 7.5, 0.125, -7.5]);
    expectValues(decode('F6_E2M3', pack([0x00, 0x20, 0x0c, 0x07]), 4), [0, -0, 1.5, 0.875]);
    // E3M2: bias 3, no specials; max 28, smallest subnormal 0.0625.
    expectValues(decode('F6_E3M2', pack([0x0c, 0x1f, 0x01, 0x20]), 4), [1, 28, 0.0625, -0]);
    expectValues(decode('F6_E3M2', pack([0x3f, 0x10, 0x0e, 0x2c]), 4), [-28, 2, 1.5, -1]);
    // Element 0 is the low 6 bits of the first byte.
    expectValues(decode('F6_E2M3', [0x08, 0, 0], 4), [1, 0, 0, 0]);
    // Two groups.
    expectValues(decode('F6_E2M3', [...pack([0x08, 0, 0, 0]), ...pack([0, 0, 0, 0x1f])], 8), [1, 0, 0, 0, 0, 0, 0, 7.5]);
    expect(Array.from(decodeTable('F6_E2M3')).every(Number.isFinite)).toBe(true);
    expect(Array.from(decodeTable('F6_E3M2')).every(Number.isFinite)).toBe(true);
  });
});

describe('decodeToFloat64: contract', () => {
  it('writes at outOffset and only count values', () => {
    const out = new Float64Array([9, 9, 9, 9]);
    decodeToFloat64('U8', new Uint8Array([1, 2, 3]), 2, out, 1);
    expect(Array.from(out)).toEqual([9, 1, 2, 9]);
  });

  it('throws on short input, short output and STRING', () => {
    expect(() => decodeToFloat64('F32', new Uint8Array(7), 2, new Float64Array(2))).toThrow(RangeError);
    expect(() => decodeToFloat64('F6_E2M3', new Uint8Array(2), 4, new Float64Array(4))).toThrow(RangeError);
    expect(() => decodeToFloat64('C64', new Uint8Array(8), 1, new Float64Array(1))).toThrow(RangeError);
    expect(() => decodeToFloat64('STRING', new Uint8Array(8), 1, new Float64Array(1))).toThrow(RangeError);
  });

  it('packedGroup and valuesPerElement', () => {
    expect(packedGroup('F32')).toEqual({ elements: 1, bytes: 4 });
    expect(packedGroup('F4')).toEqual({ elements: 2, bytes: 1 });
    expect(packedGroup('F6_E3M2')).toEqual({ elements: 4, bytes: 3 });
    expect(packedGroup('C64')).toEqual({ elements: 1, bytes: 8 });
    expect(valuesPerElement('C64')).toBe(2);
    expect(valuesPerElement('BF16')).toBe(1);
  });
});
