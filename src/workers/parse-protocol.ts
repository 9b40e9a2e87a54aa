import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import { LoupeError } from '../model/errors';
import { HubError, type HubErrorKind } from '../hub/hub-error';
import { ZenodoError, type ZenodoErrorKind } from '../zenodo/zenodo-error';
import type { OpenProgress } from '../formats/open-group';
import type { ValueComparison } from '../compare/compare-values';
import type { GraphNodeDetails, GraphViewModel, GraphViewRequest } from '../graph/graph-view-model';
import type { SearchResult } from '../graph/search-graph';
import type { Graph } from '../model/graph';
import { isRecord } from '../model/is-record';
import { isId, type WireError, type WorkerProtocol, type WorkerRequest } from './worker-protocol';
import type { HubOpenResult } from '../hub/open-hub-repo';
import type { CardRequest, CardResult } from './card-work';
import type { ZenodoFilePin } from '../sources/zenodo-source';
import type { ZenodoOpenResult } from '../zenodo/open-zenodo-record';
import type { ZenodoRecord } from '../zenodo/zenodo-record';
import type { ChatTemplateResult, ChatTemplateTokens } from '../formats/tokenizer/render-chat-template';

/**
 * Messages between the page and the parse worker (the envelope is worker-protocol.ts): each
 * request type's payload and answer, checked where they arrive (a message is data from another
 * realm, not a trusted value).
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

/** Each parse request's payload and answer. */
export type ParseMap = {
  /** `graphKey`: the key under which the worker keeps the opened graph's scope tree, built just after it answers (see graph-*). */
  open: { request: { files: FileInput[]; sourceKind: 'local' | 'example'; graphKey?: string }; response: ModelDocument };
  'open-hub': { request: { request: HubOpenRequest }; response: HubOpenResult };
  'open-zenodo': { request: { request: ZenodoOpenRequest }; response: ZenodoOpenResult };
  stats: { request: { file: FileInput | HubFileInput | ZenodoFileInput; tensor: TensorInfo }; response: TensorStats };
  convert: { request: { file: FileInput }; response: { blob: Blob; name: string } };
  /** The MD5 of a local file, streamed: to check it against a Zenodo record's checksum. */
  md5: { request: { file: FileInput }; response: string };
  card: { request: { request: CardRequest }; response: CardResult };
  'draft-card': { request: { document: ModelDocument }; response: string };
  /** A chat template rendered for the sample conversation (in the worker: a hostile template can loop). */
  'chat-template': { request: { template: string; tokens: ChatTemplateTokens }; response: ChatTemplateResult };
  /** Two tensors' values compared, each streamed from its own byte range. */
  'compare-values': { request: { a: TensorInFile; b: TensorInFile }; response: ValueComparison };
  /** Builds a graph's scope tree and keeps it under `key`, for the requests below. */
  'graph-load': { request: { key: string; graph: Graph; initializers: TensorInfo[] }; response: null };
  'graph-view': { request: { key: string; view: GraphViewRequest }; response: Kept<GraphViewModel> };
  'graph-search': { request: { key: string; query: string; limit: number }; response: Kept<SearchResult> };
  'graph-node': { request: { key: string; nodeId: string }; response: Kept<GraphNodeDetails | null> };
};

/** An answer about a kept graph: `kept: false` when the worker has no tree under that key (a fresh worker, or dropped), so the page loads it again. */
export type Kept<T> = { kept: false } | { kept: true; value: T };

export type ParseRequest = WorkerRequest<ParseMap>;

export function isParseRequest(value: unknown): value is ParseRequest {
  if (!isRecord(value) || !isId(value.id)) return false;
  if (value.type === 'compare-values') return isTensorInFile(value.a) && isTensorInFile(value.b);
  if (value.type === 'graph-load')
    return (
      typeof value.key === 'string' &&
      isRecord(value.graph) &&
      Array.isArray(value.graph.nodes) &&
      Array.isArray(value.initializers) &&
      value.initializers.every(isTensorInfo)
    );
  if (value.type === 'graph-view') return typeof value.key === 'string' && isGraphViewRequest(value.view);
  if (value.type === 'graph-search') return typeof value.key === 'string' && typeof value.query === 'string' && isId(value.limit);
  if (value.type === 'graph-node') return typeof value.key === 'string' && typeof value.nodeId === 'string';
  if (value.type === 'stats') return (isFileInput(value.file) || isHubFileInput(value.file)) && isTensorInfo(value.tensor);
  if (value.type === 'open-hub') return isHubOpenRequest(value.request);
  if (value.type === 'open-zenodo') return isZenodoOpenRequest(value.request);
  if (value.type === 'convert' || value.type === 'md5') return isFileInput(value.file);
  if (value.type === 'card') {
    const r = value.request;
    return isRecord(r) && typeof r.text === 'string' && typeof r.path === 'string' && typeof r.allowRemoteImages === 'boolean' && optionalString(r.repoBase);
  }
  if (value.type === 'chat-template')
    return typeof value.template === 'string' && isRecord(value.tokens) && optionalString(value.tokens.bos) && optionalString(value.tokens.eos);
  if (value.type === 'draft-card') return isRecord(value.document) && Array.isArray(value.document.tensors);
  return (
    value.type === 'open' &&
    (value.sourceKind === 'local' || value.sourceKind === 'example') &&
    Array.isArray(value.files) &&
    value.files.every(isFileInput) &&
    optionalString(value.graphKey)
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

function isGraphViewRequest(value: unknown): value is GraphViewRequest {
  return (
    isRecord(value) &&
    typeof value.scopeId === 'string' &&
    (value.expanded === undefined || (Array.isArray(value.expanded) && value.expanded.every((e) => typeof e === 'string'))) &&
    Array.isArray(value.instances) &&
    value.instances.every((i) => Array.isArray(i) && typeof i[0] === 'string' && isId(i[1])) &&
    optionalString(value.sectionId) &&
    optionalString(value.focusNodeId) &&
    (value.theme === 'light' || value.theme === 'dark')
  );
}

/** The guard of a Kept answer, given the guard of its value. */
function isKept<T>(isValue: (value: unknown) => value is T) {
  return (value: unknown): value is Kept<T> => isRecord(value) && (value.kept === false || (value.kept === true && isValue(value.value)));
}

function isGraphViewModel(value: unknown): value is GraphViewModel {
  return (
    isRecord(value) &&
    isRecord(value.view) &&
    Array.isArray(value.view.boxes) &&
    Array.isArray(value.view.breadcrumb) &&
    isRecord(value.diagram) &&
    typeof value.diagram.text === 'string' &&
    value.diagram.idToBox instanceof Map &&
    Array.isArray(value.diagram.legend) &&
    Array.isArray(value.boxes) &&
    Array.isArray(value.expanded)
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
    record.files.every(
      (f) => isRecord(f) && typeof f.key === 'string' && typeof f.size === 'number' && typeof f.contentUrl === 'string' && originOf(f.contentUrl) === origin,
    )
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

/** The answers, each checked by the guard of the request it answers. */
export const PARSE_PROTOCOL: WorkerProtocol<ParseMap, OpenProgress> = {
  name: 'parse',
  isRequest: isParseRequest,
  isProgress: (value): value is OpenProgress =>
    isRecord(value) && typeof value.done === 'number' && typeof value.total === 'number' && typeof value.file === 'string',
  isResponse: {
    open: (value): value is ModelDocument => isRecord(value) && Array.isArray(value.tensors) && Array.isArray(value.formats),
    'open-hub': (value): value is HubOpenResult => isRecord(value) && isRecord(value.document) && isRecord(value.repo) && Array.isArray(value.files),
    'open-zenodo': (value): value is ZenodoOpenResult =>
      isRecord(value) && isRecord(value.document) && isRecord(value.record) && Array.isArray(value.files) && typeof value.descriptionHtml === 'string',
    md5: (value): value is string => typeof value === 'string' && /^[0-9a-f]{32}$/.test(value),
    stats: (value): value is TensorStats => isRecord(value) && typeof value.count === 'number' && isRecord(value.histogram),
    convert: (value): value is { blob: Blob; name: string } => isRecord(value) && value.blob instanceof Blob && typeof value.name === 'string',
    card: (value): value is CardResult => isRecord(value) && typeof value.html === 'string' && Array.isArray(value.lints),
    'draft-card': (value): value is string => typeof value === 'string',
    'chat-template': (value): value is ChatTemplateResult => isRecord(value) && typeof value.ok === 'boolean',
    'compare-values': (value): value is ValueComparison =>
      isRecord(value) && ['count', 'differing', 'maxAbs', 'maxRel', 'rms', 'cosine'].every((k) => typeof value[k] === 'number'),
    'graph-load': (value): value is null => value === null,
    'graph-view': isKept(isGraphViewModel),
    'graph-search': isKept((value): value is SearchResult => isRecord(value) && Array.isArray(value.hits) && typeof value.total === 'number'),
    'graph-node': isKept(
      (value): value is GraphNodeDetails | null =>
        value === null || (isRecord(value) && isId(value.nodeIndex) && Array.isArray(value.valueTypes) && Array.isArray(value.constants)),
    ),
  },
  fromWire: rehydrate,
};

/** Rebuilds the typed error a worker sent, HubError and ZenodoError included, so `transient` and retry delays still hold. */
export function rehydrate(error: WireError): LoupeError {
  if (error.kind !== undefined && error.source === 'zenodo') {
    return new ZenodoError(error.kind as ZenodoErrorKind, error.message, {
      status: error.status,
      url: error.url,
      retryAfterMs: error.retryAfterMs,
      file: error.file,
    });
  }
  if (error.kind !== undefined) {
    return new HubError(error.kind as HubErrorKind, error.message, {
      status: error.status,
      url: error.url,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
      file: error.file,
    });
  }
  return LoupeError.fromJSON(error);
}
