import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { MAX_HEADER_LENGTH } from './gguf-limits';

/** First read: enough for the fixed header and most small files' whole header. */
export const INITIAL_CHUNK_BYTES = 64 * 1024;
/**
 * Largest single read. Chunks double up to this, so a 10 MB header takes 8 reads (8 Range
 * requests from the Hub) and the last read runs at most this far past the header's end.
 */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads a GGUF header front to back through a ByteSource, in chunks that double in size, keeping
 * only the bytes not yet consumed. Callers check `available()` and await `fill(n)` only when short,
 * so the common path stays synchronous.
 */
export class HeaderReader {
  /** File offset of the next byte to consume. */
  position = 0;
  /** Bytes handed out by the source so far. */
  bytesRead = 0;
  readonly littleEndian: boolean;
  #bytes: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(new ArrayBuffer(0));
  /** File offset of #bytes[0]. */
  #start = 0;
  #nextChunk = INITIAL_CHUNK_BYTES;
  readonly #source: ByteSource;
  readonly #signal: AbortSignal | undefined;

  /** Starts reading at file offset `start`. */
  constructor(source: ByteSource, littleEndian: boolean, start: number, signal?: AbortSignal) {
    this.position = start;
    this.#start = start;
    this.#source = source;
    this.littleEndian = littleEndian;
    this.#signal = signal;
  }

  get file(): string {
    return this.#source.name;
  }

  get size(): number {
    return this.#source.size;
  }

  /** Bytes from `position` to the end of the file. */
  remaining(): number {
    return this.#source.size - this.position;
  }

  /** Bytes buffered from `position` on. */
  available(): number {
    return this.#start + this.#bytes.length - this.position;
  }

  /** Buffers at least `n` bytes from `position`, or throws a FormatError naming `field` when the file ends first. */
  async fill(n: number, field: string): Promise<void> {
    if (this.available() >= n) return;
    if (this.#signal?.aborted) throw new CancelledError();
    if (n > this.remaining()) {
      throw new FormatError(this.file, field, `the file ends at byte ${this.size}, inside this field (it needs ${n} bytes from byte ${this.position})`);
    }
    const end = this.#start + this.#bytes.length;
    const short = n - this.available();
    if (end + short > MAX_HEADER_LENGTH) {
      throw new FormatError(this.file, field, `the header runs past ${MAX_HEADER_LENGTH} bytes, the limit on a GGUF header`);
    }
    // Never read past the header limit, nor past the end of the file.
    const length = Math.max(short, Math.min(this.#nextChunk, this.size - end, MAX_HEADER_LENGTH - end));
    const chunk = await this.#source.read(end, length, this.#signal);
    this.bytesRead += length;
    this.#nextChunk = Math.min(this.#nextChunk * 2, MAX_CHUNK_BYTES);
    const kept = this.#bytes.subarray(this.position - this.#start);
    const joined = new Uint8Array(kept.length + chunk.length);
    joined.set(kept);
    joined.set(chunk, kept.length);
    this.#bytes = joined;
    this.#view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    this.#start = this.position;
  }

  #at(size: number): number {
    const at = this.position - this.#start;
    this.position += size;
    return at;
  }

  // The getters below assume fill() has buffered enough.
  u8(): number {
    return this.#view.getUint8(this.#at(1));
  }
  i8(): number {
    return this.#view.getInt8(this.#at(1));
  }
  u16(): number {
    return this.#view.getUint16(this.#at(2), this.littleEndian);
  }
  i16(): number {
    return this.#view.getInt16(this.#at(2), this.littleEndian);
  }
  u32(): number {
    return this.#view.getUint32(this.#at(4), this.littleEndian);
  }
  i32(): number {
    return this.#view.getInt32(this.#at(4), this.littleEndian);
  }
  u64(): bigint {
    return this.#view.getBigUint64(this.#at(8), this.littleEndian);
  }
  /**
   * A u64 as a number, without allocating a BigInt: exact up to 2^53, and above that some number
   * above 2^53 (every caller compares it with a limit far below). For lengths and counts.
   */
  u64Number(): number {
    const at = this.#at(8);
    const a = this.#view.getUint32(at, this.littleEndian);
    const b = this.#view.getUint32(at + 4, this.littleEndian);
    return this.littleEndian ? b * 2 ** 32 + a : a * 2 ** 32 + b;
  }
  i64(): bigint {
    return this.#view.getBigInt64(this.#at(8), this.littleEndian);
  }
  f32(): number {
    return this.#view.getFloat32(this.#at(4), this.littleEndian);
  }
  f64(): number {
    return this.#view.getFloat64(this.#at(8), this.littleEndian);
  }
  /** The next `n` bytes, as a view into the buffer (valid until the next fill). */
  bytes(n: number): Uint8Array {
    const at = this.#at(n);
    return this.#bytes.subarray(at, at + n);
  }
}
