/** Test helper: one piece of a pickle. A number is one byte, a string its UTF-8 bytes. */
export type PicklePart = number | string | Uint8Array | readonly number[];

/** Test helper: concatenates opcodes and their arguments into pickle bytes. */
export function buildPickle(...parts: PicklePart[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((part) =>
    typeof part === 'number' ? Uint8Array.of(part) : typeof part === 'string' ? new TextEncoder().encode(part) : Uint8Array.from(part),
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Little-endian unsigned 32-bit. */
export function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Little-endian unsigned 64-bit. */
export function u64(value: number | bigint): number[] {
  const out: number[] = [];
  let v = BigInt(value);
  for (let i = 0; i < 8; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}
