/**
 * llama.cpp's `enum llama_ftype` (include/llama.h), the value of `general.file_type`, by the name
 * llama-quantize gives it (Q4_K_M…). Missing ids (4-6, 33-35) were removed from llama.cpp.
 */
export const LLAMA_FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
  39: 'NVFP4',
  40: 'Q1_0',
  41: 'Q2_0',
};

/** Set on a file type llama.cpp guessed rather than read (LLAMA_FTYPE_GUESSED). */
const GUESSED = 1024;

/** The quantization a `general.file_type` value names, e.g. 15 → `Q4_K_M`; unknown values say so. */
export function llamaFileTypeName(value: number): { name: string; known: boolean; guessed: boolean } {
  const guessed = value >= GUESSED && (value & GUESSED) !== 0;
  const id = guessed ? value - GUESSED : value;
  const name = LLAMA_FILE_TYPES[id];
  return name === undefined ? { name: `unknown file type ${value}`, known: false, guessed } : { name, known: true, guessed };
}
