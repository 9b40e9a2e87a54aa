import type { DType } from '../../model/dtype';
import type { ElemType } from '../../model/graph';

/**
 * TensorProto.DataType codes (onnx.proto, enum TensorProto.DataType) and the DType each maps to.
 * Codes 1–16 are in onnx-proto's generated enum; 17–24 were added in ONNX 1.14–1.18.
 */
export const ONNX_DATA_TYPES: Readonly<Record<number, DType>> = {
  1: 'F32', // FLOAT
  2: 'U8', // UINT8
  3: 'I8', // INT8
  4: 'U16', // UINT16
  5: 'I16', // INT16
  6: 'I32', // INT32
  7: 'I64', // INT64
  8: 'STRING', // STRING
  9: 'BOOL', // BOOL
  10: 'F16', // FLOAT16
  11: 'F64', // DOUBLE
  12: 'U32', // UINT32
  13: 'U64', // UINT64
  14: 'C64', // COMPLEX64
  15: 'C128', // COMPLEX128
  16: 'BF16', // BFLOAT16
  17: 'F8_E4M3', // FLOAT8E4M3FN
  18: 'F8_E4M3FNUZ', // FLOAT8E4M3FNUZ
  19: 'F8_E5M2', // FLOAT8E5M2
  20: 'F8_E5M2FNUZ', // FLOAT8E5M2FNUZ
  21: 'U4', // UINT4
  22: 'I4', // INT4
  23: 'F4', // FLOAT4E2M1
  24: 'F8_E8M0', // FLOAT8E8M0
};

/** The DType of a TensorProto.DataType code; undefined for UNDEFINED (0) and unknown codes. */
export function dtypeFromOnnx(code: number): DType | undefined {
  return Object.prototype.hasOwnProperty.call(ONNX_DATA_TYPES, code) ? ONNX_DATA_TYPES[code] : undefined;
}

/** The element type of a TypeProto: keeps UNDEFINED and unknown codes instead of failing. */
export function elemTypeFromOnnx(code: number): ElemType {
  if (code === 0) return 'UNDEFINED';
  return dtypeFromOnnx(code) ?? code;
}
