import type { ByteSource } from '../../model/byte-source';
import type { TensorInfo } from '../../model/document';
import { DTYPES, type DType } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import { parseStrictJson, StrictJsonError, type JsonObject, type JsonPath, type JsonValue } from './parse-strict-json';
import { formatShape } from '../../model/units';

/**
 * Largest header accepted, as in the reference implementation
 * (huggingface/safetensors, safetensors/src/tensor.rs, MAX_HEADER_SIZE).
 */
export const MAX_HEADER_LENGTH = 100_000_000;
/** Most tensors in one file (or one index's weight_map). Real checkpoints have at most a few 100k. */
export const MAX_TENSORS = 1_000_000;
/** Longest tensor name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 65_536;
/**
 * Deepest JSON nesting accepted in a safetensors header or index, whose shapes are fixed: a header
 * is an object of objects holding arrays (3), an index an object of objects (2). Free-form JSON
 * sidecars such as config.json have their own, looser bound (MAX_JSON_SIDECAR_DEPTH in json-sidecar.ts).
 */
export const MAX_SAFETENSORS_JSON_DEPTH = 8;

/** The smallest header is `{}`. */
const MIN_HEADER_LENGTH = 2;
const LENGTH_BYTES = 8;
const METADATA_KEY = '__metadata__';
const TENSOR_FIELDS = ['dtype', 'shape', 'data_offsets'] as const;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The dtypes a safetensors header may name (the reference's `Dtype` enum). U4, I4, STRING and
 * C128 are Loupe-internal types for other formats and are rejected here.
 */
export const SAFETENSORS_DTYPES: ReadonlySet<DType> = new Set<DType>([
  'BOOL',
  'U8',
  'I8',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
  'C64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
]);

/** What a safetensors file's header says. Tensor data is never read. */
export interface SafetensorsHeader {
  /** N, the length in bytes of the JSON header that follows the 8-byte length. Data starts at 8 + N. */
  headerLength: number;
  /** The `__metadata__` string map, when the header has one. */
  metadata?: Record<string, string>;
  /** Every tensor, in file order (by data offset). */
  tensors: TensorInfo[];
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  start: number;
  end: number;
}

/**
 * Reads and validates a safetensors header: the 8-byte little-endian length, then the JSON header,
 * and nothing more. Validation follows the reference implementation (huggingface/safetensors,
 * safetensors/src/tensor.rs, `read_metadata` and `Metadata::validate`), plus duplicate-key,
 * unknown-field and size bounds. Every failure is a FormatError naming the field.
 */
export async function parseSafetensors(source: ByteSource, signal?: AbortSignal): Promise<SafetensorsHeader> {
  if (signal?.aborted) throw new CancelledError();
  const file = source.name;
  if (source.size < LENGTH_BYTES) {
    throw new FormatError(file, 'header length', `file is ${source.size} bytes, too short for the 8-byte header length`);
  }
  const lengthBytes = await source.read(0, LENGTH_BYTES, signal);
  // A u64: read as BigInt so values above 2^53 are compared exactly, not rounded.
  const length = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, LENGTH_BYTES).getBigUint64(0, true);
  if (length < BigInt(MIN_HEADER_LENGTH)) {
    throw new FormatError(file, 'header length', `${length} bytes is too small for a JSON header (at least ${MIN_HEADER_LENGTH})`);
  }
  if (length > BigInt(MAX_HEADER_LENGTH)) {
    throw new FormatError(file, 'header length', `${length} bytes is larger than the ${MAX_HEADER_LENGTH}-byte limit`);
  }
  if (length + BigInt(LENGTH_BYTES) > BigInt(source.size)) {
    throw new FormatError(file, 'header length', `${length} bytes runs past the end of the ${source.size}-byte file`);
  }
  const headerLength = Number(length);
  const headerBytes = await source.read(LENGTH_BYTES, headerLength, signal);
  if (signal?.aborted) throw new CancelledError();

  let text: string;
  try {
    // ignoreBOM keeps a leading BOM in the text, so the `{` check below rejects it as the reference does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new FormatError(file, 'header', 'is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    throw new FormatError(file, 'header', `must start with '{', found ${JSON.stringify(text.slice(0, 8))}`);
  }
  let root: JsonValue;
  try {
    // Trailing spaces are allowed: writers pad the header to a multiple of 8 bytes.
    // No value in a valid header is a float: dims and offsets are usize, metadata values strings.
    root = parseStrictJson(text, { maxDepth: MAX_SAFETENSORS_JSON_DEPTH, maxMembers: MAX_TENSORS + 1, integersOnly: true });
  } catch (error) {
    if (error instanceof StrictJsonError) throw new FormatError(file, headerField(error.path), error.message);
    throw error;
  }
  if (!(root instanceof Map)) throw new FormatError(file, 'header', 'is not a JSON object');

  const { metadata, entries } = readEntries(file, root);
  const tensors = validateLayout(file, entries, headerLength, source.size - LENGTH_BYTES - headerLength);
  return metadata === undefined ? { headerLength, tensors } : { headerLength, metadata, tensors };
}

/** Checks each entry's JSON shape and types, in header order, like the reference's deserialization. */
function readEntries(file: string, root: JsonObject): { metadata?: Record<string, string>; entries: Entry[] } {
  let metadata: Record<string, string> | undefined;
  const count = root.size - (root.has(METADATA_KEY) ? 1 : 0);
  if (count > MAX_TENSORS) throw new FormatError(file, 'header', `has ${count} tensors, more than the ${MAX_TENSORS} limit`);
  const entries: Entry[] = [];
  for (const [name, value] of root) {
    if (name === METADATA_KEY) {
      metadata = readMetadata(file, value);
      continue;
    }
    entries.push(readTensor(file, name, value));
  }
  return { metadata, entries };
}

function readMetadata(file: string, value: JsonValue): Record<string, string> | undefined {
  // The reference reads it as Option<HashMap<String, String>>, so `null` means "none".
  if (value === null) return undefined;
  if (!(value instanceof Map)) throw new FormatError(file, METADATA_KEY, `must be an object of strings, found ${typeName(value)}`);
  for (const [key, item] of value) {
    if (typeof item !== 'string') {
      throw new FormatError(file, headerField([METADATA_KEY, key]), `must be a string, found ${typeName(item)}`);
    }
  }
  // fromEntries defines own properties, so a key like `__proto__` stays a plain key.
  return Object.fromEntries(value) as Record<string, string>;
}

function readTensor(file: string, name: string, value: JsonValue): Entry {
  // Runs once per tensor, up to MAX_TENSORS times: field names are built only on failure, and no
  // closures are allocated on the success path.
  if (name.length > MAX_NAME_LENGTH) fail(file, name, '', `name is longer than ${MAX_NAME_LENGTH} characters`);
  if (!(value instanceof Map)) return fail(file, name, '', `must be an object, found ${typeName(value)}`);
  if (value.size !== TENSOR_FIELDS.length || !value.has('dtype') || !value.has('shape') || !value.has('data_offsets')) {
    for (const key of value.keys()) {
      // Stricter than the reference, which ignores unknown fields: no writer emits them.
      if (!(TENSOR_FIELDS as readonly string[]).includes(key)) fail(file, name, member(key), 'unknown field');
    }
    for (const key of TENSOR_FIELDS) if (!value.has(key)) fail(file, name, `.${key}`, 'is missing');
  }

  const dtype = value.get('dtype');
  if (typeof dtype !== 'string') return fail(file, name, '.dtype', `must be a string, found ${typeName(dtype)}`);
  if (!SAFETENSORS_DTYPES.has(dtype as DType)) fail(file, name, '.dtype', `unknown dtype ${JSON.stringify(dtype)}`);

  const shapeValue = value.get('shape');
  if (!Array.isArray(shapeValue)) return fail(file, name, '.shape', `must be an array, found ${typeName(shapeValue)}`);
  const shape = new Array<number>(shapeValue.length);
  for (let i = 0; i < shapeValue.length; i++) {
    const dim = shapeValue[i];
    // The parser already refused floats such as `1.0`, as serde does for usize.
    if (typeof dim === 'number' && dim >= 0) shape[i] = dim;
    else fail(file, name, `.shape[${i}]`, integerProblem(dim));
  }

  const offsets = value.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    return fail(file, name, '.data_offsets', `must be an array of two integers [begin, end], found ${describe(offsets)}`);
  }
  const [start, end] = offsets;
  if (typeof start !== 'number' || start < 0) return fail(file, name, '.data_offsets[0]', integerProblem(start));
  if (typeof end !== 'number' || end < 0) return fail(file, name, '.data_offsets[1]', integerProblem(end));
  return { name, dtype: dtype as DType, shape, start, end };
}

function fail(file: string, name: string, suffix: string, message: string): never {
  throw new FormatError(file, tensorField(name) + suffix, message);
}

/** Why a value is not a non-negative integer below 2^53 (the parser gives larger ones as bigint). */
function integerProblem(value: JsonValue | undefined): string {
  if (typeof value === 'bigint' && value > SAFE_MAX) return `${value} is larger than 2^53 - 1`;
  return `must be a non-negative integer, found ${describe(value)}`;
}

/**
 * Sorts by offsets and checks the entries tile the data section exactly, in the order the
 * reference's `Metadata::validate` checks them: offsets, then overflow, then whole bytes, then size.
 */
function validateLayout(file: string, entries: Entry[], headerLength: number, dataLength: number): TensorInfo[] {
  entries.sort((a, b) => a.start - b.start || a.end - b.end);
  const dataStart = LENGTH_BYTES + headerLength;
  const tensors: TensorInfo[] = new Array<TensorInfo>(entries.length);
  let position = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    if (entry.end < entry.start) {
      throw new FormatError(file, `${tensorField(entry.name)}.data_offsets`, `end ${entry.end} is before begin ${entry.start}`);
    }
    if (entry.start !== position) {
      const problem =
        i === 0 ? 'the first tensor must begin at 0' : entry.start < position ? 'overlaps the previous tensor' : 'leaves a gap after the previous tensor';
      const previous = i === 0 ? '' : ` (previous ends at ${position})`;
      throw new FormatError(file, `${tensorField(entry.name)}.data_offsets`, `begins at ${entry.start}: ${problem}${previous}`);
    }
    position = entry.end;

    const elements = elementCount(entry.shape);
    if (elements === undefined) {
      throw new FormatError(file, `${tensorField(entry.name)}.shape`, `${formatShape(entry.shape)} has more than 2^53 - 1 elements`);
    }
    const needed = byteCount(elements, DTYPES[entry.dtype].bits);
    if (needed === undefined) {
      throw new FormatError(file, `${tensorField(entry.name)}.shape`, `${elements} elements of ${entry.dtype} do not fill whole bytes`);
    }
    const byteLength = entry.end - entry.start;
    if (needed !== byteLength) {
      throw new FormatError(
        file,
        `${tensorField(entry.name)}.data_offsets`,
        `spans ${byteLength} bytes, but shape ${formatShape(entry.shape)} of ${entry.dtype} needs ${needed}`,
      );
    }
    tensors[i] = {
      name: entry.name,
      dtype: entry.dtype,
      shape: entry.shape,
      elements,
      file,
      byteOffset: dataStart + entry.start,
      byteLength,
    };
  }
  // The last tensor must end exactly at the end of the file (reference: MetadataIncompleteBuffer).
  if (position > dataLength) {
    const last = entries[entries.length - 1] as Entry;
    throw new FormatError(file, `${tensorField(last.name)}.data_offsets`, `ends at ${position}, past the ${dataLength} data bytes in the file`);
  }
  if (position < dataLength) {
    throw new FormatError(file, 'data', `${dataLength - position} trailing bytes after the last tensor (data ends at ${position} of ${dataLength})`);
  }
  return tensors;
}

/** The product of the dims, or undefined when it exceeds 2^53 - 1. */
function elementCount(shape: number[]): number | undefined {
  let product = 1;
  for (const dim of shape) product *= dim;
  // With dims >= 1 the partial products only grow, so a result at most 2^53 - 1 was exact all along.
  if (product <= Number.MAX_SAFE_INTEGER) return product;
  // Too big, or NaN from Infinity * 0: count exactly.
  let exact = 1n;
  for (const dim of shape) exact *= BigInt(dim);
  return exact <= SAFE_MAX ? Number(exact) : undefined;
}

/**
 * Bytes that `elements` of a `bits`-wide dtype fill, exactly, or undefined when they end mid-byte
 * (reference: MisalignedSlice). A bigint only when above 2^53 - 1, so it never equals a real length.
 */
function byteCount(elements: number, bits: number): number | bigint | undefined {
  const total = elements * bits;
  if (total <= Number.MAX_SAFE_INTEGER) return total % 8 === 0 ? total / 8 : undefined;
  const exact = BigInt(elements) * BigInt(bits);
  if (exact % 8n !== 0n) return undefined;
  return exact / 8n <= SAFE_MAX ? Number(exact / 8n) : exact / 8n;
}

function tensorField(name: string): string {
  // Hostile names can be huge; the field only has to identify the tensor.
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return `tensors[${JSON.stringify(shown)}]`;
}

function member(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key)}]`;
}

/** The field for a JSON path: `header`, `__metadata__["k"]` or `tensors["name"].shape[1]`. */
function headerField(path: JsonPath): string {
  const [first, ...rest] = path;
  if (first === undefined) return 'header';
  if (first === METADATA_KEY) return METADATA_KEY + rest.map((key) => (typeof key === 'string' ? `[${JSON.stringify(key)}]` : `[${key}]`)).join('');
  return tensorField(String(first)) + rest.map(member).join('');
}

function typeName(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value instanceof Map) return 'an object';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint' || typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

function describe(value: JsonValue | undefined): string {
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeName(value);
}
