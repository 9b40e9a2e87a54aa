import { describe, expect, it } from 'vitest';
import { DTYPES } from '../../model/dtype';
import { GGML_TYPES, ggmlBitsPerElement, ggmlDType, ggmlTypeById } from './ggml-types';

/**
 * Each block's size as ggml-common.h's static_asserts spell it (half = 2 bytes, QK_K = 256):
 * written from the struct definitions, independently of the table.
 */
const QK_K = 256;
const HALF = 2;
const FROM_STRUCTS: Record<string, [number, number, number]> = {
  F32: [0, 1, 4],
  F16: [1, 1, 2],
  Q4_0: [2, 32, HALF + 32 / 2],
  Q4_1: [3, 32, 2 * HALF + 32 / 2],
  Q5_0: [6, 32, HALF + 4 + 32 / 2],
  Q5_1: [7, 32, 2 * HALF + 4 + 32 / 2],
  Q8_0: [8, 32, HALF + 32],
  Q8_1: [9, 32, 2 * HALF + 32],
  Q2_K: [10, QK_K, 2 * HALF + QK_K / 16 + QK_K / 4],
  Q3_K: [11, QK_K, HALF + QK_K / 4 + QK_K / 8 + 12],
  Q4_K: [12, QK_K, 2 * HALF + 12 + QK_K / 2],
  Q5_K: [13, QK_K, 2 * HALF + 12 + QK_K / 2 + QK_K / 8],
  Q6_K: [14, QK_K, HALF + QK_K / 16 + (3 * QK_K) / 4],
  Q8_K: [15, QK_K, 4 + QK_K + (QK_K / 16) * 2],
  IQ2_XXS: [16, QK_K, HALF + (QK_K / 8) * 2],
  IQ2_XS: [17, QK_K, HALF + (QK_K / 8) * 2 + QK_K / 32],
  IQ3_XXS: [18, QK_K, HALF + 3 * (QK_K / 8)],
  IQ1_S: [19, QK_K, HALF + QK_K / 8 + QK_K / 16],
  IQ4_NL: [20, 32, HALF + 32 / 2],
  IQ3_S: [21, QK_K, HALF + 13 * (QK_K / 32) + QK_K / 64],
  IQ2_S: [22, QK_K, HALF + QK_K / 4 + QK_K / 16],
  IQ4_XS: [23, QK_K, HALF + 2 + QK_K / 64 + QK_K / 2],
  I8: [24, 1, 1],
  I16: [25, 1, 2],
  I32: [26, 1, 4],
  I64: [27, 1, 8],
  F64: [28, 1, 8],
  IQ1_M: [29, QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32],
  BF16: [30, 1, 2],
  TQ1_0: [34, QK_K, HALF + QK_K / 64 + (QK_K - (4 * QK_K) / 64) / 5],
  TQ2_0: [35, QK_K, HALF + QK_K / 4],
  MXFP4: [39, 32, 1 + 32 / 2],
  NVFP4: [40, 64, 64 / 16 + 64 / 2],
  Q1_0: [41, 128, HALF + 128 / 8],
  Q2_0: [42, 64, HALF + 64 / 4],
};

describe('GGML_TYPES', () => {
  it('has every ggml type, with the id and block its struct gives', () => {
    expect(Object.fromEntries(GGML_TYPES.map((t) => [t.name, [t.id, t.blockSize, t.blockBytes]]))).toEqual(FROM_STRUCTS);
  });

  it('knows no removed id', () => {
    for (const removed of [4, 5, 31, 32, 33, 36, 37, 38, 43]) expect(ggmlTypeById(removed)).toBeUndefined();
  });

  it('gives each type a Loupe dtype of the same average width', () => {
    for (const type of GGML_TYPES) expect(DTYPES[ggmlDType(type)].bits).toBe(ggmlBitsPerElement(type));
  });
});
