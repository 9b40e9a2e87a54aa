import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { MAX_JSON_SIDECAR_BYTES, MAX_JSON_SIDECAR_DEPTH, readJsonSidecar, type JsonSidecar } from '../json-sidecar';

/** The JSON object of a sidecar the registry already read (or reads it now); a typed error naming the file otherwise. */
export async function readJsonObject(
  source: ByteSource,
  label: string,
  signal?: AbortSignal,
  sidecar?: JsonSidecar,
): Promise<{ value: Record<string, unknown>; text: string }> {
  const file = source.name;
  if (signal?.aborted) throw new CancelledError();
  const read = sidecar ?? (await readJsonSidecar(source, signal));
  if (!read.ok) {
    switch (read.problem) {
      case 'too-large':
        throw new FormatError(file, 'size', `${source.size} bytes is more than the ${MAX_JSON_SIDECAR_BYTES} a ${label} may have`);
      case 'not-utf8':
        throw new FormatError(file, 'encoding', 'not valid UTF-8');
      case 'too-deep':
        throw new FormatError(file, 'json', `nested more than ${MAX_JSON_SIDECAR_DEPTH} levels deep`);
      case 'not-json':
        throw new FormatError(file, 'json', `not valid JSON (${read.detail ?? 'unreadable'})`);
    }
  }
  if (!isRecord(read.value)) throw new FormatError(file, '(root)', `expected a JSON object`);
  return { value: read.value, text: read.text };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function has(value: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** A token as configs write it: a string, or an AddedToken object `{ content: … }`. */
export function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.content === 'string') return value.content;
  return undefined;
}

/** A token id field: a non-negative integer or a list of them (`eos_token_id: [1, 32007]`); anything else is absent. */
export function tokenIds(value: unknown): number[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const ids = list.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
  return ids.length > 0 && ids.length === list.length ? ids : undefined;
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
