import { CancelledError, FormatError } from '../model/errors';

/** Validates a read request against the source size, before any I/O. */
export function checkRange(name: string, size: number, offset: number, length: number, signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(name, 'read', `invalid byte range ${offset}+${length}`);
  }
  if (offset + length > size) {
    throw new FormatError(name, 'read', `unexpected end of file: needs bytes ${offset}..${offset + length} of ${size}`);
  }
}
