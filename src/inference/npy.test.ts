import { describe, expect, it } from 'vitest';
import { FormatError } from '../model/errors';
import { decodeNpy, encodeNpy } from './npy';
import { TENSOR_DTYPES, type HostTensor, type TensorDType } from './tensor';

/** Files written by NumPy 2.4 (np.save), base64. */
const NUMPY = {
  /** np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 */
  f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAPwAAgD8AAMA/AAAAQAAAIEA=',
  /** np.array([[1, 2], [3, -4]], dtype='>i4') */
  bigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAABAAAAAgAAAAP////8',
  /** np.asfortranarray(np.arange(6, dtype='<i2').reshape(2, 3)) */
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAMAAQAEAAIABQA=',
  /** np.array(['a', 'héllo', '😀x']) */
  unicode:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPFU1JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAAAAAAAAAAAAAAAAAAAAAAAGgAAADpAAAAbAAAAGwAAABvAAAAAPYBAHgAAAAAAAAAAAAAAAAAAAA=',
  /** np.array([True, False, True]) */
  bool: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  /** np.array([1.0, -2.5, 65504, 6e-8], dtype='<f2') */
  f2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPADB/3sBAA==',
  /** np.float64(3.25), a scalar */
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAKQA==',
  /** np.array([-(2**62), 2**53 + 1], dtype='<i8') */
  i8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAwAEAAAAAACAA',
  /** np.zeros((1,), dtype=object), pickled: the first bytes */
  object:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABJWLAAAAAAAAAIwWbnVtcHkuX2Nv',
};

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

/** One sample tensor per dtype, with awkward values (negative, extremes, NaN) where the type has them. */
function sample(dtype: TensorDType): HostTensor {
  const dims = [2, 3];
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from([0, -1.5, 3.4e38, NaN, -Infinity, 1e-45]) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from([0, -1.5, 1.7e308, NaN, Infinity, 5e-324]) };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from([0x0000, 0x3c00, 0xc100, 0x7bff, 0x7e00, 0x0001]) };
    case 'int8':
      return { dtype, dims, data: Int8Array.from([-128, -1, 0, 1, 100, 127]) };
    case 'uint8':
      return { dtype, dims, data: Uint8Array.from([0, 1, 2, 128, 254, 255]) };
    case 'int16':
      return { dtype, dims, data: Int16Array.from([-32768, -1, 0, 1, 1000, 32767]) };
    case 'uint16':
      return { dtype, dims, data: Uint16Array.from([0, 1, 2, 32768, 65534, 65535]) };
    case 'int32':
      return { dtype, dims, data: Int32Array.from([-2147483648, -1, 0, 1, 123456, 2147483647]) };
    case 'uint32':
      return { dtype, dims, data: Uint32Array.from([0, 1, 2, 2147483648, 4294967294, 4294967295]) };
    case 'int64':
      return { dtype, dims, data: BigInt64Array.from([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]) };
    case 'uint64':
      return { dtype, dims, data: BigUint64Array.from([0n, 1n, 2n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]) };
    case 'bool':
      return { dtype, dims, data: Uint8Array.from([1, 0, 0, 1, 1, 0]) };
    case 'string':
      return { dtype, dims, data: ['', 'a', 'héllo', '😀', 'tab\tand\nnewline', 'x'.repeat(40)] };
    case 'int4':
      return { dtype, dims, data: Int8Array.from([-8, -1, 0, 1, 6, 7]) };
    case 'uint4':
      return { dtype, dims, data: Uint8Array.from([0, 1, 2, 8, 14, 15]) };
  }
}

describe('npy', () => {
  it.each(TENSOR_DTYPES.filter((d) => d !== 'int4' && d !== 'uint4'))('round-trips %s', (dtype) => {
    const tensor = sample(dtype);
    const file = encodeNpy(tensor);
    const back = decodeNpy(file);
    expect(back.dtype).toBe(dtype);
    expect(back.dims).toEqual(tensor.dims);
    expect(Array.isArray(back.data) ? back.data : [...back.data]).toEqual(Array.isArray(tensor.data) ? tensor.data : [...tensor.data]);
    // The data starts on a 64-byte boundary, as NumPy writes it.
    const headerLength = new DataView(file.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
  });

  it.each(['int4', 'uint4'] as const)('writes %s one element per byte (NumPy has no 4-bit type) and reads it back as 8-bit', (dtype) => {
    const tensor = sample(dtype);
    const back = decodeNpy(encodeNpy(tensor));
    expect(back.dtype).toBe(dtype === 'int4' ? 'int8' : 'uint8');
    expect([...back.data]).toEqual([...tensor.data]);
  });

  it('round-trips scalars, empty tensors and 1-d shapes', () => {
    for (const tensor of [
      { dtype: 'float32', dims: [], data: Float32Array.from([7]) },
      { dtype: 'int64', dims: [0, 3], data: new BigInt64Array(0) },
      { dtype: 'uint8', dims: [5], data: Uint8Array.from([1, 2, 3, 4, 5]) },
    ] satisfies HostTensor[]) {
      const back = decodeNpy(encodeNpy(tensor));
      expect(back.dims).toEqual(tensor.dims);
      expect([...back.data]).toEqual([...tensor.data]);
    }
  });

  it('writes the same bytes NumPy does', () => {
    const numpy = bytes(NUMPY.f4);
    expect(Buffer.from(encodeNpy(decodeNpy(numpy)))).toEqual(Buffer.from(numpy));
    expect(Buffer.from(encodeNpy(decodeNpy(bytes(NUMPY.bool))))).toEqual(Buffer.from(bytes(NUMPY.bool)));
    expect(Buffer.from(encodeNpy(decodeNpy(bytes(NUMPY.unicode))))).toEqual(Buffer.from(bytes(NUMPY.unicode)));
    expect(Buffer.from(encodeNpy(decodeNpy(bytes(NUMPY.scalar))))).toEqual(Buffer.from(bytes(NUMPY.scalar)));
  });

  it('reads files NumPy wrote: big-endian, Fortran order, unicode, float16, int64, scalars', () => {
    expect([...decodeNpy(bytes(NUMPY.f4)).data]).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const be = decodeNpy(bytes(NUMPY.bigEndian));
    expect(be).toMatchObject({ dtype: 'int32', dims: [2, 2] });
    expect([...be.data]).toEqual([1, 2, 3, -4]);
    const fortran = decodeNpy(bytes(NUMPY.fortran));
    expect(fortran).toMatchObject({ dtype: 'int16', dims: [2, 3] });
    expect([...fortran.data]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(decodeNpy(bytes(NUMPY.unicode)).data).toEqual(['a', 'héllo', '😀x']);
    expect([...decodeNpy(bytes(NUMPY.bool)).data]).toEqual([1, 0, 1]);
    expect([...decodeNpy(bytes(NUMPY.f2)).data]).toEqual([0x3c00, 0xc100, 0x7bff, 0x0001]);
    expect(decodeNpy(bytes(NUMPY.scalar))).toMatchObject({ dtype: 'float64', dims: [], data: Float64Array.from([3.25]) });
    expect([...decodeNpy(bytes(NUMPY.i8)).data]).toEqual([-(2n ** 62n), 2n ** 53n + 1n]);
  });

  it('refuses what is not an array of numbers, naming the file and the field', () => {
    expect(() => decodeNpy(bytes(NUMPY.object), 'x.npy')).toThrow(FormatError);
    expect(() => decodeNpy(bytes(NUMPY.object), 'x.npy')).toThrow(/x\.npy: descr: .*pickled/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]), 'y.npy')).toThrow(/y\.npy: magic/);
    const truncated = bytes(NUMPY.f4).subarray(0, 140);
    expect(() => decodeNpy(truncated, 'z.npy')).toThrow(/z\.npy: data: the data needs 24 bytes/);
  });
});
