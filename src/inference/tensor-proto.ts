import { dtypeFromOnnx, onnxDataTypeName, onnxDataTypeOf } from '../formats/onnx/onnx-data-type';
import { FormatError } from '../model/errors';
import { dtypeOfOrt, ortDtypeOf } from './ort-dtype';
import { allocate, elementCount, unpackInt4, type HostTensor, type NamedTensor, type NumericArray, type TensorDType } from './tensor';

/**
 * A minimal decoder for ONNX `TensorProto` files (`.pb`), the format of the ONNX conformance
 * suite's `test_data_set_N/input_N.pb` and `output_N.pb`. Fields (onnx.proto, message TensorProto):
 * dims 1, data_type 2, segment 3, float_data 4, int32_data 5, string_data 6, int64_data 7,
 * name 8, raw_data 9, double_data 10, uint64_data 11, doc_string 12, external_data 13,
 * data_location 14. Data lies either in raw_data (little-endian, packed) or in the typed field
 * the data type uses.
 */

/** The ONNX data type number of an ORT element type. */
export function onnxDataType(dtype: TensorDType): number {
  const code = onnxDataTypeOf(dtypeOfOrt(dtype));
  if (code === undefined) throw new TypeError(`no ONNX data type for ${dtype}`);
  return code;
}

/** A protobuf reader over one message: just what TensorProto needs. */
class Reader {
  pos: number;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start = 0,
    public end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(field: string, message: string): never {
    throw new FormatError(this.file, field, message);
  }

  /** A varint as a BigInt (64 bits, two's complement kept as unsigned). */
  varint64(field: string): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) this.fail(field, 'the file ends inside a number');
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    this.fail(field, 'a number is longer than 10 bytes');
  }

  /** A varint that must fit a safe integer (tags, lengths, enums). */
  varint(field: string): number {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.pos >= this.end) this.fail(field, 'the file ends inside a number');
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) this.fail(field, 'a number is too large');
        return result;
      }
    }
    this.fail(field, 'a number is longer than 10 bytes');
  }

  length(field: string): [number, number] {
    const length = this.varint(field);
    const start = this.pos;
    if (start + length > this.end) this.fail(field, `a field of ${length} bytes runs past the end of the file`);
    this.pos += length;
    return [start, start + length];
  }

  skip(wire: number, field: string): void {
    switch (wire) {
      case 0:
        this.varint64(field);
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.length(field);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        this.fail(field, `unknown wire type ${wire} (is this a TensorProto?)`);
    }
    if (this.pos > this.end) this.fail(field, 'the file ends inside a field');
  }
}

interface RawTensorProto {
  name: string;
  dims: number[];
  dataType: number;
  raw?: [number, number];
  floats: number[];
  doubles: number[];
  int32s: bigint[];
  int64s: bigint[];
  uint64s: bigint[];
  strings: Uint8Array[];
  external: boolean;
  segment: boolean;
  /** dims arrived packed (wire type 2), as a name string would. */
  dimsPacked: boolean;
}

function decodeFields(r: Reader): RawTensorProto {
  const t: RawTensorProto = { name: '', dims: [], dataType: 0, floats: [], doubles: [], int32s: [], int64s: [], uint64s: [], strings: [], external: false, segment: false, dimsPacked: false };
  // Repeated scalars may be packed (wire type 2) or not; both are accepted.
  const packedOr = (wire: number, scalarWire: number, field: string, readOne: () => void) => {
    if (wire === 2) {
      const [start, end] = r.length(field);
      const saved = r.pos;
      r.pos = start;
      const outer = r.end;
      r.end = end;
      while (r.pos < end) readOne();
      r.end = outer;
      r.pos = saved;
    } else if (wire === scalarWire) {
      readOne();
    } else {
      r.fail(field, `wire type ${wire} where ${scalarWire} or 2 was expected`);
    }
  };
  const fixed32 = (field: string) => {
    if (r.pos + 4 > r.end) r.fail(field, 'the file ends inside a float');
    const v = r.view.getFloat32(r.pos, true);
    r.pos += 4;
    return v;
  };
  const fixed64 = (field: string) => {
    if (r.pos + 8 > r.end) r.fail(field, 'the file ends inside a double');
    const v = r.view.getFloat64(r.pos, true);
    r.pos += 8;
    return v;
  };
  while (r.pos < r.end) {
    const tag = r.varint('tag');
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    switch (field) {
      case 1:
        if (wire === 2) t.dimsPacked = true;
        packedOr(wire, 0, 'dims', () => {
          const d = BigInt.asIntN(64, r.varint64('dims'));
          if (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) r.fail('dims', `dimension ${d} is not a size`);
          t.dims.push(Number(d));
        });
        break;
      case 2:
        if (wire !== 0) r.fail('data_type', 'data_type is not a number');
        t.dataType = r.varint('data_type');
        break;
      case 3:
        t.segment = true;
        r.skip(wire, 'segment');
        break;
      case 4:
        packedOr(wire, 5, 'float_data', () => t.floats.push(fixed32('float_data')));
        break;
      case 5:
        packedOr(wire, 0, 'int32_data', () => t.int32s.push(r.varint64('int32_data')));
        break;
      case 6: {
        if (wire !== 2) r.fail('string_data', 'string_data is not bytes');
        const [start, end] = r.length('string_data');
        t.strings.push(r.bytes.subarray(start, end));
        break;
      }
      case 7:
        packedOr(wire, 0, 'int64_data', () => t.int64s.push(r.varint64('int64_data')));
        break;
      case 8: {
        if (wire !== 2) r.fail('name', 'name is not text');
        const [start, end] = r.length('name');
        t.name = new TextDecoder().decode(r.bytes.subarray(start, end));
        break;
      }
      case 9:
        if (wire !== 2) r.fail('raw_data', 'raw_data is not bytes');
        t.raw = r.length('raw_data');
        break;
      case 10:
        packedOr(wire, 1, 'double_data', () => t.doubles.push(fixed64('double_data')));
        break;
      case 11:
        packedOr(wire, 0, 'uint64_data', () => t.uint64s.push(r.varint64('uint64_data')));
        break;
      case 13:
        t.external = true;
        r.skip(wire, 'external_data');
        break;
      case 14: {
        if (wire !== 0) r.fail('data_location', 'data_location is not a number');
        if (r.varint('data_location') === 1) t.external = true;
        break;
      }
      default:
        r.skip(wire, `field ${field}`);
    }
  }
  return t;
}

/**
 * Decodes a serialized TensorProto into a tensor ORT can take. `file` names the file in errors.
 * Types ONNX Runtime Web has no tensor for (bfloat16, float8, complex, 2-bit) are refused by name.
 */
export function decodeTensorProto(bytes: Uint8Array, file = 'tensor.pb'): NamedTensor {
  const r = new Reader(bytes, file);
  const t = decodeFields(r);
  const notATensor = (why: string) =>
    new FormatError(file, 'TensorProto', `${why}: this looks like a sequence, map or optional value (SequenceProto, MapProto, OptionalProto), not a TensorProto; Loupe feeds tensors only`);
  // A SequenceProto or OptionalProto starts with its name (field 1, bytes), which reads as packed
  // dims, and keeps its values in field 3, which is a TensorProto's segment.
  if (t.segment) throw notATensor('it has a field 3');
  if (t.external) throw new FormatError(file, 'external_data', 'the tensor keeps its data in another file; save it with its data inside');
  const typeName = onnxDataTypeName(t.dataType);
  if (t.dataType === 0) throw notATensor('its data type is UNDEFINED');
  const loupeType = dtypeFromOnnx(t.dataType);
  const dtype = loupeType && ortDtypeOf(loupeType);
  if (!dtype) throw new FormatError(file, 'data_type', `${typeName} is not an element type ONNX Runtime Web can take`);
  let count: number;
  try {
    count = elementCount(t.dims);
  } catch {
    throw notATensor(`its dims [${t.dims.join(', ')}] are not a shape`);
  }
  // Check the data's size before allocating anything for it.
  const stored = t.raw
    ? dtype === 'int4' || dtype === 'uint4'
      ? (t.raw[1] - t.raw[0]) * 2
      : (t.raw[1] - t.raw[0]) / ELEMENT_BYTES[dtype]
    : { string: t.strings.length, float32: t.floats.length, float64: t.doubles.length, int64: t.int64s.length, uint64: t.uint64s.length, uint32: t.uint64s.length }[dtype as string] ??
      (dtype === 'int4' || dtype === 'uint4' ? t.int32s.length * 2 : t.int32s.length);
  const fits = dtype === 'int4' || dtype === 'uint4' ? stored === count || stored === count + 1 : stored === count;
  if (!fits) {
    // An OptionalProto or SequenceProto whose name ("opt_in") was read as packed dims.
    if (t.dimsPacked && t.dims.length > 1 && t.dims.every((d) => d >= 0x20 && d < 0x7f)) {
      throw notATensor(`its dims [${t.dims.join(', ')}] read as the text "${String.fromCharCode(...t.dims)}", a name`);
    }
    const field = t.raw ? 'raw_data' : dtype === 'string' ? 'string_data' : 'data';
    r.fail(field, `the shape [${t.dims.join(', ')}] needs ${count} values of ${typeName}, the file has ${Math.floor(stored)}`);
  }
  const tensor = { name: t.name, dtype, dims: t.dims };

  if (dtype === 'string') {
    if (t.strings.length !== count) r.fail('string_data', `the shape needs ${count} strings, the file has ${t.strings.length}`);
    const decoder = new TextDecoder();
    return { ...tensor, data: t.strings.map((s) => decoder.decode(s)) };
  }

  if (t.raw) {
    const [start, end] = t.raw;
    const raw = bytes.subarray(start, end);
    if (dtype === 'int4' || dtype === 'uint4') {
      if (raw.length !== Math.ceil(count / 2)) r.fail('raw_data', `the shape needs ${Math.ceil(count / 2)} bytes of packed 4-bit data, raw_data has ${raw.length}`);
      return { ...tensor, data: unpackInt4(raw, count, dtype === 'int4') };
    }
    const data = allocate(dtype, count) as NumericArray;
    if (raw.length !== data.byteLength) r.fail('raw_data', `the shape needs ${data.byteLength} bytes, raw_data has ${raw.length}`);
    new Uint8Array(data.buffer).set(raw);
    if (!LITTLE_ENDIAN_HOST) swap(new Uint8Array(data.buffer), data.BYTES_PER_ELEMENT);
    if (dtype === 'bool') for (let i = 0; i < count; i++) data[i] = data[i] ? 1 : 0;
    return { ...tensor, data };
  }

  const data = allocate(dtype, count) as NumericArray;
  const fill = (values: readonly (number | bigint)[], field: string, convert: (v: number | bigint) => number | bigint) => {
    if (values.length !== count) r.fail(field, `the shape needs ${count} values, ${field} has ${values.length}`);
    for (let i = 0; i < count; i++) (data as unknown as (number | bigint)[])[i] = convert(values[i]!);
  };
  switch (dtype) {
    case 'float32':
      fill(t.floats, 'float_data', Number);
      break;
    case 'float64':
      fill(t.doubles, 'double_data', Number);
      break;
    case 'int64':
      fill(t.int64s, 'int64_data', (v) => BigInt.asIntN(64, v as bigint));
      break;
    case 'uint64':
      fill(t.uint64s, 'uint64_data', (v) => BigInt.asUintN(64, v as bigint));
      break;
    case 'uint32':
      fill(t.uint64s, 'uint64_data', (v) => Number(BigInt.asUintN(32, v as bigint)));
      break;
    case 'int4':
    case 'uint4': {
      // One int32_data entry per byte, two elements per byte (onnx numpy_helper).
      const packed = Uint8Array.from(t.int32s, (v) => Number(BigInt.asUintN(8, v)));
      if (packed.length !== Math.ceil(count / 2)) r.fail('int32_data', `the shape needs ${Math.ceil(count / 2)} packed values, int32_data has ${packed.length}`);
      return { ...tensor, data: unpackInt4(packed, count, dtype === 'int4') };
    }
    case 'bool':
      fill(t.int32s, 'int32_data', (v) => (v !== 0n ? 1 : 0));
      break;
    default:
      // int8, uint8, int16, uint16, int32, float16 (as its bits): int32_data, wrapped to the width.
      fill(t.int32s, 'int32_data', (v) => Number(BigInt.asIntN(32, v as bigint)));
  }
  return { ...tensor, data };
}

/** Bytes per element in raw_data (4-bit types are handled apart). */
const ELEMENT_BYTES: Record<TensorDType, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
  string: 1,
  int4: 0.5,
  uint4: 0.5,
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** Drops the name, for callers that only want the tensor. */
export function withoutName({ dtype, dims, data }: NamedTensor): HostTensor {
  return { dtype, dims, data };
}
