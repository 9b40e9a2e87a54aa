import type { ByteSource } from '../../model/byte-source';

/** Bytes fetched per read when streaming a pickle. */
export const WINDOW_CHUNK_BYTES = 1024 * 1024;

const EMPTY = new Uint8Array(0);

/**
 * A forward-only window over `source[start, end)`, fetched in chunks, so a long pickle is streamed
 * instead of loaded whole. Reads are synchronous on what is buffered; `fill` fetches more.
 */
export class ByteWindow {
  readonly source: ByteSource;
  readonly end: number;
  /** Absolute offset of the next byte to consume. */
  position: number;
  readonly #signal: AbortSignal | undefined;
  readonly #chunk: number;
  #buffer: Uint8Array = EMPTY;
  #bufferStart: number;

  constructor(source: ByteSource, start: number, end: number, signal?: AbortSignal, chunkBytes = WINDOW_CHUNK_BYTES) {
    this.source = source;
    this.position = start;
    this.#bufferStart = start;
    this.end = end;
    this.#signal = signal;
    this.#chunk = chunkBytes;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.position;
  }

  /** Bytes buffered from `position` on. */
  available(): number {
    return Math.max(0, this.#bufferStart + this.#buffer.length - this.position);
  }

  /** Buffers at least min(n, remaining) bytes from `position`, fetching a whole chunk when it must read. */
  async fill(n: number): Promise<void> {
    const want = Math.min(Math.max(n, this.#chunk), this.remaining);
    const have = this.available();
    if (have >= Math.min(n, this.remaining)) return;
    const kept = have > 0 ? this.#buffer.subarray(this.position - this.#bufferStart) : EMPTY;
    const fresh = await this.source.read(this.position + kept.length, want - kept.length, this.#signal);
    let combined = fresh;
    if (kept.length > 0) {
      combined = new Uint8Array(kept.length + fresh.length);
      combined.set(kept);
      combined.set(fresh, kept.length);
    }
    this.#buffer = combined;
    this.#bufferStart = this.position;
  }

  /** The byte at `position + ahead`, which must be buffered. */
  peek(ahead = 0): number {
    return this.#buffer[this.position - this.#bufferStart + ahead] as number;
  }

  /** Consumes one buffered byte. */
  byte(): number {
    return this.#buffer[this.position++ - this.#bufferStart] as number;
  }

  /** Consumes `n` buffered bytes; the result is a view of the buffer, valid until the next fill. */
  take(n: number): Uint8Array {
    const from = this.position - this.#bufferStart;
    this.position += n;
    return this.#buffer.subarray(from, from + n);
  }

  /** Consumes `n` bytes without reading those that are not buffered (the caller checked n <= remaining). */
  skip(n: number): void {
    this.position += n;
    if (this.position > this.#bufferStart + this.#buffer.length) {
      this.#buffer = EMPTY;
      this.#bufferStart = this.position;
    }
  }

  /** Index (relative to `position`) of the first `byte` among the buffered bytes, or -1. */
  indexOf(byte: number): number {
    const from = this.position - this.#bufferStart;
    const found = this.#buffer.indexOf(byte, from);
    return found < 0 ? -1 : found - from;
  }
}
