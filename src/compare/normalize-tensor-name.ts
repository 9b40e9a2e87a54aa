import type { Dim } from '../model/document';

/*
 * Tensor names across formats. The key two tensors are matched on is llama.cpp's GGUF name
 * (gguf-py/gguf/tensor_mapping.py, as convert_hf_to_gguf.py writes it), because every format
 * maps onto it: `model.layers.3.self_attn.q_proj.weight` and `blk.3.attn_q.weight` both key as
 * `blk.3.attn_q.weight`. Several Hugging Face names map to one GGUF name (Phi-3's fused
 * `gate_up_proj` and Llama's `up_proj` are both `ffn_up`); a model never has both, so the map
 * only has to be consistent, not invertible.
 */

/** Whole-model tensors: Hugging Face module path → GGUF name, for the Llama-style families. */
const TOP_LEVEL: Record<string, string> = {
  'model.embed_tokens': 'token_embd',
  'model.norm': 'output_norm',
  lm_head: 'output',
};

/** Per-layer modules shared by Llama, Mistral, Qwen2, Gemma and Phi-3 (`model.layers.N.<module>`). */
const PER_LAYER: Record<string, string> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  // Phi-3 fuses Q, K and V into one projection, and gate and up into one MLP input.
  'self_attn.qkv_proj': 'attn_qkv',
  'self_attn.q_norm': 'attn_q_norm',
  'self_attn.k_norm': 'attn_k_norm',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.gate_up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

/**
 * Gemma 2 and 3 norm both sides of each sublayer: `post_attention_layernorm` is the attention's
 * output norm there (`attn_post_norm`), and `pre_feedforward_layernorm` is the MLP's input norm.
 */
const SANDWICH_NORM_LAYER: Record<string, string> = {
  ...PER_LAYER,
  post_attention_layernorm: 'attn_post_norm',
  pre_feedforward_layernorm: 'ffn_norm',
  post_feedforward_layernorm: 'post_ffw_norm',
};

const SANDWICH_NORM_ARCHITECTURES = new Set(['gemma2', 'gemma3', 'gemma3_text']);

/** GGUF names that are already keys: `blk.N.<name>.<suffix>` and the whole-model ones. */
const GGUF_NAME = /^(?:blk\.\d+\.[a-z0-9_]+|token_embd|output_norm|output|rope_freqs)\.(?:weight|bias)$/;
const HF_LAYER = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/;
const HF_TOP = /^(.+)\.(weight|bias)$/;

/**
 * The key a tensor is matched on across formats: its GGUF name when it is a known Llama-style
 * tensor (Llama, Mistral, Qwen2, Gemma, Phi-3), else its own name unchanged.
 * `architecture` is the config's `model_type` or GGUF's `general.architecture`; it matters only
 * for the Gemma 2/3 norms.
 */
export function tensorKey(name: string, architecture?: string): string {
  if (GGUF_NAME.test(name)) return name;
  const layer = HF_LAYER.exec(name);
  if (layer) {
    const map = architecture && SANDWICH_NORM_ARCHITECTURES.has(architecture) ? SANDWICH_NORM_LAYER : PER_LAYER;
    const module = map[layer[2]!];
    return module ? `blk.${layer[1]}.${module}.${layer[3]}` : name;
  }
  const top = HF_TOP.exec(name);
  const module = top && TOP_LEVEL[top[1]!];
  return module ? `${module}.${top[2]}` : name;
}

/**
 * A shape in PyTorch order (outermost dimension first), the order tensors are compared in.
 * ggml lists dims innermost first (`ne[0]` is the row length), so a ggml-order shape is reversed;
 * Loupe's GGUF reader already gives TensorInfo.shape in PyTorch order.
 */
export function pytorchOrder(shape: readonly Dim[], order: 'pytorch' | 'ggml'): Dim[] {
  return order === 'ggml' ? [...shape].reverse() : [...shape];
}
