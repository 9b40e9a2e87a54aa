// GGUF headers for the Hub test server's virtual repos (ggml docs/gguf.md, version 3, little-endian).
// Plain Node: the server runs without a TypeScript loader, so this is a small JS twin of
// test/builders/gguf-writer.ts, writing only what the virtual repos need.

const VALUE = { uint32: 4, float32: 6, string: 8, array: 9, uint16: 2, int32: 5 };
/** ggml types the virtual files use: id, elements per block, bytes per block. */
export const GGML = { F32: [0, 1, 4], Q4_K: [12, 256, 144], Q6_K: [14, 256, 210] };
const ALIGNMENT = 32;

/**
 * @typedef {[key: string, type: 'uint32' | 'uint16' | 'int32' | 'float32' | 'string', value: number | string] | [key: string, type: 'array', elements: string[]]} Entry
 * @typedef {[name: string, type: keyof typeof GGML, dims: number[]]} Tensor dims in ggml order, innermost first
 */

/**
 * The header of a GGUF file holding `tensors` back to back (each aligned to 32 bytes), and the
 * file's size: the data itself is never written (the server serves zeros after the prefix).
 * @param {Entry[]} metadata
 * @param {Tensor[]} tensors
 */
export function ggufPrefix(metadata, tensors) {
  const parts = [];
  const u32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s) => {
    const b = Buffer.from(s, 'utf8');
    u64(b.length);
    parts.push(b);
  };
  parts.push(Buffer.from('GGUF'));
  u32(3);
  u64(tensors.length);
  u64(metadata.length);
  for (const [key, type, value] of metadata) {
    str(key);
    u32(VALUE[type]);
    if (type === 'string') str(value);
    else if (type === 'array') {
      u32(VALUE.string);
      u64(value.length);
      for (const item of value) str(item);
    } else if (type === 'float32') {
      const b = Buffer.alloc(4);
      b.writeFloatLE(value);
      parts.push(b);
    } else if (type === 'uint16') {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(value);
      parts.push(b);
    } else if (type === 'int32') {
      const b = Buffer.alloc(4);
      b.writeInt32LE(value);
      parts.push(b);
    } else u32(value);
  }
  let offset = 0;
  for (const [name, type, dims] of tensors) {
    const [id, block, bytes] = GGML[type];
    str(name);
    u32(dims.length);
    for (const d of dims) u64(d);
    u32(id);
    u64(offset);
    offset += align((dims.reduce((a, b) => a * b, 1) / block) * bytes);
  }
  const header = Buffer.concat(parts);
  const prefix = Buffer.concat([header, Buffer.alloc(align(header.length) - header.length)]);
  return { prefix, size: prefix.length + offset };
}

function align(n) {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}
