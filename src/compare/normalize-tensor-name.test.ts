import { describe, expect, it } from 'vitest';
import { pytorchOrder, tensorKey } from './normalize-tensor-name';

// Pairs as convert_hf_to_gguf.py writes them (gguf-py/gguf/tensor_mapping.py), per family.
const LLAMA_STYLE: [string, string][] = [
  ['model.embed_tokens.weight', 'token_embd.weight'],
  ['model.norm.weight', 'output_norm.weight'],
  ['lm_head.weight', 'output.weight'],
  ['model.layers.0.input_layernorm.weight', 'blk.0.attn_norm.weight'],
  ['model.layers.0.self_attn.q_proj.weight', 'blk.0.attn_q.weight'],
  ['model.layers.0.self_attn.k_proj.weight', 'blk.0.attn_k.weight'],
  ['model.layers.0.self_attn.v_proj.weight', 'blk.0.attn_v.weight'],
  ['model.layers.0.self_attn.o_proj.weight', 'blk.0.attn_output.weight'],
  ['model.layers.31.post_attention_layernorm.weight', 'blk.31.ffn_norm.weight'],
  ['model.layers.31.mlp.gate_proj.weight', 'blk.31.ffn_gate.weight'],
  ['model.layers.31.mlp.up_proj.weight', 'blk.31.ffn_up.weight'],
  ['model.layers.31.mlp.down_proj.weight', 'blk.31.ffn_down.weight'],
];

const FAMILIES: Record<string, [string, string][]> = {
  llama: LLAMA_STYLE,
  mistral: LLAMA_STYLE,
  // Qwen2 adds biases on Q, K and V.
  qwen2: [
    ...LLAMA_STYLE,
    ['model.layers.5.self_attn.q_proj.bias', 'blk.5.attn_q.bias'],
    ['model.layers.5.self_attn.k_proj.bias', 'blk.5.attn_k.bias'],
    ['model.layers.5.self_attn.v_proj.bias', 'blk.5.attn_v.bias'],
  ],
  // Gemma ties the head to the embeddings (no lm_head) but names the rest as Llama does.
  gemma: LLAMA_STYLE.filter(([hf]) => hf !== 'lm_head.weight'),
  // Gemma 2 norms both sides of each sublayer.
  gemma2: [
    ['model.embed_tokens.weight', 'token_embd.weight'],
    ['model.layers.2.input_layernorm.weight', 'blk.2.attn_norm.weight'],
    ['model.layers.2.post_attention_layernorm.weight', 'blk.2.attn_post_norm.weight'],
    ['model.layers.2.pre_feedforward_layernorm.weight', 'blk.2.ffn_norm.weight'],
    ['model.layers.2.post_feedforward_layernorm.weight', 'blk.2.post_ffw_norm.weight'],
    ['model.layers.2.mlp.gate_proj.weight', 'blk.2.ffn_gate.weight'],
  ],
  // Phi-3 fuses QKV and gate+up.
  phi3: [
    ['model.embed_tokens.weight', 'token_embd.weight'],
    ['model.layers.7.input_layernorm.weight', 'blk.7.attn_norm.weight'],
    ['model.layers.7.self_attn.qkv_proj.weight', 'blk.7.attn_qkv.weight'],
    ['model.layers.7.self_attn.o_proj.weight', 'blk.7.attn_output.weight'],
    ['model.layers.7.post_attention_layernorm.weight', 'blk.7.ffn_norm.weight'],
    ['model.layers.7.mlp.gate_up_proj.weight', 'blk.7.ffn_up.weight'],
    ['model.layers.7.mlp.down_proj.weight', 'blk.7.ffn_down.weight'],
    ['model.norm.weight', 'output_norm.weight'],
    ['lm_head.weight', 'output.weight'],
  ],
};

describe('tensorKey', () => {
  for (const [family, pairs] of Object.entries(FAMILIES)) {
    it(`matches ${family} safetensors names with their GGUF names`, () => {
      for (const [hf, gguf] of pairs) {
        expect(tensorKey(hf, family), hf).toBe(gguf);
        expect(tensorKey(gguf, family), gguf).toBe(gguf);
      }
    });
  }

  it('keeps names it does not know, so two checkpoints of any family still match by name', () => {
    for (const name of ['transformer.h.0.attn.c_attn.weight', 'model.layers.0.self_attn.rotary_emb.inv_freq', 'bert.encoder.layer.0.output.dense.bias']) {
      expect(tensorKey(name, 'llama')).toBe(name);
    }
  });

  it('gives a Gemma 2 post-attention norm a different key from a Llama one', () => {
    const name = 'model.layers.0.post_attention_layernorm.weight';
    expect(tensorKey(name, 'llama')).toBe('blk.0.ffn_norm.weight');
    expect(tensorKey(name, 'gemma2')).toBe('blk.0.attn_post_norm.weight');
  });
});

describe('pytorchOrder', () => {
  it('reverses a ggml-order shape (ne[0] first) and leaves a PyTorch-order one', () => {
    // Llama-3-8B's q_proj is [4096 out, 4096 in]; k_proj [1024, 4096]: ggml lists it [4096, 1024].
    expect(pytorchOrder([4096, 1024], 'ggml')).toEqual([1024, 4096]);
    expect(pytorchOrder([1024, 4096], 'pytorch')).toEqual([1024, 4096]);
  });
});
