/**
 * Loupe's one vocabulary of element types, named as safetensors names them. Every other
 * vocabulary converts to and from it at its edge, each through one table:
 * - ONNX TensorProto.DataType codes: formats/onnx/onnx-data-type.ts;
 * - ONNX Runtime tensor types (`float32`): inference/ort-dtype.ts;
 * - torch dtypes and storage classes: formats/pytorch/torch-dtype.ts;
 * - NumPy type strings (`<f4`): inference/npy.ts;
 * - ggml type ids (GGUF): formats/gguf/ggml-types.ts.
 *
 * `bits` is the storage width of one element; sub-byte types pack several elements per byte, and
 * block-quantized types (kind `quantized`) give the average over a block.
 */
export const DTYPES = {
  BOOL: { bits: 8, kind: 'bool' },
  U8: { bits: 8, kind: 'uint' },
  I8: { bits: 8, kind: 'int' },
  U16: { bits: 16, kind: 'uint' },
  I16: { bits: 16, kind: 'int' },
  U32: { bits: 32, kind: 'uint' },
  I32: { bits: 32, kind: 'int' },
  U64: { bits: 64, kind: 'uint' },
  I64: { bits: 64, kind: 'int' },
  F16: { bits: 16, kind: 'float' },
  BF16: { bits: 16, kind: 'float' },
  F32: { bits: 32, kind: 'float' },
  F64: { bits: 64, kind: 'float' },
  C64: { bits: 64, kind: 'complex' },
  C128: { bits: 128, kind: 'complex' },
  F8_E5M2: { bits: 8, kind: 'float' },
  F8_E4M3: { bits: 8, kind: 'float' },
  F8_E8M0: { bits: 8, kind: 'float' },
  F8_E4M3FNUZ: { bits: 8, kind: 'float' },
  F8_E5M2FNUZ: { bits: 8, kind: 'float' },
  F6_E2M3: { bits: 6, kind: 'float' },
  F6_E3M2: { bits: 6, kind: 'float' },
  F4: { bits: 4, kind: 'float' },
  U4: { bits: 4, kind: 'uint' },
  I4: { bits: 4, kind: 'int' },
  /**
   * ggml's block-quantized types (GGUF). `bits` is the average per element, block scales included;
   * elements decode only a whole block at a time (src/formats/gguf/ggml-types.ts has the blocks).
   */
  Q4_0: { bits: 4.5, kind: 'quantized' },
  Q4_1: { bits: 5, kind: 'quantized' },
  Q5_0: { bits: 5.5, kind: 'quantized' },
  Q5_1: { bits: 6, kind: 'quantized' },
  Q8_0: { bits: 8.5, kind: 'quantized' },
  Q8_1: { bits: 9, kind: 'quantized' },
  Q2_K: { bits: 2.625, kind: 'quantized' },
  Q3_K: { bits: 3.4375, kind: 'quantized' },
  Q4_K: { bits: 4.5, kind: 'quantized' },
  Q5_K: { bits: 5.5, kind: 'quantized' },
  Q6_K: { bits: 6.5625, kind: 'quantized' },
  Q8_K: { bits: 9.125, kind: 'quantized' },
  IQ2_XXS: { bits: 2.0625, kind: 'quantized' },
  IQ2_XS: { bits: 2.3125, kind: 'quantized' },
  IQ3_XXS: { bits: 3.0625, kind: 'quantized' },
  IQ1_S: { bits: 1.5625, kind: 'quantized' },
  IQ4_NL: { bits: 4.5, kind: 'quantized' },
  IQ3_S: { bits: 3.4375, kind: 'quantized' },
  IQ2_S: { bits: 2.5625, kind: 'quantized' },
  IQ4_XS: { bits: 4.25, kind: 'quantized' },
  IQ1_M: { bits: 1.75, kind: 'quantized' },
  TQ1_0: { bits: 1.6875, kind: 'quantized' },
  TQ2_0: { bits: 2.0625, kind: 'quantized' },
  MXFP4: { bits: 4.25, kind: 'quantized' },
  NVFP4: { bits: 4.5, kind: 'quantized' },
  Q1_0: { bits: 1.125, kind: 'quantized' },
  Q2_0: { bits: 2.25, kind: 'quantized' },
  /** Variable-length strings (ONNX only); no fixed width. */
  STRING: { bits: 0, kind: 'string' },
} as const satisfies Record<string, { bits: number; kind: string }>;

export type DType = keyof typeof DTYPES;

export function isDType(value: string): value is DType {
  return Object.prototype.hasOwnProperty.call(DTYPES, value);
}
