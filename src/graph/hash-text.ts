/**
 * A 64-bit non-cryptographic hash of a string, as 16 hex digits: two 32-bit FNV-1a
 * passes with different seeds. Used for structural signatures, where a collision would
 * only fold two blocks that differ, and opening either one still shows its real content.
 */
export function hashText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
