import { LoupeError, type SerializedError } from '../model/errors';

/**
 * What went wrong talking to the Hub, in terms the UI can act on.
 * Transient kinds (worth retrying): rate-limited, server, network, offline.
 */
export type HubErrorKind =
  /** The repo is gated and the request carried no token, or a token that has not accepted its conditions. */
  | 'gated'
  /** The token was refused (invalid or expired), or a login is needed. */
  | 'unauthorized'
  /** No such repo, or a private one this token cannot read (the Hub answers both alike). */
  | 'repo-not-found'
  | 'revision-not-found'
  /** The repo exists but the file does not (at that revision). */
  | 'entry-not-found'
  /** 403 for another reason (disabled repo, expired CDN link). */
  | 'forbidden'
  /** 429; `retryAfterMs` holds the server's Retry-After. */
  | 'rate-limited'
  /** 5xx. */
  | 'server'
  /** The browser says it is offline. */
  | 'offline'
  /** The request failed without an HTTP answer, talking to the public Hub. */
  | 'network'
  /** The request failed without an HTTP answer, talking to a custom endpoint: usually CORS, or the server is down. */
  | 'cors'
  /** An http:// endpoint used from an https:// page: browsers block it. */
  | 'mixed-content'
  /** The server answered something that is not what the Hub answers. */
  | 'bad-response'
  /** The caller's input is unusable (endpoint, repo id, token). */
  | 'bad-request'
  /** Any other HTTP error status. */
  | 'http';

const RETRYABLE: ReadonlySet<HubErrorKind> = new Set<HubErrorKind>(['rate-limited', 'server', 'network', 'offline']);

/** The longest wait `retryDelay` returns, whatever Retry-After says. */
export const MAX_RETRY_DELAY_MS = 60_000;

export interface HubErrorDetails {
  status?: number;
  /** The URL requested (never carries the token: tokens travel in headers only). */
  url?: string;
  /** The Hub's `X-Request-Id`, to quote when reporting a problem. */
  requestId?: string;
  /** The Hub's `X-Error-Code` (GatedRepo, RepoNotFound, RevisionNotFound, EntryNotFound…). */
  errorCode?: string;
  /** What the server said, when it said something (X-Error-Message or the JSON `error`). */
  serverMessage?: string;
  /** Milliseconds to wait before retrying, from Retry-After. */
  retryAfterMs?: number;
  file?: string;
  cause?: unknown;
}

/** A typed Hub failure. Its `code` is always `io`; `kind` says what happened and `transient` whether retrying can help. */
export class HubError extends LoupeError {
  readonly kind: HubErrorKind;
  readonly status?: number;
  readonly url?: string;
  readonly requestId?: string;
  readonly errorCode?: string;
  readonly serverMessage?: string;
  readonly retryAfterMs?: number;

  constructor(kind: HubErrorKind, message: string, details: HubErrorDetails = {}) {
    super('io', message, { file: details.file, cause: details.cause });
    this.name = 'HubError';
    this.kind = kind;
    this.status = details.status;
    this.url = details.url;
    this.requestId = details.requestId;
    this.errorCode = details.errorCode;
    this.serverMessage = details.serverMessage;
    this.retryAfterMs = details.retryAfterMs;
  }

  override get transient(): boolean {
    return RETRYABLE.has(this.kind);
  }

  override toJSON(): SerializedError & { kind: HubErrorKind; status?: number; url?: string; requestId?: string; retryAfterMs?: number } {
    return { ...super.toJSON(), kind: this.kind, status: this.status, url: this.url, requestId: this.requestId, retryAfterMs: this.retryAfterMs };
  }
}

/**
 * Whether retrying may succeed: 429, 5xx and network failures yes; 401/403/404, bad input,
 * parse errors and cancellation no. Suits React Query's `retry`.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HubError) return error.transient;
  if (error instanceof LoupeError) return error.code === 'io';
  return false;
}

/**
 * How long to wait before retry number `attempt` (0 for the first retry, as React Query's
 * failureCount): the server's Retry-After when it gave one, else exponential backoff
 * (1 s, 2 s, 4 s… up to 30 s). Never more than MAX_RETRY_DELAY_MS.
 */
export function retryDelay(error: unknown, attempt: number): number {
  if (error instanceof HubError && error.retryAfterMs !== undefined) return Math.min(Math.max(error.retryAfterMs, 0), MAX_RETRY_DELAY_MS);
  return Math.min(1000 * 2 ** Math.max(0, attempt), 30_000);
}

/**
 * React Query options for Hub queries: `useQuery({ ..., ...hubRetryOptions })`.
 * Retries transient failures up to 3 times, waiting as the server asks.
 */
export const hubRetryOptions = {
  retry: (failureCount: number, error: unknown): boolean => failureCount < 3 && isRetryable(error),
  retryDelay: (failureCount: number, error: unknown): number => retryDelay(error, failureCount),
};

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
