import { LLAMA_FILE_TYPES } from '../formats/gguf/llama-file-types';
import { parseGgufSplitName } from '../formats/gguf/merge-gguf-splits';
import type { HubFile } from './resolve-repo';

/** What a repo file probably is, guessed from its name (nothing is read). */
export type HubFileKind =
  | 'safetensors'
  | 'safetensors-index'
  | 'config'
  | 'generation-config'
  | 'card'
  | 'onnx'
  /** ONNX external data (`*.onnx_data`, `*.onnx.data`). */
  | 'onnx-data'
  /** PyTorch or other pickle: `*.bin`, `*.pt`, `*.pth`, `*.ckpt`, `*.pkl`, `*.pickle`. */
  | 'pickle'
  | 'gguf'
  | 'tokenizer'
  | 'other';

/** A repo file for the file tree: the listing's facts, a guess at its format, and whether Loupe opened it. */
export interface HubFileEntry extends HubFile {
  kind: HubFileKind;
  /** Pickle can run code when loaded: the UI should say so. Loupe never opens these. */
  pickle: boolean;
  /** Whether openHubRepo read it (its header, for weights). */
  opened: boolean;
}

/** The files openHubRepo reads by default. */
export interface HubFilePick {
  config?: HubFile;
  card?: HubFile;
  generationConfig?: HubFile;
  /** The safetensors index, when the weights are sharded. */
  index?: HubFile;
  /** Safetensors files. With an index, openHubRepo narrows these to the shards it names. */
  weights: HubFile[];
  /** With no safetensors weights: the GGUF model to open (every part of a split one), Q4_K_M when there is one. */
  gguf: HubFile[];
  /** The tokenizer and chat template files at the root up to MAX_AUTO_TOKENIZER_BYTES, read whole like the config. */
  tokenizer: HubFile[];
}

/** The root files that make up a tokenizer and its chat template (the tokenizer formats read them). */
const TOKENIZER_FILES = new Set(['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja']);

/**
 * Tokenizer files larger than this are listed, not read with the repo: a 128k-token tokenizer.json
 * is 9 MB, more than every header of a 70B checkpoint together. Inspecting the file reads it.
 */
export const MAX_AUTO_TOKENIZER_BYTES = 1024 * 1024;

/** One GGUF model of a repo (often one repo holds many quantizations): its files (the parts of a split one), total size and quantization by name. */
export interface GgufQuantization {
  /** The file, or the first part of a split model. */
  path: string;
  paths: string[];
  size: number;
  /** The llama.cpp quantization its name says (Q4_K_M…), when it says one. */
  type?: string;
}

// Longest names first, so `Q4_K_M` wins over `Q4_K`.
const QUANT_NAMES = [...new Set(Object.values(LLAMA_FILE_TYPES).map((n) => n.replace(/ .*/, '')))].sort((a, b) => b.length - a.length);
const QUANT_IN_NAME = new RegExp(`(?:^|[^A-Za-z0-9])(${QUANT_NAMES.join('|')})(?=$|[^A-Za-z0-9])`, 'i');

/** The repo's GGUF models, split parts grouped under their first part, by path. */
export function ggufQuantizations(files: readonly HubFile[]): GgufQuantization[] {
  const byModel = new Map<string, HubFile[]>();
  for (const file of files) {
    if (!file.path.toLowerCase().endsWith('.gguf')) continue;
    const key = parseGgufSplitName(file.path)?.prefix ?? file.path;
    byModel.set(key, [...(byModel.get(key) ?? []), file]);
  }
  return [...byModel.entries()]
    .map(([key, parts]) => {
      parts.sort((a, b) => compare(a.path, b.path));
      const quantization: GgufQuantization = {
        path: parts[0]!.path,
        paths: parts.map((f) => f.path),
        size: parts.reduce((n, f) => n + (f.lfs?.size ?? f.size), 0),
      };
      const type = QUANT_IN_NAME.exec(basename(key.replace(/\.gguf$/i, '')))?.[1];
      if (type) quantization.type = type.toUpperCase();
      return quantization;
    })
    .sort((a, b) => compare(a.path, b.path));
}

/** The other parts of the split GGUF models among `paths`, from the listing. */
export function ggufSplitSiblings(paths: readonly string[], files: readonly HubFile[]): HubFile[] {
  const chosen = new Set(paths);
  const prefixes = new Set(paths.flatMap((p) => parseGgufSplitName(p)?.prefix ?? []));
  return files.filter((f) => !chosen.has(f.path) && prefixes.has(parseGgufSplitName(f.path)?.prefix ?? '\0'));
}

const PICKLE = /\.(bin|pt|pth|ckpt|pkl|pickle)$/i;
const TOKENIZER =
  /^(tokenizer(_config)?\.json|tokenizer\.model|special_tokens_map\.json|added_tokens\.json|vocab\.(json|txt)|merges\.txt|spiece\.model|sentencepiece\.bpe\.model)$/i;

/** Guesses a file's format from its name. */
export function guessFileKind(path: string): HubFileKind {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (lower.endsWith('.safetensors.index.json')) return 'safetensors-index';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (name === 'config.json') return 'config';
  if (name === 'generation_config.json') return 'generation-config';
  if (lower === 'readme.md') return 'card';
  if (lower.endsWith('.onnx')) return 'onnx';
  if (lower.endsWith('.onnx_data') || lower.endsWith('.onnx.data')) return 'onnx-data';
  if (PICKLE.test(lower)) return 'pickle';
  if (lower.endsWith('.gguf')) return 'gguf';
  if (TOKENIZER.test(name)) return 'tokenizer';
  return 'other';
}

/** Whether loading the file means unpickling it (which can run arbitrary code). */
export function isPickleFile(path: string): boolean {
  return PICKLE.test(path);
}

/**
 * Chooses what to read: `config.json`, `README.md`, `generation_config.json`, the tokenizer files
 * and the safetensors index at the repo root, and the safetensors weights. Weights are the root's `*.safetensors`;
 * a repo with none at the root (diffusers pipelines) gives those of its folders. Variants of a
 * file that is also there (`model.fp16.safetensors` beside `model.safetensors`) are left out,
 * as are ONNX, pickle and every other file: they are listed, not opened.
 */
export function pickHubFiles(files: HubFile[]): HubFilePick {
  const root = files.filter((f) => !f.path.includes('/'));
  const find = (test: (name: string) => boolean) => root.find((f) => test(f.path));
  const indexes = root.filter((f) => f.path.endsWith('.safetensors.index.json')).sort((a, b) => compare(a.path, b.path));
  const index = indexes.find((f) => f.path === 'model.safetensors.index.json') ?? indexes[0];

  let weights = root.filter((f) => f.path.endsWith('.safetensors'));
  if (weights.length === 0) weights = files.filter((f) => f.path.endsWith('.safetensors'));
  const paths = new Set(weights.map((f) => f.path));
  weights = weights.filter((f) => !isVariantOf(f.path, paths)).sort((a, b) => compare(a.path, b.path));

  const quantizations = weights.length === 0 ? ggufQuantizations(root.length > 0 && root.some((f) => f.path.endsWith('.gguf')) ? root : files) : [];
  const preferred = quantizations.find((q) => q.type === 'Q4_K_M') ?? quantizations[0];
  const gguf = preferred ? files.filter((f) => preferred.paths.includes(f.path)) : [];
  const tokenizer = root.filter((f) => TOKENIZER_FILES.has(f.path) && f.size <= MAX_AUTO_TOKENIZER_BYTES).sort((a, b) => compare(a.path, b.path));
  const pick: HubFilePick = { weights, gguf, tokenizer };
  const config = find((n) => n === 'config.json');
  const card = find((n) => n.toLowerCase() === 'readme.md');
  const generationConfig = find((n) => n === 'generation_config.json');
  if (config) pick.config = config;
  if (card) pick.card = card;
  if (generationConfig) pick.generationConfig = generationConfig;
  if (index) pick.index = index;
  return pick;
}

/** The file tree's rows: every file, with its guessed kind, pickle flag and whether it was opened. */
export function describeHubFiles(files: HubFile[], opened: Iterable<string> = []): HubFileEntry[] {
  const openedSet = new Set(opened);
  return files.map((file) => ({ ...file, kind: guessFileKind(file.path), pickle: isPickleFile(file.path), opened: openedSet.has(file.path) }));
}

/** `dir/name.variant.safetensors` when `dir/name.safetensors` is also present. */
function isVariantOf(path: string, paths: Set<string>): boolean {
  const match = /^(.*)\.[^./]+\.safetensors$/.exec(path);
  return match !== null && paths.has(`${match[1]}.safetensors`);
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
