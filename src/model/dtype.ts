/**
 * Element types, named as safetensors names them. ONNX and PyTorch types map onto these.
 * `bits` is the storage width of one element; sub-byte types pack several elements per byte.
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
  /** Variable-length strings (ONNX only); no fixed width. */
  STRING: { bits: 0, kind: 'string' },
} as const satisfies Record<string, { bits: number; kind: string }>;

export type DType = keyof typeof DTYPES;

export function isDType(value: string): value is DType {
  return Object.prototype.hasOwnProperty.call(DTYPES, value);
}
