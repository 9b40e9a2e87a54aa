import { describe, expect, it } from 'vitest';
import type { ConfigFacts, ParameterEstimate } from '../../model/config-facts';
import { BERT_BASE_UNCASED, GPT2, LLAMA2_7B, QWEN2_05B } from '../../../test/fixtures/config-fixtures';
import { deriveConfigFacts } from './derive-config-facts';
import { estimateParameters } from './estimate-parameters';
import { explainCountDifference, type CountedTensor } from './explain-count-difference';

function setup(raw: Record<string, unknown>): { estimate: ParameterEstimate; facts: ConfigFacts } {
  const { estimate } = estimateParameters(raw);
  if (!estimate) throw new Error('no estimate');
  return { estimate, facts: deriveConfigFacts(raw) };
}

/** A stand-in for the body of a checkpoint: one tensor holding `elements`, named so no check fires. */
function body(elements: number): CountedTensor {
  return { name: 'model.layers.0.mlp.down_proj.weight', elements, dtype: 'F16' };
}

describe('explainCountDifference', () => {
  it('says nothing when the counts agree', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    expect(explainCountDifference(estimate, facts, estimate.total, [body(estimate.total)])).toEqual([]);
  });

  it('spots a tied head stored anyway', () => {
    const { estimate, facts } = setup(QWEN2_05B);
    const head = { name: 'lm_head.weight', elements: 151936 * 896, dtype: 'BF16' };
    const reasons = explainCountDifference(estimate, facts, estimate.total + head.elements, [body(estimate.total), head]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('lm_head.weight');
    expect(reasons[0]).toContain('ties it to the token embedding');
    expect(reasons[0]).toContain('accounts for the whole difference');
  });

  it('spots an untied head missing from the weights', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const weightCount = estimate.total - 32000 * 4096;
    const reasons = explainCountDifference(estimate, facts, weightCount, [body(weightCount)]);
    expect(reasons[0]).toContain('no lm_head.weight');
    expect(reasons[0]).toContain('131,072,000');
    expect(reasons[0]).toContain('accounts for the whole difference');
  });

  it('notes a difference of exactly vocab × hidden when the head looks as configured', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const tensors = [body(estimate.total), { name: 'lm_head.weight', elements: 32000 * 4096 }];
    const reasons = explainCountDifference(estimate, facts, estimate.total + 32000 * 4096, tensors);
    expect(reasons).toEqual([expect.stringContaining('exactly vocab × hidden (131,072,000)')]);
  });

  it('counts GPT-2’s persisted causal masks (the Hub’s “137M” for gpt2)', () => {
    const { estimate, facts } = setup(GPT2);
    const masks = Array.from({ length: 12 }, (_, i) => ({ name: `h.${i}.attn.bias`, elements: 1024 * 1024, dtype: 'F32' }));
    const weightCount = estimate.total + 12 * 1024 * 1024;
    expect(weightCount).toBe(137_022_720);
    const reasons = explainCountDifference(estimate, facts, weightCount, [{ name: 'wte.weight', elements: estimate.total }, ...masks]);
    expect(reasons).toEqual([expect.stringMatching(/12 × GPT-2 causal masks \(attn\.bias\), 12,582,912 elements, which accounts for the whole difference/)]);
  });

  it('counts rotary inv_freq and BERT position_ids buffers, and leaves real biases alone', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const invFreq = Array.from({ length: 32 }, (_, i) => ({ name: `model.layers.${i}.self_attn.rotary_emb.inv_freq`, elements: 64 }));
    const tensors = [body(estimate.total), ...invFreq, { name: 'lm_head.weight', elements: 0 }];
    const reasons = explainCountDifference(estimate, facts, estimate.total + 32 * 64, tensors);
    expect(reasons).toEqual([expect.stringContaining('32 × rotary inverse frequencies (rotary_emb.inv_freq), 2,048 elements, which accounts')]);

    const bert = setup(BERT_BASE_UNCASED);
    const bertTensors = [
      { name: 'bert.pooler.dense.weight', elements: bert.estimate.total },
      { name: 'bert.embeddings.position_ids', elements: 512, dtype: 'I64' },
      // A real bias named attn.bias (not n_positions² long) is not a mask.
      { name: 'encoder.attn.bias', elements: 768 },
    ];
    const bertReasons = explainCountDifference(bert.estimate, bert.facts, bert.estimate.total + 512 + 768, bertTensors);
    expect(bertReasons).toHaveLength(1);
    expect(bertReasons[0]).toContain('1 × position index buffers (position_ids), 512 elements.');
  });

  it('recognizes GPTQ/AWQ packing', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const tensors = [
      { name: 'model.layers.0.self_attn.q_proj.qweight', elements: (4096 / 8) * 4096, dtype: 'I32' },
      { name: 'model.layers.0.self_attn.q_proj.qzeros', elements: 32 * 512, dtype: 'I32' },
      { name: 'model.layers.0.self_attn.q_proj.scales', elements: 32 * 4096, dtype: 'F16' },
      { name: 'model.layers.0.self_attn.q_proj.g_idx', elements: 4096, dtype: 'I32' },
      { name: 'lm_head.weight', elements: 32000 * 4096, dtype: 'F16' },
    ];
    const reasons = explainCountDifference(estimate, facts, 1_900_000_000, tensors);
    expect(reasons).toEqual([expect.stringContaining('GPTQ/AWQ-style (4 qweight/qzeros/scales/g_idx tensors; 1 packed qweight tensors)')]);
  });

  it('recognizes bitsandbytes 4-bit packing', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const tensors = [
      { name: 'model.layers.0.mlp.up_proj.weight', elements: (4096 * 11008) / 2, dtype: 'U8' },
      { name: 'model.layers.0.mlp.up_proj.weight.absmax', elements: 704_512, dtype: 'F32' },
      { name: 'model.layers.0.mlp.up_proj.weight.quant_map', elements: 16, dtype: 'F32' },
      { name: 'model.layers.0.mlp.up_proj.weight.quant_state.bitsandbytes__nf4', elements: 100, dtype: 'U8' },
      { name: 'lm_head.weight', elements: 32000 * 4096, dtype: 'F16' },
    ];
    const reasons = explainCountDifference(estimate, facts, 3_500_000_000, tensors);
    expect(reasons).toEqual([expect.stringContaining('bitsandbytes (3 absmax/quant_map/quant_state tensors; 1 U8 weights, two 4-bit values per byte)')]);
  });

  it('recognizes task heads and a missing pooler', () => {
    const { estimate, facts } = setup(BERT_BASE_UNCASED);
    const pooler = 768 * 768 + 768;
    const heads = [
      { name: 'cls.predictions.bias', elements: 30522 },
      { name: 'cls.predictions.transform.dense.weight', elements: 768 * 768 },
    ];
    const headElements = 30522 + 768 * 768;
    const tensors = [{ name: 'bert.embeddings.word_embeddings.weight', elements: estimate.total - pooler }, ...heads];
    const reasons = explainCountDifference(estimate, facts, estimate.total - pooler + headElements, tensors);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain('task heads (cls.*, 620,346 elements)');
    expect(reasons[1]).toContain('no pooler');
    expect(reasons[1]).toContain('590,592');
  });

  it('falls back to the size of the difference when nothing explains it', () => {
    const { estimate, facts } = setup(LLAMA2_7B);
    const reasons = explainCountDifference(estimate, facts, estimate.total - 1000, [
      body(estimate.total - 1000 - 32000 * 4096),
      { name: 'lm_head.weight', elements: 32000 * 4096 },
    ]);
    expect(reasons).toEqual([
      expect.stringMatching(/^No known cause found: the weights have 1,000 fewer parameters than the config implies \(under 0\.01%\)\.$/),
    ]);
  });
});
