/** Reused between calls: apply() over a plain array is several times faster than over a typed array. */
const units: number[] = [];

/**
 * Strict UTF-8 decoding of short strings (token texts, keys, tensor names), several times faster
 * than a TextDecoder call per string. Refuses what a fatal TextDecoder refuses: overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences. A BOM is kept as U+FEFF.
 * Returns undefined for invalid input.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  let n = 0;
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
      continue;
    }
    let need: number;
    let point: number;
    let low = 0x80;
    let high = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      point = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      point = b0 & 0x0f;
      if (b0 === 0xe0) low = 0xa0; // overlong
      if (b0 === 0xed) high = 0x9f; // surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      point = b0 & 0x07;
      if (b0 === 0xf0) low = 0x90; // overlong
      if (b0 === 0xf4) high = 0x8f; // above U+10FFFF
    } else {
      return undefined;
    }
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (i + k >= end || b === undefined || b < low || b > high) return undefined;
      point = (point << 6) | (b & 0x3f);
      low = 0x80;
      high = 0xbf;
    }
    if (point > 0xffff) {
      point -= 0x10000;
      units[n++] = 0xd800 | (point >> 10);
      units[n++] = 0xdc00 | (point & 0x3ff);
    } else {
      units[n++] = point;
    }
    i += need + 1;
  }
  units.length = n;
  return String.fromCharCode.apply(null, units);
}
