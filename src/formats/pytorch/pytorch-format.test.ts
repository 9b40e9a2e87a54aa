import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { SNIFF_BYTES } from '../format-module';
import { safetensorsFormat } from '../safetensors/safetensors-format';
import { buildSafetensors } from '../../../test/builders/build-safetensors';
import { buildZip } from '../../../test/builders/build-zip';
import { pytorchFormat } from './pytorch-format';
import { EXPECTED, FIXTURES } from '../../../test/fixtures/pytorch-fixtures';

function head(bytes: Uint8Array<ArrayBuffer>, name = 'file') {
  return { head: bytes.subarray(0, SNIFF_BYTES), source: new FileByteSource(new Blob([bytes]), name) };
}

function sniff(bytes: Uint8Array<ArrayBuffer>): boolean {
  const { head: h, source } = head(bytes);
  return pytorchFormat.sniff(h, source);
}

const checkpoints = Object.keys(EXPECTED).filter((name) => !name.endsWith('.json'));

describe('pytorchFormat.sniff', () => {
  it.each(checkpoints)('recognizes %s from its first %i bytes', (name) => {
    expect(sniff(new Uint8Array(readFileSync(FIXTURES + name)))).toBe(true);
  });

  it('a .safetensors-named file that is really a pickle is sniffed as pytorch, not safetensors', () => {
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}hostile/pickle-named.safetensors`));
    const { head: h, source } = head(bytes, 'model.safetensors');
    expect(pytorchFormat.sniff(h, source)).toBe(true);
    expect(safetensorsFormat.sniff(h, source)).toBe(false);
  });

  it('does not claim a safetensors file, JSON, text, an unfinished protocol 0 stream or an unrelated zip', () => {
    expect(sniff(buildSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4))).toBe(false);
    expect(sniff(new TextEncoder().encode('{"architectures": ["X"]}'))).toBe(false);
    expect(sniff(new TextEncoder().encode('(dp0\nVa\n'))).toBe(false);
    expect(sniff(buildZip([{ name: 'word/document.xml', data: new Uint8Array(4) }]))).toBe(false);
    expect(sniff(buildZip([{ name: 'arr_0.npy', data: new Uint8Array(4) }]))).toBe(false);
    expect(sniff(new Uint8Array([0x80, 0x09, 0x4e]))).toBe(false);
  });

  it('accepts torch records first, and a long archive name cut off by the head', () => {
    expect(sniff(buildZip([{ name: 'archive/data.pkl', data: new Uint8Array(4) }]))).toBe(true);
    expect(sniff(buildZip([{ name: 'archive/.data/serialization_id', data: new Uint8Array(4) }]))).toBe(true);
    expect(sniff(buildZip([{ name: 'archive/data/0', data: new Uint8Array(4) }]))).toBe(true);
    expect(sniff(buildZip([{ name: 'a-very-long-checkpoint-name-epoch-10/data.pkl', data: new Uint8Array(4) }]))).toBe(true);
    expect(sniff(buildZip([{ name: 'my_checkpoint_step_1000/other.txt', data: new Uint8Array(4) }]))).toBe(false);
  });

  it('describes itself', () => {
    expect(pytorchFormat.id).toBe('pytorch');
    expect(pytorchFormat.describe).toBe('PyTorch checkpoints (.bin, .pt, .pth, .ckpt: scanned, never executed)');
  });
});
