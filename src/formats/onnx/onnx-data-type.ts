import type { DType } from '../../model/dtype';
import type { ElemType } from '../../model/graph';

/**
 * TensorProto.DataType (onnx.proto, enum TensorProto.DataType): each code's name, and the DType it
 * maps to. Codes 1–16 are in onnx-proto's generated enum; 17–26 were added in ONNX 1.14–1.20.
 * This is the one place ONNX type codes and Loupe's dtypes meet.
 */
export const ONNX_DATA_TYPES: Readonly<Record<number, { name: string; dtype?: DType }>> = {
  1: { name: 'FLOAT', dtype: 'F32' },
  2: { name: 'UINT8', dtype: 'U8' },
  3: { name: 'INT8', dtype: 'I8' },
  4: { name: 'UINT16', dtype: 'U16' },
  5: { name: 'INT16', dtype: 'I16' },
  6: { name: 'INT32', dtype: 'I32' },
  7: { name: 'INT64', dtype: 'I64' },
  8: { name: 'STRING', dtype: 'STRING' },
  9: { name: 'BOOL', dtype: 'BOOL' },
  10: { name: 'FLOAT16', dtype: 'F16' },
  11: { name: 'DOUBLE', dtype: 'F64' },
  12: { name: 'UINT32', dtype: 'U32' },
  13: { name: 'UINT64', dtype: 'U64' },
  14: { name: 'COMPLEX64', dtype: 'C64' },
  15: { name: 'COMPLEX128', dtype: 'C128' },
  16: { name: 'BFLOAT16', dtype: 'BF16' },
  17: { name: 'FLOAT8E4M3FN', dtype: 'F8_E4M3' },
  18: { name: 'FLOAT8E4M3FNUZ', dtype: 'F8_E4M3FNUZ' },
  19: { name: 'FLOAT8E5M2', dtype: 'F8_E5M2' },
  20: { name: 'FLOAT8E5M2FNUZ', dtype: 'F8_E5M2FNUZ' },
  21: { name: 'UINT4', dtype: 'U4' },
  22: { name: 'INT4', dtype: 'I4' },
  23: { name: 'FLOAT4E2M1', dtype: 'F4' },
  24: { name: 'FLOAT8E8M0', dtype: 'F8_E8M0' },
  // 2-bit types (ONNX 1.20): named in messages, not yet a DType.
  25: { name: 'UINT2' },
  26: { name: 'INT2' },
};

const CODE_OF_DTYPE: ReadonlyMap<DType, number> = new Map(
  Object.entries(ONNX_DATA_TYPES).flatMap(([code, { dtype }]) => (dtype ? [[dtype, Number(code)] as const] : [])),
);

/** The DType of a TensorProto.DataType code; undefined for UNDEFINED (0), 2-bit and unknown codes. */
export function dtypeFromOnnx(code: number): DType | undefined {
  return Object.prototype.hasOwnProperty.call(ONNX_DATA_TYPES, code) ? ONNX_DATA_TYPES[code]!.dtype : undefined;
}

/** The TensorProto.DataType code of a DType; undefined for the ones ONNX has no code for. */
export function onnxDataTypeOf(dtype: DType): number | undefined {
  return CODE_OF_DTYPE.get(dtype);
}

/** A code's name as onnx.proto spells it (`FLOAT`, `BFLOAT16`), for messages; `data type N` when unknown. */
export function onnxDataTypeName(code: number): string {
  if (code === 0) return 'UNDEFINED';
  return Object.prototype.hasOwnProperty.call(ONNX_DATA_TYPES, code) ? ONNX_DATA_TYPES[code]!.name : `data type ${code}`;
}

/** The element type of a TypeProto: keeps UNDEFINED and unknown codes instead of failing. */
export function elemTypeFromOnnx(code: number): ElemType {
  if (code === 0) return 'UNDEFINED';
  return dtypeFromOnnx(code) ?? code;
}
