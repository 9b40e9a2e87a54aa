/** One key of two configs (or two metadata blocks) that differs. */
export interface KeyDifference {
  /** Dotted path: `rope_scaling.factor`, `text_config.num_hidden_layers`. */
  key: string;
  /** The value on each side, as JSON text; absent when that side lacks the key. */
  a?: string;
  b?: string;
  /** What the difference means for the model, when Loupe knows the key. */
  meaning?: string;
  /** Whether the difference changes the architecture (shapes, depth, positions), not just bookkeeping. */
  structural: boolean;
}

/** Nested objects are compared key by key to this depth; deeper values are compared whole. */
const MAX_KEY_DEPTH = 4;

/** What a differing key means, for the keys transformers configs share across families. */
const MEANINGS: Record<string, { text: string; structural: boolean }> = {
  num_hidden_layers: { text: 'Depth: a different number of transformer blocks, so a different architecture.', structural: true },
  n_layer: { text: 'Depth: a different number of transformer blocks, so a different architecture.', structural: true },
  hidden_size: { text: 'Width of the residual stream: every projection changes shape.', structural: true },
  n_embd: { text: 'Width of the residual stream: every projection changes shape.', structural: true },
  intermediate_size: { text: 'Width of the MLP: gate, up and down projections change shape.', structural: true },
  num_attention_heads: { text: 'Query heads per layer: the attention is split differently.', structural: true },
  n_head: { text: 'Query heads per layer: the attention is split differently.', structural: true },
  num_key_value_heads: { text: 'Key/value heads (grouped-query attention): K and V projections and the KV cache change size.', structural: true },
  head_dim: { text: 'Size of one attention head: Q, K, V and output projections change shape.', structural: true },
  vocab_size: { text: 'Vocabulary: a different tokenizer, so the embeddings and the LM head change shape.', structural: true },
  max_position_embeddings: { text: 'Context length the positions allow.', structural: true },
  n_positions: { text: 'Context length the positions allow.', structural: true },
  rope_theta: { text: 'RoPE base frequency: positions rotate differently, typical of a context extension.', structural: true },
  rope_scaling: { text: 'RoPE scaling (linear, dynamic, YaRN, Llama 3): how positions beyond training are stretched.', structural: true },
  partial_rotary_factor: { text: 'Share of each head that RoPE rotates.', structural: true },
  sliding_window: { text: 'Sliding-window attention span.', structural: true },
  tie_word_embeddings: { text: 'Whether the LM head shares the embedding weights: one tensor more or less.', structural: true },
  num_local_experts: { text: 'Experts per mixture-of-experts layer.', structural: true },
  num_experts: { text: 'Experts per mixture-of-experts layer.', structural: true },
  num_experts_per_tok: { text: 'Experts each token is routed to: changes the active parameters.', structural: true },
  model_type: { text: 'Model family: transformers builds a different class.', structural: true },
  architectures: { text: 'The class transformers instantiates.', structural: true },
  hidden_act: { text: 'Activation function of the MLP.', structural: true },
  rms_norm_eps: { text: 'Epsilon of the RMS norms: a numerical detail.', structural: false },
  layer_norm_eps: { text: 'Epsilon of the layer norms: a numerical detail.', structural: false },
  torch_dtype: { text: 'Storage dtype the weights were saved in.', structural: false },
  dtype: { text: 'Storage dtype the weights were saved in.', structural: false },
  quantization_config: { text: 'Quantization method and its settings.', structural: false },
  bos_token_id: { text: 'Special token ids: check the tokenizers agree.', structural: false },
  eos_token_id: { text: 'Special token ids: check the tokenizers agree.', structural: false },
  pad_token_id: { text: 'Special token ids: check the tokenizers agree.', structural: false },
  transformers_version: { text: 'The transformers version that saved it: bookkeeping only.', structural: false },
  _name_or_path: { text: 'Where it was loaded from when saved: bookkeeping only.', structural: false },
};

function flatten(value: unknown, prefix: string, depth: number, out: Map<string, string>): void {
  if (depth < MAX_KEY_DEPTH && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
    return;
  }
  out.set(prefix, JSON.stringify(value) ?? 'undefined');
}

/** The meaning of a key: its own, or that of its last segment under a nested config (`text_config.vocab_size`, `rope_scaling.factor` → `rope_scaling`). */
function meaningOf(key: string): { text: string; structural: boolean } | undefined {
  const parts = key.split('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    const m = Object.prototype.hasOwnProperty.call(MEANINGS, parts[i]!) ? MEANINGS[parts[i]!] : undefined;
    if (m) return m;
  }
  return undefined;
}

/**
 * Two JSON objects (config.json, generation_config, GGUF metadata) compared key by key, nested
 * objects by dotted path. Only differing keys are returned, structural ones first, each group
 * in key order.
 */
export function compareKeyValues(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): KeyDifference[] {
  const left = new Map<string, string>();
  const right = new Map<string, string>();
  flatten(a ?? {}, '', 0, left);
  flatten(b ?? {}, '', 0, right);
  const keys = new Set([...left.keys(), ...right.keys()]);
  const out: KeyDifference[] = [];
  for (const key of keys) {
    const va = left.get(key);
    const vb = right.get(key);
    if (va === vb) continue;
    const meaning = meaningOf(key);
    out.push({ key, a: va, b: vb, meaning: meaning?.text, structural: meaning?.structural ?? false });
  }
  out.sort((x, y) => Number(y.structural) - Number(x.structural) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return out;
}
