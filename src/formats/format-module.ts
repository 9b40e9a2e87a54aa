import type { ByteSource } from '../model/byte-source';
import type { DataFileFormats, ModelDocument, ParsedFormatId, TensorInfo } from '../model/document';
import type { JsonSidecar } from './json-sidecar';

/** How many leading bytes every sniffer gets. */
export const SNIFF_BYTES = 64;

/**
 * What a file is to the group. Files of one role are counted together: when several files of the
 * same role carry metadata, its keys are prefixed by the file's path.
 */
export type FormatRole = 'weights' | 'model' | 'sidecar';

/**
 * One format's entry in the registry (after Netron's `match`/`open` factories). A new format is
 * one folder with one of these, and one line in FORMATS (`registry.ts`).
 *
 * The methods use method syntax on purpose: a module typed with its own `Parsed` then fits the
 * registry's list of `FormatModule` (TypeScript checks method parameters bivariantly).
 */
export interface FormatModule<Parsed = unknown> {
  id: ParsedFormatId;
  /** A short name, e.g. `safetensors`. */
  label: string;
  /** Its phrase in "Loupe opens …"; left out by a sidecar whose format is named in another's phrase. */
  describe?: string;
  /** Its row in the README's "What it opens" table. */
  readme: { input: string; reads: string };
  /** File name endings it is usually found under. Only a hint: bytes decide (see `sniff`). */
  extensions: readonly string[];
  role: FormatRole;
  /**
   * Set for JSON sidecars: when a file's head looks like JSON, the registry reads and parses it
   * once (json-sidecar.ts, within its limits) and hands the value to `sniff` and the sidecar to `parse`.
   */
  json?: boolean;
  /**
   * Whether the file is this format. Looks at magic bytes (`head` is the first SNIFF_BYTES) and
   * returns fast; the name is a hint only for text formats, whose bytes cannot tell a markdown card
   * from any other text. `json` is the parsed value, for JSON sidecars only.
   */
  sniff(head: Uint8Array, source: ByteSource, json?: unknown): boolean;
  /** Parses one file. Throws FormatError naming the file and the field. */
  parse(source: ByteSource, signal?: AbortSignal, sidecar?: JsonSidecar): Promise<Parsed>;
  /** Adds what one parsed file says to the document: tensors, its ParsedFile entry, metadata, warnings, document-level facts. */
  contribute(parsed: Parsed, source: ByteSource, draft: DocumentDraft): void;
  /**
   * Runs once, after every file of the group has contributed, with every file of this format
   * (in the order given): for facts of the whole group, such as merging split files. Modules
   * finish in registry order, and `document.parameters` is counted afresh before each.
   */
  finish?(draft: DocumentDraft, files: readonly ParsedOf<Parsed>[]): void;
  /** Why a file whose name says this format cannot be it, for the "cannot open" message; undefined when its head is fine. */
  problemWith?(head: Uint8Array, source: ByteSource): string | undefined;
}

/** One file of a format, parsed. */
export interface ParsedOf<Parsed> {
  source: ByteSource;
  parsed: Parsed;
}

/** A file given with the group, and what it was recognized as. */
export interface GroupFile {
  path: string;
  size: number;
  /** The format its bytes were recognized as; absent when no format claims it. */
  format?: ParsedFormatId;
  role?: FormatRole;
}

/** The document while the registry builds it, with the group it comes from. */
export interface DocumentDraft {
  /** The document being built. Formats push into its lists and set its document-level fields. */
  readonly document: ModelDocument;
  /** Every file given together, recognized or not, in the order given. */
  readonly group: readonly GroupFile[];
  /** Appends tensors (one by one: a spread of 100,000 arguments overflows the stack). */
  addTensors(tensors: readonly TensorInfo[]): void;
  /** Adds flat metadata from `file`; keys are prefixed by its path when several files of its role are in the group. */
  addMetadata(file: string, entries: Record<string, string> | undefined): void;
  /** Claims a file of the group no format recognized as data belonging to a parsed one (ONNX external data): it is not reported as skipped. */
  claim(path: string, format: keyof DataFileFormats): void;
}
