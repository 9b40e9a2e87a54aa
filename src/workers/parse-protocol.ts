import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import type { ErrorCode, SerializedError } from '../model/errors';

/**
 * Messages between the page and the parse worker: one tagged union each way,
 * checked where they arrive (a message is data from another realm, not a trusted value).
 */

/** A file to open: the Blob crosses by structured clone; `path` is relative to the dropped folder. */
export interface FileInput {
  path: string;
  blob: Blob;
}

export type ParseRequest =
  | { type: 'open'; id: number; files: FileInput[]; sourceKind: 'local' | 'example' }
  | { type: 'stats'; id: number; file: FileInput; tensor: TensorInfo }
  | { type: 'cancel'; id: number };

export type ParseResponse =
  | { type: 'progress'; id: number; done: number; total: number; file: string }
  | { type: 'result'; id: number; document: ModelDocument }
  | { type: 'stats-result'; id: number; stats: TensorStats }
  | { type: 'error'; id: number; error: SerializedError };

const ERROR_CODES: readonly ErrorCode[] = ['format', 'unsupported', 'cancelled', 'io', 'worker', 'internal'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function isParseRequest(value: unknown): value is ParseRequest {
  if (!isRecord(value) || !isId(value.id)) return false;
  if (value.type === 'cancel') return true;
  if (value.type === 'stats') return isFileInput(value.file) && isTensorInfo(value.tensor);
  return (
    value.type === 'open' &&
    (value.sourceKind === 'local' || value.sourceKind === 'example') &&
    Array.isArray(value.files) &&
    value.files.every(isFileInput)
  );
}

function isFileInput(value: unknown): value is FileInput {
  return isRecord(value) && typeof value.path === 'string' && value.blob instanceof Blob;
}

function isTensorInfo(value: unknown): value is TensorInfo {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.dtype === 'string' &&
    Array.isArray(value.shape) &&
    [value.elements, value.byteOffset, value.byteLength].every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
  );
}

export function isSerializedError(value: unknown): value is SerializedError {
  return isRecord(value) && typeof value.message === 'string' && ERROR_CODES.includes(value.code as ErrorCode);
}

export function isParseResponse(value: unknown): value is ParseResponse {
  if (!isRecord(value) || !isId(value.id)) return false;
  switch (value.type) {
    case 'progress':
      return typeof value.done === 'number' && typeof value.total === 'number' && typeof value.file === 'string';
    case 'result':
      return isRecord(value.document) && Array.isArray(value.document.tensors) && Array.isArray(value.document.formats);
    case 'stats-result':
      return isRecord(value.stats) && typeof value.stats.count === 'number' && isRecord(value.stats.histogram);
    case 'error':
      return isSerializedError(value.error);
    default:
      return false;
  }
}
