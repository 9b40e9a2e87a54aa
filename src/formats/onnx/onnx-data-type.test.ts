import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { DTYPES, type DType } from '../../model/dtype';
import { dtypeFromOnnx, elemTypeFromOnnx, ONNX_DATA_TYPES, onnxDataTypeName, onnxDataTypeOf } from './onnx-data-type';

/** onnx-proto's generated enum (codes 1–16), the reference for names and codes. */
const REFERENCE = onnx.TensorProto.DataType as unknown as Record<string, number>;

describe('ONNX data types', () => {
  it('names every code as onnx.proto does', () => {
    for (const [name, code] of Object.entries(REFERENCE)) expect(onnxDataTypeName(code), name).toBe(name);
  });

  it('maps each code to a DType and back', () => {
    for (const code of Object.keys(ONNX_DATA_TYPES).map(Number)) {
      const dtype = dtypeFromOnnx(code);
      if (dtype === undefined) continue; // 2-bit types, named but not yet a DType
      expect(onnxDataTypeOf(dtype), onnxDataTypeName(code)).toBe(code);
    }
    expect(dtypeFromOnnx(REFERENCE.FLOAT!)).toBe('F32');
    expect(dtypeFromOnnx(REFERENCE.BFLOAT16!)).toBe('BF16');
  });

  it('maps each DType ONNX has to its code and back; of the unquantized ones only the 6-bit floats have none', () => {
    const missing: DType[] = [];
    for (const dtype of Object.keys(DTYPES) as DType[]) {
      if (DTYPES[dtype].kind === 'quantized') {
        expect(onnxDataTypeOf(dtype), dtype).toBeUndefined(); // ggml block types: GGUF only
        continue;
      }
      const code = onnxDataTypeOf(dtype);
      if (code === undefined) missing.push(dtype);
      else expect(dtypeFromOnnx(code)).toBe(dtype);
    }
    expect(missing).toEqual(['F6_E2M3', 'F6_E3M2']);
  });

  it('keeps UNDEFINED and unknown codes apart from types', () => {
    expect(dtypeFromOnnx(0)).toBeUndefined();
    expect(dtypeFromOnnx(25)).toBeUndefined();
    expect(dtypeFromOnnx(99)).toBeUndefined();
    expect(onnxDataTypeName(0)).toBe('UNDEFINED');
    expect(onnxDataTypeName(25)).toBe('UINT2');
    expect(onnxDataTypeName(99)).toBe('data type 99');
    expect(elemTypeFromOnnx(0)).toBe('UNDEFINED');
    expect(elemTypeFromOnnx(99)).toBe(99);
  });
});
