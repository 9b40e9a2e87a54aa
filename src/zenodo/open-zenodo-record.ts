import type { StreamByteSource } from '../bytes/stream-byte-source';
import { renderCard } from '../card/render-card';
import type { OpenProgress } from '../formats/open-group';
import { MAX_HEADER_LENGTH } from '../formats/safetensors/parse-safetensors';
import { guessFileKind, type HubFileKind } from '../hub/hub-files';
import { runPool } from '../hub/run-pool';
import type { ModelDocument } from '../model/document';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { fetchZenodoRecord, type ZenodoConnection } from './fetch-zenodo-record';
import { openSource } from '../sources/model-source';
import { zenodoSource } from '../sources/zenodo-source';
import type { ZenodoFile, ZenodoRecord } from './zenodo-record';

/** Files read at once. Each costs one request, and Zenodo allows guests 60 a minute. */
const CONCURRENCY = 4;

export interface ZenodoFileEntry extends ZenodoFile {
  /** What the name says it is (the same guesses as for Hub files). */
  kind: HubFileKind;
  /** Whether openZenodoRecord read it (its header, for weights). */
  opened: boolean;
}

export interface OpenZenodoRecordOptions extends ZenodoConnection {
  /** A record or concept id. Ignored when `record` is given. */
  recordId: string;
  /** A record already fetched (e.g. cached by React Query): skips the record request. */
  record?: ZenodoRecord;
  onProgress?: (progress: OpenProgress) => void;
}

export interface ZenodoOpenResult {
  document: ModelDocument;
  record: ZenodoRecord;
  /** Every file of the record, for the file list: guessed kind, whether it was opened. */
  files: ZenodoFileEntry[];
  /** Body bytes received from the content URLs, all files together: what opening cost. */
  bytesReceived: number;
  /** The record's description (HTML), sanitized as a card is; remote images held back. */
  descriptionHtml: string;
}

/**
 * Opens a Zenodo record as a model without downloading its weights: one request for the record,
 * then one per file opened. Weights (safetensors, ONNX with its external data, and pickles when
 * there is nothing safer: scanned, never executed), config.json and README.md are grouped as one
 * model; other files (code and data archives) are only listed. Content URLs ignore Range, so each
 * file is streamed from its start and the request is aborted once the header has arrived.
 * Rejects with ZenodoError (restricted, rate-limited…), a format error, or CancelledError.
 */
export async function openZenodoRecord(options: OpenZenodoRecordOptions): Promise<ZenodoOpenResult> {
  const { signal } = options;
  const record = options.record ?? (await fetchZenodoRecord(options.recordId, options));
  if (signal?.aborted) throw new CancelledError();
  const chosen = pickZenodoFiles(record.files);
  if (chosen.length === 0) throw nothingToOpen(record);

  const source = zenodoSource(record, options);
  // Read ahead in parallel what openGroup will then read one file after the other: sidecars and
  // small ONNX files whole, safetensors headers. External data is read only where a tensor is asked for.
  const ahead = chosen.filter((f) => guessFileKind(f.key) !== 'onnx-data');
  await runPool(
    ahead,
    CONCURRENCY,
    async (file, poolSignal) => {
      const bytes = source.byteSource(file.key);
      const kind = guessFileKind(file.key);
      if (kind === 'safetensors') await readSafetensorsHeader(bytes, poolSignal);
      else if (kind !== 'pickle' && file.size <= SMALL_FILE) await bytes.read(0, file.size, poolSignal);
    },
    signal,
  );

  const document = await openSource(source, { paths: chosen.map((f) => f.key), signal, onProgress: options.onProgress });
  const descriptionHtml = renderCard(record.description, { allowRemoteImages: false }).html;
  const opened = new Set(source.opened);
  const files = record.files.map((f) => ({ ...f, kind: guessFileKind(f.key), opened: opened.has(f.key) }));
  return { document, record, files, bytesReceived: source.bytesReceived, descriptionHtml };
}

/** Sidecars and ONNX graphs up to this size are read whole ahead of parsing. */
const SMALL_FILE = 16 * 1024 * 1024;

/**
 * Chooses what to open: safetensors weights (and their index), ONNX files with their external
 * data, config.json and README.md (at the top level when the record has several); pickles only
 * when there are no safe weights, since scanning one may read far into it.
 */
export function pickZenodoFiles(files: ZenodoFile[]): ZenodoFile[] {
  const byKind = (kind: HubFileKind) => files.filter((f) => guessFileKind(f.key) === kind);
  const first = (kind: HubFileKind) => {
    const all = byKind(kind);
    return all.find((f) => !f.key.includes('/')) ?? all[0];
  };
  const safetensors = byKind('safetensors');
  const onnx = byKind('onnx');
  const weights = [...safetensors, ...byKind('safetensors-index'), ...onnx, ...(onnx.length > 0 ? byKind('onnx-data') : [])];
  if (safetensors.length === 0 && onnx.length === 0) weights.push(...byKind('pickle'));
  return [...weights, first('config'), first('card')].filter((f): f is ZenodoFile => f !== undefined);
}

async function readSafetensorsHeader(source: StreamByteSource, signal: AbortSignal): Promise<void> {
  if (source.size < 8) return; // openGroup reports it
  const head = await source.read(0, 8, signal);
  const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_LENGTH)) throw new FormatError(source.name, 'header length', `${length} bytes is more than the ${MAX_HEADER_LENGTH} allowed`);
  const end = 8 + Number(length);
  if (end <= source.size) await source.read(8, end - 8, signal);
}

function nothingToOpen(record: ZenodoRecord): LoupeError {
  const names = record.files
    .slice(0, 3)
    .map((f) => f.key)
    .join(', ');
  const more = record.files.length > 3 ? ` and ${record.files.length - 3} more` : '';
  return new LoupeError(
    'unsupported',
    record.files.length === 0
      ? `Record ${record.id} lists no files.`
      : `Record ${record.id} has no weights, config.json or README.md that Loupe opens (its files: ${names}${more}).`,
  );
}
