import type { ConfigFacts, ConfigFamily, ParameterEstimate, ParameterEstimateResult } from '../../model/config-facts';
import { booleanField, integerField, integerListField, stringField } from './config-field';
import { deriveConfigFacts } from './derive-config-facts';

/**
 * Counts a model's parameters from its config alone, with the formula of its transformers
 * modeling file. Only families whose layout Loupe knows exactly are counted; any other
 * `model_type` (including multimodal wrappers such as Llava, whose vision tower is not
 * described by `text_config`) gets no estimate and a plain reason, never a guess.
 *
 * Counted as AutoModelForCausalLM builds decoders (with `lm_head` unless tied), GPT-2 as
 * GPT2LMHeadModel, and BERT as BertModel with its pooler. Buffers (rotary `inv_freq`,
 * GPT-2's causal mask) are not parameters and are not counted.
 */
export function estimateParameters(raw: Record<string, unknown>): ParameterEstimateResult {
  const facts = deriveConfigFacts(raw);
  const family = facts.family;
  if (family === undefined) return { reason: unknownFamilyReason(facts.modelType) };
  if (facts.fromTextConfig) return { reason: `this ${family} config keeps its dimensions in text_config, which Loupe does not count exactly` };

  const result = countFamily(family, facts, raw);
  if ('reason' in result) return result;
  const total = result.breakdown.reduce((sum, part) => sum + part.count, 0);
  if (!Number.isSafeInteger(total) || (result.active !== undefined && !Number.isSafeInteger(result.active))) {
    return { reason: 'the config’s dimensions are too large to count exactly' };
  }
  const estimate: ParameterEstimate = { total, breakdown: result.breakdown, notes: result.notes };
  if (result.active !== undefined) estimate.active = result.active;
  return { estimate };
}

/** The reason given for a `model_type` Loupe does not count. */
export function unknownFamilyReason(modelType: string | undefined): string {
  if (modelType === undefined) return 'the config has no model_type, so Loupe cannot tell which architecture to count';
  return `model_type "${modelType}" is not one Loupe can describe exactly, so it does not estimate its parameters`;
}

interface Count {
  breakdown: { name: string; count: number }[];
  notes: string[];
  active?: number;
}

/** The dimensions every formula needs; a config without one of them gets a reason instead. */
interface Dims {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
}

function countFamily(family: ConfigFamily, facts: ConfigFacts, raw: Record<string, unknown>): Count | { reason: string } {
  switch (family) {
    case 'gpt2':
      return countGpt2(facts, raw);
    case 'bert':
      return countBert(facts, raw);
    default:
      return countDecoder(family, facts, raw);
  }
}

function requireDims(facts: ConfigFacts, family: ConfigFamily): Dims | { reason: string } {
  const needed: [keyof ConfigFacts, string][] = [
    ['hiddenSize', 'hidden_size'],
    ['numLayers', 'num_hidden_layers'],
    ['numHeads', 'num_attention_heads'],
    ['numKvHeads', 'num_key_value_heads'],
    ['headDim', 'head_dim'],
    ['intermediateSize', 'intermediate_size'],
    ['vocabSize', 'vocab_size'],
  ];
  const missing = needed.filter(([fact]) => facts[fact] === undefined).map(([, key]) => key);
  if (missing.length > 0) return { reason: `the ${family} config has no valid ${missing.join(', ')}, which the count needs` };
  return {
    hidden: facts.hiddenSize as number,
    layers: facts.numLayers as number,
    heads: facts.numHeads as number,
    kvHeads: facts.numKvHeads as number,
    headDim: facts.headDim as number,
    intermediate: facts.intermediateSize as number,
    vocab: facts.vocabSize as number,
  };
}

/** A bias-free Linear, or one with a bias. */
function linear(inputs: number, outputs: number, bias: boolean): number {
  return inputs * outputs + (bias ? outputs : 0);
}

/** Gated MLP (gate_proj, up_proj, down_proj) as in modeling_llama.py; Phi-3 fuses gate and up into gate_up_proj, same count. */
function gatedMlp(hidden: number, intermediate: number, bias: boolean): number {
  return 2 * linear(hidden, intermediate, bias) + linear(intermediate, hidden, bias);
}

/**
 * The Llama-style decoders: RMSNorm (a weight, no bias) before attention and MLP, rotary
 * positions (no position embedding), a gated SiLU/GELU MLP, and an LM head unless tied.
 *
 * - llama (modeling_llama.py): `attention_bias` puts biases on q, k, v and o; `mlp_bias` on the MLP.
 * - mistral, mixtral (modeling_mistral.py, modeling_mixtral.py): no biases at all.
 * - qwen2, qwen2_moe (modeling_qwen2.py, modeling_qwen2_moe.py): q, k and v always have biases; o does not.
 * - gemma, gemma2 (modeling_gemma.py, modeling_gemma2.py): head_dim given explicitly, embedding tied
 *   by default; Gemma 2 adds pre/post-feedforward norms, four RMSNorms per layer.
 * - phi3 (modeling_phi3.py): fused qkv_proj and gate_up_proj, no biases; the counts match Llama's.
 * - mixtral: every layer's MLP is `num_local_experts` experts plus a router (a bias-free Linear hidden→experts).
 * - qwen2_moe: sparse layers have `num_experts` experts of `moe_intermediate_size`, a router, a shared
 *   expert of `shared_expert_intermediate_size` and its one-output gate; the other layers are dense.
 */
function countDecoder(family: ConfigFamily, facts: ConfigFacts, raw: Record<string, unknown>): Count | { reason: string } {
  const dims = requireDims(facts, family);
  if ('reason' in dims) return dims;
  const { hidden, layers, heads, kvHeads, headDim, intermediate, vocab } = dims;
  const notes: string[] = [];

  const attentionBias = family === 'llama' || family === 'gemma' || family === 'gemma2' ? (booleanField(raw, 'attention_bias') ?? false) : false;
  const qkvBias = family === 'qwen2' || family === 'qwen2_moe' || attentionBias;
  const mlpBias = family === 'llama' ? (booleanField(raw, 'mlp_bias') ?? false) : false;
  if (attentionBias) notes.push('attention_bias: q, k, v and o projections have biases.');
  if (family === 'qwen2' || family === 'qwen2_moe') notes.push('Qwen2 attention has biases on q, k and v (not o).');
  if (mlpBias) notes.push('mlp_bias: the MLP projections have biases.');
  if (raw.num_key_value_heads === undefined && kvHeads === heads) notes.push('num_key_value_heads absent: every head has its own keys and values.');

  const queryWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  const attention = linear(hidden, queryWidth, qkvBias) + 2 * linear(hidden, kvWidth, qkvBias) + linear(queryWidth, hidden, attentionBias);
  const normsPerLayer = (family === 'gemma2' ? 4 : 2) * hidden;

  const breakdown = [
    { name: 'token embedding', count: vocab * hidden },
    { name: 'attention', count: layers * attention },
  ];
  let inactive = 0;

  if (family === 'mixtral' || family === 'qwen2_moe') {
    const moe = countMoe(family, facts, raw, dims);
    if ('reason' in moe) return moe;
    breakdown.push(...moe.breakdown);
    notes.push(...moe.notes);
    inactive = moe.inactive;
  } else {
    breakdown.push({ name: 'MLP', count: layers * gatedMlp(hidden, intermediate, mlpBias) });
  }

  breakdown.push({ name: 'norms', count: layers * normsPerLayer + hidden });
  addLmHead(breakdown, notes, facts, raw, vocab * hidden);

  const total = breakdown.reduce((sum, part) => sum + part.count, 0);
  return { breakdown, notes, ...(family === 'mixtral' || family === 'qwen2_moe' ? { active: total - inactive } : {}) };
}

/** Expert parameters, and how many of them one token does not use. */
function countMoe(
  family: 'mixtral' | 'qwen2_moe',
  facts: ConfigFacts,
  raw: Record<string, unknown>,
  dims: Dims,
): (Count & { inactive: number }) | { reason: string } {
  const { hidden, layers, intermediate } = dims;
  if (!facts.experts)
    return {
      reason: `the ${family} config has no valid expert counts (num_experts_per_tok and ${family === 'mixtral' ? 'num_local_experts' : 'num_experts'})`,
    };
  const { total: experts, perToken } = facts.experts;
  const notes = [`Active parameters: shared weights plus ${perToken} of ${experts} experts per MoE layer.`];

  if (family === 'mixtral') {
    // modeling_mixtral.py: every layer is sparse; each expert is a w1/w2/w3 gated MLP of intermediate_size.
    const expert = gatedMlp(hidden, intermediate, false);
    return {
      breakdown: [
        { name: 'experts', count: layers * experts * expert },
        { name: 'router', count: layers * hidden * experts },
      ],
      notes,
      inactive: layers * (experts - perToken) * expert,
    };
  }

  // modeling_qwen2_moe.py: layer i is sparse when i is not in mlp_only_layers and (i + 1) % decoder_sparse_step == 0.
  const moeIntermediate = integerField(raw, 'moe_intermediate_size');
  const sharedIntermediate = integerField(raw, 'shared_expert_intermediate_size');
  if (moeIntermediate === undefined || sharedIntermediate === undefined) {
    return { reason: 'the qwen2_moe config has no valid moe_intermediate_size or shared_expert_intermediate_size, which the count needs' };
  }
  const step = integerField(raw, 'decoder_sparse_step') ?? 1;
  const denseOnly = new Set(integerListField(raw, 'mlp_only_layers') ?? []);
  let sparseLayers = 0;
  for (let layer = 0; layer < layers; layer++) {
    if (!denseOnly.has(layer) && step > 0 && (layer + 1) % step === 0) sparseLayers++;
  }
  const denseLayers = layers - sparseLayers;
  const expert = gatedMlp(hidden, moeIntermediate, false);
  const breakdown = [
    { name: 'experts', count: sparseLayers * experts * expert },
    { name: 'router', count: sparseLayers * hidden * experts },
    { name: 'shared expert', count: sparseLayers * (gatedMlp(hidden, sharedIntermediate, false) + hidden) },
  ];
  if (denseLayers > 0) {
    breakdown.push({ name: 'MLP', count: denseLayers * gatedMlp(hidden, intermediate, false) });
    notes.push(`${denseLayers} of ${layers} layers have a dense MLP instead of experts.`);
  }
  return { breakdown, notes, inactive: sparseLayers * (experts - perToken) * expert };
}

/**
 * GPT-2 (modeling_gpt2.py): learned token and position embeddings (wte, wpe), LayerNorms with
 * biases, Conv1D layers with biases everywhere (c_attn fuses q, k, v), and an LM head tied to wte.
 * `attn.bias` and `attn.masked_bias` are buffers (the causal mask), not parameters.
 */
function countGpt2(facts: ConfigFacts, raw: Record<string, unknown>): Count | { reason: string } {
  const hidden = facts.hiddenSize;
  const layers = facts.numLayers;
  const vocab = facts.vocabSize;
  const positions = facts.maxPositions;
  const inner = facts.intermediateSize;
  if (hidden === undefined || layers === undefined || vocab === undefined || positions === undefined || inner === undefined) {
    return { reason: 'the gpt2 config lacks a valid n_embd, n_layer, vocab_size or n_positions, which the count needs' };
  }
  const notes: string[] = [];
  if (raw.n_inner === undefined || raw.n_inner === null) notes.push('n_inner absent: the MLP is 4 × n_embd wide.');
  const layerNorm = 2 * hidden;
  let block =
    layerNorm + linear(hidden, 3 * hidden, true) + linear(hidden, hidden, true) + layerNorm + linear(hidden, inner, true) + linear(inner, hidden, true);
  if (booleanField(raw, 'add_cross_attention') === true) {
    // GPT2Attention(is_cross_attention=True): q_attn, c_attn (keys and values), c_proj, plus ln_cross_attn.
    block += linear(hidden, hidden, true) + linear(hidden, 2 * hidden, true) + linear(hidden, hidden, true) + layerNorm;
    notes.push('add_cross_attention: every block has a cross-attention layer.');
  }
  const breakdown = [
    { name: 'token embedding', count: vocab * hidden },
    { name: 'position embedding', count: positions * hidden },
    { name: 'blocks', count: layers * block },
    { name: 'final norm', count: layerNorm },
  ];
  addLmHead(breakdown, notes, facts, raw, vocab * hidden);
  return { breakdown, notes };
}

/**
 * BERT as BertModel (modeling_bert.py): word, position and token-type embeddings with a
 * LayerNorm; per layer q/k/v/o, an intermediate and an output Linear (all with biases) and two
 * LayerNorms; and the pooler (a hidden→hidden Linear). Task heads (BertForPreTraining's `cls.*`,
 * a classifier) are not counted, and BertForMaskedLM is built without the pooler.
 */
function countBert(facts: ConfigFacts, raw: Record<string, unknown>): Count | { reason: string } {
  const hidden = facts.hiddenSize;
  const layers = facts.numLayers;
  const vocab = facts.vocabSize;
  const positions = facts.maxPositions;
  const inner = facts.intermediateSize;
  const heads = facts.numHeads;
  if (hidden === undefined || layers === undefined || vocab === undefined || positions === undefined || inner === undefined || !heads) {
    return {
      reason:
        'the bert config lacks a valid hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, vocab_size or max_position_embeddings, which the count needs',
    };
  }
  const notes = ['Counts BertModel with its pooler; task heads (cls.*, classifier.*) are not included.'];
  // BertConfig defaults type_vocab_size to 2 (sentence A/B).
  const typeVocab = integerField(raw, 'type_vocab_size') ?? 2;
  const layerNorm = 2 * hidden;
  const selfAttention = 3 * linear(hidden, hidden, true);
  const attentionOutput = linear(hidden, hidden, true) + layerNorm;
  let layer = selfAttention + attentionOutput + linear(hidden, inner, true) + linear(inner, hidden, true) + layerNorm;

  const positionType = stringField(raw, 'position_embedding_type') ?? 'absolute';
  if (positionType === 'relative_key' || positionType === 'relative_key_query') {
    // BertSelfAttention: distance_embedding = nn.Embedding(2 * max_position_embeddings - 1, attention_head_size).
    if (hidden % heads !== 0) return { reason: 'hidden_size is not a multiple of num_attention_heads, so the relative position table is unknown' };
    layer += (2 * positions - 1) * (hidden / heads);
    notes.push(`position_embedding_type ${positionType}: each layer has a relative distance table.`);
  }
  if (booleanField(raw, 'add_cross_attention') === true) {
    layer += selfAttention + attentionOutput;
    notes.push('add_cross_attention: every layer has a cross-attention block.');
  }
  return {
    breakdown: [
      { name: 'embeddings', count: (vocab + positions + typeVocab) * hidden + layerNorm },
      { name: 'layers', count: layers * layer },
      { name: 'pooler', count: linear(hidden, hidden, true) },
    ],
    notes,
  };
}

function addLmHead(breakdown: { name: string; count: number }[], notes: string[], facts: ConfigFacts, raw: Record<string, unknown>, size: number): void {
  const byDefault =
    booleanField(raw, 'tie_word_embeddings') === undefined
      ? ` (tie_word_embeddings absent: ${facts.family} ${facts.tieWordEmbeddings ? 'ties' : 'does not tie'} by default)`
      : '';
  if (facts.tieWordEmbeddings) {
    notes.push(`The LM head shares the token embedding, so it is counted once${byDefault}.`);
  } else {
    breakdown.push({ name: 'LM head', count: size });
    notes.push(`The LM head is its own vocab × hidden matrix${byDefault}.`);
  }
}
