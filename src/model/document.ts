import type { ConfigFacts, ParameterEstimateResult } from './config-facts';
import type { DType } from './dtype';
import type { Graph, OnnxFunction, OpsetImport } from './graph';
import type { PickleReport, PickleVerdict } from './pickle';
import type { Diagnostic } from './diagnostic';

export type { Diagnostic };

/**
 * The one document every format produces and every view consumes.
 *
 * It is plain data (structured-cloneable), so it crosses the worker boundary as is.
 * Sizes are `number`: parsers convert from 64-bit values with a checked conversion
 * and fail rather than lose precision above 2^53.
 */
export interface ModelDocument {
  /** Where the files came from. */
  source: DocumentSource;
  /** Formats recognized in the group, in the order they were found (e.g. `['safetensors', 'config', 'card']`). */
  formats: FormatId[];
  /** Every tensor of every weight file, in file order. Always present; empty when the group has no weights. */
  tensors: TensorInfo[];
  /** Computation graphs: the ONNX main graph (subgraphs sit under their nodes). Absent for weights-only formats. */
  graphs?: Graph[];
  /** ONNX model-local functions (FunctionProto). */
  functions?: OnnxFunction[];
  /** Exact parameter counts from the weights: total elements, and per dtype. */
  parameters: ParameterCount;
  /** Per-file facts specific to a format. One entry per weight or sidecar file that was parsed. */
  files: ParsedFile[];
  /** Flat key/value facts: safetensors `__metadata__`, ONNX producer and metadata_props. Keys are prefixed by file when several files have them. */
  metadata: Record<string, string>;
  /** `config.json`, when the group has one. */
  config?: ModelConfig;
  /** The model card (`README.md`), when the group has one. */
  card?: ModelCard;
  /** PyTorch pickle checkpoints: the worst verdict over every pickle file, and each file's scan. */
  pickle?: { verdict: PickleVerdict; reports: PickleReport[] };
  /** Non-fatal problems. The document still renders; fatal problems are thrown as typed errors instead. */
  warnings: Diagnostic[];
}

/**
 * Every format Loupe parses, by id, with the facts one parsed file of it carries (`ParsedFile`).
 * A format's own folder adds its entry by declaration merging, so a new format needs no edit here:
 *
 * ```ts
 * declare module '../../model/document' {
 *   interface FormatFacts { gguf: { version: number; tensorCount: number } }
 * }
 * ```
 */
export interface FormatFacts {
  safetensors: { headerLength: number; tensorCount: number; metadata?: Record<string, string> };
  'safetensors-index': { totalSize?: number; shards: string[] };
  onnx: {
    irVersion: number;
    opsets: OpsetImport[];
    producerName: string;
    producerVersion: string;
    domain: string;
    modelVersion: number | string;
    docString: string;
    metadataProps: Record<string, string>;
    nodeCount: number;
    subgraphCount: number;
    functionCount: number;
  };
  pytorch: { report: PickleReport };
  config: object;
  card: object;
}

/** Formats of files that are not parsed themselves but belong to one that is (ONNX external data). Extended like FormatFacts. */
export interface DataFileFormats {
  'onnx-data': true;
}

/** A format Loupe recognizes: one it parses, or a data file another format claims. */
export type FormatId = ParsedFormatId | keyof DataFileFormats;

/** A format with a parser (a key of FormatFacts). */
export type ParsedFormatId = keyof FormatFacts;

export interface DocumentSource {
  kind: 'local' | 'hub' | 'example' | 'zenodo';
  files: FileRef[];
  /** Set for Hub documents. `commit` pins everything read to one commit. */
  repo?: { id: string; revision: string; commit?: string };
  /** What the source itself says about the model (a Hub repo, a Zenodo record); absent for local files. */
  metadata?: SourceMetadata;
}

/** A source's own facts about what it holds, as the source states them. */
export interface SourceMetadata {
  title?: string;
  authors?: string[];
  licence?: string;
  doi?: string;
  links?: { label: string; url: string }[];
  /** What the record relates itself to (a Zenodo record's DataCite related identifiers): "what is shared" reads code and data links from them. */
  related?: SourceRelation[];
}

/** One related identifier of a record, as DataCite and Zenodo state it. */
export interface SourceRelation {
  identifier: string;
  /** DataCite relation, as Zenodo writes it: isSupplementedBy, isSupplementTo, isDerivedFrom, references… */
  relation: string;
  /** DataCite resource type: software, dataset… */
  resourceType?: string;
  /** An http(s) link to it, when there is one. */
  url?: string;
}

/** A file in the group, by its path relative to the dropped folder (or its name when dropped alone). */
export interface FileRef {
  path: string;
  size: number;
  /** The format its bytes were recognized as; absent when it was not opened. */
  format?: FormatId;
}

export interface TensorInfo {
  name: string;
  dtype: DType;
  /** Dimensions; a string is a symbolic dimension (e.g. `batch`). */
  shape: Dim[];
  /** Product of the dims (0 for an empty tensor, 1 for a scalar). */
  elements: number;
  /** Path of the file (FileRef.path) that holds the data. */
  file: string;
  /** Absolute byte offset of the first data byte in `file`. */
  byteOffset: number;
  byteLength: number;
  /** Set when the values cannot be read back, and why (e.g. an external data file that was not given). */
  unreadable?: string;
  /** Where the tensor comes from, when that is not simply "a weight": e.g. `Constant node /model/Constant_3`. */
  origin?: string;
}

export type Dim = number | string;

export interface ParameterCount {
  total: number;
  byDtype: Partial<Record<DType, number>>;
  /** Bytes of tensor data per dtype. */
  bytesByDtype: Partial<Record<DType, number>>;
}

/** Facts specific to one parsed file: a discriminated union on `format`, one member per FormatFacts entry. */
export type ParsedFile = { [F in ParsedFormatId]: { format: F; path: string } & FormatFacts[F] }[ParsedFormatId];

/** A `config.json` as AutoConfig reads it: the raw object, plus the facts Loupe derives from it. */
export interface ModelConfig {
  path: string;
  raw: Record<string, unknown>;
  architectures: string[];
  modelType?: string;
  /** Sizes read from the config (from `text_config` for multimodal configs); set by the registry. */
  facts?: ConfigFacts;
  /** The parameter count the config implies, for families Loupe can describe exactly; else the reason there is none. */
  estimate?: ParameterEstimateResult;
  /** Why the weights' count differs from the estimate (tied embeddings, buffers, packing); empty when they agree or no weights were given. */
  countDifference?: string[];
}

/** A model card: the YAML front matter as text, and the markdown body. Parsing and linting live in `src/card`. */
export interface ModelCard {
  path: string;
  /** The YAML between the leading `---` fences, unparsed; absent when the card has none. */
  frontMatter?: string;
  body: string;
}
