import type { ConfigFacts, ConfigFamily } from '../../model/config-facts';
import type { TensorInfo } from '../../model/document';
import { ggmlBitsPerElement, ggmlDType, ggmlTypeByName, type GgmlTypeName } from './ggml-types';
import { llamaFileTypeName } from './llama-file-types';
import type { GgufHeader, GgufMetadataEntry, GgufTensorInfo, GgufValue } from './parse-gguf';

/** Array items a metadata summary shows; the rest are counted, never copied. */
export const SHOWN_ARRAY_ITEMS = 8;
/** Characters of a string value a metadata summary shows. */
export const SHOWN_STRING_LENGTH = 2048;

/** A displayable metadata value: 64-bit integers above 2^53 become decimal strings. */
export type GgufShownValue = string | number | boolean;

/** One metadata key as the Metadata table shows it. Long arrays and strings are summarized. */
export interface GgufMetadataSummary {
  key: string;
  /** `uint32`, `string`, `array<string>`, `array<array<int32>>`… */
  type: string;
  /** The value of a scalar or string (cut to SHOWN_STRING_LENGTH characters, see `truncated`). */
  value?: GgufShownValue;
  /** For arrays: the element count, and the first SHOWN_ARRAY_ITEMS items (nested arrays as `[n items]`). */
  count?: number;
  first?: GgufShownValue[];
  /** True when `value` or `first` shows only part of the value. */
  truncated: boolean;
  /** Bytes the value takes in the file. */
  bytes: number;
}

/** Parameters and bytes stored in one ggml type. */
export interface GgmlTypeUsage {
  type: GgmlTypeName;
  tensors: number;
  parameters: number;
  bytes: number;
  /** bytes × 8 / parameters, block scales included; NaN for an empty type. */
  bitsPerWeight: number;
}

export interface GgufParameterFacts {
  /** Exact: the sum of every tensor's elements. */
  total: number;
  bytes: number;
  bitsPerWeight: number;
  /** Per ggml type, most parameters first. */
  byType: GgmlTypeUsage[];
}

export interface GgufGeneralFacts {
  architecture?: string;
  /** `general.type`: `model` (or absent), `adapter`, `vocab`, `mmproj`… */
  type?: string;
  name?: string;
  basename?: string;
  finetune?: string;
  sizeLabel?: string;
  version?: string;
  author?: string;
  organization?: string;
  quantizedBy?: string;
  license?: string;
  licenseName?: string;
  licenseLink?: string;
  url?: string;
  repoUrl?: string;
  description?: string;
  tags?: string[];
  languages?: string[];
  /** `general.file_type` as its llama.cpp name (Q4_K_M); `guessed` when llama.cpp marked it so. */
  fileType?: { id: number; name: string; known: boolean; guessed: boolean };
  quantizationVersion?: number;
}

/** A parent model or data set, from `general.base_model.N.*` or `general.dataset.N.*`. */
export interface GgufSourceRef {
  name?: string;
  author?: string;
  version?: string;
  organization?: string;
  url?: string;
  doi?: string;
  uuid?: string;
  repoUrl?: string;
  description?: string;
}

export interface GgufProvenance {
  baseModels: GgufSourceRef[];
  /** `general.source.*`: what the file was converted from. */
  source?: GgufSourceRef;
  doi?: string;
  uuid?: string;
  /** `general.datasets` strings and `general.dataset.N.*` entries. */
  datasets: (string | GgufSourceRef)[];
}

/** `[arch].*` keys. Per-layer values (an array with one entry per block) stay arrays. */
export interface GgufArchitectureFacts {
  architecture: string;
  contextLength?: number;
  embeddingLength?: number;
  blockCount?: number;
  feedForwardLength?: number | number[];
  headCount?: number | number[];
  headCountKv?: number | number[];
  keyLength?: number;
  valueLength?: number;
  ropeDimensionCount?: number;
  ropeFreqBase?: number;
  ropeScalingType?: string;
  ropeScalingFactor?: number;
  ropeScalingOriginalContextLength?: number;
  expertCount?: number;
  expertUsedCount?: number;
  vocabSize?: number;
}

export interface GgufSplitFacts {
  /** `split.no`: this file's index, from 0. */
  index: number;
  /** `split.count`: how many files the model is split into. */
  count: number;
  /** `split.tensors.count`: tensors in all the splits together. */
  tensorsCount?: number;
}

export interface GgufLoraFacts {
  /** `adapter.type` (`lora`). */
  adapterType?: string;
  /** `adapter.lora.alpha`. */
  alpha?: number;
  /** The rank: the inner dimension of every A/B pair; `ranks` lists them all when they differ. */
  rank?: number;
  ranks: number[];
  /** The base model tensors the adapter changes (names without `.lora_a`/`.lora_b`). */
  targets: string[];
  /** Elements of every LoRA tensor. */
  parameterCount: number;
  /** Base tensors with only one of `.lora_a` and `.lora_b`. */
  unpaired: string[];
}

export interface GgufSpecialToken {
  role: 'bos' | 'eos' | 'pad' | 'unk' | 'sep' | 'eot';
  id: number;
  /** The token's text, when the vocabulary has that id. */
  text?: string;
}

export interface GgufTokenizerSummary {
  /** `tokenizer.ggml.model` (`llama`, `gpt2`, `bert`…). */
  model?: string;
  /** `tokenizer.ggml.pre`: the pre-tokenizer. */
  pre?: string;
  vocabSize?: number;
  merges?: number;
  special: GgufSpecialToken[];
  addBos?: boolean;
  addEos?: boolean;
}

/** Everything Loupe derives from one GGUF header, as plain data for the document. */
export interface GgufFacts {
  general: GgufGeneralFacts;
  provenance: GgufProvenance;
  parameters: GgufParameterFacts;
  architecture?: GgufArchitectureFacts;
  /** The architecture in the shape config.json facts take, for the memory and KV-cache estimates. */
  configFacts?: ConfigFacts;
  split?: GgufSplitFacts;
  adapter?: GgufLoraFacts;
  tokenizer?: GgufTokenizerSummary;
  /** `tokenizer.chat_template`, as written. */
  chatTemplate?: string;
}

/** A parsed GGUF file as the document holds it: the header's facts, tensors and summarized metadata. */
export interface GgufFile {
  format: 'gguf';
  path: string;
  version: 2 | 3;
  littleEndian: boolean;
  alignment: number;
  /** Absolute offset of the data section; the header is the bytes before it. */
  dataStart: number;
  metadata: GgufMetadataSummary[];
  /** Loupe tensors: dtype is the ggml type, shape in PyTorch order (the ggml order is the reverse). */
  tensors: TensorInfo[];
  facts: GgufFacts;
}

/** Turns a parsed header into the document's GGUF file: facts, tensors and summarized metadata. */
export function describeGguf(header: GgufHeader): GgufFile {
  return {
    format: 'gguf',
    path: header.file,
    version: header.version,
    littleEndian: header.littleEndian,
    alignment: header.alignment,
    dataStart: header.dataStart,
    metadata: header.metadata.map(summarizeEntry),
    tensors: header.tensors.map((tensor) => ggufTensorInfo(header.file, tensor)),
    facts: deriveGgufFacts(header),
  };
}

/**
 * A GGUF tensor as a Loupe TensorInfo: the dtype is the ggml type's name, the shape in PyTorch
 * order. Statistics must go through computeGgufTensorStats, which knows the blocks and the file's
 * byte order (a big-endian file's F32 data would misread through the generic decoders).
 */
export function ggufTensorInfo(file: string, tensor: GgufTensorInfo): TensorInfo {
  return {
    name: tensor.name,
    dtype: ggmlDType(ggmlTypeByName(tensor.type)!),
    shape: tensor.shape,
    elements: tensor.elements,
    file,
    byteOffset: tensor.byteOffset,
    byteLength: tensor.byteLength,
  };
}

export function deriveGgufFacts(header: GgufHeader): GgufFacts {
  const values = new Map<string, GgufValue>(header.metadata.map((e) => [e.key, e.value]));
  const general = generalFacts(values);
  const facts: GgufFacts = { general, provenance: provenanceFacts(values), parameters: parameterFacts(header.tensors) };
  const tokenizer = tokenizerSummary(values);
  if (tokenizer) facts.tokenizer = tokenizer;
  const architecture = general.architecture === undefined ? undefined : architectureFacts(values, general.architecture, tokenizer?.vocabSize);
  if (architecture) {
    facts.architecture = architecture;
    facts.configFacts = ggufConfigFacts(architecture, header.tensors);
  }
  const split = splitFacts(values);
  if (split) facts.split = split;
  const adapter = loraFacts(values, header.tensors);
  if (adapter) facts.adapter = adapter;
  const template = values.get('tokenizer.chat_template');
  if (typeof template === 'string') facts.chatTemplate = template;
  return facts;
}

// --- Value access: a key that holds the wrong type counts as absent. ---

function asNumber(value: GgufValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return undefined;
}

function asString(value: GgufValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asStrings(value: GgufValue | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** A number, or a per-layer array of numbers. */
function asNumberOrArray(value: GgufValue | undefined): number | number[] | undefined {
  if (Array.isArray(value)) {
    const numbers = value.map((v) => asNumber(v));
    return numbers.every((n) => n !== undefined) ? (numbers as number[]) : undefined;
  }
  return asNumber(value);
}

function generalFacts(values: Map<string, GgufValue>): GgufGeneralFacts {
  const s = (key: string): string | undefined => asString(values.get(`general.${key}`));
  const facts: GgufGeneralFacts = {};
  const set = <K extends keyof GgufGeneralFacts>(key: K, value: GgufGeneralFacts[K] | undefined): void => {
    if (value !== undefined) facts[key] = value;
  };
  set('architecture', s('architecture'));
  set('type', s('type'));
  set('name', s('name'));
  set('basename', s('basename'));
  set('finetune', s('finetune'));
  set('sizeLabel', s('size_label'));
  set('version', s('version'));
  set('author', s('author'));
  set('organization', s('organization'));
  set('quantizedBy', s('quantized_by'));
  set('license', s('license'));
  set('licenseName', s('license.name'));
  set('licenseLink', s('license.link'));
  set('url', s('url'));
  set('repoUrl', s('repo_url'));
  set('description', s('description'));
  set('tags', asStrings(values.get('general.tags')));
  set('languages', asStrings(values.get('general.languages')));
  const fileType = asNumber(values.get('general.file_type'));
  if (fileType !== undefined) facts.fileType = { id: fileType, ...llamaFileTypeName(fileType) };
  set('quantizationVersion', asNumber(values.get('general.quantization_version')));
  return facts;
}

const REF_FIELDS = [
  ['name', 'name'],
  ['author', 'author'],
  ['version', 'version'],
  ['organization', 'organization'],
  ['url', 'url'],
  ['doi', 'doi'],
  ['uuid', 'uuid'],
  ['repoUrl', 'repo_url'],
  ['description', 'description'],
] as const;

function sourceRef(values: Map<string, GgufValue>, prefix: string): GgufSourceRef | undefined {
  const ref: GgufSourceRef = {};
  let any = false;
  for (const [field, key] of REF_FIELDS) {
    const value = asString(values.get(`${prefix}.${key}`));
    if (value !== undefined) {
      ref[field] = value;
      any = true;
    }
  }
  return any ? ref : undefined;
}

/** `prefix.count` entries `prefix.0.*`…; the count is trusted only up to the keys that exist. */
function numberedRefs(values: Map<string, GgufValue>, prefix: string): GgufSourceRef[] {
  const count = asNumber(values.get(`${prefix}.count`)) ?? 0;
  const refs: GgufSourceRef[] = [];
  // Bounded by the metadata itself: no more refs than keys.
  for (let i = 0; i < Math.min(count, values.size); i++) {
    const ref = sourceRef(values, `${prefix}.${i}`);
    if (ref) refs.push(ref);
  }
  return refs;
}

function provenanceFacts(values: Map<string, GgufValue>): GgufProvenance {
  const provenance: GgufProvenance = { baseModels: numberedRefs(values, 'general.base_model'), datasets: [] };
  const source = sourceRef(values, 'general.source');
  if (source) provenance.source = source;
  const doi = asString(values.get('general.doi'));
  if (doi !== undefined) provenance.doi = doi;
  const uuid = asString(values.get('general.uuid'));
  if (uuid !== undefined) provenance.uuid = uuid;
  provenance.datasets.push(...(asStrings(values.get('general.datasets')) ?? []), ...numberedRefs(values, 'general.dataset'));
  return provenance;
}

/** Parameters, bytes and bits per weight per ggml type and overall, from GGUF tensors or the Loupe tensors made of them. */
export function parameterFacts(tensors: readonly (Pick<GgufTensorInfo, 'type' | 'elements' | 'byteLength'> | TensorInfo)[]): GgufParameterFacts {
  const byType = new Map<GgmlTypeName, GgmlTypeUsage>();
  let total = 0;
  let bytes = 0;
  for (const tensor of tensors) {
    // A Loupe tensor made from GGUF has the ggml type's name as its dtype.
    const type = ('type' in tensor ? tensor.type : tensor.dtype) as GgmlTypeName;
    let usage = byType.get(type);
    if (!usage) byType.set(type, (usage = { type, tensors: 0, parameters: 0, bytes: 0, bitsPerWeight: NaN }));
    usage.tensors++;
    usage.parameters += tensor.elements;
    usage.bytes += tensor.byteLength;
    total += tensor.elements;
    bytes += tensor.byteLength;
  }
  const usages = [...byType.values()].sort((a, b) => b.parameters - a.parameters);
  for (const usage of usages) usage.bitsPerWeight = usage.parameters > 0 ? (usage.bytes * 8) / usage.parameters : NaN;
  return { total, bytes, bitsPerWeight: total > 0 ? (bytes * 8) / total : NaN, byType: usages };
}

function architectureFacts(values: Map<string, GgufValue>, arch: string, tokenizerVocab: number | undefined): GgufArchitectureFacts {
  const n = (key: string): number | undefined => asNumber(values.get(`${arch}.${key}`));
  const facts: GgufArchitectureFacts = { architecture: arch };
  const set = <K extends keyof GgufArchitectureFacts>(key: K, value: GgufArchitectureFacts[K] | undefined): void => {
    if (value !== undefined) facts[key] = value;
  };
  set('contextLength', n('context_length'));
  set('embeddingLength', n('embedding_length'));
  set('blockCount', n('block_count'));
  set('feedForwardLength', asNumberOrArray(values.get(`${arch}.feed_forward_length`)));
  set('headCount', asNumberOrArray(values.get(`${arch}.attention.head_count`)));
  set('headCountKv', asNumberOrArray(values.get(`${arch}.attention.head_count_kv`)));
  set('keyLength', n('attention.key_length'));
  set('valueLength', n('attention.value_length'));
  set('ropeDimensionCount', n('rope.dimension_count'));
  set('ropeFreqBase', n('rope.freq_base'));
  set('ropeScalingType', asString(values.get(`${arch}.rope.scaling.type`)));
  set('ropeScalingFactor', n('rope.scaling.factor'));
  set('ropeScalingOriginalContextLength', n('rope.scaling.original_context_length'));
  set('expertCount', n('expert_count'));
  set('expertUsedCount', n('expert_used_count'));
  set('vocabSize', n('vocab_size') ?? tokenizerVocab);
  return facts;
}

function atLayer(value: number | number[] | undefined, layer: number): number | undefined {
  return Array.isArray(value) ? value[layer] : value;
}

function largest(value: number | number[] | undefined): number | undefined {
  if (!Array.isArray(value)) return value;
  return value.length === 0 ? undefined : Math.max(...value);
}

/** Bytes per cached element for llama.cpp's KV cache types (`--cache-type-k/v`). */
export const KV_CACHE_TYPES = ['F32', 'F16', 'BF16', 'Q8_0', 'Q5_1', 'Q5_0', 'Q4_1', 'Q4_0', 'IQ4_NL'] as const;
export type KvCacheType = (typeof KV_CACHE_TYPES)[number];

/**
 * Bytes the KV cache grows by per token: for each block, K and V heads × their head sizes, at
 * `type` (F16 is llama.cpp's default). Per-layer head counts are summed layer by layer; a layer with
 * no KV heads (a recurrent or attention-free block) adds nothing. Undefined without the dimensions.
 */
export function ggufKvCacheBytesPerToken(arch: GgufArchitectureFacts, type: KvCacheType = 'F16'): number | undefined {
  const { blockCount, embeddingLength } = arch;
  if (blockCount === undefined) return undefined;
  const ggml = ggmlTypeByName(type)!;
  const bytesPerElement = ggml.blockBytes / ggml.blockSize;
  let elements = 0;
  for (let layer = 0; layer < blockCount; layer++) {
    const heads = atLayer(arch.headCount, layer);
    const kvHeads = atLayer(arch.headCountKv, layer) ?? heads;
    if (kvHeads === undefined) return undefined;
    if (kvHeads === 0) continue;
    const defaultHead = heads && embeddingLength !== undefined ? embeddingLength / heads : undefined;
    const k = arch.keyLength ?? defaultHead;
    const v = arch.valueLength ?? defaultHead;
    if (k === undefined || v === undefined) return undefined;
    elements += kvHeads * (k + v);
  }
  return elements * bytesPerElement;
}

/** llama.cpp architecture names (`general.architecture`) of the families Loupe draws and counts, as config.json's `model_type`. */
const GGUF_FAMILIES: Record<string, ConfigFamily> = {
  llama: 'llama',
  qwen2: 'qwen2',
  qwen2moe: 'qwen2_moe',
  gemma: 'gemma',
  gemma2: 'gemma2',
  phi3: 'phi3',
  gpt2: 'gpt2',
  bert: 'bert',
};

/** The architecture facts as config.json facts, so the config estimates (memory, KV cache) apply to GGUF too. */
export function ggufConfigFacts(arch: GgufArchitectureFacts, tensors: GgufTensorInfo[]): ConfigFacts {
  const facts: ConfigFacts = { modelType: arch.architecture, architectures: [], fromTextConfig: false };
  // llama.cpp names a Mixtral `llama` with experts.
  const family = Object.hasOwn(GGUF_FAMILIES, arch.architecture) ? GGUF_FAMILIES[arch.architecture] : undefined;
  if (family) facts.family = family === 'llama' && (arch.expertCount ?? 0) > 0 ? 'mixtral' : family;
  const heads = largest(arch.headCount);
  const kvHeads = largest(arch.headCountKv) ?? heads;
  if (arch.embeddingLength !== undefined) facts.hiddenSize = arch.embeddingLength;
  if (arch.blockCount !== undefined) facts.numLayers = arch.blockCount;
  if (heads !== undefined) facts.numHeads = heads;
  if (kvHeads !== undefined) facts.numKvHeads = kvHeads;
  const headDim = arch.keyLength ?? (heads && arch.embeddingLength !== undefined ? arch.embeddingLength / heads : undefined);
  if (headDim !== undefined) facts.headDim = headDim;
  const ff = largest(arch.feedForwardLength);
  if (ff !== undefined) facts.intermediateSize = ff;
  if (arch.vocabSize !== undefined) facts.vocabSize = arch.vocabSize;
  if (arch.contextLength !== undefined) facts.maxPositions = arch.contextLength;
  const names = new Set(tensors.map((t) => t.name));
  // llama.cpp ties the output to the embedding when a file has no `output.weight`.
  if (names.has('token_embd.weight')) facts.tieWordEmbeddings = !names.has('output.weight');
  if (arch.expertCount !== undefined && arch.expertCount > 0) facts.experts = { total: arch.expertCount, perToken: arch.expertUsedCount ?? 0 };
  const perToken = ggufKvCacheBytesPerToken(arch, 'F16');
  if (perToken !== undefined) {
    facts.kvCacheBytesPerToken = perToken;
    facts.kvCacheDtype = 'F16';
  }
  return facts;
}

/**
 * Whether weights plus the KV cache at `contextLength` fit `budgetBytes`, and the longest context
 * that fits (capped at `maxContext` when given; 0 when even the weights do not fit).
 */
export function ggufMemoryFit(options: { weightsBytes: number; kvBytesPerToken: number; contextLength: number; budgetBytes: number; maxContext?: number }): {
  neededBytes: number;
  fits: boolean;
  largestContext: number;
} {
  const { weightsBytes, kvBytesPerToken, contextLength, budgetBytes, maxContext } = options;
  const neededBytes = weightsBytes + kvBytesPerToken * contextLength;
  const spare = budgetBytes - weightsBytes;
  let largestContext = spare < 0 ? 0 : kvBytesPerToken > 0 ? Math.floor(spare / kvBytesPerToken) : Number.MAX_SAFE_INTEGER;
  if (maxContext !== undefined) largestContext = Math.min(largestContext, maxContext);
  return { neededBytes, fits: neededBytes <= budgetBytes, largestContext };
}

function splitFacts(values: Map<string, GgufValue>): GgufSplitFacts | undefined {
  const index = asNumber(values.get('split.no'));
  const count = asNumber(values.get('split.count'));
  if (index === undefined || count === undefined) return undefined;
  const facts: GgufSplitFacts = { index, count };
  const tensorsCount = asNumber(values.get('split.tensors.count'));
  if (tensorsCount !== undefined) facts.tensorsCount = tensorsCount;
  return facts;
}

const LORA_SUFFIX = /\.lora_(a|b)$/;

function loraFacts(values: Map<string, GgufValue>, tensors: GgufTensorInfo[]): GgufLoraFacts | undefined {
  const isAdapter = asString(values.get('general.type')) === 'adapter';
  const pairs = new Map<string, { a?: GgufTensorInfo; b?: GgufTensorInfo }>();
  let parameterCount = 0;
  for (const tensor of tensors) {
    const match = LORA_SUFFIX.exec(tensor.name);
    if (!match) continue;
    const base = tensor.name.slice(0, match.index);
    const pair = pairs.get(base) ?? {};
    pair[match[1] as 'a' | 'b'] = tensor;
    pairs.set(base, pair);
    parameterCount += tensor.elements;
  }
  if (!isAdapter && pairs.size === 0) return undefined;
  const ranks = new Set<number>();
  const unpaired: string[] = [];
  for (const [base, { a, b }] of pairs) {
    if (!a || !b) {
      unpaired.push(base);
      continue;
    }
    // A is [rank, in] in PyTorch order (ggml [in, rank]): its outer dimension is the rank.
    const rank = a.shape[0];
    if (rank !== undefined) ranks.add(rank);
  }
  const facts: GgufLoraFacts = { ranks: [...ranks].sort((x, y) => x - y), targets: [...pairs.keys()], parameterCount, unpaired };
  if (facts.ranks.length === 1) facts.rank = facts.ranks[0]!;
  const adapterType = asString(values.get('adapter.type'));
  if (adapterType !== undefined) facts.adapterType = adapterType;
  const alpha = asNumber(values.get('adapter.lora.alpha'));
  if (alpha !== undefined) facts.alpha = alpha;
  return facts;
}

const SPECIAL_TOKENS: [GgufSpecialToken['role'], string[]][] = [
  ['bos', ['tokenizer.ggml.bos_token_id']],
  ['eos', ['tokenizer.ggml.eos_token_id']],
  ['eot', ['tokenizer.ggml.eot_token_id']],
  ['pad', ['tokenizer.ggml.padding_token_id']],
  ['unk', ['tokenizer.ggml.unknown_token_id']],
  // llama.cpp writes "seperator"; the spec says "separator".
  ['sep', ['tokenizer.ggml.seperator_token_id', 'tokenizer.ggml.separator_token_id']],
];

function tokenizerSummary(values: Map<string, GgufValue>): GgufTokenizerSummary | undefined {
  const model = asString(values.get('tokenizer.ggml.model'));
  const tokens = values.get('tokenizer.ggml.tokens');
  if (model === undefined && tokens === undefined) return undefined;
  const vocabulary = Array.isArray(tokens) ? tokens : undefined;
  const summary: GgufTokenizerSummary = { special: [] };
  if (model !== undefined) summary.model = model;
  const pre = asString(values.get('tokenizer.ggml.pre'));
  if (pre !== undefined) summary.pre = pre;
  if (vocabulary) summary.vocabSize = vocabulary.length;
  const merges = values.get('tokenizer.ggml.merges');
  if (Array.isArray(merges)) summary.merges = merges.length;
  for (const [role, keys] of SPECIAL_TOKENS) {
    for (const key of keys) {
      const id = asNumber(values.get(key));
      if (id === undefined) continue;
      const token: GgufSpecialToken = { role, id };
      const text = vocabulary?.[id];
      if (typeof text === 'string') token.text = text;
      summary.special.push(token);
      break;
    }
  }
  const addBos = values.get('tokenizer.ggml.add_bos_token');
  if (typeof addBos === 'boolean') summary.addBos = addBos;
  const addEos = values.get('tokenizer.ggml.add_eos_token');
  if (typeof addEos === 'boolean') summary.addEos = addEos;
  return summary;
}

// --- Metadata summaries ---

function shown(value: GgufValue): GgufShownValue {
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Array.isArray(value)) return `[${value.length} items]`;
  return value;
}

function typeName(entry: GgufMetadataEntry): string {
  // Nested arrays name only the outer level (`array<array>`): each inner array declares its own type.
  return entry.type === 'array' ? `array<${entry.elementType}>` : entry.type;
}

/** One metadata entry as the Metadata table shows it: long arrays and strings cut, with the full size. */
export function summarizeEntry(entry: GgufMetadataEntry): GgufMetadataSummary {
  const summary: GgufMetadataSummary = { key: entry.key, type: typeName(entry), truncated: false, bytes: entry.byteLength };
  const { value } = entry;
  if (Array.isArray(value)) {
    summary.count = value.length;
    summary.first = value
      .slice(0, SHOWN_ARRAY_ITEMS)
      .map((item) => (typeof item === 'string' && item.length > SHOWN_STRING_LENGTH ? `${item.slice(0, SHOWN_STRING_LENGTH)}…` : shown(item)));
    summary.truncated = value.length > SHOWN_ARRAY_ITEMS;
  } else if (typeof value === 'string' && value.length > SHOWN_STRING_LENGTH) {
    summary.value = `${value.slice(0, SHOWN_STRING_LENGTH)}…`;
    summary.truncated = true;
  } else {
    summary.value = shown(value);
  }
  return summary;
}

/** Bits per weight of a ggml type, for tables that list types without tensors. */
export function ggmlTypeBitsPerWeight(type: GgmlTypeName): number {
  return ggmlBitsPerElement(ggmlTypeByName(type)!);
}
