/** Types for server.mjs: a local Zenodo for tests and the bench. */

export interface ZenodoServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Requests allowed per window before 429; default 60 (Zenodo's guest limit a minute). */
  rateLimit?: number;
  /** The rate-limit window, in seconds; default 60. */
  rateLimitWindowSeconds?: number;
  /** Delay added before every answer; default 0. */
  latencyMs?: number;
}

export interface RequestRecord {
  method: string;
  /** Path and query, as received. */
  url: string;
  range: string | null;
  /** The Origin header: set by browsers on CORS requests. */
  origin: string | null;
  status: number;
  /** Body bytes written before the response finished or the client hung up. */
  bytes: number;
  /** Whether the client closed the connection before the whole body was sent. */
  hungUp: boolean;
}

export interface ZenodoServerStats {
  /** Every request but control ones, in arrival order. */
  requests: RequestRecord[];
  /** Body bytes written, all requests together. */
  bytes: number;
  /** Requests answered 429. */
  rateLimited: number;
}

export interface ZenodoServer {
  /** e.g. http://127.0.0.1:41234: pass it as the Zenodo endpoint. */
  endpoint: string;
  stats(): ZenodoServerStats;
  /** Clears the counters and starts a new rate-limit window. */
  reset(): void;
  /** Allows `limit` requests per `windowSeconds`, starting a new window now. */
  setRateLimit(limit: number, windowSeconds: number): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export function startZenodoServer(options?: ZenodoServerOptions): Promise<ZenodoServer>;
