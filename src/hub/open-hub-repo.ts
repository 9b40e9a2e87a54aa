import { describeJsonSidecarProblem, MAX_JSON_SIDECAR_BYTES, readJsonSidecar } from '../formats/json-sidecar';
import { parseSafetensorsIndex } from '../formats/safetensors/parse-safetensors-index';
import type { Diagnostic, ModelDocument } from '../model/document';
import { CancelledError, LoupeError } from '../model/errors';
import { hubSource } from '../sources/hub-source';
import { openSource } from '../sources/model-source';
import type { HubFileSource } from './hub-file-source';
import { describeHubFiles, ggufSplitSiblings, guessFileKind, isPickleFile, pickHubFiles, type HubFileEntry } from './hub-files';
import { hubConnection, resolveRepo, type HubCallOptions, type HubFile, type ResolvedRepo } from './resolve-repo';
import { runPool } from './run-pool';

/** Shard headers read at once, by default. */
export const DEFAULT_CONCURRENCY = 6;
/** Sidecars larger than this are not read ahead whole: the largest any format reads whole (a card's limit is lower). */
const MAX_PREFETCH_WHOLE = MAX_JSON_SIDECAR_BYTES;

export interface HubOpenProgress {
  /** `reading`: fetching headers and sidecars (the slow part); `parsing`: building the document. */
  phase: 'resolving' | 'reading' | 'parsing';
  done: number;
  total: number;
  file?: string;
}

export interface OpenHubRepoOptions extends HubCallOptions {
  /** `ORG/NAME`. Ignored when `resolved` is given. */
  repo: string;
  revision?: string;
  /** A repo already resolved (e.g. cached by React Query): skips the info and listing calls. */
  resolved?: ResolvedRepo;
  /** Read exactly these paths instead of the default pick. */
  paths?: string[];
  /** Shard headers read in parallel; default DEFAULT_CONCURRENCY. */
  concurrency?: number;
  onProgress?: (progress: HubOpenProgress) => void;
}

export interface HubOpenResult {
  document: ModelDocument;
  /** The pinned repo and its full listing. */
  repo: ResolvedRepo;
  /** Every file, for the file tree: guessed kind, pickle flag, whether it was opened. */
  files: HubFileEntry[];
  /** `generation_config.json`, parsed, when the repo has a valid one. */
  generationConfig?: Record<string, unknown>;
}

/**
 * Opens a Hub model without downloading its weights: resolves the revision to a commit, lists
 * the files, reads config.json, README.md, generation_config.json and the safetensors index
 * whole, and of every safetensors shard only its header (by Range, `concurrency` at a time),
 * then opens them through the Hub's ModelSource (sources/hub-source.ts) and the format registry.
 * Pure async, cancellable with `signal`.
 * Rejects with HubError (see its kinds), a format error, or CancelledError.
 */
export async function openHubRepo(options: OpenHubRepoOptions): Promise<HubOpenResult> {
  const { signal, onProgress } = options;
  const connection = hubConnection(options);
  onProgress?.({ phase: 'resolving', done: 0, total: 1 });
  const resolved = options.resolved ?? (await resolveRepo({ ...options, revision: options.revision }));
  onProgress?.({ phase: 'resolving', done: 1, total: 1 });
  if (signal?.aborted) throw new CancelledError();

  const byPath = new Map(resolved.files.map((f) => [f.path, f]));
  const source = hubSource(resolved, connection);

  let sidecars: HubFile[];
  let weights: HubFile[];
  let generationConfigFile: HubFile | undefined;
  let indexFile: HubFile | undefined;
  let externalData: HubFile[] = [];
  let gguf: HubFile[] = [];
  if (options.paths) {
    // A part of a split GGUF opens with its other parts.
    const chosen = [...options.paths, ...ggufSplitSiblings(options.paths, resolved.files).map((f) => f.path)].map((path) => {
      const file = byPath.get(path);
      if (!file) throw new LoupeError('unsupported', `${path} is not a file of ${resolved.repo} at ${resolved.revision}.`, { file: path });
      return file;
    });
    weights = chosen.filter((f) => f.path.endsWith('.safetensors'));
    gguf = chosen.filter((f) => guessFileKind(f.path) === 'gguf');
    generationConfigFile = chosen.find((f) => f.path.endsWith('generation_config.json'));
    sidecars = chosen.filter((f) => !f.path.endsWith('.safetensors') && !gguf.includes(f) && f !== generationConfigFile);
    // An ONNX model's external data lives beside it; it is read by Range, never prefetched.
    externalData = resolved.files.filter(
      (f) =>
        guessFileKind(f.path) === 'onnx-data' &&
        !options.paths!.includes(f.path) &&
        chosen.some((c) => c.path.endsWith('.onnx') && dirOf(c.path) === dirOf(f.path)),
    );
  } else {
    const pick = pickHubFiles(resolved.files);
    weights = pick.weights;
    gguf = pick.gguf;
    generationConfigFile = pick.generationConfig;
    indexFile = pick.index;
    sidecars = [pick.index, pick.config, pick.card, ...pick.tokenizer].filter((f): f is HubFile => f !== undefined);
  }
  if (weights.length === 0 && gguf.length === 0 && sidecars.length === 0) throw nothingToOpen(resolved);

  const sourceFor = (file: HubFile) => source.byteSource(file.path);
  let done = 0;
  let total = sidecars.length + (generationConfigFile ? 1 : 0) + weights.length;
  const tick = (file: string) => onProgress?.({ phase: 'reading', done: ++done, total, file });

  // 1. Sidecars whole, in parallel: the index decides which shards to read.
  const whole = [...sidecars, ...(generationConfigFile ? [generationConfigFile] : [])];
  await runPool(
    whole,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (file, poolSignal) => {
      if (file.size <= MAX_PREFETCH_WHOLE) await sourceFor(file).prefetchWhole(poolSignal);
      tick(file.path);
    },
    signal,
  );

  const warnings: Diagnostic[] = [];
  if (indexFile) {
    try {
      const index = await parseSafetensorsIndex(sourceFor(indexFile), signal);
      const dir = indexFile.path.includes('/') ? indexFile.path.slice(0, indexFile.path.lastIndexOf('/') + 1) : '';
      // The shards the index names that exist; missing ones are reported by openGroup.
      const named = index.shards.map((s) => byPath.get(dir + s)).filter((f): f is HubFile => f !== undefined);
      if (named.length > 0) {
        total -= weights.length - named.length;
        weights = named;
      }
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // A broken index: open the weights found by name; openGroup reports the index's problem.
    }
  }

  // 2. Every shard's header, `concurrency` at a time; never a byte of tensor data.
  await runPool(
    weights,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (file, poolSignal) => {
      await sourceFor(file).prefetchSafetensorsHeader(poolSignal);
      tick(file.path);
    },
    signal,
  );

  // GGUF headers are read by the parser itself, in growing chunks by Range (the header's length is not written anywhere).
  let generationConfig: Record<string, unknown> | undefined;
  if (generationConfigFile) {
    generationConfig = await readGenerationConfig(sourceFor(generationConfigFile), warnings, signal);
  }

  const document = await openSource(source, {
    paths: [...weights, ...gguf, ...sidecars, ...externalData].map((f) => f.path),
    signal,
    onProgress: (p) => onProgress?.({ phase: 'parsing', done: p.done, total: p.total, file: p.file }),
  });
  document.warnings.push(...warnings);
  return { document, repo: resolved, files: describeHubFiles(resolved.files, source.opened), generationConfig };
}

/** `generation_config.json` is a JSON sidecar like the config: read once, within the same limits; a bad one is a warning. */
async function readGenerationConfig(source: HubFileSource, warnings: Diagnostic[], signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
  const sidecar = await readJsonSidecar(source, signal);
  if (sidecar.ok && sidecar.value !== null && typeof sidecar.value === 'object' && !Array.isArray(sidecar.value))
    return sidecar.value as Record<string, unknown>;
  const why = sidecar.ok
    ? 'is not a JSON object'
    : sidecar.problem === 'not-json' || sidecar.problem === 'not-utf8'
      ? 'is not valid JSON'
      : `was not read (${describeJsonSidecarProblem(sidecar.problem)})`;
  warnings.push({ severity: 'warning', code: 'generation-config-invalid', file: source.name, message: `${source.name} ${why}; it was ignored.` });
  return undefined;
}

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

function nothingToOpen(resolved: ResolvedRepo): LoupeError {
  const pickles = resolved.files.filter((f) => isPickleFile(f.path)).map((f) => f.path);
  const onnx = resolved.files.filter((f) => f.path.endsWith('.onnx')).map((f) => f.path);
  const has = [
    pickles.length ? `pickle weights (${list(pickles)}), which can be scanned one by one from the file list (Loupe never executes them)` : '',
    onnx.length ? `ONNX files (${list(onnx)}), which can be opened one by one from the file list` : '',
  ].filter(Boolean);
  return new LoupeError(
    'unsupported',
    `${resolved.repo} has no safetensors weights, config.json or README.md to open${has.length ? `; it has ${has.join(', and ')}` : ''}.`,
  );
}

function list(paths: string[]): string {
  return paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
}
