import { describe, expect, it } from 'vitest';
import { buildSafetensors, layoutTensors, type TensorSpec } from '../../test/builders/build-safetensors';
import { hfName, llamaTensors, tinyLlamaGguf } from '../../test/fixtures/gguf-fixtures';
import { FileByteSource } from '../bytes/file-byte-source';
import { ggufFormat } from '../formats/gguf/gguf-format';
import { openGroup } from '../formats/open-group';
import { FORMATS } from '../formats/registry';
import { compareDocuments } from './compare-documents';
import type { PytorchTensorInfo } from '../model/pickle';
import { compareFileValues } from '../workers/parse-files';
import { q8_0Data } from '../../test/fixtures/gguf-fixtures';

describe('a safetensors checkpoint against its GGUF', () => {
  it('matches every tensor after normalization, with ggml dims reversed; only the dtypes differ', async () => {
    const gguf = tinyLlamaGguf();
    // The safetensors twin: BF16, names as transformers writes them, shapes in PyTorch order (ggml's reversed).
    const specs: TensorSpec[] = llamaTensors().map((t) => ({ name: hfName(String(t.name)), dtype: 'BF16', shape: [...t.dims].reverse().map(Number) }));
    const { header, dataLength } = layoutTensors(specs);
    const safetensors = buildSafetensors(header, dataLength);

    const formats = FORMATS.some((f) => f.id === ggufFormat.id) ? FORMATS : [...FORMATS, ggufFormat];
    const a = await openGroup([new FileByteSource(new Blob([safetensors]), 'model.safetensors')], { formats });
    const b = await openGroup([new FileByteSource(new Blob([gguf.bytes as Uint8Array<ArrayBuffer>]), gguf.name)], { formats });
    const result = compareDocuments(a, b);

    expect(result.summary.counts).toEqual({ same: 0, changed: specs.length, added: 0, removed: 0 });
    expect(new Set(result.rows.flatMap((r) => r.reasons))).toEqual(new Set(['dtype']));
    expect(result.rows.find((r) => r.key === 'blk.1.attn_k.weight')).toMatchObject({
      a: { name: 'model.layers.1.self_attn.k_proj.weight', shape: [32, 64] },
      b: { dtype: 'Q8_0', shape: [32, 64] },
    });
    const byType = new Map<string, number>();
    for (const t of llamaTensors()) byType.set(String(t.type), (byType.get(String(t.type)) ?? 0) + 1);
    expect(byType).toEqual(
      new Map([
        ['Q8_0', 13],
        ['F32', 5],
        ['F16', 3],
      ]),
    );
    expect(result.summary.transitions.map((t) => [t.from, t.to, t.tensors])).toEqual([...byType].map(([type, n]) => ['BF16', type, n]));
  });

  it('measures a Q8_0 tensor against the F32 values it stands for, each read from its own file', async () => {
    const gguf = tinyLlamaGguf();
    const { values } = q8_0Data(64 * 64); // blk.0.attn_q.weight's dequantized values, as the fixture states them
    const edited = Float32Array.from(values);
    edited[5] = edited[5]! + 1;
    const { header, dataLength } = layoutTensors([{ name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'F32', shape: [64, 64] }]);
    const safetensors = { path: 'model.safetensors', blob: new Blob([buildSafetensors(header, new Uint8Array(edited.buffer))]) };
    expect(dataLength).toBe(edited.byteLength);
    const ggufFile = { path: gguf.name, blob: new Blob([gguf.bytes as Uint8Array<ArrayBuffer>]) };
    const formats = FORMATS.some((f) => f.id === ggufFormat.id) ? FORMATS : [...FORMATS, ggufFormat];
    const a = await openGroup([new FileByteSource(safetensors.blob, safetensors.path)], { formats });
    const b = await openGroup([new FileByteSource(ggufFile.blob, ggufFile.path)], { formats });
    const tb = b.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    const result = await compareFileValues(
      { file: safetensors, tensor: a.tensors[0]! },
      { file: ggufFile, tensor: tb, ggml: { littleEndian: true } },
      new AbortController().signal,
    );
    expect(result).toMatchObject({ count: 4096, differing: 1, maxAbs: 1, cosine: expect.closeTo(1, 3) as unknown });
  });
});

describe('a PyTorch checkpoint against its safetensors conversion', () => {
  it('matches tensor for tensor, and a strided view compares equal value for value', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { convertFile } = await import('../workers/parse-files');
    // views.pt holds non-contiguous views, so both the gathered read and the plain read are used.
    const pickle = { path: 'views.pt', blob: new Blob([readFileSync(join(import.meta.dirname, '..', '..', 'e2e', 'models', 'pytorch', 'views.pt'))]) };
    const converted = await convertFile(pickle, new AbortController().signal);
    const safetensors = { path: converted.name, blob: converted.blob };
    const a = await openGroup([new FileByteSource(pickle.blob, pickle.path)]);
    const b = await openGroup([new FileByteSource(safetensors.blob, safetensors.path)]);
    const result = compareDocuments(a, b);
    expect(a.tensors.length).toBeGreaterThan(1);
    expect(a.tensors.some((t) => (t as Partial<PytorchTensorInfo>).torch?.contiguous === false)).toBe(true);
    expect(result.summary.counts).toEqual({ same: a.tensors.length, changed: 0, added: 0, removed: 0 });
    for (const row of result.rows) {
      const values = await compareFileValues({ file: pickle, tensor: row.a! }, { file: safetensors, tensor: row.b! }, new AbortController().signal);
      expect(values.differing, row.key).toBe(0);
    }
  });
});
