/**
 * Typed errors. Every error that reaches the user is one of these, so the UI can say
 * what went wrong, in which file and which field, and whether retrying can help.
 */

export type ErrorCode =
  /** The bytes are not what the format requires. Permanent: retrying won't help. */
  | 'format'
  /** No format recognized the file. */
  | 'unsupported'
  /** The user (or a newer open) cancelled the work. */
  | 'cancelled'
  /** A read failed (file vanished, network). May be transient. */
  | 'io'
  /** A worker died or could not start. */
  | 'worker'
  /** Anything not anticipated; a bug. */
  | 'internal';

export interface SerializedError {
  code: ErrorCode;
  message: string;
  file?: string;
  field?: string;
  /** Set by HubError: what happened (gated, rate-limited…), so retry decisions survive the worker boundary. */
  kind?: string;
  status?: number;
  url?: string;
  requestId?: string;
  retryAfterMs?: number;
  /** Set by ZenodoError, so that the page rebuilds a ZenodoError (not a HubError) from `kind`. */
  source?: 'zenodo';
}

export class LoupeError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options: { file?: string; field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LoupeError';
    this.code = code;
    this.file = options.file;
    this.field = options.field;
  }

  /** Whether trying again may give a different result. */
  get transient(): boolean {
    return this.code === 'io' || this.code === 'worker';
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, file: this.file, field: this.field };
  }

  static fromJSON(value: SerializedError): LoupeError {
    return new LoupeError(value.code, value.message, { file: value.file, field: value.field });
  }
}

/** A file's bytes break its format's rules. The message names the file and the field. */
export class FormatError extends LoupeError {
  constructor(file: string, field: string, message: string) {
    super('format', `${file}: ${field}: ${message}`, { file, field });
    this.name = 'FormatError';
  }
}

export class CancelledError extends LoupeError {
  constructor() {
    super('cancelled', 'Cancelled');
    this.name = 'CancelledError';
  }
}

/** Wrap anything thrown into a LoupeError, keeping typed errors as they are. */
export function toLoupeError(error: unknown, file?: string): LoupeError {
  if (error instanceof LoupeError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new CancelledError();
  if (error instanceof RangeError) {
    // Stack overflows and invalid lengths come from hostile input that slipped past a bound.
    return new LoupeError('internal', `${file ? `${file}: ` : ''}${error.message}`, { file, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LoupeError('internal', `${file ? `${file}: ` : ''}${message}`, { file, cause: error });
}
