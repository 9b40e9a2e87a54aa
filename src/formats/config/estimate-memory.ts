import type { ConfigFacts } from '../../model/config-facts';

/** Common storage widths, in bits per parameter. int4 ignores the small overhead of group scales. */
export const WEIGHT_DTYPES = [
  { id: 'fp32', bits: 32 },
  { id: 'bf16', bits: 16 },
  { id: 'fp16', bits: 16 },
  { id: 'int8', bits: 8 },
  { id: 'int4', bits: 4 },
] as const;

export interface MemoryEstimate {
  /** Bytes to hold the weights at each common dtype. */
  weights: { id: (typeof WEIGHT_DTYPES)[number]['id']; bytes: number }[];
  /** KV cache bytes for one token, and for `contextLength` tokens of one sequence; absent without a decoder config. */
  kvCache?: { perToken: number; contextLength: number; total: number; dtype: string };
}

/** What a model costs to hold in memory: its weights at each dtype, and its KV cache at a context length. */
export function estimateMemory(parameters: number, facts: ConfigFacts | undefined, contextLength: number): MemoryEstimate {
  const weights = WEIGHT_DTYPES.map(({ id, bits }) => ({ id, bytes: Math.ceil((parameters * bits) / 8) }));
  const perToken = facts?.kvCacheBytesPerToken;
  if (perToken === undefined) return { weights };
  return { weights, kvCache: { perToken, contextLength, total: perToken * contextLength, dtype: facts?.kvCacheDtype ?? 'unknown' } };
}
