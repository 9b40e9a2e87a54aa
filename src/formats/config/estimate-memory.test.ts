import { describe, expect, it } from 'vitest';
import { deriveConfigFacts } from './derive-config-facts';
import { estimateMemory } from './estimate-memory';

describe('estimateMemory', () => {
  it('sizes weights at each common dtype', () => {
    const m = estimateMemory(1_000_000_001, undefined, 4096);
    expect(m.weights).toEqual([
      { id: 'fp32', bytes: 4_000_000_004 },
      { id: 'bf16', bytes: 2_000_000_002 },
      { id: 'fp16', bytes: 2_000_000_002 },
      { id: 'int8', bytes: 1_000_000_001 },
      { id: 'int4', bytes: 500_000_001 },
    ]);
    expect(m.kvCache).toBeUndefined();
  });

  it('sizes the KV cache of Llama-2-7B: 512 KiB per token in fp16', () => {
    const facts = deriveConfigFacts({
      model_type: 'llama',
      hidden_size: 4096,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      torch_dtype: 'float16',
    });
    const m = estimateMemory(6_738_415_616, facts, 4096);
    // 2 (K, V) × 32 layers × 32 heads × 128 dims × 2 bytes
    expect(m.kvCache).toEqual({ perToken: 524_288, contextLength: 4096, total: 2_147_483_648, dtype: 'float16' });
  });
});
