import type { ByteSource } from '../model/byte-source';
import type { Diagnostic, DocumentSource, FileRef, FormatId, ModelDocument, ParsedFile, TensorInfo } from '../model/document';
import type { Graph, OnnxFunction } from '../model/graph';
import { CancelledError, FormatError, LoupeError, toLoupeError } from '../model/errors';
import { cardFormat, decodeText } from './card/card-format';
import { deriveConfigFacts } from './config/derive-config-facts';
import { estimateParameters } from './config/estimate-parameters';
import { explainCountDifference } from './config/explain-count-difference';
import { parseConfig, isModelConfig } from './config/parse-config';
import { SNIFF_BYTES } from './format-module';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { assembleOnnx } from './onnx/assemble-onnx';
import { onnxFormat } from './onnx/onnx-format';
import { pytorchFormat } from './pytorch/pytorch-format';
import { worseVerdict } from './pytorch/scan-imports';
import { countParameters } from './count-parameters';
import { safetensorsFormat, safetensorsHeadProblem } from './safetensors/safetensors-format';
import { isSafetensorsIndex, parseSafetensorsIndex } from './safetensors/parse-safetensors-index';

/** JSON sidecars (config, index) larger than this are not classified. */
export const MAX_JSON_SIDECAR_BYTES = 64 * 1024 * 1024;
/** A dropped folder with more files than this is refused: nobody meant to open it as one model. */
export const MAX_GROUP_FILES = 10_000;

/** What the user is told Loupe can open when nothing in the drop is recognized. */
export const OPENABLE =
  'Loupe opens safetensors weights (.safetensors, sharded with model.safetensors.index.json), ' +
  'ONNX models (.onnx, with their external data files), PyTorch checkpoints (.bin, .pt, .pth, .ckpt: scanned, never executed), ' +
  'a Hugging Face config.json, and a model card (README.md).';

export interface OpenProgress {
  done: number;
  total: number;
  file: string;
}

export interface OpenGroupOptions {
  signal?: AbortSignal;
  onProgress?: (progress: OpenProgress) => void;
  source?: Omit<DocumentSource, 'files'>;
}

type Classified =
  | { kind: 'safetensors'; source: ByteSource }
  | { kind: 'safetensors-index'; source: ByteSource }
  | { kind: 'onnx'; source: ByteSource }
  | { kind: 'pytorch'; source: ByteSource }
  | { kind: 'config'; source: ByteSource }
  | { kind: 'card'; source: ByteSource }
  | { kind: 'unknown'; source: ByteSource; reason: string };

/**
 * Opens the files dropped together as one model: every shard, the index, the config and the card.
 * Formats are told apart by their bytes (the registry's sniffers), never by their names alone.
 */
export async function openGroup(sources: ByteSource[], options: OpenGroupOptions = {}): Promise<ModelDocument> {
  const { signal, onProgress } = options;
  if (sources.length === 0) throw new LoupeError('unsupported', `No files were given. ${OPENABLE}`);
  if (sources.length > MAX_GROUP_FILES) {
    throw new LoupeError('unsupported', `${sources.length} files were dropped; Loupe opens at most ${MAX_GROUP_FILES} at once.`);
  }

  const classified: Classified[] = [];
  for (const source of sources) {
    classified.push(await classify(source, signal));
  }
  const recognized = classified.filter((c) => c.kind !== 'unknown');
  if (recognized.length === 0) {
    const first = classified[0] as Extract<Classified, { kind: 'unknown' }>;
    const what = sources.length === 1 ? first.source.name : `none of the ${sources.length} files`;
    throw new LoupeError('unsupported', `Loupe cannot open ${what}: ${sources.length === 1 ? first.reason : 'no recognized model file'}. ${OPENABLE}`, {
      file: sources.length === 1 ? first.source.name : undefined,
    });
  }

  const warnings: Diagnostic[] = [];
  const formats: FormatId[] = [];
  const files: ParsedFile[] = [];
  const tensors: TensorInfo[] = [];
  const metadata: Record<string, string> = {};
  const fileRefs: FileRef[] = classified.map((c) => ({ path: c.source.name, size: c.source.size, format: c.kind === 'unknown' ? undefined : c.kind }));
  let config: ModelDocument['config'];
  let card: ModelDocument['card'];

  const weightFiles = recognized.filter((c) => c.kind === 'safetensors' || c.kind === 'pytorch');
  let pickle: ModelDocument['pickle'];
  let done = 0;
  const total = recognized.length;
  const tick = (file: string) => onProgress?.({ done: ++done, total, file });

  const dataFiles = new Set<string>();
  const graphs: Graph[] = [];
  const functions: OnnxFunction[] = [];
  const dropped = sources.map((s) => ({ path: s.name, size: s.size }));

  for (const item of recognized) {
    if (signal?.aborted) throw new CancelledError();
    const { source } = item;
    if (!formats.includes(item.kind)) formats.push(item.kind);
    switch (item.kind) {
      case 'safetensors': {
        const header = await safetensorsFormat.parse(source, signal);
        for (const tensor of header.tensors) tensors.push(tensor); // not push(...): 100,000 arguments overflow the stack
        files.push({ format: 'safetensors', path: source.name, headerLength: header.headerLength, tensorCount: header.tensors.length, metadata: header.metadata });
        for (const [key, value] of Object.entries(header.metadata ?? {})) {
          metadata[weightFiles.length > 1 ? `${source.name}: ${key}` : key] = value;
        }
        break;
      }
      case 'safetensors-index': {
        const index = await parseSafetensorsIndex(source, signal);
        files.push({ format: 'safetensors-index', path: source.name, totalSize: index.totalSize, shards: index.shards });
        // An index may list safetensors shards or pytorch_model-*.bin shards: both count as present.
        const present = new Set(weightFiles.map((w) => w.source.name));
        for (const shard of index.shards) {
          const path = joinPath(dirname(source.name), shard);
          if (!present.has(path)) {
            warnings.push({
              severity: 'warning',
              code: 'shard-missing',
              file: path,
              field: 'weight_map',
              message: `Shard ${shard} is listed in ${source.name} but was not among the files given; its tensors are not shown.`,
            });
          }
        }
        break;
      }
      case 'onnx': {
        const model = await onnxFormat.parse(source, signal);
        const assembled = assembleOnnx(model, source.name, dropped);
        for (const tensor of assembled.tensors) tensors.push(tensor);
        for (const path of assembled.dataFiles) dataFiles.add(path);
        warnings.push(...assembled.warnings);
        files.push(assembled.file);
        graphs.push(model.graph);
        functions.push(...model.functions);
        const onnxCount = recognized.filter((c) => c.kind === 'onnx').length;
        for (const [key, value] of Object.entries(assembled.metadata)) metadata[onnxCount > 1 ? `${source.name}: ${key}` : key] = value;
        break;
      }
      case 'pytorch': {
        const parsed = await pytorchFormat.parse(source, signal);
        for (const tensor of parsed.tensors) tensors.push(tensor);
        warnings.push(...parsed.warnings);
        files.push({ format: 'pytorch', path: source.name, report: parsed.report });
        pickle = { verdict: worseVerdict(pickle?.verdict ?? 'safe', parsed.report.verdict), reports: [...(pickle?.reports ?? []), parsed.report] };
        if (parsed.report.verdict === 'unsafe') {
          const culprits = parsed.report.imports.filter((i) => i.badge === 'unsafe').map((i) => `${i.module}.${i.name}`);
          warnings.push({
            severity: 'error',
            code: 'pickle-unsafe',
            file: source.name,
            message: `${source.name} is unsafe: it would run ${culprits.join(', ') || 'code'} when loaded with torch.load. Loupe never executes it; do not load it in Python.`,
          });
        }
        break;
      }
      case 'config': {
        config = await parseConfig(source, signal);
        files.push({ format: 'config', path: source.name });
        break;
      }
      case 'card': {
        card = await cardFormat.parse(source, signal);
        files.push({ format: 'card', path: source.name });
        break;
      }
    }
    tick(source.name);
  }

  for (const item of classified) {
    if (item.kind !== 'unknown') continue;
    if (dataFiles.has(item.source.name)) {
      const ref = fileRefs.find((f) => f.path === item.source.name);
      if (ref) ref.format = 'onnx-data';
      continue;
    }
    warnings.push({ severity: 'info', code: 'file-skipped', file: item.source.name, message: `${item.source.name} was not opened: ${item.reason}.` });
  }
  if (dataFiles.size > 0 && !formats.includes('onnx-data')) formats.push('onnx-data');

  const parameters = countParameters(tensors);
  if (config) {
    config.facts = deriveConfigFacts(config.raw, warnings);
    config.estimate = estimateParameters(config.raw);
    if (config.estimate.estimate && tensors.length > 0 && !warnings.some((w) => w.code === 'shard-missing')) {
      config.countDifference = explainCountDifference(config.estimate.estimate, config.facts, parameters.total, tensors);
    }
  }

  return {
    source: { kind: options.source?.kind ?? 'local', repo: options.source?.repo, files: fileRefs },
    formats,
    tensors,
    parameters,
    ...(graphs.length > 0 ? { graphs, functions } : {}),
    ...(pickle ? { pickle } : {}),
    files,
    metadata,
    config,
    card,
    warnings,
  };
}

async function classify(source: ByteSource, signal?: AbortSignal): Promise<Classified> {
  if (source.size === 0) return { kind: 'unknown', source, reason: 'the file is empty (0 bytes)' };
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size), signal);
  if (safetensorsFormat.sniff(head, source)) return { kind: 'safetensors', source };
  if (onnxFormat.sniff(head, source)) return { kind: 'onnx', source };
  // After safetensors: a pickle never passes the safetensors sniff, so a pickle named .safetensors lands here.
  if (pytorchFormat.sniff(head, source)) return { kind: 'pytorch', source };
  if (looksLikeJson(head)) {
    if (source.size > MAX_JSON_SIDECAR_BYTES) return { kind: 'unknown', source, reason: 'a JSON file too large to be a config or an index' };
    const json = await readJson(source, signal);
    if (json === TOO_DEEP) return { kind: 'unknown', source, reason: `its JSON is nested more than ${MAX_JSON_DEPTH} levels deep, which no config or index is` };
    if (json === undefined) return { kind: 'unknown', source, reason: 'the file starts like JSON but is not valid JSON' };
    if (isSafetensorsIndex(json)) return { kind: 'safetensors-index', source };
    if (isModelConfig(json)) return { kind: 'config', source };
    return { kind: 'unknown', source, reason: 'a JSON file that is neither a config.json nor a safetensors index' };
  }
  if (cardFormat.sniff(head, source)) return { kind: 'card', source };
  // Still told apart by bytes, but a file named for safetensors is told what is wrong with it as that.
  const problem = /\.safetensors$/i.test(source.name) ? safetensorsHeadProblem(head, source.size) : undefined;
  return { kind: 'unknown', source, reason: `its bytes match no format Loupe reads${problem ? ` (as safetensors: ${problem})` : ''}` };
}

function looksLikeJson(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b;
}

const TOO_DEEP = Symbol('too deep');

async function readJson(source: ByteSource, signal?: AbortSignal): Promise<unknown> {
  try {
    const text = decodeText(await source.read(0, source.size, signal), source.name);
    if (jsonDepth(text) > MAX_JSON_DEPTH) return TOO_DEEP;
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof FormatError || error instanceof SyntaxError) return undefined;
    throw toLoupeError(error, source.name);
  }
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}
