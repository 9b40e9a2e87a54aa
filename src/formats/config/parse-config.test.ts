import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { SNIFF_BYTES } from '../format-module';
import { MAX_JSON_SIDECAR_BYTES, readJsonSidecar } from '../json-sidecar';
import { LLAMA2_7B } from '../../../test/fixtures/config-fixtures';
import { configFormat } from './config-format';
import { isModelConfig, parseConfig } from './parse-config';

function source(content: string | Uint8Array, name = 'config.json'): FileByteSource {
  return new FileByteSource(new Blob([content as BlobPart]), name);
}

const encoder = new TextEncoder();

/** Sniffs as the registry does: the head, and the JSON it read once. */
async function sniff(content: string | Uint8Array): Promise<boolean> {
  const file = source(content);
  const head = await file.read(0, Math.min(SNIFF_BYTES, file.size));
  const sidecar = await readJsonSidecar(file);
  return sidecar.ok && configFormat.sniff(head, file, sidecar.value);
}

describe('parseConfig', () => {
  it('reads a config into raw, architectures and model_type', async () => {
    const config = await parseConfig(source(JSON.stringify(LLAMA2_7B, null, 2)));
    expect(config).toEqual({ path: 'config.json', raw: LLAMA2_7B, architectures: ['LlamaForCausalLM'], modelType: 'llama' });
  });

  it('accepts a BOM, a null architectures and no model_type', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"architectures": null}')]);
    expect(await parseConfig(source(bytes))).toEqual({ path: 'config.json', raw: { architectures: null }, architectures: [], modelType: undefined });
  });

  it('rejects invalid UTF-8 naming the encoding', async () => {
    const bytes = new Uint8Array([...encoder.encode('{"model_type": "'), 0xff, 0xfe, ...encoder.encode('"}')]);
    await expect(parseConfig(source(bytes, 'models/config.json'))).rejects.toMatchObject({
      name: 'FormatError',
      code: 'format',
      file: 'models/config.json',
      field: 'encoding',
    });
  });

  it('rejects invalid JSON naming the json field', async () => {
    const error = await parseConfig(source('{"model_type": "llama",}')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({ file: 'config.json', field: 'json' });
    expect((error as Error).message).toMatch(/^config\.json: json: not valid JSON/);
  });

  it('rejects an empty file as invalid JSON', async () => {
    await expect(parseConfig(source(''))).rejects.toMatchObject({ field: 'json' });
  });

  it.each([
    ['[1, 2]', 'an array'],
    ['null', 'null'],
    ['"llama"', 'a string'],
    ['42', 'a number'],
  ])('rejects a non-object root %s', async (json, found) => {
    const error = (await parseConfig(source(json)).catch((caught: unknown) => caught)) as FormatError;
    expect(error).toMatchObject({ name: 'FormatError', field: '(root)' });
    expect(error.message).toContain(`found ${found}`);
  });

  it('rejects malformed architectures and model_type with their field names', async () => {
    await expect(parseConfig(source('{"architectures": "LlamaForCausalLM"}'))).rejects.toMatchObject({ field: 'architectures' });
    await expect(parseConfig(source('{"architectures": ["A", 3]}'))).rejects.toMatchObject({ field: 'architectures[1]' });
    await expect(parseConfig(source('{"model_type": 7}'))).rejects.toMatchObject({ field: 'model_type' });
  });

  it('refuses a file over MAX_JSON_SIDECAR_BYTES before reading it', async () => {
    let reads = 0;
    const huge: ByteSource = {
      name: 'config.json',
      size: MAX_JSON_SIDECAR_BYTES + 1,
      read: () => {
        reads++;
        return Promise.resolve(new Uint8Array());
      },
    };
    await expect(parseConfig(huge)).rejects.toMatchObject({ name: 'FormatError', field: 'size' });
    expect(reads).toBe(0);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parseConfig(source('{}'), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('is the config format module', async () => {
    expect(configFormat.id).toBe('config');
    expect(configFormat.describe).toBe('a Hugging Face config.json');
    expect((await configFormat.parse(source('{"model_type":"gpt2"}'))).modelType).toBe('gpt2');
  });
});

describe('configFormat.sniff', () => {
  it('claims JSON objects with model_type or architectures, after an optional BOM and whitespace', async () => {
    expect(await sniff('{"model_type": "gpt2"}')).toBe(true);
    expect(await sniff('\n\t  \r\n{"architectures": []}')).toBe(true);
    expect(await sniff(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(' {"model_type":"x"}')]))).toBe(true);
  });

  it('leaves anything else', async () => {
    expect(await sniff('{"a": 1}')).toBe(false);
    expect(await sniff('{"weight_map": {}, "model_type": "llama"}')).toBe(false);
    expect(await sniff('[{"model_type": "llama"}]')).toBe(false);
    expect(await sniff('{"model_type": "llama",}')).toBe(false);
  });

  it('parses the sidecar it was given without reading the file again', async () => {
    const file = source('{"model_type":"gpt2"}');
    const sidecar = await readJsonSidecar(file);
    let reads = 0;
    const counting = { name: file.name, size: file.size, read: (offset: number, length: number) => (reads++, file.read(offset, length)) };
    expect((await configFormat.parse(counting, undefined, sidecar)).modelType).toBe('gpt2');
    expect(reads).toBe(0);
  });
});

describe('isModelConfig', () => {
  it('tells a model config from other JSON', () => {
    expect(isModelConfig(LLAMA2_7B)).toBe(true);
    expect(isModelConfig({ architectures: ['BertModel'] })).toBe(true);
    expect(isModelConfig({ model_type: 'gpt2' })).toBe(true);
    // A safetensors index has weight_map (and sometimes copies of config keys).
    expect(isModelConfig({ metadata: { total_size: 1 }, weight_map: {}, model_type: 'llama' })).toBe(false);
    // tokenizer_config.json, generation_config.json
    expect(isModelConfig({ tokenizer_class: 'LlamaTokenizer', model_max_length: 4096 })).toBe(false);
    expect(isModelConfig({ bos_token_id: 1, eos_token_id: 2 })).toBe(false);
    expect(isModelConfig([{ model_type: 'llama' }])).toBe(false);
    expect(isModelConfig(null)).toBe(false);
    expect(isModelConfig('config')).toBe(false);
  });
});
