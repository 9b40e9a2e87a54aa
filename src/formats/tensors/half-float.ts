/** 16-bit float bit patterns to numbers, one at a time (for a few values; bulk decoding uses decode-elements' tables). */

/** IEEE 754 binary16 bits to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloatView = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the high half of a float32) to a number. */
export function bfloat16ToNumber(bits: number): number {
  bfloatView.setUint32(0, bits << 16);
  return bfloatView.getFloat32(0);
}
