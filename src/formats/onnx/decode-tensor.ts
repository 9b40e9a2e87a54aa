import { bfloat16ToNumber, halfToNumber } from '../tensors/half-float';
import { DTYPES, type DType } from '../../model/dtype';
import type { ExternalDataRef, Int64, SparseTensorSummary, TensorDataLocation, TensorSummary, TensorValue } from '../../model/graph';
import {
  append,
  enter,
  leave,
  MAX_ELEMENTS,
  MAX_HEX_PREVIEW_BYTES,
  MAX_INLINE_BYTES,
  MAX_SUMMARY_VALUES,
  packed,
  readEntry,
  readString,
  takeString,
  record,
  type DecodeContext,
} from './decode-context';
import { dtypeFromOnnx } from './onnx-data-type';
import {
  FIELD_HEADER_BYTES,
  MAX_VARINT_BYTES,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
  int64Value,
  strictText,
  toHex,
  uint64Value,
  type Pull,
} from './wire-reader';
import { formatShape } from '../../model/units';

/** TensorProto.DataLocation.EXTERNAL (onnx.proto). */
const DATA_LOCATION_EXTERNAL = 1;
/** Longest string element decoded for display. */
const MAX_INLINE_STRING = 4096;

/** A TensorProto as parsed: its metadata and where its data lies. */
export interface DecodedTensor {
  name: string;
  dtype: DType;
  dims: number[];
  elements: number;
  dataLocation: TensorDataLocation;
  /** Absolute offset of the data (in the model file, or in the external file). */
  byteOffset: number;
  byteLength: number;
  external?: ExternalDataRef;
  segment?: { begin: Int64; end: Int64 };
  values?: TensorValue[];
  docString?: string;
  metadataProps?: Record<string, string>;
}

/** The typed repeated fields of TensorProto (onnx.proto, message TensorProto). */
const TYPED_FIELDS: Record<number, string> = {
  4: 'float_data',
  5: 'int32_data',
  6: 'string_data',
  7: 'int64_data',
  10: 'double_data',
  11: 'uint64_data',
};

/**
 * Decodes a TensorProto, skipping its data: raw_data (9) and the typed fields are recorded
 * by offset and length. With `wantValues`, the values of a small tensor are decoded too.
 */
export function* decodeTensor(ctx: DecodeContext, end: number, wantValues: boolean): Pull<DecodedTensor> {
  const r = ctx.reader;
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  let docString: string | undefined;
  let segment: DecodedTensor['segment'];
  let dataLocationCode = 0;
  let raw: { offset: number; length: number; bytes?: Uint8Array } | undefined;
  // Typed data: the span of the fields, which field, and (for small tensors) the values.
  let typed: TypedData | undefined;
  let externalEntries: Map<string, string> | undefined;
  let metadata: Map<string, string> | undefined;

  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    const field = r.tag(end);
    switch (field) {
      case 1: // dims: repeated int64, packed or not
        yield* readDims(ctx, end, dims);
        break;
      case 2: // data_type: int32 (TensorProto.DataType)
        r.expect(WIRE_VARINT, 'data_type');
        dataType = r.int32(end);
        break;
      case 3: {
        // segment: Segment { int64 begin = 1; int64 end = 2; }
        const subEnd = enter(ctx, end, 'segment');
        segment = { begin: 0, end: 0 };
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          const segmentField = r.tag(subEnd);
          if (segmentField === 1 || segmentField === 2) {
            r.expect(WIRE_VARINT, segmentField === 1 ? 'begin' : 'end');
            segment[segmentField === 1 ? 'begin' : 'end'] = r.int64(subEnd);
          } else r.skip(subEnd);
        }
        leave(ctx, subEnd);
        break;
      }
      case 8: // name
        name = takeString(ctx, end, 'name') ?? (yield* readString(ctx, end, 'name'));
        break;
      case 12: // doc_string
        docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 9: {
        // raw_data: skipped by length, unless small and wanted
        r.expect(WIRE_LEN, 'raw_data');
        const rawEnd = r.lengthEnd(end, 'raw_data');
        const offset = r.pos;
        const length = rawEnd - offset;
        raw = { offset, length };
        if (wantValues && length <= MAX_INLINE_BYTES) {
          if (r.lacks(length, end)) yield length;
          raw.bytes = r.bytes(length, end).slice();
        }
        r.pos = rawEnd;
        break;
      }
      case 13: // external_data: repeated StringStringEntryProto
        externalEntries ??= new Map();
        yield* readEntry(ctx, end, 'external_data', externalEntries, externalEntries.size);
        break;
      case 14: // data_location: DataLocation enum
        r.expect(WIRE_VARINT, 'data_location');
        dataLocationCode = r.int32(end);
        break;
      case 16: // metadata_props (ONNX 1.16)
        metadata ??= new Map();
        yield* readEntry(ctx, end, 'metadata_props', metadata, metadata.size);
        break;
      case 4:
      case 5:
      case 6:
      case 7:
      case 10:
      case 11: {
        const fieldName = TYPED_FIELDS[field]!;
        if (!typed) typed = { field, start: -1, end: -1, values: wantValues ? [] : undefined };
        else if (typed.field !== field) throw r.error(`holds both ${TYPED_FIELDS[typed.field]} and ${fieldName}`, fieldName);
        yield* readTyped(ctx, end, fieldName, typed);
        break;
      }
      default:
        r.skip(end);
    }
  }

  const dtype = dtypeFromOnnx(dataType);
  if (dtype === undefined) throw r.error(dataType === 0 ? 'data type is UNDEFINED (0)' : `unknown data type ${dataType}`, 'data_type');
  const elements = product(ctx, dims, 'dims');
  const tensor: DecodedTensor = { name, dtype, dims, elements, dataLocation: 'empty', byteOffset: 0, byteLength: 0 };
  if (dataLocationCode === DATA_LOCATION_EXTERNAL) {
    const external = externalRef(ctx, externalEntries ?? new Map());
    tensor.dataLocation = 'external';
    tensor.external = external;
    tensor.byteOffset = external.offset;
    tensor.byteLength = external.length ?? Math.ceil((elements * bitsOf(dtype)) / 8);
  } else if (raw) {
    tensor.dataLocation = 'raw';
    tensor.byteOffset = raw.offset;
    tensor.byteLength = raw.length;
    if (raw.bytes && elements <= MAX_SUMMARY_VALUES) tensor.values = rawValues(raw.bytes, dtype, elements);
  } else if (typed) {
    tensor.dataLocation = 'typed';
    tensor.byteOffset = typed.start;
    tensor.byteLength = typed.end - typed.start;
    if (typed.values && typed.values.length === elements) tensor.values = typedValues(typed.values, typed.field, dtype);
  }
  if (segment) tensor.segment = segment;
  if (docString) tensor.docString = docString;
  if (metadata) tensor.metadataProps = record(metadata);
  return tensor;
}

/** Typed data seen so far: which field, the span of its payload, and (for small tensors) the values. */
interface TypedData {
  field: number;
  start: number;
  end: number;
  /** Undefined once there are too many to show (or they are not wanted). */
  values: (TensorValue | Int64)[] | undefined;
}

/**
 * One occurrence of a typed repeated field. Packed fields are skipped by length unless
 * small and wanted; unpacked elements (old writers) are read one by one.
 */
function* readTyped(ctx: DecodeContext, end: number, fieldName: string, typed: TypedData): Pull<void> {
  const r = ctx.reader;
  const { field, values } = typed;
  if (r.wire === WIRE_LEN) {
    const fieldEnd = r.lengthEnd(end, fieldName);
    if (typed.start < 0) typed.start = r.pos;
    typed.end = fieldEnd;
    const length = fieldEnd - r.pos;
    if (field === 6) {
      // string_data: repeated bytes, one field per element
      if (values && values.length < MAX_SUMMARY_VALUES) {
        const offset = r.pos;
        if (length <= MAX_INLINE_STRING) {
          if (r.lacks(length, end)) yield length;
          const bytes = r.bytes(length, end);
          values.push(strictText(bytes) ?? { hex: toHex(bytes.subarray(0, MAX_HEX_PREVIEW_BYTES)), byteLength: length, byteOffset: offset });
        } else {
          if (r.lacks(MAX_HEX_PREVIEW_BYTES, end)) yield MAX_HEX_PREVIEW_BYTES;
          values.push({ hex: toHex(r.bytes(MAX_HEX_PREVIEW_BYTES, end)), byteLength: length, byteOffset: offset });
        }
      } else typed.values = undefined;
      r.pos = fieldEnd;
      return;
    }
    if (!values || length > MAX_INLINE_BYTES) {
      typed.values = undefined;
      r.pos = fieldEnd;
      return;
    }
    if (r.lacks(length, end)) yield length;
    while (r.pos < fieldEnd) values.push(readScalar(ctx, fieldEnd, field));
    if (values.length > MAX_SUMMARY_VALUES) typed.values = undefined;
    return;
  }
  // An unpacked element; the field header read already buffered it.
  r.expect(scalarWire(field), fieldName);
  if (typed.start < 0) typed.start = r.pos;
  if (values && values.length < MAX_SUMMARY_VALUES) values.push(readScalar(ctx, end, field));
  else {
    typed.values = undefined;
    r.skip(end);
  }
  typed.end = r.pos;
}

/** Every value of a TensorProto's typed data field, as stored: numbers (int64 beyond 2^53 as decimal text) or, for string_data, bytes. */
export interface TypedValues {
  field: number;
  numbers: Int64[];
  strings: Uint8Array[];
}

/** The wire type of one unpacked element of a typed field. */
function scalarWire(field: number): number {
  return field === 6 ? WIRE_LEN : field === 4 ? WIRE_FIXED32 : field === 10 ? WIRE_FIXED64 : WIRE_VARINT;
}

/**
 * Reads every value of a TensorProto's typed data fields, packed or not, for callers that need
 * the data itself (`.pb` inputs and outputs); decodeTensor only locates it. Undefined when the
 * tensor has none; other fields are skipped.
 */
export function* decodeTypedValues(ctx: DecodeContext, end: number): Pull<TypedValues | undefined> {
  const r = ctx.reader;
  let typed: TypedValues | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    const field = r.tag(end);
    const fieldName = TYPED_FIELDS[field];
    if (fieldName === undefined) {
      r.skip(end);
      continue;
    }
    typed ??= { field, numbers: [], strings: [] };
    if (typed.field !== field) throw r.error(`holds both ${TYPED_FIELDS[typed.field]} and ${fieldName}`, fieldName);
    if (field === 6 || r.wire === WIRE_LEN) {
      r.expect(WIRE_LEN, fieldName);
      const fieldEnd = r.lengthEnd(end, fieldName);
      const length = fieldEnd - r.pos;
      if (r.lacks(length, end)) yield length;
      if (field === 6) typed.strings.push(r.bytes(length, end).slice());
      else while (r.pos < fieldEnd) typed.numbers.push(readScalar(ctx, fieldEnd, field) as Int64);
    } else {
      r.expect(scalarWire(field), fieldName);
      typed.numbers.push(readScalar(ctx, end, field) as Int64);
    }
  }
  return typed;
}

function readScalar(ctx: DecodeContext, end: number, field: number): TensorValue | Int64 {
  const r = ctx.reader;
  switch (field) {
    case 4:
      return r.float32(end);
    case 10:
      return r.float64(end);
    case 5:
      return r.int32(end);
    case 11:
      return r.uint64(end);
    default:
      return r.int64(end);
  }
}

/** A dims entry: an int64 that must be a non-negative safe integer. */
function checkedDim(ctx: DecodeContext, value: Int64): number {
  if (typeof value !== 'number') throw ctx.reader.error(`dimension ${value} is beyond 2^53`, 'dims');
  if (value < 0) throw ctx.reader.error(`negative dimension ${value}`, 'dims');
  return value;
}

/** Product of dims; fails above 2^53 rather than lose precision. */
export function product(ctx: DecodeContext, dims: readonly number[], field: string): number {
  if (dims.includes(0)) return 0;
  let elements = 1;
  for (const dim of dims) {
    elements *= dim;
    if (elements > Number.MAX_SAFE_INTEGER) throw ctx.reader.error(`element count of ${formatShape(dims)} is beyond 2^53`, field);
  }
  return elements;
}

/** Storage bits per element (0 for strings). */
function bitsOf(dtype: DType): number {
  return DTYPES[dtype].bits;
}

/** external_data entries: `location` (required), `offset`, `length`, `checksum` (onnx.proto, TensorProto.external_data). */
function externalRef(ctx: DecodeContext, entries: Map<string, string>): ExternalDataRef {
  const r = ctx.reader;
  const location = entries.get('location');
  if (!location) throw r.error('external data without a location', 'external_data');
  const ref: ExternalDataRef = { location, offset: 0 };
  const offset = entries.get('offset');
  if (offset !== undefined) ref.offset = nonNegative(ctx, offset, 'offset');
  const length = entries.get('length');
  if (length !== undefined) ref.length = nonNegative(ctx, length, 'length');
  const checksum = entries.get('checksum');
  if (checksum !== undefined) ref.checksum = checksum;
  return ref;
}

function nonNegative(ctx: DecodeContext, text: string, key: string): number {
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw ctx.reader.error(`${key} "${text.slice(0, 40)}" is not a non-negative integer`, 'external_data');
  return value;
}

/** Values of a small tensor from its raw_data (little-endian), for the types shown as numbers. */
function rawValues(bytes: Uint8Array, dtype: DType, elements: number): TensorValue[] | undefined {
  const bits = bitsOf(dtype);
  if (bits < 8 || bytes.length !== (elements * bits) / 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: TensorValue[] = [];
  for (let i = 0; i < elements; i++) {
    const at = (i * bits) / 8;
    switch (dtype) {
      case 'F32':
        values.push(view.getFloat32(at, true));
        break;
      case 'F64':
        values.push(view.getFloat64(at, true));
        break;
      case 'F16':
        values.push(halfToNumber(view.getUint16(at, true)));
        break;
      case 'BF16':
        values.push(bfloat16ToNumber(view.getUint16(at, true)));
        break;
      case 'I8':
        values.push(view.getInt8(at));
        break;
      case 'U8':
        values.push(view.getUint8(at));
        break;
      case 'I16':
        values.push(view.getInt16(at, true));
        break;
      case 'U16':
        values.push(view.getUint16(at, true));
        break;
      case 'I32':
        values.push(view.getInt32(at, true));
        break;
      case 'U32':
        values.push(view.getUint32(at, true));
        break;
      case 'I64':
        values.push(int64Value(view.getUint32(at, true), view.getUint32(at + 4, true)));
        break;
      case 'U64':
        values.push(uint64Value(view.getUint32(at, true), view.getUint32(at + 4, true)));
        break;
      case 'BOOL':
        values.push(view.getUint8(at) !== 0);
        break;
      default:
        return undefined;
    }
  }
  return values;
}

/** Values from the typed field the dtype is stored in (onnx.proto, TensorProto field comments). */
function typedValues(values: (TensorValue | Int64)[], field: number, dtype: DType): TensorValue[] | undefined {
  switch (field) {
    case 4:
      return dtype === 'F32' ? values : undefined;
    case 10:
      return dtype === 'F64' ? values : undefined;
    case 7:
      return dtype === 'I64' ? values : undefined;
    case 11:
      return dtype === 'U32' || dtype === 'U64' ? values : undefined;
    case 6:
      return dtype === 'STRING' ? values : undefined;
    case 5:
      switch (dtype) {
        case 'I32':
        case 'I16':
        case 'I8':
        case 'U16':
        case 'U8':
          return values;
        case 'BOOL':
          return values.map((value) => value !== 0);
        case 'F16':
          return values.map((value) => halfToNumber((value as number) & 0xffff));
        case 'BF16':
          return values.map((value) => bfloat16ToNumber((value as number) & 0xffff));
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}

/** One occurrence of a repeated int64 `dims` field (TensorProto 1, SparseTensorProto 3), packed or not. */
function* readDims(ctx: DecodeContext, end: number, dims: number[]): Pull<void> {
  const r = ctx.reader;
  if (r.wire === WIRE_LEN) {
    const dimsEnd = yield* packed(ctx, end, 'dims', MAX_ELEMENTS * MAX_VARINT_BYTES);
    while (r.pos < dimsEnd) append(ctx, dims, checkedDim(ctx, r.int64(dimsEnd)), 'dims');
  } else {
    r.expect(WIRE_VARINT, 'dims');
    append(ctx, dims, checkedDim(ctx, r.int64(end)), 'dims');
  }
}

/**
 * Decodes a SparseTensorProto: values (1), indices (2), dims (3). Its name is the values'
 * name (onnx.proto, message SparseTensorProto).
 */
export function* decodeSparseTensor(
  ctx: DecodeContext,
  end: number,
  wantValues: boolean,
): Pull<{ dims: number[]; values?: DecodedTensor; indices?: DecodedTensor }> {
  const r = ctx.reader;
  const dims: number[] = [];
  let values: DecodedTensor | undefined;
  let indices: DecodedTensor | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: {
        const subEnd = enter(ctx, end, 'values');
        values = yield* decodeTensor(ctx, subEnd, wantValues);
        leave(ctx, subEnd);
        break;
      }
      case 2: {
        const subEnd = enter(ctx, end, 'indices');
        indices = yield* decodeTensor(ctx, subEnd, false);
        leave(ctx, subEnd);
        break;
      }
      case 3:
        yield* readDims(ctx, end, dims);
        break;
      default:
        r.skip(end);
    }
  }
  const result: { dims: number[]; values?: DecodedTensor; indices?: DecodedTensor } = { dims };
  if (values) result.values = values;
  if (indices) result.indices = indices;
  return result;
}

/** The display summary of a decoded tensor. */
export function tensorSummary(tensor: DecodedTensor): TensorSummary {
  const summary: TensorSummary = { dtype: tensor.dtype, dims: tensor.dims, elements: tensor.elements, dataLocation: tensor.dataLocation };
  if (tensor.name) summary.name = tensor.name;
  if (tensor.values) summary.values = tensor.values;
  if (tensor.dataLocation === 'raw' || tensor.dataLocation === 'typed') {
    summary.byteOffset = tensor.byteOffset;
    summary.byteLength = tensor.byteLength;
  }
  if (tensor.external) summary.external = tensor.external;
  return summary;
}

/** The display summary of a decoded sparse tensor, which must have a values tensor. */
export function sparseSummary(
  ctx: DecodeContext,
  sparse: { dims: number[]; values?: DecodedTensor; indices?: DecodedTensor },
  field: string,
): SparseTensorSummary {
  if (!sparse.values) throw ctx.reader.error('sparse tensor without values', field);
  const summary: SparseTensorSummary = { dims: sparse.dims, values: tensorSummary(sparse.values) };
  if (sparse.indices) summary.indices = tensorSummary(sparse.indices);
  return summary;
}
