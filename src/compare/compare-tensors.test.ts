import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../model/document';
import type { DType } from '../model/dtype';
import { classifyPair, compareTensors, findRenames } from './compare-tensors';
import { describeTransition, summarizeDiff } from './summarize-diff';

const BITS: Partial<Record<DType, number>> = { F32: 32, BF16: 16, F16: 16, I8: 8 };

function tensor(name: string, dtype: DType, shape: number[], file = 'model.safetensors'): TensorInfo {
  const elements = shape.reduce((a, b) => a * b, 1);
  return { name, dtype, shape, elements, file, byteOffset: 0, byteLength: (elements * BITS[dtype]!) / 8 };
}

describe('classifyPair', () => {
  it('is same when dtype and shape agree, whatever the file or offset', () => {
    expect(classifyPair(tensor('w', 'F32', [2, 3]), { ...tensor('w', 'F32', [2, 3], 'other.safetensors'), byteOffset: 64 })).toEqual({
      status: 'same',
      reasons: [],
    });
  });
  it('is changed, with every reason, when dtype, shape or values differ', () => {
    expect(classifyPair(tensor('w', 'F32', [2, 3]), tensor('w', 'BF16', [2, 3]))).toEqual({ status: 'changed', reasons: ['dtype'] });
    expect(classifyPair(tensor('w', 'F32', [2, 3]), tensor('w', 'F32', [3, 2]))).toEqual({ status: 'changed', reasons: ['shape'] });
    expect(classifyPair(tensor('w', 'F32', [6]), tensor('w', 'F32', [6, 1]))).toEqual({ status: 'changed', reasons: ['shape'] });
    expect(classifyPair(tensor('w', 'F32', [2]), tensor('w', 'F16', [3]), true)).toEqual({ status: 'changed', reasons: ['dtype', 'shape', 'values'] });
  });
});

describe('compareTensors', () => {
  it('matches names across formats and classifies every tensor once', () => {
    const a = [
      tensor('model.embed_tokens.weight', 'BF16', [512, 64]),
      tensor('model.layers.0.self_attn.q_proj.weight', 'BF16', [64, 64]),
      tensor('model.layers.0.self_attn.k_proj.weight', 'BF16', [16, 64]),
      tensor('model.layers.0.self_attn.rotary_emb.inv_freq', 'F32', [32]),
    ];
    const b = [
      tensor('token_embd.weight', 'BF16', [512, 64], 'model.gguf'),
      tensor('blk.0.attn_q.weight', 'F16', [64, 64], 'model.gguf'),
      tensor('blk.0.attn_k.weight', 'BF16', [32, 64], 'model.gguf'),
      tensor('rope_freqs.weight', 'F32', [32], 'model.gguf'),
    ];
    const { rows } = compareTensors({ tensors: a, architecture: 'llama' }, { tensors: b, architecture: 'llama' });
    expect(rows.map((r) => [r.key, r.status, r.reasons])).toEqual([
      ['token_embd.weight', 'same', []],
      ['blk.0.attn_q.weight', 'changed', ['dtype']],
      ['blk.0.attn_k.weight', 'changed', ['shape']],
      ['model.layers.0.self_attn.rotary_emb.inv_freq', 'removed', []],
      ['rope_freqs.weight', 'added', []],
    ]);
    expect(rows[1]!.a!.name).toBe('model.layers.0.self_attn.q_proj.weight');
    expect(rows[1]!.b!.name).toBe('blk.0.attn_q.weight');
  });
});

describe('findRenames', () => {
  it('pairs a removed and an added tensor of equal dtype and shape, keeping layer numbers together', () => {
    const a = [tensor('enc.3.w', 'F32', [4, 4]), tensor('enc.7.w', 'F32', [4, 4]), tensor('gone', 'F32', [9])];
    const b = [tensor('encoder.7.weight', 'F32', [4, 4]), tensor('encoder.3.weight', 'F32', [4, 4]), tensor('new', 'F16', [9])];
    const { rows, renames } = compareTensors({ tensors: a }, { tensors: b });
    expect(rows.map((r) => r.status)).toEqual(['removed', 'removed', 'removed', 'added', 'added', 'added']);
    expect(renames.map((r) => [r.from.name, r.to.name])).toEqual([
      ['enc.3.w', 'encoder.3.weight'],
      ['enc.7.w', 'encoder.7.weight'],
    ]);
  });
  it('pairs in order when the numbers do not say, and never uses a tensor twice', () => {
    const rows = compareTensors(
      { tensors: [tensor('a', 'F32', [2]), tensor('b', 'F32', [2]), tensor('c', 'F32', [2])] },
      { tensors: [tensor('x', 'F32', [2]), tensor('y', 'F32', [2])] },
    ).rows;
    expect(findRenames(rows).map((r) => [r.from.name, r.to.name])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
    ]);
  });
  it('offers no rename between different dtypes or shapes', () => {
    const rows = compareTensors({ tensors: [tensor('a', 'F32', [2, 3])] }, { tensors: [tensor('b', 'F32', [3, 2]), tensor('c', 'F16', [2, 3])] }).rows;
    expect(findRenames(rows)).toEqual([]);
  });
});

describe('summarizeDiff', () => {
  it('counts by status, totals each side, and says what each dtype change did to the bytes', () => {
    const a = [...Array.from({ length: 39 }, (_, i) => tensor(`w${i}`, 'F32', [10, 10])), tensor('norm', 'F32', [10]), tensor('old', 'F32', [5])];
    const b = [...Array.from({ length: 39 }, (_, i) => tensor(`w${i}`, 'BF16', [10, 10])), tensor('norm', 'F32', [10]), tensor('new', 'I8', [7])];
    const summary = summarizeDiff(compareTensors({ tensors: a }, { tensors: b }).rows);
    expect(summary.counts).toEqual({ same: 1, changed: 39, added: 1, removed: 1 });
    expect(summary.a).toEqual({ tensors: 41, parameters: 3900 + 10 + 5, bytes: 4 * 3915 });
    expect(summary.b).toEqual({ tensors: 41, parameters: 3900 + 10 + 7, bytes: 2 * 3900 + 40 + 7 });
    expect(summary.transitions).toEqual([{ from: 'F32', to: 'BF16', tensors: 39, bytesA: 15_600, bytesB: 7_800, bytesChange: -0.5 }]);
    expect(describeTransition(summary.transitions[0]!)).toBe('F32 → BF16 on 39 tensors, −50% bytes');
  });
});
