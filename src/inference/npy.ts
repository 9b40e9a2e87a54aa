import { FormatError } from '../model/errors';
import { allocate, elementCount, type HostTensor, type NumericArray, type TensorDType } from './tensor';
import type { DType } from '../model/dtype';
import { formatShape } from '../model/units';
import { dtypeOfOrt, ortDtypeOf } from './ort-dtype';

/**
 * NumPy's `.npy` format (numpy/lib/format.py): the magic `\x93NUMPY`, a version, a header length,
 * a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
 * spaces and a newline so the data starts on a 64-byte boundary, then the elements in C order.
 *
 * Every ONNX Runtime element type round-trips, except the 4-bit ones, which NumPy has no type for:
 * int4 / uint4 are written one element per byte as int8 / uint8 and so read back as such.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;

/**
 * NumPy type strings (without the byte order) per DType: the one place the two vocabularies meet.
 * Unicode strings (`<U{width}`) are handled apart.
 */
export const NUMPY_DTYPES = {
  F32: 'f4',
  F16: 'f2',
  F64: 'f8',
  I8: 'i1',
  U8: 'u1',
  I16: 'i2',
  U16: 'u2',
  I32: 'i4',
  U32: 'u4',
  I64: 'i8',
  U64: 'u8',
  BOOL: 'b1',
} as const satisfies Partial<Record<DType, string>>;

type NumpyDType = keyof typeof NUMPY_DTYPES;

const DTYPE_OF_NUMPY: ReadonlyMap<string, NumpyDType> = new Map(Object.entries(NUMPY_DTYPES).map(([dtype, code]) => [code, dtype as NumpyDType]));

/** The NumPy type a numeric tensor is written as; 4-bit elements, held one per byte, widen to 8 bits. */
function numpyCode(dtype: Exclude<TensorDType, 'string'>): string {
  const loupe = dtypeOfOrt(dtype);
  const widened = loupe === 'I4' ? 'I8' : loupe === 'U4' ? 'U8' : loupe;
  return NUMPY_DTYPES[widened as NumpyDType];
}

/** Encodes a tensor as a version 1.0 `.npy` file (version 2.0 when the header is over 64 KiB). */
export function encodeNpy(tensor: HostTensor): Uint8Array<ArrayBuffer> {
  const count = elementCount(tensor.dims);
  if (tensor.data.length !== count) throw new RangeError(`the shape ${formatShape(tensor.dims)} needs ${count} values, the data has ${tensor.data.length}`);
  let descr: string;
  let body: Uint8Array;
  if (tensor.dtype === 'string') {
    const strings = tensor.data as string[];
    const codePoints = strings.map((s) => Array.from(s, (c) => c.codePointAt(0)!));
    const width = Math.max(1, ...codePoints.map((c) => c.length));
    descr = `<U${width}`;
    const words = new Uint32Array(count * width);
    codePoints.forEach((cps, i) => words.set(cps, i * width));
    body = littleEndian(words);
  } else {
    const size = numpyCode(tensor.dtype);
    descr = `${size.endsWith('1') ? '|' : '<'}${size}`;
    body = littleEndian(tensor.data as NumericArray);
  }
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const encoder = new TextEncoder();
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN;
  }
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const out = new Uint8Array(total + body.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(encoder.encode(header), prefix);
  out.set(body, total);
  return out;
}

/** Decodes a `.npy` file. `file` names it in errors. Big-endian and Fortran-order arrays are converted. */
export function decodeNpy(bytes: Uint8Array, file = 'array.npy'): HostTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new FormatError(file, 'magic', 'not a NumPy .npy file (it does not start with \\x93NUMPY)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new FormatError(file, 'header', 'the file ends inside the header');
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new FormatError(file, 'version', `format version ${major}.${bytes[7]} is not one Loupe reads (1.0, 2.0, 3.0)`);
  }
  if (start + headerLength > bytes.length) throw new FormatError(file, 'header', 'the file ends inside the header');
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const { descr, fortranOrder, shape } = parseHeader(headerText, file);
  const count = elementCount(shape);
  const dataStart = start + headerLength;

  const order = descr[0]!;
  const code = descr.slice(1);
  const little = order === '<' || order === '|' || order === '=';
  if (!little && order !== '>') throw new FormatError(file, 'descr', `unknown byte order in ${descr}`);

  let tensor: HostTensor;
  if (code[0] === 'U' || code[0] === 'S') {
    const width = Number(code.slice(1));
    if (!Number.isSafeInteger(width) || width < 0) throw new FormatError(file, 'descr', `bad string width in ${descr}`);
    const unit = code[0] === 'U' ? 4 : 1;
    need(bytes, dataStart, count * width * unit, file);
    const strings = new Array<string>(count);
    const decoder = new TextDecoder();
    for (let i = 0; i < count; i++) {
      const at = dataStart + i * width * unit;
      if (unit === 1) {
        let end = at + width;
        while (end > at && bytes[end - 1] === 0) end--;
        strings[i] = decoder.decode(bytes.subarray(at, end));
      } else {
        let text = '';
        for (let j = 0; j < width; j++) {
          const cp = view.getUint32(at + j * 4, little);
          if (cp === 0) break;
          if (cp > 0x10ffff) throw new FormatError(file, 'data', `element ${i} holds an invalid code point`);
          text += String.fromCodePoint(cp);
        }
        strings[i] = text;
      }
    }
    tensor = { dtype: 'string', dims: shape, data: strings };
  } else {
    const numpy = DTYPE_OF_NUMPY.get(code);
    const dtype = numpy && ortDtypeOf(numpy);
    if (!dtype || dtype === 'string') {
      const why = code === 'O' ? 'object arrays hold pickled Python objects, which Loupe never reads' : `the type ${descr} is not one ONNX Runtime takes`;
      throw new FormatError(file, 'descr', why);
    }
    const data = allocate(dtype, count) as NumericArray;
    const size = data.BYTES_PER_ELEMENT;
    need(bytes, dataStart, count * size, file);
    const target = new Uint8Array(data.buffer);
    target.set(bytes.subarray(dataStart, dataStart + count * size));
    if (!little && size > 1) swapBytes(target, size);
    if (!littleEndianHost && size > 1) swapBytes(target, size);
    tensor = { dtype, dims: shape, data };
  }
  return fortranOrder && shape.length > 1 ? fromFortranOrder(tensor) : tensor;
}

function need(bytes: Uint8Array, start: number, length: number, file: string): void {
  if (start + length > bytes.length)
    throw new FormatError(file, 'data', `the data needs ${length} bytes, the file has ${bytes.length - start} after the header`);
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the header dict. It is a Python literal, not JSON, so it is read field by field. */
function parseHeader(text: string, file: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(text)) throw new FormatError(file, 'descr', 'structured arrays (several fields per element) are not tensors');
    throw new FormatError(file, 'descr', 'the header has no descr');
  }
  if (fortran === undefined) throw new FormatError(file, 'fortran_order', 'the header has no fortran_order');
  if (shapeText === undefined) throw new FormatError(file, 'shape', 'the header has no shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new FormatError(file, 'shape', `bad shape (${shapeText})`);
  return { descr, fortranOrder: fortran === 'True', shape };
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(array: NumericArray | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (littleEndianHost || array.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, array.BYTES_PER_ELEMENT);
  return copy;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** Reorders a Fortran-order (column-major) array into C order. */
function fromFortranOrder(tensor: HostTensor): HostTensor {
  const { dims } = tensor;
  const count = tensor.data.length;
  const source = tensor.data;
  const target = Array.isArray(source) ? new Array<string>(count) : allocate(tensor.dtype, count);
  const rank = dims.length;
  const index = new Array<number>(rank).fill(0);
  // Walk C order; compute the Fortran offset of each index.
  const fStrides = new Array<number>(rank);
  let stride = 1;
  for (let d = 0; d < rank; d++) {
    fStrides[d] = stride;
    stride *= dims[d]!;
  }
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += index[d]! * fStrides[d]!;
    (target as unknown as unknown[])[c] = (source as unknown as unknown[])[f];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < dims[d]!) break;
      index[d] = 0;
    }
  }
  return { ...tensor, data: target as HostTensor['data'] };
}
