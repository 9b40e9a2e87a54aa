import type { OpenProgress } from '../formats/open-group';
import { openGroup } from '../formats/open-group';
import type { ByteSource } from '../model/byte-source';
import type { DocumentSource, ModelDocument, SourceMetadata } from '../model/document';
import { LoupeError } from '../model/errors';

/**
 * What reading a file of a source costs: `range` reads any slice by HTTP Range (the Hub),
 * `stream` can only read a file from its start (a record without Range support), `local` is a
 * file on this machine.
 */
export type ReadCost = 'range' | 'stream' | 'local';

/** One file a source lists. */
export interface SourceFile {
  /** Relative to the source's root: the dropped folder, the repo, the record. */
  path: string;
  size: number;
  /** The digest the source states for the file, when it states one. */
  checksum?: { algorithm: 'sha256' | 'md5'; value: string };
}

/**
 * Where the files of a model come from: local files and folders, a Hugging Face Hub repo, and
 * later a Zenodo record. Opening, inspecting one file and comparing go through this interface
 * only, so they work the same whatever the source.
 */
export interface ModelSource {
  /** Which source it is, as the document records it. */
  readonly kind: DocumentSource['kind'];
  readonly readCost: ReadCost;
  /** Every file the source holds, in its order. */
  readonly files: readonly SourceFile[];
  /** What the source says about the model. */
  readonly metadata: SourceMetadata;
  /** Where the document says it came from, beside the files (the Hub's pinned commit). */
  readonly origin: Omit<DocumentSource, 'files' | 'kind' | 'metadata'>;
  /** The bytes of one of its files, read as `readCost` says. Throws when the source has no such file. */
  byteSource(path: string): ByteSource;
}

export interface OpenSourceOptions {
  /** The files to open as one model; default every file. */
  paths?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: OpenProgress) => void;
}

/** Opens files of a source as one model document, through the format registry. */
export function openSource(source: ModelSource, options: OpenSourceOptions = {}): Promise<ModelDocument> {
  const paths = options.paths ?? source.files.map((f) => f.path);
  const metadata = Object.keys(source.metadata).length > 0 ? { metadata: source.metadata } : {};
  return openGroup(
    paths.map((path) => source.byteSource(path)),
    { signal: options.signal, onProgress: options.onProgress, source: { kind: source.kind, ...source.origin, ...metadata } },
  );
}

/** The error for a path a source does not hold. */
export function notInSource(path: string, where: string): LoupeError {
  return new LoupeError('unsupported', `${path} is not a file of ${where}.`, { file: path });
}
