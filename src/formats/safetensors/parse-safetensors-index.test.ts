import { describe, it, expect } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { MAX_JSON_SIDECAR_BYTES, readJsonSidecar } from '../json-sidecar';
import { isSafetensorsIndex, parseSafetensorsIndex } from './parse-safetensors-index';
import { safetensorsIndexFormat } from './safetensors-index-format';

const NAME = 'model.safetensors.index.json';

function sourceOf(text: string | Uint8Array<ArrayBuffer>): FileByteSource {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return new FileByteSource(new Blob([bytes]), NAME);
}

async function expectFormatError(text: string | Uint8Array<ArrayBuffer>, field: string, message?: RegExp): Promise<void> {
  const error: unknown = await parseSafetensorsIndex(sourceOf(text)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).file).toBe(NAME);
  expect((error as FormatError).field).toBe(field);
  if (message) expect((error as FormatError).message).toMatch(message);
}

const index = (weightMap: Record<string, unknown>, metadata?: unknown) =>
  JSON.stringify(metadata === undefined ? { weight_map: weightMap } : { metadata, weight_map: weightMap });

describe('parseSafetensorsIndex', () => {
  it('reads the weight map, the distinct shards in first-seen order, and total_size', async () => {
    const text = index(
      {
        'lm_head.weight': 'model-00002-of-00002.safetensors',
        'model.embed_tokens.weight': 'model-00001-of-00002.safetensors',
        'model.norm.weight': 'model-00002-of-00002.safetensors',
      },
      { total_size: 123456789012 },
    );
    expect(await parseSafetensorsIndex(sourceOf(text))).toEqual({
      totalSize: 123456789012,
      weightMap: {
        'lm_head.weight': 'model-00002-of-00002.safetensors',
        'model.embed_tokens.weight': 'model-00001-of-00002.safetensors',
        'model.norm.weight': 'model-00002-of-00002.safetensors',
      },
      shards: ['model-00002-of-00002.safetensors', 'model-00001-of-00002.safetensors'],
    });
  });

  it('accepts a BOM, whitespace, no metadata, other metadata and a float total_size', async () => {
    const parsed = await parseSafetensorsIndex(sourceOf(`\ufeff \n${index({ a: 'x.safetensors' })}\n`));
    expect(parsed).toEqual({ weightMap: { a: 'x.safetensors' }, shards: ['x.safetensors'] });
    const withFloat = await parseSafetensorsIndex(sourceOf(index({ a: 'x.safetensors' }, { total_size: 1024.0, total_parameters: 1.5e9, format: 'pt' })));
    expect(withFloat.totalSize).toBe(1024);
    const withNull = await parseSafetensorsIndex(sourceOf(index({ a: 'x.safetensors' }, { total_size: null })));
    expect(withNull.totalSize).toBeUndefined();
  });

  it('keeps __proto__ as a tensor name', async () => {
    const parsed = await parseSafetensorsIndex(sourceOf('{"weight_map":{"__proto__":"x.safetensors"}}'));
    expect(Object.keys(parsed.weightMap)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parsed.weightMap)).toBe(Object.prototype);
  });

  it('accepts shards in subfolders and names with dots', async () => {
    const parsed = await parseSafetensorsIndex(sourceOf(index({ a: 'sub/dir/model.safetensors', b: 'x..y.safetensors', c: './here.safetensors' })));
    expect(parsed.shards).toEqual(['sub/dir/model.safetensors', 'x..y.safetensors', './here.safetensors']);
  });

  it('rejects unsafe shard names', async () => {
    const unsafe: [string, RegExp][] = [
      ['../model.safetensors', /'\.\.' segment/],
      ['a/../../model.safetensors', /'\.\.' segment/],
      ['a\\..\\model.safetensors', /'\.\.' segment/],
      ['..', /'\.\.' segment/],
      ['%2e%2e/model.safetensors', /'\.\.' segment/],
      ['/etc/passwd', /absolute path/],
      ['\\model.safetensors', /absolute path/],
      ['\\\\server\\share\\model.safetensors', /UNC path/],
      ['https://evil.example/model.safetensors', /URL/],
      ['a/file://x', /URL/],
      ['C:\\models\\model.safetensors', /Windows drive/],
      ['c:model.safetensors', /Windows drive/],
      ['model\u0000.safetensors', /control character/],
      ['', /empty/],
    ];
    for (const [shard, message] of unsafe) {
      await expectFormatError(index({ 'a.weight': shard }), 'weight_map["a.weight"]', message);
    }
  });

  it('rejects JSON that is not an index', async () => {
    await expectFormatError('{"architectures": ["X"]}', 'weight_map', /not a safetensors index/);
    await expectFormatError('{"weight_map": []}', 'weight_map', /not a safetensors index/);
    await expectFormatError('[1, 2]', 'file', /not a JSON object/);
    await expectFormatError(index({ a: 1 }), 'weight_map.a', /must be a shard file name/);
    await expectFormatError(index({ a: 'x.safetensors' }, 'meta'), 'metadata', /must be an object/);
    await expectFormatError(index({ a: 'x.safetensors' }, { total_size: -1 }), 'metadata.total_size', /non-negative integer/);
    await expectFormatError(index({ a: 'x.safetensors' }, { total_size: '12' }), 'metadata.total_size', /non-negative integer/);
    await expectFormatError('{"weight_map":{"a":"x.safetensors"},"metadata":{"total_size":9007199254740993}}', 'metadata.total_size', /below 2\^53/);
  });

  it('rejects invalid JSON, invalid UTF-8 and duplicate keys', async () => {
    await expectFormatError('{"weight_map": {', 'weight_map', /invalid JSON/);
    await expectFormatError('not json', 'file', /invalid JSON/);
    await expectFormatError(new Uint8Array([0x7b, 0xff, 0x7d]), 'file', /UTF-8/);
    await expectFormatError('{"weight_map": {"a": "x.safetensors", "a": "y.safetensors"}}', 'weight_map.a', /duplicate key/);
    await expectFormatError('{"weight_map": {}, "weight_map": {}}', 'weight_map', /duplicate key/);
  });

  it('refuses files above MAX_JSON_SIDECAR_BYTES without reading them', async () => {
    let reads = 0;
    const huge: ByteSource = {
      name: NAME,
      size: MAX_JSON_SIDECAR_BYTES + 1,
      read() {
        reads++;
        return Promise.resolve(new Uint8Array(0));
      },
    };
    await expect(parseSafetensorsIndex(huge)).rejects.toMatchObject({ field: 'file', code: 'format' });
    expect(reads).toBe(0);
  });

  it('rejects with CancelledError when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parseSafetensorsIndex(sourceOf(index({})), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('isSafetensorsIndex', () => {
  it('is true for an object with a weight_map object', () => {
    expect(isSafetensorsIndex({ weight_map: {} })).toBe(true);
    expect(isSafetensorsIndex({ metadata: { total_size: 1 }, weight_map: { a: 'x' } })).toBe(true);
  });

  it('is false for anything else', () => {
    for (const value of [
      null,
      undefined,
      1,
      'x',
      [],
      [{ weight_map: {} }],
      {},
      { weight_map: null },
      { weight_map: [] },
      { weight_map: 'x' },
      { architectures: [] },
    ]) {
      expect(isSafetensorsIndex(value)).toBe(false);
    }
  });
});

describe('safetensorsIndexFormat', () => {
  const sniff = async (text: string) => {
    const file = sourceOf(text);
    const sidecar = await readJsonSidecar(file);
    return sidecar.ok && safetensorsIndexFormat.sniff(new TextEncoder().encode(text), file, sidecar.value);
  };

  it('parses an index, from the sidecar the registry read when it has one', async () => {
    expect(safetensorsIndexFormat.id).toBe('safetensors-index');
    expect((await safetensorsIndexFormat.parse(sourceOf(index({ a: 'x.safetensors' })))).shards).toEqual(['x.safetensors']);
    const file = sourceOf(index({ b: 'y.safetensors' }));
    const sidecar = await readJsonSidecar(file);
    const unreadable = { name: file.name, size: file.size, read: () => Promise.reject(new Error('read again')) };
    expect((await safetensorsIndexFormat.parse(unreadable, undefined, sidecar)).shards).toEqual(['y.safetensors']);
  });

  it('claims JSON objects with a weight_map object, after a BOM or whitespace', async () => {
    expect(await sniff('{"weight_map": {}}')).toBe(true);
    expect(await sniff('\ufeff{"weight_map": {}}')).toBe(true);
    expect(await sniff(' \r\n\t{"metadata": {}, "weight_map": {"a": "x"}}')).toBe(true);
    expect(await sniff('{"metadata": {}}')).toBe(false);
    expect(await sniff('[1]')).toBe(false);
    expect(await sniff('# card')).toBe(false);
  });
});
