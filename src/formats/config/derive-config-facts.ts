import type { ConfigFacts, ConfigFamily } from '../../model/config-facts';
import type { Diagnostic } from '../../model/document';
import { booleanField, integerField, objectField, stringField, type InvalidFieldHandler } from './config-field';

/** The families `estimateParameters` counts exactly, keyed by `model_type`. */
const FAMILIES: readonly ConfigFamily[] = ['llama', 'mistral', 'mixtral', 'qwen2', 'qwen2_moe', 'gemma', 'gemma2', 'phi3', 'gpt2', 'bert'];

/**
 * `tie_word_embeddings` when the config leaves it out: each config class sets its own default.
 * LlamaConfig, MistralConfig, MixtralConfig, Qwen2Config, Qwen2MoeConfig and Phi3Config pass False;
 * GemmaConfig and Gemma2Config pass True; GPT2Config and BertConfig inherit PretrainedConfig's True.
 */
const TIES_BY_DEFAULT: Record<ConfigFamily, boolean> = {
  llama: false,
  mistral: false,
  mixtral: false,
  qwen2: false,
  qwen2_moe: false,
  phi3: false,
  gemma: true,
  gemma2: true,
  gpt2: true,
  bert: true,
};

/**
 * Key names per fact, first match wins. These follow transformers' `attribute_map`s:
 * GPT-2 (configuration_gpt2.py) maps hidden_size→n_embd, num_hidden_layers→n_layer,
 * num_attention_heads→n_head, max_position_embeddings→n_positions; T5-style configs say d_model.
 */
const KEYS = {
  hiddenSize: ['hidden_size', 'n_embd', 'd_model'],
  numLayers: ['num_hidden_layers', 'n_layer', 'num_layers'],
  numHeads: ['num_attention_heads', 'n_head', 'num_heads'],
  numKvHeads: ['num_key_value_heads', 'num_kv_heads'],
  headDim: ['head_dim'],
  intermediateSize: ['intermediate_size', 'n_inner', 'ffn_dim'],
  vocabSize: ['vocab_size'],
  maxPositions: ['max_position_embeddings', 'n_positions'],
  // Mixtral says num_local_experts (configuration_mixtral.py), Qwen2-MoE num_experts, DeepSeek n_routed_experts.
  expertsTotal: ['num_local_experts', 'num_experts', 'n_routed_experts'],
  expertsPerToken: ['num_experts_per_tok'],
} as const satisfies Record<string, readonly string[]>;

type NumericFact = keyof typeof KEYS;

/** Bytes per element of the dtypes a KV cache is kept in. */
const DTYPE_BYTES: Record<string, number> = {
  float64: 8,
  float32: 4,
  float: 4,
  float16: 2,
  half: 2,
  bfloat16: 2,
};

/** Bytes per KV-cache element when the config's dtype is absent or unusual (`auto`): half precision, the common case. */
const ASSUMED_KV_BYTES = 2;

/**
 * Normalizes a config's dimensions across families. Never throws: a value that is not a
 * non-negative safe integer (or a boolean / string where one is due) is ignored, and reported
 * in `diagnostics` with its field name when an array is passed.
 *
 * Multimodal configs (Llava, Gemma 3, Mllama) keep the language model's numbers in
 * `text_config`; each fact missing at the top level is read from there instead.
 */
export function deriveConfigFacts(raw: Record<string, unknown>, diagnostics?: Diagnostic[]): ConfigFacts {
  const onInvalid: InvalidFieldHandler = (field, problem) => {
    diagnostics?.push({ severity: 'warning', code: 'config-invalid-value', field, message: `${field}: ${problem}; ignored` });
  };
  const textConfig = objectField(raw, 'text_config');
  let fromTextConfig = false;

  /** The first key of `keys` present at the top level, else in text_config. */
  function pick<T>(
    keys: readonly string[],
    read: (object: Record<string, unknown>, key: string, onInvalid: InvalidFieldHandler, prefix?: string) => T | undefined,
  ): T | undefined {
    for (const key of keys) {
      const value = read(raw, key, onInvalid);
      if (value !== undefined) return value;
    }
    if (!textConfig) return undefined;
    for (const key of keys) {
      const value = read(textConfig, key, onInvalid, 'text_config.');
      if (value !== undefined) {
        fromTextConfig = true;
        return value;
      }
    }
    return undefined;
  }
  const number = (fact: NumericFact): number | undefined => pick(KEYS[fact], integerField);

  const modelType = stringField(raw, 'model_type', onInvalid);
  const family = FAMILIES.find((known) => known === modelType);
  const architectures = Array.isArray(raw.architectures) ? raw.architectures.filter((item): item is string => typeof item === 'string') : [];

  const facts: ConfigFacts = { modelType, architectures, family, fromTextConfig: false };
  facts.hiddenSize = number('hiddenSize');
  facts.numLayers = number('numLayers');
  facts.numHeads = number('numHeads');
  facts.numKvHeads = number('numKvHeads');
  facts.headDim = number('headDim');
  facts.intermediateSize = number('intermediateSize');
  facts.vocabSize = number('vocabSize');
  facts.maxPositions = number('maxPositions');
  facts.tieWordEmbeddings = pick(['tie_word_embeddings'], booleanField);
  // transformers ≥ 4.56 writes `dtype`; older versions wrote `torch_dtype`.
  facts.dtype = pick(['dtype', 'torch_dtype'], stringField);

  // Without GQA every head has its own K and V (modeling_llama.py defaults num_key_value_heads to num_attention_heads).
  facts.numKvHeads ??= facts.numHeads;
  // modeling_llama.py: head_dim = config.head_dim or hidden_size // num_attention_heads. Gemma's
  // config class defaults head_dim to 256 rather than deriving it, so don't derive it there.
  if (facts.headDim === undefined && family !== 'gemma' && family !== 'gemma2' && facts.hiddenSize !== undefined && facts.numHeads) {
    if (facts.hiddenSize % facts.numHeads === 0) facts.headDim = facts.hiddenSize / facts.numHeads;
    else onInvalid('num_attention_heads', `hidden size ${facts.hiddenSize} is not a multiple of ${facts.numHeads} heads, so the head size is unknown`);
  }
  // modeling_gpt2.py: inner_dim = n_inner if not None else 4 * hidden_size.
  if (family === 'gpt2' && facts.intermediateSize === undefined && facts.hiddenSize !== undefined) facts.intermediateSize = 4 * facts.hiddenSize;
  if (family !== undefined) facts.tieWordEmbeddings ??= TIES_BY_DEFAULT[family];

  const expertsTotal = number('expertsTotal');
  const expertsPerToken = number('expertsPerToken');
  // Dense configs sometimes carry num_experts: 0; that is no MoE at all.
  if (expertsTotal && expertsPerToken) {
    if (expertsPerToken <= expertsTotal) facts.experts = { total: expertsTotal, perToken: expertsPerToken };
    else onInvalid('num_experts_per_tok', `${expertsPerToken} experts per token is more than the ${expertsTotal} there are`);
  }

  facts.fromTextConfig = fromTextConfig;
  Object.assign(facts, kvCache(facts, family));
  return dropUndefined(facts);
}

/** KV cache growth per token. BERT is an encoder: it keeps no cache, so it gets none. */
function kvCache(facts: ConfigFacts, family: ConfigFamily | undefined): Pick<ConfigFacts, 'kvCacheBytesPerToken' | 'kvCacheDtype'> {
  const { numLayers, numKvHeads, headDim } = facts;
  if (family === 'bert' || numLayers === undefined || numKvHeads === undefined || headDim === undefined) return {};
  const known = facts.dtype !== undefined && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, facts.dtype);
  const bytes = known ? (DTYPE_BYTES[facts.dtype as string] as number) : ASSUMED_KV_BYTES;
  const total = 2 * numLayers * numKvHeads * headDim * bytes;
  if (!Number.isSafeInteger(total)) return {};
  return { kvCacheBytesPerToken: total, kvCacheDtype: known ? facts.dtype : 'unknown' };
}

/** Leaves absent facts out of the object, so tests and structured clones see only what is known. */
function dropUndefined(facts: ConfigFacts): ConfigFacts {
  for (const key of Object.keys(facts) as (keyof ConfigFacts)[]) {
    if (facts[key] === undefined) delete facts[key];
  }
  return facts;
}
