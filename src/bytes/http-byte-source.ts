import type { ByteSource } from '../model/byte-source';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { checkRange } from './check-range';

/** A server that ignores Range and answers 200 may send at most this much before we give up. */
export const MAX_UNRANGED_BODY = 16 * 1024 * 1024;

export interface HttpByteSourceOptions {
  /** Injected for tests and for the Hub client's authenticated fetch. */
  fetch?: typeof fetch;
  /** Extra request headers (e.g. Authorization). The caller decides which host may see them. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A remote file read with HTTP Range requests. Each `read` is one request for exactly the
 * bytes asked for, so a parser that reads a header never downloads the weights.
 */
export class HttpByteSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;

  constructor(url: string, name: string, size: number, options: HttpByteSourceOptions = {}) {
    this.url = url;
    this.name = name;
    this.size = size;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#headers = options.headers ?? {};
  }

  /** Learns the size with a one-byte Range request (HEAD is not always allowed cross-origin). */
  static async open(url: string, name: string, options: HttpByteSourceOptions = {}): Promise<HttpByteSource> {
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const response = await request(doFetch, url, name, { ...options.headers, Range: 'bytes=0-0' }, options.signal);
    let size: number | undefined;
    if (response.status === 206) {
      size = parseContentRange(response.headers.get('Content-Range'))?.total;
    } else {
      const length = response.headers.get('Content-Length');
      size = length === null ? undefined : Number(length);
    }
    await response.body?.cancel();
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new LoupeError('io', `${name}: the server did not report the file size`, { file: name });
    }
    return new HttpByteSource(url, name, size, options);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    if (length === 0) return new Uint8Array(0);
    const end = offset + length - 1;
    const response = await request(this.#fetch, this.url, this.name, { ...this.#headers, Range: `bytes=${offset}-${end}` }, signal);
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('Content-Range'));
      if (range && (range.start !== offset || range.end !== end)) {
        await response.body?.cancel();
        throw new LoupeError('io', `${this.name}: the server answered bytes ${range.start}-${range.end} for ${offset}-${end}`, { file: this.name });
      }
      const bytes = new Uint8Array(await readBody(response, signal));
      if (bytes.length !== length) throw new FormatError(this.name, 'read', `expected ${length} bytes, received ${bytes.length}`);
      return bytes;
    }
    // 200: the server ignored Range. Accept it only for small files, and slice.
    if (this.size > MAX_UNRANGED_BODY) {
      await response.body?.cancel();
      throw new LoupeError('io', `${this.name}: the server does not support Range requests`, { file: this.name });
    }
    const whole = new Uint8Array(await readBody(response, signal));
    if (whole.length < offset + length) throw new FormatError(this.name, 'read', `unexpected end of file at ${whole.length}`);
    return whole.slice(offset, offset + length);
  }
}

async function request(doFetch: typeof fetch, url: string, name: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await doFetch(url, { headers, signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw new LoupeError('io', `${name}: network error (${(error as Error).message})`, { file: name, cause: error });
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new LoupeError('io', `${name}: HTTP ${response.status} ${response.statusText}`.trim(), { file: name });
  }
  return response;
}

async function readBody(response: Response, signal?: AbortSignal): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw error;
  }
}

/** Parses `bytes START-END/TOTAL` (TOTAL may be `*`). */
export function parseContentRange(value: string | null): { start: number; end: number; total?: number } | undefined {
  const match = value?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}
