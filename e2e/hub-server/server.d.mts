/** Types for server.mjs: a local Hugging Face Hub for tests and the bench. */

export interface HubServerOptions {
  /** Port of the Hub origin; 0 (default) picks a free one. */
  port?: number;
  /** Port of the CDN origin that LFS downloads redirect to; 0 (default) picks a free one. */
  cdnPort?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Entries per page of tree listings (Link rel="next" pagination); default 20. */
  pageSize?: number;
  /** Delay added before every answer, to imitate a real network; default 0. */
  latencyMs?: number;
}

export interface RequestRecord {
  origin: 'hub' | 'cdn';
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Every request header, lower-cased names (as Node gives them). */
  headers: Record<string, string | string[] | undefined>;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  requestId: string;
}

export interface OriginStats {
  requests: number;
  /** Body bytes sent by this origin. */
  bytes: number;
}

export interface HubServerStats {
  hub: OriginStats;
  cdn: OriginStats;
  /** Every request but control ones, in arrival order. */
  requests: RequestRecord[];
}

export interface FailOptions {
  /** Repo id whose next requests fail (API and resolve requests on the Hub origin). */
  repo: string;
  /** HTTP status to answer; default 429. */
  status?: number;
  /** How many requests fail; default 1. */
  count?: number;
  /** Retry-After seconds sent with 429; default 1. */
  retryAfter?: number;
}

export interface HubServer {
  /** The Hub origin, e.g. http://127.0.0.1:41234: pass it as the client's endpoint. */
  endpoint: string;
  /** The CDN origin LFS files redirect to. */
  cdnOrigin: string;
  /** A snapshot of the counters and request log since the last reset. */
  stats(): HubServerStats;
  /** Clears the counters, the request log and pending injected failures. */
  reset(): void;
  /** Makes the next `count` requests for `repo` fail with `status`. */
  fail(options: FailOptions): void;
  /** Invalidates every CDN link handed out so far (they then answer 403, like expired signed URLs). */
  expireCdnLinks(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export function startHubServer(options?: HubServerOptions): Promise<HubServer>;
