import { LoupeError, type SerializedError } from '../model/errors';

/**
 * What went wrong talking to Zenodo, in terms the UI can act on.
 * Transient kinds (worth retrying): rate-limited (when the wait is short), server, network, offline.
 */
export type ZenodoErrorKind =
  /** No such record (or a deleted one). */
  | 'not-found'
  /** The record's metadata is public but its files are not (HTTP 403 on content). */
  | 'restricted'
  /** 429; `retryAfterMs` and `resetAt` say when to ask again. */
  | 'rate-limited'
  /** 5xx. */
  | 'server'
  /** The browser says it is offline. */
  | 'offline'
  /** The request failed without an HTTP answer, talking to zenodo.org. */
  | 'network'
  /** The request failed without an HTTP answer, talking to another endpoint: usually CORS, or the server is down. */
  | 'cors'
  /** The server answered something that is not a Zenodo record. */
  | 'bad-response'
  /** The caller's input is unusable (endpoint, record id). */
  | 'bad-request'
  /** Any other HTTP error status. */
  | 'http';

const RETRYABLE: ReadonlySet<ZenodoErrorKind> = new Set<ZenodoErrorKind>(['rate-limited', 'server', 'network', 'offline']);

/**
 * A 429 whose wait is at most this long is retried once, automatically; a longer one is reported
 * with the time to try again (guests get 60 requests a minute and 2,000 an hour).
 */
export const MAX_AUTO_RETRY_WAIT_MS = 15_000;

/** Retries of other transient failures (5xx, network). */
const MAX_RETRIES = 2;

export interface ZenodoErrorDetails {
  status?: number;
  url?: string;
  /** Milliseconds to wait before asking again, from Retry-After (or X-RateLimit-Reset). */
  retryAfterMs?: number;
  /** When the rate-limit window resets (epoch ms), from X-RateLimit-Reset. */
  resetAt?: number;
  /** X-RateLimit-Limit: requests allowed in the window. */
  limit?: number;
  /** What the server said (the JSON `message`). */
  serverMessage?: string;
  file?: string;
  cause?: unknown;
}

/** A typed Zenodo failure. Its `code` is always `io`; `kind` says what happened and `transient` whether retrying can help. */
export class ZenodoError extends LoupeError {
  readonly kind: ZenodoErrorKind;
  readonly status?: number;
  readonly url?: string;
  readonly retryAfterMs?: number;
  readonly resetAt?: number;
  readonly limit?: number;
  readonly serverMessage?: string;

  constructor(kind: ZenodoErrorKind, message: string, details: ZenodoErrorDetails = {}) {
    super('io', message, { file: details.file, cause: details.cause });
    this.name = 'ZenodoError';
    this.kind = kind;
    this.status = details.status;
    this.url = details.url;
    this.retryAfterMs = details.retryAfterMs;
    this.resetAt = details.resetAt;
    this.limit = details.limit;
    this.serverMessage = details.serverMessage;
  }

  override get transient(): boolean {
    return RETRYABLE.has(this.kind);
  }

  override toJSON(): SerializedError & { kind: ZenodoErrorKind; status?: number; url?: string; retryAfterMs?: number; source: 'zenodo' } {
    return { ...super.toJSON(), kind: this.kind, status: this.status, url: this.url, retryAfterMs: this.retryAfterMs, source: 'zenodo' };
  }
}

/**
 * Whether react-query should retry after `failureCount` failures: a short 429 once (Zenodo's
 * windows are a minute long, so a second 429 means waiting longer), 5xx and network failures
 * twice; not found, restricted, bad input, format errors and cancellation never.
 */
export function shouldRetryZenodo(failureCount: number, error: unknown): boolean {
  if (error instanceof ZenodoError) {
    if (error.kind === 'rate-limited') return failureCount < 1 && (error.retryAfterMs ?? 0) <= MAX_AUTO_RETRY_WAIT_MS;
    return error.transient && failureCount < MAX_RETRIES;
  }
  if (error instanceof LoupeError) return error.code === 'io' && failureCount < MAX_RETRIES;
  return false;
}

/** How long react-query waits before retry `failureCount`: the server's wait when it gave one, else 1 s, 2 s, 4 s… */
export function zenodoRetryDelay(failureCount: number, error: unknown): number {
  if (error instanceof ZenodoError && error.retryAfterMs !== undefined) return Math.min(Math.max(error.retryAfterMs, 0), MAX_AUTO_RETRY_WAIT_MS);
  return Math.min(1000 * 2 ** Math.max(0, failureCount), 30_000);
}

/** React Query options for Zenodo queries: `useQuery({ ..., ...zenodoRetryOptions })`. */
export const zenodoRetryOptions = { retry: shouldRetryZenodo, retryDelay: zenodoRetryDelay };
