import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../bytes/file-byte-source';
import type { ByteSource } from '../model/byte-source';
import { CancelledError } from '../model/errors';
import { looksLikeJson, MAX_JSON_SIDECAR_BYTES, MAX_JSON_SIDECAR_DEPTH, readJsonSidecar } from './json-sidecar';

const bytes = (text: string) => new TextEncoder().encode(text);
const file = (content: string | Uint8Array<ArrayBuffer>) => new FileByteSource(new Blob([content]), 'x.json');

describe('looksLikeJson', () => {
  it('is true for an object after an optional BOM and whitespace, and only then', () => {
    expect(looksLikeJson(bytes('{"a":1}'))).toBe(true);
    expect(looksLikeJson(bytes(' \r\n\t{'))).toBe(true);
    expect(looksLikeJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]))).toBe(true);
    expect(looksLikeJson(bytes('[{}]'))).toBe(false);
    expect(looksLikeJson(bytes('# {'))).toBe(false);
    expect(looksLikeJson(new Uint8Array(0))).toBe(false);
  });
});

describe('readJsonSidecar', () => {
  it('reads, decodes (dropping a BOM) and parses once', async () => {
    expect(await readJsonSidecar(file(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":[1]}')])))).toEqual({ ok: true, text: '{"a":[1]}', value: { a: [1] } });
  });

  it('names each problem, keeping the text when it decoded', async () => {
    expect(await readJsonSidecar(file(new Uint8Array([0x7b, 0xff, 0x7d])))).toEqual({ ok: false, problem: 'not-utf8' });
    expect(await readJsonSidecar(file('{"a":}'))).toMatchObject({ ok: false, problem: 'not-json', text: '{"a":}' });
    const deep = `{"a":${'['.repeat(MAX_JSON_SIDECAR_DEPTH)}${']'.repeat(MAX_JSON_SIDECAR_DEPTH)}}`;
    expect(await readJsonSidecar(file(deep))).toEqual({ ok: false, problem: 'too-deep', text: deep });
    const justDeepEnough = `${'['.repeat(MAX_JSON_SIDECAR_DEPTH)}${']'.repeat(MAX_JSON_SIDECAR_DEPTH)}`;
    expect(await readJsonSidecar(file(justDeepEnough))).toMatchObject({ ok: true });
  });

  it('refuses a file over the limit without reading it', async () => {
    let reads = 0;
    const huge: ByteSource = { name: 'huge.json', size: MAX_JSON_SIDECAR_BYTES + 1, read: () => (reads++, Promise.resolve(new Uint8Array(0))) };
    expect(await readJsonSidecar(huge)).toEqual({ ok: false, problem: 'too-large' });
    expect(reads).toBe(0);
  });

  it('lets cancellation through', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readJsonSidecar(file('{}'), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
