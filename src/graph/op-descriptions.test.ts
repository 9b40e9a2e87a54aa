import { describe, expect, it } from 'vitest';
import { describeOp, OP_DESCRIPTIONS } from './op-descriptions';
import { categoryOf } from './op-category';

describe('describeOp', () => {
  it('describes the common standard ops in one line each', () => {
    for (const op of [
      'Conv',
      'MatMul',
      'Gemm',
      'Add',
      'Relu',
      'Softmax',
      'LayerNormalization',
      'Reshape',
      'Transpose',
      'Gather',
      'Concat',
      'Slice',
      'If',
      'Loop',
      'Scan',
    ]) {
      expect(describeOp(op), op).toMatch(/^[A-Z0-9eΣ1−x].*\.$/);
    }
    expect(OP_DESCRIPTIONS.size).toBeGreaterThanOrEqual(150);
    for (const text of OP_DESCRIPTIONS.values()) expect(text).not.toContain('\n');
  });

  it('knows contrib ops only in their domain, and nothing for unknown names', () => {
    expect(describeOp('MatMulNBits', 'com.microsoft')).toMatch(/quantized/);
    expect(describeOp('MatMulNBits')).toBeUndefined();
    expect(describeOp('Relu', 'ai.onnx')).toBeDefined();
    expect(describeOp('Relu', 'custom.domain')).toBeUndefined();
    expect(describeOp('constructor')).toBeUndefined();
    expect(describeOp('__proto__')).toBeUndefined();
  });

  it('puts every described op in a category other than "other", except the few that fit none', () => {
    const uncategorized = [...OP_DESCRIPTIONS.keys()].filter((op) => categoryOf(op) === 'other');
    expect(uncategorized.length).toBeLessThan(50);
  });
});
