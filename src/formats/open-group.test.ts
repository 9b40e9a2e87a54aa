import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../bytes/file-byte-source';
import { CancelledError, LoupeError } from '../model/errors';
import type { ByteSource } from '../model/byte-source';
import { MAX_JSON_SIDECAR_BYTES } from './json-sidecar';
import { openGroup } from './open-group';

/** Builds a safetensors file: u64 header length, JSON header, zeroed data. */
function safetensors(tensors: Record<string, { dtype: string; shape: number[] }>, bytesPer = 4): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, { dtype, shape }] of Object.entries(tensors)) {
    const length = shape.reduce((a, b) => a * b, 1) * bytesPer;
    header[name] = { dtype, shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const source = (name: string, bytes: Uint8Array<ArrayBuffer>) => new FileByteSource(new Blob([bytes]), name);

const shard1 = safetensors({ 'a.weight': { dtype: 'F32', shape: [4, 8] }, 'a.bias': { dtype: 'F32', shape: [4] } });
const shard2 = safetensors({ 'b.weight': { dtype: 'F32', shape: [2, 3] } });
const index = text(
  JSON.stringify({
    metadata: { total_size: (32 + 4 + 6) * 4 },
    weight_map: {
      'a.weight': 'model-00001-of-00002.safetensors',
      'a.bias': 'model-00001-of-00002.safetensors',
      'b.weight': 'model-00002-of-00002.safetensors',
    },
  }),
);

describe('openGroup', () => {
  it('opens the bundled example as one document', async () => {
    const dir = join(import.meta.dirname, '..', '..', 'public', 'examples', 'tiny-llama');
    const files = ['config.json', 'model.safetensors', 'README.md'].map((f) => source(`tiny-llama/${f}`, new Uint8Array(readFileSync(join(dir, f)))));
    const doc = await openGroup(files);
    expect(doc.formats).toEqual(['config', 'safetensors', 'card']);
    expect(doc.parameters.total).toBe(158_016);
    expect(doc.parameters.byDtype).toEqual({ BF16: 158_016 });
    expect(doc.tensors).toHaveLength(21);
    expect(doc.config?.architectures).toEqual(['LlamaForCausalLM']);
    expect(doc.card?.frontMatter).toContain('license: apache-2.0');
    expect(doc.metadata.format).toBe('pt');
    expect(doc.warnings).toEqual([]);
  });

  it('merges the shards of a sharded checkpoint, whatever the files are called', async () => {
    const doc = await openGroup([
      source('ckpt/model.safetensors.index.json', index),
      source('ckpt/model-00001-of-00002.safetensors', shard1),
      source('ckpt/model-00002-of-00002.safetensors', shard2),
    ]);
    expect(doc.parameters.total).toBe(42);
    expect(doc.tensors.map((t) => t.name)).toEqual(['a.weight', 'a.bias', 'b.weight']);
    expect(doc.warnings).toEqual([]);
  });

  it('warns about a missing shard by name, and still shows the shards present', async () => {
    const doc = await openGroup([source('ckpt/model.safetensors.index.json', index), source('ckpt/model-00001-of-00002.safetensors', shard1)]);
    expect(doc.parameters.total).toBe(36);
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]).toMatchObject({ code: 'shard-missing', file: 'ckpt/model-00002-of-00002.safetensors' });
    expect(doc.warnings[0]!.message).toContain('model-00002-of-00002.safetensors');
  });

  it('tells formats apart by bytes, not names', async () => {
    const doc = await openGroup([source('weights.bin', shard2)]);
    expect(doc.formats).toEqual(['safetensors']);
    await expect(openGroup([source('fake.safetensors', text('hello'))])).rejects.toThrow(/Loupe cannot open fake\.safetensors/);
  });

  it('says what is wrong with a file named .safetensors that its bytes refuse, naming the field', async () => {
    const withLength = (length: bigint, rest: string) => {
      const bytes = new Uint8Array(8 + rest.length);
      new DataView(bytes.buffer).setBigUint64(0, length, true);
      bytes.set(text(rest), 8);
      return bytes;
    };
    const reasons = await Promise.all(
      [
        withLength(2n ** 64n - 1n, '{}'),
        withLength(100_000_001n, '{}'),
        withLength(4096n, '{"a": 1}'),
        withLength(1n, '{}'),
        withLength(2n, '[]'),
        text('tiny'),
      ].map((bytes) => openGroup([source('w.safetensors', bytes)]).catch((e: unknown) => e as LoupeError)),
    );
    expect(reasons.every((e) => e instanceof LoupeError && e.code === 'unsupported')).toBe(true);
    expect(reasons.map((e) => (e as LoupeError).message.match(/\(as safetensors: (.*?)\)/)?.[1])).toEqual([
      'the header length, 18446744073709551615 bytes, is larger than the 100000000-byte limit',
      'the header length, 100000001 bytes, is larger than the 100000000-byte limit',
      'the header length, 4096 bytes, runs past the end of the 16-byte file',
      'the header length is 1 bytes, too small for a JSON header',
      'the header does not start with "{"',
      'the file is 4 bytes, too short for the 8-byte header length and a header',
    ]);
    // Named otherwise, the same bytes get no safetensors diagnosis.
    await expect(openGroup([source('w.bin', withLength(100_000_001n, '{}'))])).rejects.toThrow(/match no format Loupe reads\./);
  });

  it('rejects an unknown or empty file with a message saying what Loupe opens', async () => {
    const noise = await openGroup([
      source(
        'noise.bin',
        Uint8Array.from({ length: 100 }, (_, i) => (i * 37) % 256),
      ),
    ]).catch((e: unknown) => e);
    expect(noise).toBeInstanceOf(LoupeError);
    expect((noise as LoupeError).code).toBe('unsupported');
    expect((noise as LoupeError).message).toMatch(/noise\.bin.*Loupe opens safetensors/);
    await expect(openGroup([source('empty.bin', new Uint8Array(0))])).rejects.toThrow(/empty\.bin: the file is empty/);
  });

  it('skips unknown files in a group with an info diagnostic', async () => {
    const doc = await openGroup([
      source('m/model.safetensors', shard2),
      source('m/tokenizer.json', text('{"version":"1.0"}')),
      source('m/.gitattributes', text('*.bin lfs')),
    ]);
    expect(doc.formats).toEqual(['safetensors']);
    expect(doc.warnings.map((w) => [w.code, w.file])).toEqual([
      ['file-skipped', 'm/tokenizer.json'],
      ['file-skipped', 'm/.gitattributes'],
    ]);
  });

  it('reads a JSON sidecar whole once: the head to sniff, then the file, parsed for every JSON format at once', async () => {
    const reads: [string, number, number][] = [];
    const counted = (inner: ByteSource): ByteSource => ({
      name: inner.name,
      size: inner.size,
      read: (offset, length, signal) => (reads.push([inner.name, offset, length]), inner.read(offset, length, signal)),
    });
    const config = text('{"model_type":"gpt2","n_layer":2}');
    const doc = await openGroup([counted(source('m/config.json', config)), counted(source('m/model.safetensors.index.json', index))]);
    expect(doc.formats).toEqual(['config', 'safetensors-index']);
    expect(doc.config?.modelType).toBe('gpt2');
    expect(reads).toEqual([
      ['m/config.json', 0, config.length],
      ['m/config.json', 0, config.length],
      ['m/model.safetensors.index.json', 0, 64],
      ['m/model.safetensors.index.json', 0, index.length],
    ]);
  });

  it('opens a 20 MB config.json: a JSON sidecar within the limit is never refused after it was recognized', async () => {
    const padding = 'x'.repeat(20 * 1024 * 1024);
    const doc = await openGroup([source('config.json', text(`{"model_type":"llama","comment":"${padding}"}`))]);
    expect(doc.config?.modelType).toBe('llama');
    expect(doc.formats).toEqual(['config']);
  });

  it('says why a JSON file over the sidecar limit is not opened, without reading it', async () => {
    let wholeReads = 0;
    const huge: ByteSource = {
      name: 'config.json',
      size: MAX_JSON_SIDECAR_BYTES + 1,
      read: (_offset, length) => {
        if (length > 64) wholeReads++;
        return Promise.resolve(text('{"model_type":"llama"'.padEnd(length, ' ')).subarray(0, length));
      },
    };
    await expect(openGroup([huge])).rejects.toThrow(/config\.json: a JSON file larger than the 67108864-byte limit/);
    expect(wholeReads).toBe(0);
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(openGroup([source('m.safetensors', shard2)], { signal: controller.signal })).rejects.toThrow(CancelledError);
  });

  it('reports progress per file', async () => {
    const seen: string[] = [];
    await openGroup([source('a.safetensors', shard1), source('b.safetensors', shard2)], { onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.file}`) });
    expect(seen).toEqual(['1/2 a.safetensors', '2/2 b.safetensors']);
  });
});

describe('openGroup at scale', () => {
  it('opens 100,000 tensors (no argument-spreading stack overflow)', async () => {
    const tensors: Record<string, { dtype: string; shape: number[] }> = {};
    for (let i = 0; i < 100_000; i++) tensors[`blocks.${Math.floor(i / 100)}.p${i % 100}`] = { dtype: 'F32', shape: [1] };
    const doc = await openGroup([source('many.safetensors', safetensors(tensors))]);
    expect(doc.tensors).toHaveLength(100_000);
    expect(doc.parameters.total).toBe(100_000);
  });
});

describe('openGroup with ONNX', () => {
  const models = join(import.meta.dirname, '..', '..', 'e2e', 'models');
  const read = (rel: string, name = rel) => source(name, new Uint8Array(readFileSync(join(models, rel))));

  it('opens an exported transformer with its graph and initializers', async () => {
    const doc = await openGroup([read('tiny-transformer/model.onnx', 'model.onnx')]);
    expect(doc.formats).toEqual(['onnx']);
    expect(doc.graphs?.[0]?.nodes.length).toBeGreaterThan(100);
    expect(doc.graphs?.[0]?.inputs.map((i) => i.name)).toEqual(['input_ids']);
    expect(doc.graphs?.[0]?.nodes.some((n) => n.namespace.startsWith('layers.0/attn'))).toBe(true);
    // 68,800 initializer elements + 167 in Constant attributes, as python3-onnx counts them.
    // (The exporter deduplicates identical LayerNorm weights behind Identity nodes, so this is below
    // PyTorch's 69,312 parameters.)
    expect(doc.parameters.total).toBe(68_967);
    expect(doc.metadata.producer).toContain('pytorch');
  });

  it('locates initializers in the external data file dropped with the model', async () => {
    const doc = await openGroup([read('external-data/model.onnx', 'm/model.onnx'), read('external-data/model.onnx.data', 'm/model.onnx.data')]);
    expect(doc.formats).toEqual(['onnx', 'onnx-data']);
    expect(doc.parameters.total).toBe(1348);
    expect(doc.tensors.every((t) => t.file === 'm/model.onnx.data' && !t.unreadable)).toBe(true);
    expect(doc.warnings).toEqual([]);
    expect(doc.source.files.find((f) => f.path === 'm/model.onnx.data')?.format).toBe('onnx-data');
  });

  it('warns when the external data file is missing, and still opens the graph', async () => {
    const doc = await openGroup([read('external-data/model.onnx', 'model.onnx')]);
    expect(doc.graphs?.[0]?.nodes.length).toBeGreaterThan(0);
    expect(doc.warnings.map((w) => w.code)).toEqual(['external-data-missing']);
    expect(doc.tensors.every((t) => t.unreadable)).toBe(true);
  });
});
