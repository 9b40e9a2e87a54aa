import { describe, expect, it } from 'vitest';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { HttpByteSource, MAX_UNRANGED_BODY, parseContentRange } from './http-byte-source';

const FILE = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

/** A fake server that answers Range requests as a static file host does, and logs each request. */
function fakeServer(body: Uint8Array<ArrayBuffer>, options: { honourRange?: boolean; status?: number } = {}) {
  const log: { url: string; range: string | null; authorization: string | null }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const range = headers.get('Range');
    log.push({ url: String(input), range, authorization: headers.get('Authorization') });
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (options.status) return new Response('nope', { status: options.status, statusText: 'Not Found' });
    const match = range && /^bytes=(\d+)-(\d+)$/.exec(range);
    if (match && options.honourRange !== false) {
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), body.length - 1);
      return new Response(body.slice(start, end + 1), {
        status: 206,
        headers: { 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': String(end - start + 1) },
      });
    }
    return new Response(body, { status: 200, headers: { 'Content-Length': String(body.length) } });
  };
  return { fetch: fetchImpl, log };
}

describe('HttpByteSource', () => {
  it('learns the size with a one-byte Range request, then reads only the ranges asked for', async () => {
    const server = fakeServer(FILE);
    const source = await HttpByteSource.open('https://hub.test/f.bin', 'f.bin', { fetch: server.fetch });
    expect(source.size).toBe(1000);
    expect([...(await source.read(100, 3))]).toEqual([100, 101, 102]);
    expect(server.log.map((r) => r.range)).toEqual(['bytes=0-0', 'bytes=100-102']);
  });

  it('sends the caller headers', async () => {
    const server = fakeServer(FILE);
    const source = new HttpByteSource('https://hub.test/f.bin', 'f.bin', 1000, { fetch: server.fetch, headers: { Authorization: 'Bearer t' } });
    await source.read(0, 1);
    expect(server.log[0]!.authorization).toBe('Bearer t');
  });

  it('accepts a small file from a server that ignores Range', async () => {
    const server = fakeServer(FILE, { honourRange: false });
    const source = await HttpByteSource.open('https://hub.test/f.bin', 'f.bin', { fetch: server.fetch });
    expect(source.size).toBe(1000);
    expect([...(await source.read(998, 2))]).toEqual([998 % 251, 999 % 251]);
  });

  it('refuses to download a large file whole when the server ignores Range', async () => {
    const server = fakeServer(FILE, { honourRange: false });
    const source = new HttpByteSource('https://hub.test/big.bin', 'big.bin', MAX_UNRANGED_BODY + 1, { fetch: server.fetch });
    await expect(source.read(0, 10)).rejects.toThrow(/does not support Range/);
  });

  it('turns HTTP errors into typed io errors naming the file', async () => {
    const server = fakeServer(FILE, { status: 404 });
    const error = await HttpByteSource.open('https://hub.test/x', 'x.bin', { fetch: server.fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoupeError);
    expect((error as LoupeError).code).toBe('io');
    expect((error as LoupeError).message).toMatch(/x\.bin: HTTP 404/);
  });

  it('rejects a read past the end before any request', async () => {
    const server = fakeServer(FILE);
    const source = new HttpByteSource('https://hub.test/f.bin', 'f.bin', 1000, { fetch: server.fetch });
    await expect(source.read(999, 2)).rejects.toThrow(FormatError);
    expect(server.log).toHaveLength(0);
  });

  it('rejects a short body', async () => {
    const server = fakeServer(FILE);
    // The file claims 2000 bytes but the server holds 1000: the server clamps the range.
    const source = new HttpByteSource('https://hub.test/f.bin', 'f.bin', 2000, { fetch: server.fetch });
    await expect(source.read(990, 20)).rejects.toThrow(LoupeError);
  });

  it('is cancelled by its signal', async () => {
    const server = fakeServer(FILE);
    const source = new HttpByteSource('https://hub.test/f.bin', 'f.bin', 1000, { fetch: server.fetch });
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 10, controller.signal)).rejects.toThrow(CancelledError);
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 0-9/100')).toEqual({ start: 0, end: 9, total: 100 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: undefined });
    expect(parseContentRange('items 0-9/100')).toBeUndefined();
    expect(parseContentRange(null)).toBeUndefined();
  });
});
