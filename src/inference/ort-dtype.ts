import type { DType } from '../model/dtype';

/**
 * The ONNX Runtime tensor type (onnxruntime-common `Tensor.Type`) that holds each DType ORT
 * takes: the one place the two vocabularies meet. DTypes not listed (bfloat16, float8, complex)
 * have no ORT Web tensor.
 */
export const ORT_DTYPES = {
  F32: 'float32',
  F16: 'float16',
  F64: 'float64',
  I8: 'int8',
  U8: 'uint8',
  I16: 'int16',
  U16: 'uint16',
  I32: 'int32',
  U32: 'uint32',
  I64: 'int64',
  U64: 'uint64',
  BOOL: 'bool',
  STRING: 'string',
  I4: 'int4',
  U4: 'uint4',
} as const satisfies Partial<Record<DType, string>>;

/** An ONNX Runtime tensor element type. */
export type OrtDType = (typeof ORT_DTYPES)[keyof typeof ORT_DTYPES];

const DTYPE_OF_ORT: ReadonlyMap<string, DType> = new Map(Object.entries(ORT_DTYPES).map(([dtype, ort]) => [ort, dtype as DType]));

/** The ORT tensor type that holds `dtype`, or undefined when ORT Web has none. */
export function ortDtypeOf(dtype: DType): OrtDType | undefined {
  return Object.prototype.hasOwnProperty.call(ORT_DTYPES, dtype) ? ORT_DTYPES[dtype as keyof typeof ORT_DTYPES] : undefined;
}

/** The DType of an ORT tensor type. */
export function dtypeOfOrt(type: OrtDType): DType {
  return DTYPE_OF_ORT.get(type)!;
}
