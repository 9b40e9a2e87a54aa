import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../model/document';
import { BERT_BASE_UNCASED, GEMMA_2B, GPT2, LLAMA2_7B, LLAMA3_8B, MIXTRAL_8X7B, PHI3_MINI_4K, QWEN15_MOE_A27B } from '../../../test/fixtures/config-fixtures';
import { deriveConfigFacts } from './derive-config-facts';

describe('deriveConfigFacts', () => {
  it('reads Llama key names, with KV cache at the config dtype', () => {
    expect(deriveConfigFacts(LLAMA2_7B)).toEqual({
      modelType: 'llama',
      architectures: ['LlamaForCausalLM'],
      family: 'llama',
      hiddenSize: 4096,
      numLayers: 32,
      numHeads: 32,
      numKvHeads: 32,
      headDim: 128,
      intermediateSize: 11008,
      vocabSize: 32000,
      maxPositions: 4096,
      tieWordEmbeddings: false,
      dtype: 'float16',
      fromTextConfig: false,
      // 2 × 32 layers × 32 heads × 128 × 2 bytes: the well-known 512 KiB per token.
      kvCacheBytesPerToken: 524_288,
      kvCacheDtype: 'float16',
    });
  });

  it('reads GPT-2 key names and its defaults', () => {
    const facts = deriveConfigFacts(GPT2);
    expect(facts).toMatchObject({ hiddenSize: 768, numLayers: 12, numHeads: 12, numKvHeads: 12, headDim: 64, maxPositions: 1024, vocabSize: 50257 });
    expect(facts.intermediateSize).toBe(3072); // n_inner absent: 4 × n_embd
    expect(facts.tieWordEmbeddings).toBe(true);
    expect(facts.dtype).toBeUndefined();
    expect(facts).toMatchObject({ kvCacheBytesPerToken: 2 * 12 * 12 * 64 * 2, kvCacheDtype: 'unknown' });
  });

  it('reads BERT and gives it no KV cache (an encoder)', () => {
    const facts = deriveConfigFacts(BERT_BASE_UNCASED);
    expect(facts).toMatchObject({ family: 'bert', hiddenSize: 768, maxPositions: 512, intermediateSize: 3072 });
    expect(facts.kvCacheBytesPerToken).toBeUndefined();
  });

  it('uses grouped-query KV heads and Gemma’s explicit head_dim', () => {
    expect(deriveConfigFacts(LLAMA3_8B)).toMatchObject({ numKvHeads: 8, headDim: 128, kvCacheBytesPerToken: 2 * 32 * 8 * 128 * 2, kvCacheDtype: 'bfloat16' });
    expect(deriveConfigFacts(GEMMA_2B)).toMatchObject({ numKvHeads: 1, headDim: 256, tieWordEmbeddings: true, kvCacheBytesPerToken: 2 * 18 * 256 * 2 });
    expect(deriveConfigFacts(PHI3_MINI_4K)).toMatchObject({ family: 'phi3', headDim: 96, vocabSize: 32064 });
  });

  it('does not derive Gemma’s head_dim from hidden / heads', () => {
    const { head_dim: _, ...noHeadDim } = GEMMA_2B;
    expect(deriveConfigFacts(noHeadDim).headDim).toBeUndefined();
  });

  it('reads experts for Mixtral and Qwen2-MoE', () => {
    expect(deriveConfigFacts(MIXTRAL_8X7B).experts).toEqual({ total: 8, perToken: 2 });
    expect(deriveConfigFacts(QWEN15_MOE_A27B).experts).toEqual({ total: 60, perToken: 4 });
    expect(deriveConfigFacts(LLAMA2_7B).experts).toBeUndefined();
    expect(deriveConfigFacts({ ...LLAMA2_7B, num_experts: 0, num_experts_per_tok: 2 }).experts).toBeUndefined();
  });

  it('prefers dtype over torch_dtype, and sizes the KV cache by it', () => {
    expect(deriveConfigFacts({ ...LLAMA2_7B, dtype: 'float32' })).toMatchObject({ dtype: 'float32', kvCacheBytesPerToken: 1_048_576, kvCacheDtype: 'float32' });
    const { torch_dtype: _, ...noDtype } = LLAMA2_7B;
    expect(deriveConfigFacts({ ...noDtype, dtype: 'bfloat16' }).dtype).toBe('bfloat16');
    expect(deriveConfigFacts({ ...LLAMA2_7B, torch_dtype: 'auto' })).toMatchObject({ dtype: 'auto', kvCacheBytesPerToken: 524_288, kvCacheDtype: 'unknown' });
  });

  it('reads the language model from text_config when the top level lacks it', () => {
    // Shaped like a Llava / Mllama config: a wrapper model_type, the numbers one level down.
    const facts = deriveConfigFacts({
      architectures: ['LlavaForConditionalGeneration'],
      model_type: 'llava',
      image_token_index: 32000,
      text_config: { ...LLAMA2_7B, torch_dtype: 'bfloat16' },
      vision_config: { hidden_size: 1024, model_type: 'clip_vision_model' },
    });
    expect(facts).toMatchObject({
      modelType: 'llava',
      fromTextConfig: true,
      hiddenSize: 4096,
      numLayers: 32,
      vocabSize: 32000,
      dtype: 'bfloat16',
      kvCacheBytesPerToken: 524_288,
    });
    expect(facts.family).toBeUndefined();
  });

  it('keeps top-level numbers over text_config and does not flag them', () => {
    const facts = deriveConfigFacts({ ...LLAMA2_7B, text_config: { hidden_size: 1 } });
    expect(facts.hiddenSize).toBe(4096);
    expect(facts.fromTextConfig).toBe(false);
  });

  it('ignores invalid numbers and warns with the field name', () => {
    const diagnostics: Diagnostic[] = [];
    const facts = deriveConfigFacts(
      {
        ...LLAMA2_7B,
        hidden_size: -1,
        num_hidden_layers: 32.5,
        vocab_size: '32000',
        intermediate_size: 1e300,
        tie_word_embeddings: 'no',
        text_config: { num_hidden_layers: -2 },
      },
      diagnostics,
    );
    expect(facts.hiddenSize).toBeUndefined();
    expect(facts.numLayers).toBeUndefined();
    expect(facts.vocabSize).toBeUndefined();
    expect(facts.intermediateSize).toBeUndefined();
    expect(facts.headDim).toBeUndefined();
    expect(facts.kvCacheBytesPerToken).toBeUndefined();
    expect(facts.tieWordEmbeddings).toBe(false); // llama's default, since the value was ignored
    expect(diagnostics.map((d) => d.field)).toEqual(
      expect.arrayContaining(['hidden_size', 'num_hidden_layers', 'vocab_size', 'intermediate_size', 'tie_word_embeddings', 'text_config.num_hidden_layers']),
    );
    expect(diagnostics.every((d) => d.severity === 'warning' && d.code === 'config-invalid-value')).toBe(true);
    expect(diagnostics.find((d) => d.field === 'vocab_size')?.message).toContain('"32000"');
  });

  it('warns when the head size cannot be derived, and when experts per token exceed experts', () => {
    const diagnostics: Diagnostic[] = [];
    const facts = deriveConfigFacts({ ...MIXTRAL_8X7B, num_attention_heads: 30, num_experts_per_tok: 9 }, diagnostics);
    expect(facts.headDim).toBeUndefined();
    expect(facts.experts).toBeUndefined();
    expect(diagnostics.map((d) => d.field)).toEqual(['num_attention_heads', 'num_experts_per_tok']);
  });

  it('does not resolve keys from Object.prototype, and survives odd shapes', () => {
    const facts = deriveConfigFacts(JSON.parse('{"model_type":"constructor","architectures":[1,"X"],"text_config":[]}') as Record<string, unknown>);
    expect(facts).toEqual({ modelType: 'constructor', architectures: ['X'], fromTextConfig: false });
  });
});
