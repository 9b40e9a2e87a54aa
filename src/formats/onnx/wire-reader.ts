import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';

/**
 * A protobuf wire-format reader over a ByteSource, one window of the file at a time.
 *
 * Decoders are generators: before touching bytes that may not be in the window they
 * `yield` how many they need, and `pull` fetches them. Everything in the window is
 * decoded synchronously, so a 20,000-node graph costs a few hundred reads, not a promise
 * per field. Fields the caller does not want (tensor data) are skipped by length and
 * never read.
 */

/** The protobuf wire types (protobuf encoding spec, "Message Structure"). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** A varint is at most 10 bytes. */
export const MAX_VARINT_BYTES = 10;
/** A tag and a length: enough to start any field. */
export const FIELD_HEADER_BYTES = 2 * MAX_VARINT_BYTES;
/** The first read after a skip; reads grow while the parser walks dense structure. */
export const MIN_READ_BYTES = 16 * 1024;
/** The largest window read at once (unless one field needs more). */
export const MAX_READ_BYTES = 1024 * 1024;

/** A decoder: yields the byte count it needs buffered from `reader.pos`, returns its result. */
export type Pull<T> = Generator<number, T, void>;

const TWO_32 = 2 ** 32;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads protobuf fields at `pos` from the current window of a ByteSource. Methods that
 * decode bytes require them buffered (`lacks` / `fill`); `skip` never reads.
 */
export class WireReader {
  readonly source: ByteSource;
  /** Absolute file offset of the next byte to decode. */
  pos = 0;
  /** Wire type of the last tag read. */
  wire = 0;
  /** Total bytes fetched from the source (for tests and stats). */
  bytesRead = 0;
  /** Field path for error messages, e.g. `['graph', 'node', 3]`. */
  readonly path: (string | number)[] = [];
  #buf: Uint8Array = new Uint8Array(0);
  #bufStart = 0;
  #readAhead = MIN_READ_BYTES;
  // The last varint read, as two unsigned 32-bit halves.
  #lo = 0;
  #hi = 0;

  /** `root` names the outermost message in error paths. */
  constructor(
    source: ByteSource,
    readonly root = 'ModelProto',
  ) {
    this.source = source;
  }

  /**
   * A reader over bytes already in memory (a `.pb` tensor file): the whole message is the window,
   * so decoders never ask for more and `pullNow` runs them synchronously.
   */
  static inMemory(bytes: Uint8Array, name: string, root: string): WireReader {
    const source: ByteSource = { name, size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
    const reader = new WireReader(source, root);
    reader.#buf = bytes;
    reader.bytesRead = bytes.length;
    return reader;
  }

  get name(): string {
    return this.source.name;
  }

  /** True when the next `n` bytes (no further than `end`) are not all in the window. */
  lacks(n: number, end: number): boolean {
    const want = Math.min(n, end - this.pos);
    return want > 0 && (this.pos < this.#bufStart || this.pos + want > this.#bufStart + this.#buf.length);
  }

  /** Fetches a window that starts at `pos` and holds at least `n` bytes (or up to the end of file). */
  async fill(n: number, signal?: AbortSignal): Promise<void> {
    const start = this.pos;
    const left = this.source.size - start;
    if (left <= 0) throw this.error('unexpected end of file');
    // Reading on from the current window means dense structure: read more next time.
    const sequential = start >= this.#bufStart && start <= this.#bufStart + this.#buf.length;
    this.#readAhead = sequential ? Math.min(this.#readAhead * 2, MAX_READ_BYTES) : MIN_READ_BYTES;
    const length = Math.min(Math.max(n, this.#readAhead), left);
    this.#buf = await this.source.read(start, length, signal);
    this.#bufStart = start;
    this.bytesRead += length;
  }

  /** A FormatError at the current field path. */
  error(message: string, field?: string | number): FormatError {
    return new FormatError(this.name, this.fieldPath(field), message);
  }

  /** The current field path as text, e.g. `graph.node[3].attribute[0]`. */
  fieldPath(field?: string | number): string {
    const parts = field === undefined ? this.path : [...this.path, field];
    let text = '';
    for (const part of parts) {
      if (typeof part === 'number') text += `[${part}]`;
      else text += text ? `.${part}` : part;
    }
    return text || this.root;
  }

  /** Reads a varint into the two halves. The caller has ensured up to 10 bytes (or `end`) are buffered. */
  #varint(end: number): void {
    const buf = this.#buf;
    const base = this.#bufStart;
    let index = this.pos - base;
    if (index < 0) throw this.error('internal: read outside the window');
    // Bytes that may be read: up to the end of the message and of the window.
    const limit = Math.min(end, base + buf.length) - base;
    let lo = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (index >= limit) throw this.#truncated(end);
      const byte = buf[index++]!;
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = base + index;
        this.#lo = lo >>> 0;
        this.#hi = 0;
        return;
      }
    }
    if (index >= limit) throw this.#truncated(end);
    let byte = buf[index++]!;
    lo |= (byte & 0x0f) << 28;
    let hi = (byte & 0x7f) >> 4;
    for (let shift = 3; byte >= 0x80; shift += 7) {
      if (index >= limit) throw this.#truncated(end);
      byte = buf[index++]!;
      if (shift === 31) {
        // The tenth byte holds only bit 63.
        if (byte > 1) throw this.error('varint longer than 64 bits');
        hi |= byte << 31;
        break;
      }
      hi |= (byte & 0x7f) << shift;
    }
    this.pos = base + index;
    this.#lo = lo >>> 0;
    this.#hi = hi >>> 0;
  }

  #truncated(end: number): Error {
    if (this.pos < end && end > this.#bufStart + this.#buf.length) return this.error('internal: read outside the window');
    return this.error('truncated: a field runs past the end of its message');
  }

  /** Reads a tag; returns the field number and sets `wire`. Rejects groups and invalid wire types. */
  tag(end: number): number {
    this.#varint(end);
    if (this.#hi !== 0) throw this.error('field number out of range');
    const wire = this.#lo & 7;
    const field = this.#lo >>> 3;
    if (field === 0) throw this.error('field number 0');
    if (wire === 3 || wire === 4) throw this.error(`field ${field} uses a group (wire type ${wire}), which ONNX never does`);
    if (wire > 5) throw this.error(`field ${field} has invalid wire type ${wire}`);
    this.wire = wire;
    return field;
  }

  /** Throws unless the last tag had `wire` type. */
  expect(wire: number, field: string): void {
    if (this.wire !== wire) throw this.error(`wrong wire type ${this.wire} (expected ${wire})`, field);
  }

  /** An unsigned varint that must be a safe integer (lengths, counts). */
  uint(end: number, field?: string): number {
    this.#varint(end);
    if (this.#hi >= 0x200000) throw this.error('value too large', field);
    return this.#hi * TWO_32 + this.#lo;
  }

  /** An int32 or enum: the low 32 bits, signed (negative values are sign-extended to 10 bytes). */
  int32(end: number): number {
    this.#varint(end);
    return this.#lo | 0;
  }

  /** An int64: a number when safe, else its decimal string. */
  int64(end: number): number | string {
    this.#varint(end);
    return int64Value(this.#lo, this.#hi);
  }

  /** A uint64: a number when safe, else its decimal string. */
  uint64(end: number): number | string {
    this.#varint(end);
    return uint64Value(this.#lo, this.#hi);
  }

  /** A bool (varint). */
  bool(end: number): boolean {
    this.#varint(end);
    return this.#lo !== 0 || this.#hi !== 0;
  }

  /** A float (fixed32). */
  float32(end: number): number {
    const view = this.#view(4, end);
    const value = view.getFloat32(0, true);
    this.pos += 4;
    return value;
  }

  /** A double (fixed64). */
  float64(end: number): number {
    const view = this.#view(8, end);
    const value = view.getFloat64(0, true);
    this.pos += 8;
    return value;
  }

  #view(n: number, end: number): DataView {
    if (this.pos + n > end) throw this.error('truncated: a field runs past the end of its message');
    const index = this.pos - this.#bufStart;
    if (index < 0 || index + n > this.#buf.length) throw this.error('internal: read outside the window');
    return new DataView(this.#buf.buffer, this.#buf.byteOffset + index, n);
  }

  /** The next `n` bytes as a view into the window (valid until the next fill). */
  bytes(n: number, end: number): Uint8Array {
    if (this.pos + n > end) throw this.error('truncated: a field runs past the end of its message');
    const index = this.pos - this.#bufStart;
    if (index < 0 || index + n > this.#buf.length) throw this.error('internal: read outside the window');
    this.pos += n;
    return this.#buf.subarray(index, index + n);
  }

  /** The next `n` bytes as text; invalid UTF-8 becomes U+FFFD. */
  string(n: number, end: number): string {
    return utf8.decode(this.bytes(n, end));
  }

  /** Reads a length prefix and checks the field fits in its message. Returns the field's end. */
  lengthEnd(end: number, field?: string): number {
    const length = this.uint(end, field);
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) {
      throw this.error(`length ${length} runs past the end of the enclosing message (${end - this.pos} bytes left)`, field);
    }
    return fieldEnd;
  }

  /** Skips the value of the last tag read, by its wire type, without reading skipped bytes. */
  skip(end: number): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.#varint(end);
        return;
      case WIRE_FIXED64:
        this.#advance(8, end);
        return;
      case WIRE_FIXED32:
        this.#advance(4, end);
        return;
      default:
        this.pos = this.lengthEnd(end);
    }
  }

  #advance(n: number, end: number): void {
    if (this.pos + n > end) throw this.error('truncated: a field runs past the end of its message');
    this.pos += n;
  }
}

/** Decodes bytes that must be UTF-8; returns undefined when they are not. */
export function strictText(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Lowercase hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A signed 64-bit integer from its halves: a number when safe, else its decimal string. */
export function int64Value(lo: number, hi: number): number | string {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  if (hi >= 0x80000000) {
    // Negative: take the two's complement magnitude.
    let magLo = (~lo >>> 0) + 1;
    let magHi = ~hi >>> 0;
    if (magLo === TWO_32) {
      magLo = 0;
      magHi++;
    }
    if (magHi < 0x200000) return -(magHi * TWO_32 + magLo);
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** An unsigned 64-bit integer from its halves: a number when safe, else its decimal string. */
export function uint64Value(lo: number, hi: number): number | string {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Runs a decoder to completion over a reader made by `WireReader.inMemory`, synchronously. */
export function pullNow<T>(reader: WireReader, decoder: Pull<T>): T {
  const step = decoder.next();
  // Everything is in the window, so a decoder only asks for bytes past the end of the file.
  if (!step.done) throw reader.error('unexpected end of file');
  return step.value;
}

/** Runs a decoder to completion, fetching windows as it asks. */
export async function pull<T>(reader: WireReader, decoder: Pull<T>, signal?: AbortSignal): Promise<T> {
  let step = decoder.next();
  while (!step.done) {
    if (signal?.aborted) throw new CancelledError();
    await reader.fill(step.value, signal);
    step = decoder.next();
  }
  return step.value;
}
