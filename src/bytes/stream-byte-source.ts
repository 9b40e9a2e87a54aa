import type { ByteSource } from '../model/byte-source';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { checkRange } from './check-range';
import { parseContentRange } from './http-byte-source';

/**
 * How far into a file a server without Range support is read, by default: a read that ends past
 * this fails instead of downloading the weights. Pass `maxStreamBytes: size` to allow more.
 */
export const MAX_STREAM_PREFIX = 64 * 1024 * 1024;
/** Requests one source may make while the server ignores Range (each restarts from byte 0). */
export const MAX_STREAM_REQUESTS = 12;
/** Bytes kept past the end of a streamed read, so that the parser's next small read needs no request. */
export const STREAM_READ_AHEAD = 64 * 1024;

export interface StreamByteSourceOptions {
  /** Injected for tests. */
  fetch?: typeof fetch;
  /** Extra request headers. The caller decides which host may see them. */
  headers?: Record<string, string>;
  /** The furthest byte a streamed read may reach; default MAX_STREAM_PREFIX. The user's explicit "download it" passes the file size. */
  maxStreamBytes?: number;
  /** Turns a non-2xx answer into the caller's typed error (it may consume the body). */
  errorFromResponse?: (response: Response, url: string) => Promise<Error>;
  /** Turns a request that got no answer into the caller's typed error. */
  errorFromNetwork?: (error: unknown, url: string) => Error;
}

/** How the server has answered so far. */
type Mode = 'unknown' | 'range' | 'stream';

/**
 * A remote file behind a URL that may ignore Range (Zenodo's API content URL does: zenodo/zenodo#2593).
 * Every request carries `Range`. A 206 answer means the server honours it: from then on each read is
 * one Range request. A 200 answer is the whole file from byte 0: the body is read as a stream, only
 * the prefix needed (plus a little read-ahead) is kept, and the request is aborted as soon as those
 * bytes have arrived. A later read past the kept prefix requests again, reaching at least twice as
 * far, so a parser that reads forward costs few requests; MAX_STREAM_REQUESTS and MAX_STREAM_PREFIX
 * bound the cost, so opening never downloads a weights file.
 */
export class StreamByteSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #maxStreamBytes: number;
  readonly #errorFromResponse?: StreamByteSourceOptions['errorFromResponse'];
  readonly #errorFromNetwork?: StreamByteSourceOptions['errorFromNetwork'];
  #mode: Mode = 'unknown';
  /** Bytes 0..prefix.length of the file, from streamed answers. */
  #prefix: Uint8Array = new Uint8Array(0);
  #streamRequests = 0;
  #received = 0;
  /** Streamed reads run one at a time, so that two parser reads never start two downloads. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(url: string, name: string, size: number, options: StreamByteSourceOptions = {}) {
    this.url = url;
    this.name = name;
    this.size = size;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#headers = options.headers ?? {};
    this.#maxStreamBytes = options.maxStreamBytes ?? MAX_STREAM_PREFIX;
    this.#errorFromResponse = options.errorFromResponse;
    this.#errorFromNetwork = options.errorFromNetwork;
  }

  /** Whether the server has shown that it honours Range (`range`), ignores it (`stream`), or not answered yet. */
  get mode(): Mode {
    return this.#mode;
  }

  /** Body bytes received so far, all requests together (for progress, and to show what opening cost). */
  get bytesReceived(): number {
    return this.#received;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    if (length === 0) return new Uint8Array(0);
    if (offset + length <= this.#prefix.length) return this.#prefix.slice(offset, offset + length);
    if (this.#mode === 'range') return this.#fetchRead(offset, length, signal);
    const run = this.#queue.then(() => {
      // An earlier read in the queue may have fetched these bytes, or learned that Range works.
      if (offset + length <= this.#prefix.length) return this.#prefix.slice(offset, offset + length);
      return this.#fetchRead(offset, length, signal);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** One request for the range; a 206 answer is the bytes, a 200 answer is streamed from byte 0 and cut off. */
  async #fetchRead(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const end = offset + length;
    if (signal?.aborted) throw new CancelledError();
    if (this.#mode === 'stream') this.#checkStreamBudget(end);
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    try {
      const response = await this.#request(offset, end - 1, combined, signal);
      if (response.status === 206) {
        this.#mode = 'range';
        return await this.#rangeBody(response, offset, length, signal);
      }
      this.#mode = 'stream';
      this.#checkStreamBudget(end);
      this.#streamRequests++;
      const target = Math.min(this.size, Math.max(end + STREAM_READ_AHEAD, 2 * this.#prefix.length, end), Math.max(end, this.#maxStreamBytes));
      const prefix = await this.#streamPrefix(response, end, target, signal);
      if (prefix.length > this.#prefix.length) this.#prefix = prefix;
      return prefix.slice(offset, end);
    } finally {
      // Hang up: the server stops sending the rest of the file.
      controller.abort();
    }
  }

  /** Reads a 200 body from byte 0 until `target` bytes (at least `needed`) have arrived, then stops. */
  async #streamPrefix(response: Response, needed: number, target: number, signal?: AbortSignal): Promise<Uint8Array> {
    const reader = response.body?.getReader();
    if (!reader) throw new FormatError(this.name, 'read', 'the server sent no body');
    const buffer = new Uint8Array(target);
    let filled = 0;
    try {
      while (filled < target) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#received += value.length;
        const take = Math.min(value.length, target - filled);
        buffer.set(take === value.length ? value : value.subarray(0, take), filled);
        filled += take;
      }
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw new LoupeError('io', `${this.name}: the download broke off (${(error as Error).message})`, { file: this.name, cause: error });
    } finally {
      reader.cancel().catch(() => undefined);
    }
    if (filled < needed) throw new FormatError(this.name, 'read', `unexpected end of file at ${filled}, needed ${needed} bytes`);
    return buffer.subarray(0, filled);
  }

  #checkStreamBudget(end: number): void {
    if (end > this.#maxStreamBytes) {
      throw new LoupeError(
        'io',
        `${this.name}: the server does not answer Range requests, so reading up to byte ${end} means downloading the file that far; ` +
          `Loupe stops at ${Math.round(this.#maxStreamBytes / (1024 * 1024))} MiB unless you ask for the whole file.`,
        { file: this.name },
      );
    }
    if (this.#streamRequests >= MAX_STREAM_REQUESTS) {
      throw new LoupeError(
        'io',
        `${this.name}: the server does not answer Range requests, and reading this file needed more than ${MAX_STREAM_REQUESTS} downloads of its start.`,
        { file: this.name },
      );
    }
  }

  async #rangeBody(response: Response, offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const end = offset + length - 1;
    const range = parseContentRange(response.headers.get('Content-Range'));
    if (range && (range.start !== offset || range.end !== end)) {
      await response.body?.cancel().catch(() => undefined);
      throw new LoupeError('io', `${this.name}: the server answered bytes ${range.start}-${range.end} for ${offset}-${end}`, { file: this.name });
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw new LoupeError('io', `${this.name}: the download broke off (${(error as Error).message})`, { file: this.name, cause: error });
    }
    this.#received += bytes.length;
    if (bytes.length !== length) throw new FormatError(this.name, 'read', `expected ${length} bytes, received ${bytes.length}`);
    return bytes;
  }

  /** One GET with `Range: bytes=start-end`; resolves with a 200 or 206 answer. */
  async #request(start: number, end: number, signal: AbortSignal | undefined, callerSignal: AbortSignal | undefined): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(this.url, { headers: { ...this.#headers, Range: `bytes=${start}-${end}` }, signal, credentials: 'omit' });
    } catch (error) {
      if (callerSignal?.aborted) throw new CancelledError();
      if (this.#errorFromNetwork) throw this.#errorFromNetwork(error, this.url);
      throw new LoupeError('io', `${this.name}: network error (${(error as Error).message})`, { file: this.name, cause: error });
    }
    if (response.status !== 200 && response.status !== 206) {
      if (this.#errorFromResponse) throw await this.#errorFromResponse(response, this.url);
      await response.body?.cancel().catch(() => undefined);
      throw new LoupeError('io', `${this.name}: HTTP ${response.status} ${response.statusText}`.trim(), { file: this.name });
    }
    return response;
  }
}
