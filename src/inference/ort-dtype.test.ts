import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DTYPES, type DType } from '../model/dtype';
import { dtypeOfOrt, ORT_DTYPES, ortDtypeOf } from './ort-dtype';
import { allocate, TENSOR_DTYPES } from './tensor';

describe('ONNX Runtime tensor types', () => {
  it('maps each DType ORT takes to its type and back', () => {
    const without: DType[] = [];
    for (const dtype of Object.keys(DTYPES) as DType[]) {
      const type = ortDtypeOf(dtype);
      if (DTYPES[dtype].kind === 'quantized') {
        expect(type, dtype).toBeUndefined(); // ggml block types: ORT Web has no tensor for them
        continue;
      }
      if (type === undefined) without.push(dtype);
      else expect(dtypeOfOrt(type)).toBe(dtype);
    }
    expect(without).toEqual(['BF16', 'C64', 'C128', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'F6_E2M3', 'F6_E3M2', 'F4']);
  });

  it('maps each ORT type to a DType and back', () => {
    expect(TENSOR_DTYPES).toEqual(Object.values(ORT_DTYPES));
    for (const type of TENSOR_DTYPES) expect(ortDtypeOf(dtypeOfOrt(type))).toBe(type);
  });

  it('names types onnxruntime accepts', () => {
    for (const type of TENSOR_DTYPES) {
      // 4-bit tensors are packed two per byte at the ORT boundary.
      const data = type === 'int4' || type === 'uint4' ? new Uint8Array(1) : allocate(type, 2);
      expect(new ort.Tensor(type, data as never, [2]).type, type).toBe(type);
    }
  });
});
