import type { DecodeContext } from '../formats/onnx/decode-context';
import { decodeTensor, decodeTypedValues, type DecodedTensor } from '../formats/onnx/decode-tensor';
import { dtypeFromOnnx, onnxDataTypeName, onnxDataTypeOf } from '../formats/onnx/onnx-data-type';
import { pullNow, WIRE_LEN, WIRE_VARINT, WireReader } from '../formats/onnx/wire-reader';
import { DTYPES } from '../model/dtype';
import { FormatError } from '../model/errors';
import type { Int64 } from '../model/graph';
import { formatShape } from '../model/units';
import { dtypeOfOrt, ortDtypeOf } from './ort-dtype';
import { allocate, unpackInt4, type HostTensor, type NamedTensor, type NumericArray, type TensorDType } from './tensor';

/**
 * ONNX `TensorProto` files (`.pb`), the format of the ONNX conformance suite's
 * `test_data_set_N/input_N.pb` and `output_N.pb`, read with the ONNX parser's wire reader and
 * TensorProto decoder. Data lies either in raw_data (little-endian, packed) or in the typed field
 * the data type uses (onnx.proto, message TensorProto).
 */

/** TensorProto.DataLocation.EXTERNAL (onnx.proto). */
const DATA_LOCATION_EXTERNAL = 1;

/** The ONNX data type number of an ORT element type. */
export function onnxDataType(dtype: TensorDType): number {
  const code = onnxDataTypeOf(dtypeOfOrt(dtype));
  if (code === undefined) throw new TypeError(`no ONNX data type for ${dtype}`);
  return code;
}

/** What a first pass over the top-level fields tells before decoding: enough to refuse what is not a TensorProto. */
interface FieldScan {
  fields: Set<number>;
  dataType: number;
  dataLocation: number;
  /** dims arrived packed (wire type 2), as a name string would. */
  dimsPacked: boolean;
}

function scanFields(r: WireReader, end: number): FieldScan {
  const scan: FieldScan = { fields: new Set(), dataType: 0, dataLocation: 0, dimsPacked: false };
  while (r.pos < end) {
    const field = r.tag(end);
    scan.fields.add(field);
    if (field === 1 && r.wire === WIRE_LEN) scan.dimsPacked = true;
    if (field === 2 && r.wire === WIRE_VARINT) scan.dataType = r.int32(end);
    else if (field === 14 && r.wire === WIRE_VARINT) scan.dataLocation = r.int32(end);
    else r.skip(end);
  }
  return scan;
}

/** The typed field each ORT element type is stored in (onnx.proto, TensorProto field comments). */
function typedFieldOf(dtype: TensorDType): { field: number; name: string } {
  switch (dtype) {
    case 'float32':
      return { field: 4, name: 'float_data' };
    case 'float64':
      return { field: 10, name: 'double_data' };
    case 'int64':
      return { field: 7, name: 'int64_data' };
    case 'uint64':
    case 'uint32':
      return { field: 11, name: 'uint64_data' };
    case 'string':
      return { field: 6, name: 'string_data' };
    default:
      return { field: 5, name: 'int32_data' };
  }
}

/**
 * Decodes a serialized TensorProto into a tensor ORT can take, with the ONNX parser's wire reader
 * and TensorProto decoder. `file` names the file in errors. Types ONNX Runtime Web has no tensor
 * for (bfloat16, float8, complex, 2-bit) are refused by name.
 */
export function decodeTensorProto(bytes: Uint8Array, file = 'tensor.pb'): NamedTensor {
  const r = WireReader.inMemory(bytes, file, 'TensorProto');
  const fail = (field: string, message: string): never => {
    throw new FormatError(file, field, message);
  };
  const notATensor = (why: string) =>
    new FormatError(
      file,
      'TensorProto',
      `${why}: this looks like a sequence, map or optional value (SequenceProto, MapProto, OptionalProto), not a TensorProto; Loupe feeds tensors only`,
    );
  const end = bytes.length;
  const scan = scanFields(r, end);
  // A SequenceProto or OptionalProto starts with its name (field 1, bytes), which reads as packed
  // dims, and keeps its values in field 3, which is a TensorProto's segment.
  if (scan.fields.has(3)) throw notATensor('it has a field 3');
  if (scan.fields.has(13) || scan.dataLocation === DATA_LOCATION_EXTERNAL) {
    throw new FormatError(file, 'external_data', 'the tensor keeps its data in another file; save it with its data inside');
  }
  const typeName = onnxDataTypeName(scan.dataType);
  if (scan.dataType === 0) throw notATensor('its data type is UNDEFINED');
  const loupeType = dtypeFromOnnx(scan.dataType);
  const dtype = loupeType && ortDtypeOf(loupeType);
  if (!loupeType || !dtype) throw new FormatError(file, 'data_type', `${typeName} is not an element type ONNX Runtime Web can take`);

  const ctx: DecodeContext = { reader: r, depth: 0, subgraphDepth: 0, initializers: [], constants: [] };
  r.pos = 0;
  let decoded: DecodedTensor;
  try {
    decoded = pullNow(r, decodeTensor(ctx, end, false));
  } catch (error) {
    if (error instanceof FormatError && error.field === 'dims') throw notATensor(`its dims are not a shape (${error.message.slice(`${file}: dims: `.length)})`);
    throw error;
  }
  r.pos = 0;
  const typed = pullNow(r, decodeTypedValues(ctx, end));
  const { dims, elements: count } = decoded;

  const raw = decoded.dataLocation === 'raw' ? bytes.subarray(decoded.byteOffset, decoded.byteOffset + decoded.byteLength) : undefined;
  const expected = typedFieldOf(dtype);
  const numbers = typed?.field === expected.field ? typed.numbers : [];
  const strings = typed?.field === 6 ? typed.strings : [];
  const packed4 = dtype === 'int4' || dtype === 'uint4';
  // Check the data's size before allocating anything for it.
  const stored = raw
    ? packed4
      ? raw.length * 2
      : dtype === 'string'
        ? 0
        : (raw.length * 8) / DTYPES[loupeType].bits
    : dtype === 'string'
      ? strings.length
      : packed4
        ? numbers.length * 2
        : numbers.length;
  const fits = packed4 ? stored === count || stored === count + 1 : stored === count;
  if (!fits) {
    // An OptionalProto or SequenceProto whose name ("opt_in") was read as packed dims.
    if (scan.dimsPacked && dims.length > 1 && dims.every((d) => d >= 0x20 && d < 0x7f)) {
      throw notATensor(`its dims ${formatShape(dims)} read as the text "${String.fromCharCode(...dims)}", a name`);
    }
    const field = raw ? 'raw_data' : dtype === 'string' ? 'string_data' : 'data';
    fail(field, `the shape ${formatShape(dims)} needs ${count} values of ${typeName}, the file has ${Math.floor(stored)}`);
  }
  const tensor = { name: decoded.name, dtype, dims };

  if (dtype === 'string') {
    const decoder = new TextDecoder();
    return { ...tensor, data: strings.map((s) => decoder.decode(s)) };
  }

  if (raw) {
    if (packed4) {
      if (raw.length !== Math.ceil(count / 2))
        fail('raw_data', `the shape needs ${Math.ceil(count / 2)} bytes of packed 4-bit data, raw_data has ${raw.length}`);
      return { ...tensor, data: unpackInt4(raw, count, dtype === 'int4') };
    }
    const data = allocate(dtype, count) as NumericArray;
    if (raw.length !== data.byteLength) fail('raw_data', `the shape needs ${data.byteLength} bytes, raw_data has ${raw.length}`);
    new Uint8Array(data.buffer).set(raw);
    if (!LITTLE_ENDIAN_HOST) swap(new Uint8Array(data.buffer), data.BYTES_PER_ELEMENT);
    if (dtype === 'bool') for (let i = 0; i < count; i++) data[i] = data[i] ? 1 : 0;
    return { ...tensor, data };
  }

  const data = allocate(dtype, count) as NumericArray;
  const fill = (convert: (v: Int64) => number | bigint) => {
    if (numbers.length !== count) fail(expected.name, `the shape needs ${count} values, ${expected.name} has ${numbers.length}`);
    for (let i = 0; i < count; i++) (data as unknown as (number | bigint)[])[i] = convert(numbers[i]!);
  };
  switch (dtype) {
    case 'float32':
    case 'float64':
      fill(Number);
      break;
    case 'int64':
      fill((v) => BigInt.asIntN(64, BigInt(v)));
      break;
    case 'uint64':
      fill((v) => BigInt.asUintN(64, BigInt(v)));
      break;
    case 'uint32':
      fill((v) => Number(BigInt.asUintN(32, BigInt(v))));
      break;
    case 'int4':
    case 'uint4': {
      // One int32_data entry per byte, two elements per byte (onnx numpy_helper).
      const packed = Uint8Array.from(numbers, (v) => Number(v) & 0xff);
      if (packed.length !== Math.ceil(count / 2)) fail('int32_data', `the shape needs ${Math.ceil(count / 2)} packed values, int32_data has ${packed.length}`);
      return { ...tensor, data: unpackInt4(packed, count, dtype === 'int4') };
    }
    case 'bool':
      fill((v) => (v !== 0 ? 1 : 0));
      break;
    default:
      // int8, uint8, int16, uint16, int32, float16 (as its bits): int32_data, wrapped to the width by the array.
      fill(Number);
  }
  return { ...tensor, data };
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** Drops the name, for callers that only want the tensor. */
export function withoutName({ dtype, dims, data }: NamedTensor): HostTensor {
  return { dtype, dims, data };
}
