import type { DType } from '../../model/dtype';

/** One ggml tensor type: its storage block (`blck_size` elements in `type_size` bytes). */
export interface GgmlType {
  /** The `ggml_type` enum value written in tensor infos. */
  id: number;
  /** ggml's name, e.g. `Q4_K`. */
  name: GgmlTypeName;
  /** Elements per block (ggml `blck_size`); 1 for plain types. */
  blockSize: number;
  /** Bytes per block (ggml `type_size`). */
  blockBytes: number;
}

/**
 * ggml's `enum ggml_type` with each type's block (ggml include/ggml.h and src/ggml.c `type_traits`;
 * block layouts in src/ggml-common.h, QK_K = 256). Ids 4, 5 and 31-33, 36-38 were removed from ggml.
 */
export const GGML_TYPES = [
  { id: 0, name: 'F32', blockSize: 1, blockBytes: 4 },
  { id: 1, name: 'F16', blockSize: 1, blockBytes: 2 },
  { id: 2, name: 'Q4_0', blockSize: 32, blockBytes: 18 },
  { id: 3, name: 'Q4_1', blockSize: 32, blockBytes: 20 },
  { id: 6, name: 'Q5_0', blockSize: 32, blockBytes: 22 },
  { id: 7, name: 'Q5_1', blockSize: 32, blockBytes: 24 },
  { id: 8, name: 'Q8_0', blockSize: 32, blockBytes: 34 },
  { id: 9, name: 'Q8_1', blockSize: 32, blockBytes: 36 },
  { id: 10, name: 'Q2_K', blockSize: 256, blockBytes: 84 },
  { id: 11, name: 'Q3_K', blockSize: 256, blockBytes: 110 },
  { id: 12, name: 'Q4_K', blockSize: 256, blockBytes: 144 },
  { id: 13, name: 'Q5_K', blockSize: 256, blockBytes: 176 },
  { id: 14, name: 'Q6_K', blockSize: 256, blockBytes: 210 },
  { id: 15, name: 'Q8_K', blockSize: 256, blockBytes: 292 },
  { id: 16, name: 'IQ2_XXS', blockSize: 256, blockBytes: 66 },
  { id: 17, name: 'IQ2_XS', blockSize: 256, blockBytes: 74 },
  { id: 18, name: 'IQ3_XXS', blockSize: 256, blockBytes: 98 },
  { id: 19, name: 'IQ1_S', blockSize: 256, blockBytes: 50 },
  { id: 20, name: 'IQ4_NL', blockSize: 32, blockBytes: 18 },
  { id: 21, name: 'IQ3_S', blockSize: 256, blockBytes: 110 },
  { id: 22, name: 'IQ2_S', blockSize: 256, blockBytes: 82 },
  { id: 23, name: 'IQ4_XS', blockSize: 256, blockBytes: 136 },
  { id: 24, name: 'I8', blockSize: 1, blockBytes: 1 },
  { id: 25, name: 'I16', blockSize: 1, blockBytes: 2 },
  { id: 26, name: 'I32', blockSize: 1, blockBytes: 4 },
  { id: 27, name: 'I64', blockSize: 1, blockBytes: 8 },
  { id: 28, name: 'F64', blockSize: 1, blockBytes: 8 },
  { id: 29, name: 'IQ1_M', blockSize: 256, blockBytes: 56 },
  { id: 30, name: 'BF16', blockSize: 1, blockBytes: 2 },
  { id: 34, name: 'TQ1_0', blockSize: 256, blockBytes: 54 },
  { id: 35, name: 'TQ2_0', blockSize: 256, blockBytes: 66 },
  { id: 39, name: 'MXFP4', blockSize: 32, blockBytes: 17 },
  { id: 40, name: 'NVFP4', blockSize: 64, blockBytes: 36 },
  { id: 41, name: 'Q1_0', blockSize: 128, blockBytes: 18 },
  { id: 42, name: 'Q2_0', blockSize: 64, blockBytes: 18 },
] as const satisfies readonly { id: number; name: string; blockSize: number; blockBytes: number }[];

export type GgmlTypeName = (typeof GGML_TYPES)[number]['name'];

const BY_ID = new Map<number, GgmlType>(GGML_TYPES.map((type) => [type.id, type]));
const BY_NAME = new Map<string, GgmlType>(GGML_TYPES.map((type) => [type.name, type]));

/** The ggml type with enum value `id`, or undefined for an unknown or removed one. */
export function ggmlTypeById(id: number): GgmlType | undefined {
  return BY_ID.get(id);
}

export function ggmlTypeByName(name: string): GgmlType | undefined {
  return BY_NAME.get(name);
}

/** Bits one element takes on average, block overhead included (Q4_K: 144 × 8 / 256 = 4.5). */
export function ggmlBitsPerElement(type: GgmlType): number {
  return (type.blockBytes * 8) / type.blockSize;
}

/** Loupe's dtype for a ggml type: the same name (the ggml names are Loupe dtypes). */
export function ggmlDType(type: GgmlType): DType {
  return type.name;
}
