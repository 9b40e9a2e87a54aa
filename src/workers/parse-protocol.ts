import type { ValueComparison } from '../compare/compare-values';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import type { ErrorCode, SerializedError } from '../model/errors';
import type { HubOpenResult } from '../hub/open-hub-repo';
import type { CardRequest, CardResult } from './card-work';
import type { ZenodoFilePin } from '../sources/zenodo-source';
import type { ZenodoOpenResult } from '../zenodo/open-zenodo-record';
import type { ZenodoRecord } from '../zenodo/zenodo-record';

/**
 * Messages between the page and the parse worker: one tagged union each way,
 * checked where they arrive (a message is data from another realm, not a trusted value).
 */

/** A file to open: the Blob crosses by structured clone; `path` is relative to the dropped folder. */
export interface FileInput {
  path: string;
  blob: Blob;
}

/** What the worker needs to open a Hub repo. The token stays in memory and goes to the endpoint's host only. */
export interface HubOpenRequest {
  endpoint: string;
  repo: string;
  revision?: string;
  token?: string;
  /** Open exactly these files instead of Loupe's default pick. */
  paths?: string[];
  online?: boolean;
}

/** A Hub file pinned to a commit, for reading one tensor's bytes by Range. */
export interface HubFileInput {
  path: string;
  endpoint: string;
  repo: string;
  commit: string;
  size: number;
  token?: string;
}

/** One tensor and the file that holds it, for reading its values. */
export interface TensorInFile {
  file: FileInput | HubFileInput | ZenodoFileInput;
  tensor: TensorInfo;
  /** Set for a GGUF tensor: its dtype is a ggml type, decoded by ggml's blocks in the file's byte order. */
  ggml?: { littleEndian: boolean };
}


/** What the worker needs to open a Zenodo record (public reads: no token). */
export interface ZenodoOpenRequest {
  endpoint: string;
  /** A record or concept id. */
  recordId: string;
  /** The record, when the page already fetched it: the worker then makes no record request. */
  record?: ZenodoRecord;
  online?: boolean;
}

/** A Zenodo record file, for reading one tensor's bytes (streamed from the file's start). */
export type ZenodoFileInput = ZenodoFilePin;

export type ParseRequest =
  | { type: 'open'; id: number; files: FileInput[]; sourceKind: 'local' | 'example' }
  | { type: 'open-hub'; id: number; request: HubOpenRequest }
  | { type: 'open-zenodo'; id: number; request: ZenodoOpenRequest }
  | { type: 'stats'; id: number; file: FileInput | HubFileInput | ZenodoFileInput; tensor: TensorInfo }
  | { type: 'convert'; id: number; file: FileInput }
  | { type: 'compare-values'; id: number; a: TensorInFile; b: TensorInFile }
  | { type: 'md5'; id: number; file: FileInput }
  | { type: 'card'; id: number; request: CardRequest }
  | { type: 'draft-card'; id: number; document: ModelDocument }
  | { type: 'cancel'; id: number };

export type ParseResponse =
  | { type: 'progress'; id: number; done: number; total: number; file: string }
  | { type: 'result'; id: number; document: ModelDocument }
  | { type: 'stats-result'; id: number; stats: TensorStats }
  | { type: 'compare-result'; id: number; result: ValueComparison }
  | { type: 'hub-result'; id: number; result: HubOpenResult }
  | { type: 'zenodo-result'; id: number; result: ZenodoOpenResult }
  | { type: 'convert-result'; id: number; blob: Blob; name: string }
  | { type: 'md5-result'; id: number; md5: string }
  | { type: 'card-result'; id: number; result: CardResult }
  | { type: 'draft-result'; id: number; text: string }
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
  if (value.type === 'stats') return (isFileInput(value.file) || isHubFileInput(value.file) || isZenodoFileInput(value.file)) && isTensorInfo(value.tensor);
  if (value.type === 'compare-values') return isTensorInFile(value.a) && isTensorInFile(value.b);
  if (value.type === 'open-hub') return isHubOpenRequest(value.request);
  if (value.type === 'open-zenodo') return isZenodoOpenRequest(value.request);
  if (value.type === 'convert' || value.type === 'md5') return isFileInput(value.file);
  if (value.type === 'card') {
    const r = value.request;
    return isRecord(r) && typeof r.text === 'string' && typeof r.path === 'string' && typeof r.allowRemoteImages === 'boolean' && optionalString(r.repoBase);
  }
  if (value.type === 'draft-card') return isRecord(value.document) && Array.isArray(value.document.tensors);
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

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

function isHubOpenRequest(value: unknown): value is HubOpenRequest {
  return (
    isRecord(value) &&
    typeof value.endpoint === 'string' &&
    typeof value.repo === 'string' &&
    optionalString(value.revision) &&
    optionalString(value.token) &&
    (value.paths === undefined || (Array.isArray(value.paths) && value.paths.every((p) => typeof p === 'string')))
  );
}

export function isHubFileInput(value: unknown): value is HubFileInput {
  return (
    isRecord(value) &&
    ['path', 'endpoint', 'repo', 'commit'].every((k) => typeof value[k] === 'string') &&
    typeof value.size === 'number' &&
    optionalString(value.token)
  );
}

function isTensorInFile(value: unknown): value is TensorInFile {
  return (
    isRecord(value) &&
    (isFileInput(value.file) || isHubFileInput(value.file) || isZenodoFileInput(value.file)) &&
    isTensorInfo(value.tensor) &&
    (value.ggml === undefined || (isRecord(value.ggml) && typeof value.ggml.littleEndian === 'boolean'))
  );
}


function isZenodoOpenRequest(value: unknown): value is ZenodoOpenRequest {
  if (!isRecord(value) || typeof value.endpoint !== 'string' || typeof value.recordId !== 'string' || !/^\d{1,20}$/.test(value.recordId)) return false;
  const record = value.record;
  if (record === undefined) return true;
  // The record's files are read from their content URLs: they must all be on the endpoint.
  const origin = originOf(value.endpoint);
  return (
    isRecord(record) &&
    record.endpoint === value.endpoint &&
    typeof record.id === 'string' &&
    typeof record.title === 'string' &&
    typeof record.description === 'string' &&
    Array.isArray(record.creators) &&
    Array.isArray(record.relatedIdentifiers) &&
    Array.isArray(record.files) &&
    record.files.every((f) => isRecord(f) && typeof f.key === 'string' && typeof f.size === 'number' && typeof f.contentUrl === 'string' && originOf(f.contentUrl) === origin)
  );
}

function originOf(url: unknown): string | undefined {
  try {
    return typeof url === 'string' ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

export function isZenodoFileInput(value: unknown): value is ZenodoFileInput {
  return isRecord(value) && ['path', 'endpoint', 'recordId', 'contentUrl'].every((k) => typeof value[k] === 'string') && typeof value.size === 'number';
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
  return (
    isRecord(value) &&
    typeof value.message === 'string' &&
    ERROR_CODES.includes(value.code as ErrorCode) &&
    optionalString(value.kind) &&
    (value.retryAfterMs === undefined || typeof value.retryAfterMs === 'number')
  );
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
    case 'compare-result':
      return isRecord(value.result) && ['count', 'differing', 'maxAbs', 'maxRel', 'rms', 'cosine'].every((k) => typeof (value.result as Record<string, unknown>)[k] === 'number');
    case 'hub-result':
      return isRecord(value.result) && isRecord(value.result.document) && isRecord(value.result.repo) && Array.isArray(value.result.files);
    case 'zenodo-result':
      return isRecord(value.result) && isRecord(value.result.document) && isRecord(value.result.record) && Array.isArray(value.result.files) && typeof value.result.descriptionHtml === 'string';
    case 'card-result':
      return isRecord(value.result) && typeof value.result.html === 'string' && Array.isArray(value.result.lints);
    case 'draft-result':
      return typeof value.text === 'string';
    case 'convert-result':
      return value.blob instanceof Blob && typeof value.name === 'string';
    case 'md5-result':
      return typeof value.md5 === 'string' && /^[0-9a-f]{32}$/.test(value.md5);
    case 'error':
      return isSerializedError(value.error);
    default:
      return false;
  }
}
