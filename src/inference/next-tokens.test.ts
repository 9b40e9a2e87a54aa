import { describe, expect, it } from 'vitest';
import { chooseNext, feedsForIds, lastLogits, softmax, textModeProblem, topK } from './next-tokens';

describe('text mode', () => {
  it('runs a model with input_ids and a mask, and refuses one with a KV cache', () => {
    expect(
      textModeProblem([
        { name: 'input_ids', isTensor: true, dtype: 'int64' },
        { name: 'attention_mask', isTensor: true, dtype: 'int64' },
      ]),
    ).toBeUndefined();
    expect(textModeProblem([{ name: 'pixel_values', isTensor: true }])).toBe('the model has no input_ids input');
    expect(
      textModeProblem([
        { name: 'input_ids', isTensor: true },
        { name: 'past_key_values.0.key', isTensor: true },
      ]),
    ).toContain('past_key_values.0.key');
  });

  it('feeds ids, a mask of ones and positions, in each input type', () => {
    const feeds = feedsForIds(
      [
        { name: 'input_ids', isTensor: true, dtype: 'int64' },
        { name: 'position_ids', isTensor: true, dtype: 'int32' },
      ],
      [7, 8, 9],
    );
    expect(feeds).toEqual([
      { name: 'input_ids', dtype: 'int64', dims: [1, 3], data: BigInt64Array.of(7n, 8n, 9n) },
      { name: 'position_ids', dtype: 'int32', dims: [1, 3], data: Int32Array.of(0, 1, 2) },
    ]);
  });

  it('reads the last position, and ranks by softmax', () => {
    const logits = { name: 'logits', dtype: 'float32' as const, dims: [1, 2, 3], data: Float32Array.of(9, 9, 9, 0, Math.log(3), 0) };
    const last = lastLogits(logits);
    expect([...last]).toEqual([0, Math.fround(Math.log(3)), 0]);
    // e^0, 3, e^0 over 5: by hand.
    const p = softmax(last);
    expect(p[0]).toBeCloseTo(0.2, 6);
    expect(p[1]).toBeCloseTo(0.6, 6);
    expect(topK(p, 2).map((t) => t.id)).toEqual([1, 0]);
  });

  it('chooses greedily, or draws within top-k', () => {
    const logits = [0, 5, 1, 4];
    expect(chooseNext(logits, { greedy: true, random: () => 0.99 })).toBe(1);
    // top-k 2 keeps ids 1 and 3; a draw near 1 lands on the second.
    expect(chooseNext(logits, { greedy: false, topK: 2, random: () => 0.999 })).toBe(3);
    expect(chooseNext(logits, { greedy: false, topK: 2, random: () => 0 })).toBe(1);
  });
});
