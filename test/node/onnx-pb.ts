import onnxProto from 'onnx-proto';

/** onnx-proto is CommonJS: its namespace comes through the default export under Node's ESM loader. */
const { onnx } = onnxProto;

/**
 * Test-only: a TensorProto .pb file (the ONNX conformance suite's inputs and expected outputs) decoded
 * with onnx-proto (protobufjs), independently of Loupe's own decoder, into what onnxruntime-node takes.
 */
export interface PbTensor {
  name: string;
  /** onnxruntime's type name: `float32`, `int64`, `bool`, `string`… */
  dtype: string;
  dims: number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];
}

type Ctor = { new (buffer: ArrayBuffer): PbTensor['data']; from(values: ArrayLike<number> | ArrayLike<bigint>): PbTensor['data'] };

/** TensorProto.DataType code → onnxruntime's type name, its typed array, and the repeated field its values sit in when not in raw_data. */
const TYPES: Record<number, { dtype: string; array: Ctor; field: 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' }> = {
  1: { dtype: 'float32', array: Float32Array as unknown as Ctor, field: 'floatData' },
  2: { dtype: 'uint8', array: Uint8Array as unknown as Ctor, field: 'int32Data' },
  3: { dtype: 'int8', array: Int8Array as unknown as Ctor, field: 'int32Data' },
  4: { dtype: 'uint16', array: Uint16Array as unknown as Ctor, field: 'int32Data' },
  5: { dtype: 'int16', array: Int16Array as unknown as Ctor, field: 'int32Data' },
  6: { dtype: 'int32', array: Int32Array as unknown as Ctor, field: 'int32Data' },
  7: { dtype: 'int64', array: BigInt64Array as unknown as Ctor, field: 'int64Data' },
  9: { dtype: 'bool', array: Uint8Array as unknown as Ctor, field: 'int32Data' },
  10: { dtype: 'float16', array: Uint16Array as unknown as Ctor, field: 'int32Data' },
  11: { dtype: 'float64', array: Float64Array as unknown as Ctor, field: 'doubleData' },
  12: { dtype: 'uint32', array: Uint32Array as unknown as Ctor, field: 'uint64Data' },
  13: { dtype: 'uint64', array: BigUint64Array as unknown as Ctor, field: 'uint64Data' },
};

/** protobufjs gives 64-bit integers as Long objects (or numbers when small); both print exactly. */
function toBigInt(value: unknown): bigint {
  return BigInt(String(value));
}

export function decodePbTensor(bytes: Uint8Array, path: string): PbTensor {
  const proto = onnx.TensorProto.decode(bytes);
  const dims = proto.dims.map((d) => Number(d));
  const count = dims.reduce((a, b) => a * b, 1);
  const name = proto.name ?? '';
  if (proto.dataType === onnx.TensorProto.DataType.STRING) {
    const data = proto.stringData.map((s) => new TextDecoder().decode(s));
    if (data.length !== count) throw new Error(`${path}: ${data.length} strings for dims [${dims}]`);
    return { name, dtype: 'string', dims, data };
  }
  const type = TYPES[proto.dataType];
  if (!type) throw new Error(`${path}: the oracle does not read data_type ${onnx.TensorProto.DataType[proto.dataType] ?? proto.dataType}`);
  let data: PbTensor['data'];
  if (proto.rawData && proto.rawData.length > 0) {
    // A copy: protobufjs gives a Buffer that may be a view into a shared pool, at any alignment.
    data = new type.array(new Uint8Array(proto.rawData).buffer);
  } else {
    const values = proto[type.field] as unknown[];
    data =
      type.field === 'int64Data' || (type.field === 'uint64Data' && type.dtype === 'uint64')
        ? type.array.from(values.map(toBigInt))
        : type.array.from(values.map(Number));
  }
  if (data.length !== count) throw new Error(`${path}: ${data.length} values for dims [${dims}]`);
  return { name, dtype: type.dtype, dims, data };
}
