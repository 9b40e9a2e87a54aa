import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import type { PytorchTensorInfo } from '../../model/pickle';
import { parseSafetensors } from '../safetensors/parse-safetensors';
import { conversionBlocker, convertToSafetensors, safetensorsName, safetensorsPlan, shardedConversionPlan } from './convert-to-safetensors';
import { parsePytorch } from './parse-pytorch';
import { EXPECTED, fixture, FIXTURES, sha256, type ExpectedTensor } from '../../../test/fixtures/pytorch-fixtures';
import { MAX_GATHER_SPAN_BYTES } from './read-tensor-bytes';

async function collect(chunks: AsyncIterable<Uint8Array>, maxChunk = Infinity): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(maxChunk);
    parts.push(chunk.slice());
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const safe = Object.entries(EXPECTED).filter(([, e]) => e.verdict === 'safe' && e.tensors !== undefined);

describe('convertToSafetensors: the round trip', () => {
  it.each(safe)('%s converts, and parseSafetensors reads back the same names, shapes, dtypes and bytes', async (name, expected) => {
    const source = fixture(name);
    const parsed = await parsePytorch(source);
    expect(conversionBlocker(parsed)).toBeUndefined();
    // Small chunks, so reads and gathers cross chunk boundaries.
    const bytes = await collect(
      convertToSafetensors(source, parsed.tensors, undefined, { chunkBytes: 40 }),
      Math.max(40, safetensorsPlan(parsed.tensors).header.length),
    );
    const out = new FileByteSource(new Blob([bytes]), 'model.safetensors');
    const header = await parseSafetensors(out);
    expect(header.metadata).toEqual({ format: 'pt' });
    const want = new Map((expected.tensors as ExpectedTensor[]).map((t) => [t.name, t]));
    expect(new Set(header.tensors.map((t) => t.name))).toEqual(new Set(want.keys()));
    for (const tensor of header.tensors) {
      const w = want.get(tensor.name) as ExpectedTensor;
      expect([tensor.dtype, tensor.shape]).toEqual([w.dtype, w.shape]);
      expect(sha256(await out.read(tensor.byteOffset, tensor.byteLength)), tensor.name).toBe(w.sha256);
    }
    await source.close();
  });

  it('writes tied weights once per name (safetensors has no aliasing)', async () => {
    const source = fixture('tied-weights.pt');
    const { tensors } = await parsePytorch(source);
    const plan = safetensorsPlan(tensors);
    expect(plan.copies.map((c) => [c.tensor.name, c.end - c.begin])).toEqual([
      ['embed.weight', 160],
      ['lm_head.weight', 160],
      ['rows', 48],
    ]);
    expect(plan.byteLength).toBe(plan.header.length + 368);
  });

  it('refuses unsafe checkpoints, unreadable tensors, duplicate names and tensors from another file', async () => {
    expect(conversionBlocker(await parsePytorch(fixture('hostile/hidden-storage.pt')))).toMatch(/verdict is unsafe/);
    expect(conversionBlocker(await parsePytorch(fixture('torchscript.pt')))).toMatch(/verdict is suspicious/);
    const { tensors } = await parsePytorch(fixture('state-dict-zip.pt'));
    const first = tensors[0] as PytorchTensorInfo;
    expect(() => safetensorsPlan([first, first])).toThrow(/appears twice/);
    expect(() => safetensorsPlan([{ ...first, unreadable: 'gone' }])).toThrow(FormatError);
    await expect(collect(convertToSafetensors(new FileByteSource(new Blob([]), 'other.pt'), [first]))).rejects.toThrow(/not in other.pt/);
  });

  it('keeps odd names as plain keys and pads the header to 8 bytes', async () => {
    const { tensors } = await parsePytorch(fixture('state-dict-zip.pt'));
    const plan = safetensorsPlan([{ ...(tensors[0] as PytorchTensorInfo), name: '__proto__' }]);
    expect((plan.header.length - 8) % 8).toBe(0);
    const json = JSON.parse(new TextDecoder().decode(plan.header.subarray(8))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['__metadata__', '__proto__']);
  });

  it('refuses to gather a view whose storage span is over the limit', async () => {
    const { tensors } = await parsePytorch(fixture('views.pt'));
    const view = tensors.find((t) => !t.torch.contiguous) as PytorchTensorInfo;
    const huge = { ...view, byteLength: MAX_GATHER_SPAN_BYTES + 4 };
    const source: ByteSource = { name: view.file, size: 2 ** 40, read: () => Promise.reject(new Error('must not read')) };
    await expect(collect(convertToSafetensors(source, [huge]))).rejects.toThrow(/gathers views over at most/);
  });

  it('stops when cancelled', async () => {
    const source = fixture('state-dict-zip.pt');
    const { tensors } = await parsePytorch(source);
    const controller = new AbortController();
    const chunks = convertToSafetensors(source, tensors, controller.signal, { chunkBytes: 8 });
    await chunks.next();
    controller.abort();
    await expect(collect(chunks)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('shardedConversionPlan', () => {
  const index = readFileSync(`${FIXTURES}sharded/pytorch_model.bin.index.json`, 'utf8');

  it('renames the shards and rewrites the index as transformers names them', () => {
    const plan = shardedConversionPlan(index);
    expect(plan.shards).toEqual([
      { from: 'pytorch_model-00001-of-00002.bin', to: 'model-00001-of-00002.safetensors' },
      { from: 'pytorch_model-00002-of-00002.bin', to: 'model-00002-of-00002.safetensors' },
    ]);
    expect(plan.indexName).toBe('model.safetensors.index.json');
    const source = JSON.parse(index) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(plan.index.metadata).toEqual(source.metadata);
    expect(Object.keys(plan.index.weight_map)).toEqual(Object.keys(source.weight_map));
    expect(plan.index.weight_map['lm_head.weight']).toBe('model-00002-of-00002.safetensors');
    expect(JSON.parse(plan.indexText)).toEqual(plan.index);
  });

  it('converts each shard to exactly the tensors the new index maps to it, totalling metadata.total_size', async () => {
    const plan = shardedConversionPlan(index);
    let total = 0;
    for (const { from, to } of plan.shards) {
      const source = fixture(`sharded/${from}`);
      const { tensors } = await parsePytorch(source);
      const bytes = await collect(convertToSafetensors(source, tensors));
      const header = await parseSafetensors(new FileByteSource(new Blob([bytes]), to));
      for (const tensor of header.tensors) {
        expect(plan.index.weight_map[tensor.name]).toBe(to);
        total += tensor.byteLength;
      }
    }
    expect(total).toBe(plan.index.metadata['total_size']);
  });

  it('names single files and folders too, and rejects broken indexes', () => {
    expect(safetensorsName('pytorch_model.bin')).toBe('model.safetensors');
    expect(safetensorsName('unet/diffusion_pytorch_model.bin')).toBe('unet/diffusion_pytorch_model.safetensors');
    expect(safetensorsName('checkpoint.ckpt')).toBe('checkpoint.safetensors');
    expect(() => shardedConversionPlan('{')).toThrow(FormatError);
    expect(() => shardedConversionPlan({ weight_map: [] })).toThrow(/weight_map/);
    expect(() => shardedConversionPlan({ weight_map: { a: '../../etc/passwd' } })).toThrow(/shard file name/);
  });
});
