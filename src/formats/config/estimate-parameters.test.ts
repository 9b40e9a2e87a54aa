import { describe, expect, it } from 'vitest';
import type { ParameterEstimate } from '../../model/config-facts';
import {
  BERT_BASE_UNCASED,
  GEMMA2_2B,
  GEMMA_2B,
  GEMMA_7B,
  GPT2,
  LLAMA2_7B,
  LLAMA3_8B,
  MISTRAL_7B,
  MIXTRAL_8X7B,
  PHI3_MINI_4K,
  QWEN15_MOE_A27B,
  QWEN2_05B,
} from '../../../test/fixtures/config-fixtures';
import { estimateParameters } from './estimate-parameters';

function estimate(raw: Record<string, unknown>): ParameterEstimate {
  const result = estimateParameters(raw);
  if (!result.estimate) throw new Error(`no estimate: ${result.reason}`);
  return result.estimate;
}

function part(result: ParameterEstimate, name: string): number | undefined {
  return result.breakdown.find((entry) => entry.name === name)?.count;
}

describe('estimateParameters: published counts', () => {
  it.each([
    ['GPT-2 small', GPT2, 124_439_808],
    ['Llama-2-7B', LLAMA2_7B, 6_738_415_616],
    ['Llama-3-8B', LLAMA3_8B, 8_030_261_248],
    ['Mistral-7B-v0.1', MISTRAL_7B, 7_241_732_096],
    ['Mixtral-8x7B-v0.1', MIXTRAL_8X7B, 46_702_792_704],
    ['BERT-base-uncased (BertModel with pooler)', BERT_BASE_UNCASED, 109_482_240],
    ['Qwen2-0.5B', QWEN2_05B, 494_032_768],
    ['Gemma-2B', GEMMA_2B, 2_506_172_416],
    ['Gemma-7B', GEMMA_7B, 8_537_680_896],
    ['Gemma-2-2B', GEMMA2_2B, 2_614_341_888],
    ['Phi-3-mini-4k-instruct', PHI3_MINI_4K, 3_821_079_552],
    ['Qwen1.5-MoE-A2.7B', QWEN15_MOE_A27B, 14_315_784_192],
  ])('%s', (_name, config, published) => {
    const result = estimate(config);
    expect(result.total).toBe(published);
    expect(result.breakdown.reduce((sum, entry) => sum + entry.count, 0)).toBe(result.total);
  });

  it('Mixtral-8x7B: active parameters are everything but 6 of 8 experts in each of 32 layers', () => {
    const result = estimate(MIXTRAL_8X7B);
    const expert = 3 * 4096 * 14336;
    expect(result.total - (result.active as number)).toBe(32 * 6 * expert);
    // The widely quoted 12,879,921,152 is (2 experts + attention + norms + router) × 32 + embeddings
    // and head: it leaves out the final model.norm (4,096). The same derivation gives the total as
    // 46,702,788,608, also 4,096 short of the 46,702,792,704 above. Loupe counts the final norm.
    expect(result.active).toBe(12_879_921_152 + 4096);
  });

  it('Qwen1.5-MoE-A2.7B: active is shared weights plus 4 of 60 experts (published as 2.7B)', () => {
    const result = estimate(QWEN15_MOE_A27B);
    expect(result.active).toBe(2_689_173_504);
    expect(part(result, 'shared expert')).toBe(24 * (3 * 2048 * 5632 + 2048));
  });
});

describe('estimateParameters: family details', () => {
  it('counts Qwen2 q/k/v biases but no o bias', () => {
    const result = estimate(QWEN2_05B);
    // q: 896→896, k and v: 896→2·64, each with a bias; o: 896→896 without.
    expect(part(result, 'attention')).toBe(24 * (896 * 896 + 896 + 2 * (896 * 128 + 128) + 896 * 896));
  });

  it('ties embeddings by each family’s default', () => {
    expect(part(estimate(GEMMA_2B), 'LM head')).toBeUndefined();
    expect(estimate(GEMMA_2B).notes.join(' ')).toContain('gemma ties by default');
    const { tie_word_embeddings: _, ...untiedByDefault } = LLAMA2_7B;
    expect(part(estimate(untiedByDefault), 'LM head')).toBe(32000 * 4096);
    expect(part(estimate({ ...GEMMA_2B, tie_word_embeddings: false }), 'LM head')).toBe(256000 * 2048);
    expect(estimate({ ...GPT2, tie_word_embeddings: false }).total).toBe(124_439_808 + 50257 * 768);
  });

  it('counts GPT-2 position embeddings from n_positions and the MLP from n_inner', () => {
    expect(part(estimate(GPT2), 'position embedding')).toBe(1024 * 768);
    const wider = estimate({ ...GPT2, n_inner: 4096 });
    expect(wider.total - 124_439_808).toBe(12 * (768 * (4096 - 3072) + (4096 - 3072) + (4096 - 3072) * 768));
  });

  it('counts BERT’s position and token-type embeddings and the pooler', () => {
    const result = estimate(BERT_BASE_UNCASED);
    expect(part(result, 'embeddings')).toBe((30522 + 512 + 2) * 768 + 2 * 768);
    expect(part(result, 'pooler')).toBe(768 * 768 + 768);
    expect(estimate({ ...BERT_BASE_UNCASED, type_vocab_size: 16 }).total - result.total).toBe(14 * 768);
  });

  it('counts Llama attention_bias and mlp_bias', () => {
    const base = estimate(LLAMA2_7B).total;
    expect(estimate({ ...LLAMA2_7B, attention_bias: true }).total - base).toBe(32 * 4 * 4096);
    expect(estimate({ ...LLAMA2_7B, mlp_bias: true }).total - base).toBe(32 * (2 * 11008 + 4096));
  });

  it('uses an explicit head_dim that differs from hidden / heads (Mistral-Nemo style)', () => {
    const result = estimate({ ...MISTRAL_7B, hidden_size: 5120, head_dim: 128, num_key_value_heads: 8 });
    expect(part(result, 'attention')).toBe(32 * (5120 * 4096 + 2 * 5120 * 1024 + 4096 * 5120));
  });

  it('counts Qwen2-MoE dense layers from mlp_only_layers and decoder_sparse_step', () => {
    const allSparse = estimate(QWEN15_MOE_A27B);
    const twoDense = estimate({ ...QWEN15_MOE_A27B, mlp_only_layers: [0, 23] });
    expect(part(twoDense, 'MLP')).toBe(2 * 3 * 2048 * 5632);
    expect(part(twoDense, 'experts')).toBe((22 / 24) * (part(allSparse, 'experts') as number));
    const everyOther = estimate({ ...QWEN15_MOE_A27B, decoder_sparse_step: 2 });
    expect(part(everyOther, 'MLP')).toBe(12 * 3 * 2048 * 5632);
  });
});

describe('estimateParameters: no estimate', () => {
  it('gives a plain reason for an unknown model_type, never a guess', () => {
    const result = estimateParameters({ ...LLAMA2_7B, model_type: 'falcon' });
    expect(result.estimate).toBeUndefined();
    expect(result.reason).toMatch(/model_type "falcon" is not one Loupe can describe exactly/);
  });

  it('gives a reason when model_type is missing', () => {
    const { model_type: _, ...untyped } = LLAMA2_7B;
    expect(estimateParameters(untyped).reason).toMatch(/no model_type/);
  });

  it('does not count a multimodal wrapper from its text_config', () => {
    const result = estimateParameters({ model_type: 'llava', architectures: ['LlavaForConditionalGeneration'], text_config: LLAMA2_7B });
    expect(result.estimate).toBeUndefined();
    expect(result.reason).toContain('"llava"');
  });

  it('names missing or invalid dimensions', () => {
    const { intermediate_size: _, ...noMlp } = LLAMA2_7B;
    expect(estimateParameters(noMlp).reason).toContain('intermediate_size');
    expect(estimateParameters({ ...LLAMA2_7B, hidden_size: -4096 }).reason).toContain('hidden_size');
    const { head_dim: __, ...noHeadDim } = GEMMA_2B;
    expect(estimateParameters(noHeadDim).reason).toContain('head_dim');
    const { num_local_experts: ___, ...noExperts } = MIXTRAL_8X7B;
    expect(estimateParameters(noExperts).reason).toContain('expert');
  });

  it('refuses numbers too large to add up exactly', () => {
    expect(estimateParameters({ ...LLAMA2_7B, vocab_size: 2 ** 40, hidden_size: 2 ** 40, num_attention_heads: 1 }).reason).toMatch(/too large/);
  });
});
