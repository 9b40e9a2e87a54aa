import { describe, it, expect } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { SNIFF_BYTES } from '../format-module';
import { buildSafetensors } from '../../../test/builders/build-safetensors';
import { MAX_HEADER_LENGTH } from './parse-safetensors';
import { safetensorsFormat } from './safetensors-format';

function sniff(bytes: Uint8Array<ArrayBuffer>): boolean {
  const source = new FileByteSource(new Blob([bytes]), 'x.bin');
  return safetensorsFormat.sniff(bytes.subarray(0, SNIFF_BYTES), source);
}

function withLength(length: bigint, rest: string): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(rest);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, length, true);
  out.set(text, 8);
  return out;
}

describe('safetensorsFormat', () => {
  it('describes itself', () => {
    expect(safetensorsFormat.id).toBe('safetensors');
    expect(safetensorsFormat.describe).toBe('safetensors weights (.safetensors, sharded with model.safetensors.index.json)');
  });

  it('recognizes safetensors files', () => {
    expect(sniff(buildSafetensors('{}'))).toBe(true);
    expect(sniff(buildSafetensors({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, 4, { padding: 3 }))).toBe(true);
  });

  it('rejects implausible lengths and non-JSON headers', () => {
    expect(sniff(new Uint8Array(8))).toBe(false);
    expect(sniff(withLength(0n, '{}'))).toBe(false);
    expect(sniff(withLength(1n, '{}'))).toBe(false);
    expect(sniff(withLength(3n, '{}'))).toBe(false);
    expect(sniff(withLength(BigInt(MAX_HEADER_LENGTH + 1), '{}'))).toBe(false);
    expect(sniff(withLength(2n ** 32n + 2n, '{}'))).toBe(false);
    expect(sniff(withLength(2n, '[]'))).toBe(false);
    expect(sniff(withLength(3n, ' {}'))).toBe(false);
    // A text file that happens to start with 8 bytes of anything.
    expect(sniff(new TextEncoder().encode('# Model card\n\nSome text {here}'))).toBe(false);
  });

  it('parses through parseSafetensors', async () => {
    const bytes = buildSafetensors({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, 2);
    const header = await safetensorsFormat.parse(new FileByteSource(new Blob([bytes]), 'm.safetensors'));
    expect(header.tensors.map((t) => t.name)).toEqual(['a']);
  });
});
