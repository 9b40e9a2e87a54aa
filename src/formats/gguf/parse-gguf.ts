import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { ggmlTypeById, type GgmlTypeName } from './ggml-types';
import {
  MAX_ALIGNMENT,
  MAX_ARRAY_LENGTH,
  MAX_ARRAY_NESTING,
  MAX_DIM,
  MAX_DIMS,
  MAX_KEY_LENGTH,
  MAX_METADATA_COUNT,
  MAX_STRING_LENGTH,
  MAX_TENSOR_COUNT,
  MAX_TENSOR_NAME_LENGTH,
  MIN_BITS_PER_PARAMETER,
} from './gguf-limits';
import { decodeUtf8 } from './decode-utf8';
import { HeaderReader } from './header-reader';
import { formatShape } from '../../model/units';

/** `GGUF` at the byte level (docs/gguf.md, gguf_header_t.magic). */
export const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46] as const;
/** Versions read: 3, and 2, which has the same layout (3 only added big-endian files). Version 1 used 32-bit counts and is refused, as ggml does. */
export const GGUF_VERSIONS = [2, 3] as const;
/** `general.alignment` when the file does not say (ggml.h GGUF_DEFAULT_ALIGNMENT). */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** `enum gguf_metadata_value_type`, by id. */
export const GGUF_VALUE_TYPES = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'bool',
  'string',
  'array',
  'uint64',
  'int64',
  'float64',
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

/** A metadata value: 64-bit integers are bigint (exact), every other number a number. */
export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufMetadataEntry {
  key: string;
  type: GgufValueType;
  /** For arrays, the element type (`array` for an array of arrays). */
  elementType?: GgufValueType;
  value: GgufValue;
  /** Bytes the value takes in the file (after the key and type), so a summary can say how big it is. */
  byteLength: number;
}

export interface GgufTensorInfo {
  name: string;
  /** The ggml type's name (e.g. `Q4_K`) and enum value. */
  type: GgmlTypeName;
  typeId: number;
  /** Dimensions in ggml order: innermost (contiguous) first, as written in the file. */
  dims: number[];
  /** The same dimensions in PyTorch order: outermost first (ggml order reversed). */
  shape: number[];
  /** Product of the dims (1 for no dims). */
  elements: number;
  /** Offset of the data from the start of the data section, as written. */
  offset: number;
  /** Absolute byte offset of the first data byte in the file. */
  byteOffset: number;
  /** Bytes of data: elements / block size × bytes per block. */
  byteLength: number;
}

/** Everything a GGUF header says. Tensor data is never read. */
export interface GgufHeader {
  file: string;
  /** File size in bytes. */
  size: number;
  version: 2 | 3;
  /** False for a big-endian file (its version reads byte-swapped): every value and tensor is big-endian. */
  littleEndian: boolean;
  /** Metadata in file order. Keys are unique. */
  metadata: GgufMetadataEntry[];
  /** `general.alignment`, or 32 when absent. */
  alignment: number;
  /** Byte range of the tensor infos: [start, end before padding). */
  tensorInfoRange: [number, number];
  /** Absolute offset of the data section: the end of the tensor infos, aligned. */
  dataStart: number;
  /** Tensor infos in file order. */
  tensors: GgufTensorInfo[];
  /** Sum of every tensor's elements. */
  parameterCount: number;
  /** Bytes read from the source to parse the header. */
  bytesRead: number;
}

/** Smallest tensor info: name length (8), n_dims (4), type (4), offset (8). */
const MIN_TENSOR_INFO_BYTES = 24;
/** Smallest key/value pair: key length (8), a 1-byte key, type (4), a 1-byte value. */
const MIN_KV_BYTES = 14;
/** Bytes per element of each fixed-width value type; strings and arrays take at least their length fields. */
const MIN_VALUE_BYTES: Record<GgufValueType, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  string: 8,
  array: 12,
  uint64: 8,
  int64: 8,
  float64: 8,
};
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Strings up to this many bytes are decoded by hand (decode-utf8.ts); longer ones by TextDecoder. */
const SHORT_STRING = 256;

/** Whether a GGUF file whose first 8 bytes are `head` is little-endian. */
export function ggufIsLittleEndian(head: Uint8Array): boolean {
  const littleVersion = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
  // A big-endian file's small version reads as a huge one with its low half zero (ggml gguf.cpp does the same test).
  return littleVersion === 0 || (littleVersion & 0xffff) !== 0;
}

/** Whether `head` starts with the GGUF magic. */
export function hasGgufMagic(head: Uint8Array): boolean {
  return head.length >= 4 && GGUF_MAGIC.every((byte, i) => head[i] === byte);
}

/**
 * Reads and validates a GGUF header (ggml docs/gguf.md): magic, version, counts, metadata, tensor
 * infos and the data layout, reading the header in growing chunks and never the tensor data.
 * Validation follows ggml's reader (src/gguf.cpp), plus the bounds of gguf-limits.ts. Every failure
 * is a FormatError naming the file and the field.
 */
export async function parseGgufHeader(source: ByteSource, signal?: AbortSignal): Promise<GgufHeader> {
  if (signal?.aborted) throw new CancelledError();
  const file = source.name;
  if (source.size < 8) throw new FormatError(file, 'magic', `the file is ${source.size} bytes, too short for the magic and version`);
  const head = await source.read(0, 8, signal);
  if (GGUF_MAGIC.some((byte, i) => head[i] !== byte)) {
    throw new FormatError(file, 'magic', `expected "GGUF", found ${describeBytes(head.subarray(0, 4))}`);
  }
  const littleEndian = ggufIsLittleEndian(head);
  const version = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, littleEndian);
  if (version === 1) throw new FormatError(file, 'version', 'GGUF version 1 (32-bit counts) is no longer supported by ggml; convert the file again');
  if (version !== 2 && version !== 3) {
    throw new FormatError(file, 'version', `unknown GGUF version ${version}${littleEndian ? '' : ' (read as big-endian)'}; Loupe reads versions 2 and 3`);
  }

  const reader = new HeaderReader(source, littleEndian, 8, signal);
  await reader.fill(16, 'tensor_count');
  const tensorCount = checkedCount(reader, reader.u64(), 'tensor_count', MAX_TENSOR_COUNT, MIN_TENSOR_INFO_BYTES, 'tensor infos');
  const metadataCount = checkedCount(reader, reader.u64(), 'metadata_kv_count', MAX_METADATA_COUNT, MIN_KV_BYTES, 'key/value pairs');

  const metadata = await readMetadata(reader, metadataCount);
  const alignment = readAlignment(file, metadata);
  const tensorInfoStart = reader.position;
  const infos = await readTensorInfos(reader, tensorCount);
  const tensorInfoEnd = reader.position;
  const dataStart = alignUp(tensorInfoEnd, alignment);
  const tensors = layOut(file, source.size, infos, dataStart, alignment);
  let parameterCount = 0;
  for (const tensor of tensors) parameterCount += tensor.elements;
  return {
    file,
    size: source.size,
    version,
    littleEndian,
    metadata,
    alignment,
    tensorInfoRange: [tensorInfoStart, tensorInfoEnd],
    dataStart,
    tensors,
    parameterCount,
    bytesRead: 8 + reader.bytesRead,
  };
}

/** A u64 count, bounded by its limit and by what the rest of the file can hold at `minBytes` each. */
function checkedCount(reader: HeaderReader, count: bigint, field: string, limit: number, minBytes: number, what: string): number {
  if (count > BigInt(limit)) throw new FormatError(reader.file, field, `${count} is more than the limit of ${limit}`);
  const n = Number(count);
  if (n * minBytes > reader.remaining()) {
    throw new FormatError(reader.file, field, `${n} ${what} need at least ${n * minBytes} bytes, but only ${reader.remaining()} remain in the file`);
  }
  return n;
}

async function readMetadata(reader: HeaderReader, count: number): Promise<GgufMetadataEntry[]> {
  const entries: GgufMetadataEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const keyField = `metadata[${i}].key`;
    const key = await readString(reader, keyField, MAX_KEY_LENGTH);
    if (key.length === 0) throw new FormatError(reader.file, keyField, 'is empty');
    const field = `metadata[${quote(key)}]`;
    if (seen.has(key)) throw new FormatError(reader.file, field, 'duplicate key: it appears twice in the metadata');
    seen.add(key);
    if (reader.available() < 4) await reader.fill(4, `${field}.type`);
    const type = valueType(reader, reader.u32(), `${field}.type`);
    const start = reader.position;
    let elementType: GgufValueType | undefined;
    if (type === 'array') {
      // Peek the element type for the entry; readValue reads it again with its checks.
      if (reader.available() < 4) await reader.fill(4, field);
      const at = reader.position;
      elementType = GGUF_VALUE_TYPES[reader.u32()];
      reader.position = at;
    }
    const value = await readValue(reader, type, field, 0);
    const entry: GgufMetadataEntry = { key, type, value, byteLength: reader.position - start };
    if (elementType !== undefined) entry.elementType = elementType;
    entries.push(entry);
  }
  return entries;
}

function valueType(reader: HeaderReader, id: number, field: string): GgufValueType {
  const type = GGUF_VALUE_TYPES[id];
  if (type === undefined) throw new FormatError(reader.file, field, `unknown value type ${id} (known: 0 to ${GGUF_VALUE_TYPES.length - 1})`);
  return type;
}

async function readString(reader: HeaderReader, field: string, limit: number): Promise<string> {
  const buffered = readBufferedString(reader, field, limit);
  if (buffered !== undefined) return buffered;
  await reader.fill(8, field);
  const n = checkedStringLength(reader, reader.u64Number(), field, limit);
  await reader.fill(n, field);
  return decodeString(reader, n, field);
}

/**
 * Reads a string when its length and bytes are already buffered, else returns undefined having
 * consumed nothing. Token arrays hold 100k+ strings: this keeps them off the async path.
 */
function readBufferedString(reader: HeaderReader, field: string, limit: number, index?: number): string | undefined {
  if (reader.available() < 8) return undefined;
  const start = reader.position;
  const n = checkedStringLength(reader, reader.u64Number(), field, limit, index);
  if (reader.available() < n) {
    reader.position = start;
    return undefined;
  }
  return decodeString(reader, n, field, index);
}

/** `field`, or `field[index]` for an array element: built only when an error needs it. */
function elementField(field: string, index: number | undefined): string {
  return index === undefined ? field : `${field}[${index}]`;
}

function checkedStringLength(reader: HeaderReader, n: number, field: string, limit: number, index?: number): number {
  if (n > limit) throw new FormatError(reader.file, elementField(field, index), `string length ${u64Text(n)} is more than the limit of ${limit} bytes`);
  if (n > reader.remaining())
    throw new FormatError(reader.file, elementField(field, index), `string length ${n} runs past the end of the file (${reader.remaining()} bytes remain)`);
  return n;
}

function decodeString(reader: HeaderReader, n: number, field: string, index?: number): string {
  const bytes = reader.bytes(n);
  const text = n <= SHORT_STRING ? decodeUtf8(bytes, 0, n) : decodeLong(bytes);
  if (text === undefined) throw new FormatError(reader.file, elementField(field, index), 'is not valid UTF-8');
  return text;
}

function decodeLong(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

async function readValue(reader: HeaderReader, type: GgufValueType, field: string, depth: number): Promise<GgufValue> {
  if (type === 'string') return readString(reader, field, MAX_STRING_LENGTH);
  if (type === 'array') return readArray(reader, field, depth + 1);
  const size = MIN_VALUE_BYTES[type];
  if (reader.available() < size) await reader.fill(size, field);
  return readScalar(reader, type, field);
}

/** Reads a fixed-width value; the bytes must already be buffered. */
function readScalar(reader: HeaderReader, type: GgufValueType, field: string): number | bigint | boolean {
  switch (type) {
    case 'uint8':
      return reader.u8();
    case 'int8':
      return reader.i8();
    case 'uint16':
      return reader.u16();
    case 'int16':
      return reader.i16();
    case 'uint32':
      return reader.u32();
    case 'int32':
      return reader.i32();
    case 'float32':
      return reader.f32();
    case 'uint64':
      return reader.u64();
    case 'int64':
      return reader.i64();
    case 'float64':
      return reader.f64();
    case 'bool': {
      const byte = reader.u8();
      // docs/gguf.md: "Anything else is invalid".
      if (byte > 1) throw new FormatError(reader.file, field, `a bool must be 0 or 1, found ${byte}`);
      return byte === 1;
    }
    case 'string':
    case 'array':
      throw new Error(`${type} is not a fixed-width type`);
  }
}

async function readArray(reader: HeaderReader, field: string, level: number): Promise<GgufValue[]> {
  if (level > MAX_ARRAY_NESTING) throw new FormatError(reader.file, field, `arrays are nested more than ${MAX_ARRAY_NESTING} deep`);
  if (reader.available() < 12) await reader.fill(12, field);
  const type = valueType(reader, reader.u32(), `${field}.type`);
  const n = reader.u64Number();
  if (n > MAX_ARRAY_LENGTH) throw new FormatError(reader.file, field, `array length ${u64Text(n)} is more than the limit of ${MAX_ARRAY_LENGTH}`);
  const minBytes = n * MIN_VALUE_BYTES[type];
  if (minBytes > reader.remaining()) {
    throw new FormatError(reader.file, field, `${n} ${type} elements need at least ${minBytes} bytes, but only ${reader.remaining()} remain in the file`);
  }
  const values = new Array<GgufValue>(n);
  if (type === 'string') {
    for (let i = 0; i < n; i++) {
      values[i] = readBufferedString(reader, field, MAX_STRING_LENGTH, i) ?? (await readString(reader, `${field}[${i}]`, MAX_STRING_LENGTH));
    }
  } else if (type === 'array') {
    for (let i = 0; i < n; i++) values[i] = await readArray(reader, `${field}[${i}]`, level + 1);
  } else {
    // Fixed width: the whole array is at most MAX_ARRAY_LENGTH × 8 bytes, buffered at once.
    if (reader.available() < minBytes) await reader.fill(minBytes, field);
    for (let i = 0; i < n; i++) values[i] = readScalar(reader, type, type === 'bool' ? `${field}[${i}]` : field);
  }
  return values;
}

/** `general.alignment`: a uint32 (ggml refuses any other type), non-zero, a multiple of 8 (docs/gguf.md). */
function readAlignment(file: string, metadata: GgufMetadataEntry[]): number {
  const entry = metadata.find((e) => e.key === 'general.alignment');
  if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const field = 'metadata["general.alignment"]';
  if (entry.type !== 'uint32') throw new FormatError(file, field, `must be a uint32, found ${entry.type}`);
  const value = entry.value as number;
  if (value === 0 || value % 8 !== 0) throw new FormatError(file, field, `${value} is not a non-zero multiple of 8`);
  if (value > MAX_ALIGNMENT) throw new FormatError(file, field, `${value} is more than the limit of ${MAX_ALIGNMENT}`);
  return value;
}

interface RawTensorInfo {
  name: string;
  typeId: number;
  type: GgmlTypeName;
  blockSize: number;
  blockBytes: number;
  dims: number[];
  elements: number;
  offset: bigint;
}

async function readTensorInfos(reader: HeaderReader, count: number): Promise<RawTensorInfo[]> {
  const infos = new Array<RawTensorInfo>(count);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = await readString(reader, `tensors[${i}].name`, MAX_TENSOR_NAME_LENGTH);
    const field = tensorField(name);
    if (seen.has(name)) throw new FormatError(reader.file, field, 'duplicate tensor name: it appears twice in the tensor infos');
    seen.add(name);
    if (reader.available() < 4) await reader.fill(4, `${field}.n_dims`);
    const nDims = reader.u32();
    if (nDims > MAX_DIMS) throw new FormatError(reader.file, `${field}.n_dims`, `${nDims} dimensions is more than ggml's ${MAX_DIMS}`);
    const fixed = nDims * 8 + 12;
    if (reader.available() < fixed) await reader.fill(fixed, `${field}.dims`);
    const dims = new Array<number>(nDims);
    let elements = 1;
    for (let d = 0; d < nDims; d++) {
      const dim = reader.u64();
      if (dim > BigInt(MAX_DIM)) throw new FormatError(reader.file, `${field}.dims[${d}]`, `${dim} is more than the limit of ${MAX_DIM}`);
      dims[d] = Number(dim);
      elements *= dims[d]!;
    }
    // Each dim is at most 2^32, so the float product is exact until it passes 2^53.
    if (elements > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(reader.file, `${field}.dims`, `the product of ${formatShape(dims)} overflows: more than 2^53 - 1 elements`);
    }
    const typeId = reader.u32();
    const type = ggmlTypeById(typeId);
    if (type === undefined) throw new FormatError(reader.file, `${field}.type`, `unknown ggml type ${typeId}`);
    const row = nDims === 0 ? 1 : dims[0]!;
    if (row % type.blockSize !== 0) {
      throw new FormatError(reader.file, `${field}.dims[0]`, `a row of ${row} elements is not a multiple of ${type.name}'s block of ${type.blockSize}`);
    }
    const offset = reader.u64();
    infos[i] = { name, typeId, type: type.name, blockSize: type.blockSize, blockBytes: type.blockBytes, dims, elements, offset };
  }
  return infos;
}

/**
 * Checks the data layout: the declared parameters fit the file at all, then each tensor's offset is
 * aligned and its bytes lie inside the file, and no two tensors overlap (ggml requires them packed
 * in order; gaps are tolerated here, as they harm nothing).
 */
function layOut(file: string, size: number, infos: RawTensorInfo[], dataStart: number, alignment: number): GgufTensorInfo[] {
  let declared = 0;
  for (const info of infos) declared += info.elements;
  const most = (size * 8) / MIN_BITS_PER_PARAMETER;
  if (declared > most) {
    throw new FormatError(
      file,
      'tensors',
      `the tensor shapes declare ${declared} parameters, more than a ${size}-byte file can hold at ${MIN_BITS_PER_PARAMETER} bit per parameter (${most})`,
    );
  }
  const tensors = infos.map((info): GgufTensorInfo => {
    const field = `${tensorField(info.name)}.offset`;
    if (info.offset % BigInt(alignment) !== 0n) throw new FormatError(file, field, `${info.offset} is not a multiple of the alignment, ${alignment}`);
    if (info.offset >= BigInt(size)) throw new FormatError(file, field, `${info.offset} is past the end of the ${size}-byte file`);
    const offset = Number(info.offset);
    const byteLength = (info.elements / info.blockSize) * info.blockBytes;
    const byteOffset = dataStart + offset;
    const end = byteOffset + byteLength;
    if (end > size) {
      throw new FormatError(
        file,
        tensorField(info.name),
        `its ${byteLength} bytes of ${info.type} data end at byte ${end}, past the end of the ${size}-byte file (truncated?)`,
      );
    }
    return {
      name: info.name,
      type: info.type,
      typeId: info.typeId,
      dims: info.dims,
      shape: info.dims.slice().reverse(),
      elements: info.elements,
      offset,
      byteOffset,
      byteLength,
    };
  });
  const sorted = tensors.slice().sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const tensor = sorted[i]!;
    if (tensor.offset < previous.offset + previous.byteLength) {
      throw new FormatError(
        file,
        `${tensorField(tensor.name)}.offset`,
        `${tensor.offset} overlaps ${quote(previous.name)}, which spans [${previous.offset}, ${previous.offset + previous.byteLength})`,
      );
    }
  }
  return tensors;
}

/** A u64 read as a number, for a message: exact up to 2^53. */
function u64Text(n: number): string {
  return n > Number.MAX_SAFE_INTEGER ? 'above 2^53' : String(n);
}

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

function tensorField(name: string): string {
  return `tensors[${quote(name)}]`;
}

/** A name as JSON, cut short: hostile names and keys can be long. */
function quote(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

function describeBytes(bytes: Uint8Array): string {
  const text = Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${JSON.stringify(text)} (${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')})`;
}
