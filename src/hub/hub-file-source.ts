import { checkRange } from '../bytes/check-range';
import { MAX_UNRANGED_BODY, parseContentRange } from '../bytes/http-byte-source';
import { MAX_HEADER_LENGTH } from '../formats/safetensors/parse-safetensors';
import type { ByteSource } from '../model/byte-source';
import { CancelledError } from '../model/errors';
import { HubError } from './hub-error';
import { hubRequest, type HubConnection } from './hub-fetch';

export interface HubFileSourceOptions extends HubConnection {
  /** `ORG/NAME`. */
  repo: string;
  /** The commit sha every read is pinned to. */
  commit: string;
  /** The file's path in the repo; also the source's `name`. */
  path: string;
  /** The file's size, from the tree listing. */
  size: number;
}

/** `${endpoint}/${repo}/resolve/${commit}/${path}`, each path segment encoded. */
export function resolveUrl(endpoint: string, repo: string, commit: string, path: string): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(commit)}/${encodedPath}`;
}

/**
 * One repo file at a pinned commit, read by HTTP Range. The first read goes to the Hub's
 * resolve URL (with the token, if any); the Hub answers LFS files with a redirect to its CDN,
 * and every later read goes straight to that CDN URL, without the token (see hubRequest).
 * A CDN link that has expired (401/403/410) is resolved again once.
 *
 * `prefetchWhole` and `prefetchSafetensorsHeader` read ahead so that a parser's later reads of
 * those bytes are answered from memory: openGroup reads files one after the other, and the
 * prefetches let the Hub client read many files in parallel first.
 */
export class HubFileSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  /** The Hub resolve URL, pinned to the commit. */
  readonly hubUrl: string;
  readonly #connection: HubConnection;
  readonly #repo: string;
  readonly #commit: string;
  /** Where reads go once the first read learned it (the CDN for LFS files). */
  #downloadUrl: string | undefined;
  /** Bytes [0, prefix.length) read ahead. */
  #prefix = new Uint8Array(0);

  constructor(options: HubFileSourceOptions) {
    this.name = options.path;
    this.size = options.size;
    this.hubUrl = resolveUrl(options.endpoint, options.repo, options.commit, options.path);
    this.#repo = options.repo;
    this.#commit = options.commit;
    this.#connection = {
      endpoint: options.endpoint,
      token: options.token,
      fetch: options.fetch,
      signal: options.signal,
      online: options.online,
      pageOrigin: options.pageOrigin,
    };
  }

  /** The URL reads go to now: the CDN URL once a read has been redirected there, else the Hub URL. */
  get downloadUrl(): string {
    return this.#downloadUrl ?? this.hubUrl;
  }

  /** How many leading bytes are held in memory. */
  get cachedBytes(): number {
    return this.#prefix.length;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    if (length === 0) return new Uint8Array(0);
    if (offset + length <= this.#prefix.length) return this.#prefix.slice(offset, offset + length);
    return this.#fetchRange(offset, length, signal);
  }

  /** Reads the whole file into memory with one request (for config, card, index: small files). */
  async prefetchWhole(signal?: AbortSignal): Promise<void> {
    if (this.#prefix.length >= this.size || this.size === 0) return;
    this.#prefix = await this.#fetchRange(0, this.size, signal);
  }

  /**
   * Reads a safetensors file's 8-byte header length and then exactly its JSON header: never a
   * byte of tensor data. A length that is implausible is left for the parser to report.
   */
  async prefetchSafetensorsHeader(signal?: AbortSignal): Promise<void> {
    if (this.size < 8 || this.#prefix.length >= 8) return;
    const head = await this.#fetchRange(0, 8, signal);
    this.#prefix = head;
    const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (length < 2n || length > BigInt(MAX_HEADER_LENGTH) || length + 8n > BigInt(this.size)) return;
    const header = await this.#fetchRange(8, Number(length), signal);
    const both = new Uint8Array(8 + header.length);
    both.set(head, 0);
    both.set(header, 8);
    this.#prefix = both;
  }

  async #fetchRange(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
    const end = offset + length - 1;
    const context = { repo: this.#repo, revision: this.#commit, file: this.name };
    for (let attempt = 0; ; attempt++) {
      const from = this.downloadUrl;
      try {
        const { response, url } = await hubRequest(from, { headers: { Range: `bytes=${offset}-${end}` }, signal }, this.#connection, context);
        this.#downloadUrl = url;
        return await this.#readBody(response, url, offset, length, signal);
      } catch (error) {
        const expired = error instanceof HubError && (error.status === 401 || error.status === 403 || error.status === 410);
        if (attempt === 0 && expired && from !== this.hubUrl) {
          this.#downloadUrl = undefined; // a signed CDN link expired: ask the Hub for a fresh one
          continue;
        }
        throw error;
      }
    }
  }

  async #readBody(response: Response, url: string, offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
    const end = offset + length - 1;
    const badResponse = async (message: string) => {
      await response.body?.cancel().catch(() => undefined);
      return new HubError('bad-response', `${this.name}: ${message}`, { status: response.status, url, file: this.name });
    };
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('Content-Range'));
      if (!range) throw await badResponse('the server answered a partial response without a valid Content-Range');
      if (range.start !== offset || range.end !== end) throw await badResponse(`the server answered bytes ${range.start}-${range.end} for ${offset}-${end}`);
      if (range.total !== undefined && range.total !== this.size) {
        throw await badResponse(`the server says the file has ${range.total} bytes, the listing said ${this.size}`);
      }
      const bytes = new Uint8Array(await readArrayBuffer(response, signal));
      if (bytes.length !== length) throw await badResponse(`expected ${length} bytes, received ${bytes.length}`);
      return bytes;
    }
    // 200: the server ignored Range (or the whole file was asked for). Accept it only for small files.
    if (this.size > MAX_UNRANGED_BODY && !(offset === 0 && length === this.size)) {
      throw await badResponse('the server does not support Range requests');
    }
    const whole = new Uint8Array(await readArrayBuffer(response, signal));
    if (whole.length !== this.size) throw await badResponse(`expected ${this.size} bytes, received ${whole.length}`);
    return offset === 0 && length === whole.length ? whole : whole.slice(offset, offset + length);
  }
}

/** A ByteSource for one file of a Hub repo at a pinned commit, read by Range (see HubFileSource). */
export function hubByteSource(options: HubFileSourceOptions): HubFileSource {
  return new HubFileSource(options);
}

async function readArrayBuffer(response: Response, signal?: AbortSignal): Promise<ArrayBuffer> {
  try {
    return await response.arrayBuffer();
  } catch (error) {
    if (signal?.aborted) throw new CancelledError();
    throw new HubError('network', `The connection broke while reading (${(error as Error).message}).`, { url: response.url, cause: error });
  }
}
