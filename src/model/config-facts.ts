/**
 * Facts Loupe reads from a Hugging Face `config.json`, and the parameter count it derives.
 * Types only: the code that fills them lives in `src/formats/config`.
 */

/**
 * The `model_type` values whose architecture Loupe can count exactly.
 * Any other `model_type` is an unknown family: it still gets facts, but no parameter
 * estimate, only a plain reason (see {@link ParameterEstimateResult}). Loupe never guesses
 * a count from a family it does not know, because families differ in biases, norms,
 * fused projections and tied heads.
 */
export type ConfigFamily = 'llama' | 'mistral' | 'mixtral' | 'qwen2' | 'qwen2_moe' | 'gemma' | 'gemma2' | 'phi3' | 'gpt2' | 'bert';

/** Model dimensions read from a config, normalized across the per-family key names. */
export interface ConfigFacts {
  /** `model_type` as written at the top level (e.g. `llama`, `llava`). */
  modelType?: string;
  /** `architectures` (class names such as `LlamaForCausalLM`); empty when absent. */
  architectures: string[];
  /** Set when `modelType` is a family Loupe can count exactly; absent for an unknown family. */
  family?: ConfigFamily;
  /** Width of the residual stream (`hidden_size`, GPT-2's `n_embd`). */
  hiddenSize?: number;
  /** Number of transformer blocks (`num_hidden_layers`, GPT-2's `n_layer`). */
  numLayers?: number;
  /** Query heads per layer (`num_attention_heads`, GPT-2's `n_head`). */
  numHeads?: number;
  /** Key/value heads per layer; equals `numHeads` unless the config uses grouped-query attention. */
  numKvHeads?: number;
  /** Size of one attention head: `head_dim` when given (Gemma), else hidden size / heads. */
  headDim?: number;
  /** Width of the MLP (`intermediate_size`, GPT-2's `n_inner`, default 4 × hidden). For MoE, one dense MLP. */
  intermediateSize?: number;
  /** Rows of the token embedding (`vocab_size`). */
  vocabSize?: number;
  /** Longest sequence the position scheme allows (`max_position_embeddings`, GPT-2's `n_positions`). */
  maxPositions?: number;
  /** Whether the LM head shares the token embedding's weights; the family default when the key is absent. */
  tieWordEmbeddings?: boolean;
  /** Storage dtype the weights were saved in, from `dtype` (newer transformers) or `torch_dtype`. */
  dtype?: string;
  /** Mixture-of-experts routing: experts per MoE layer, and experts each token uses. */
  experts?: { total: number; perToken: number };
  /** True when some of these facts came from `text_config` (multimodal configs such as Llava, Gemma 3, Mllama). */
  fromTextConfig: boolean;
  /** Bytes the KV cache grows by per token: 2 (K and V) × layers × KV heads × head dim × bytes per element. */
  kvCacheBytesPerToken?: number;
  /** The dtype behind `kvCacheBytesPerToken`: the config's dtype, or `'unknown'` when 2 bytes per element were assumed. */
  kvCacheDtype?: string;
}

/** A parameter count computed from a config, for comparison with the count from the weights. */
export interface ParameterEstimate {
  /** Every parameter of the model as transformers builds it (with the LM head, or BERT's pooler). */
  total: number;
  /** For mixture-of-experts models: parameters one token passes through (shared weights plus the routed experts it uses). */
  active?: number;
  /** The total split into parts (embeddings, attention, MLP, norms, head); the counts add up to `total`. */
  breakdown: { name: string; count: number }[];
  /** What the count assumes, e.g. defaults applied or weights shared; plain sentences. */
  notes: string[];
}

/**
 * The outcome of estimating parameters: an estimate, or the reason there is none
 * (an unknown family, or a config missing a dimension the formula needs).
 */
export type ParameterEstimateResult = { estimate: ParameterEstimate; reason?: undefined } | { estimate?: undefined; reason: string };
