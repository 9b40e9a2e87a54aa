import { describe, expect, it } from 'vitest';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { MAX_STREAM_PREFIX, STREAM_READ_AHEAD, StreamByteSource } from './stream-byte-source';

const CHUNK = 16 * 1024;
/** Byte i of every fake file. */
const byteAt = (i: number) => (i * 7 + (i >> 8)) & 0xff;

/**
 * A fake file server. `honourRange: false` answers as Zenodo's API content URL does: 200 and the
 * whole file, whatever Range says. The body is made lazily, CHUNK bytes per pull, and `sent` counts
 * what the server actually produced before the client hung up.
 */
function fakeServer(size: number, options: { honourRange?: boolean; status?: number; bodySize?: number } = {}) {
  const state = { sent: 0, requests: [] as (string | null)[], aborted: 0 };
  const fetchImpl: typeof fetch = async (_input, init) => {
    const range = new Headers(init?.headers).get('Range');
    state.requests.push(range);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (options.status) return new Response(JSON.stringify({ status: options.status, message: 'nope' }), { status: options.status });
    const match = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
    if (match && options.honourRange) {
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), size - 1);
      const body = Uint8Array.from({ length: end - start + 1 }, (_, i) => byteAt(start + i));
      state.sent += body.length;
      return new Response(body, { status: 206, headers: { 'Content-Range': `bytes ${start}-${end}/${size}` } });
    }
    const total = options.bodySize ?? size;
    let position = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (position >= total) return controller.close();
          const n = Math.min(CHUNK, total - position);
          const chunk = Uint8Array.from({ length: n }, (_, i) => byteAt(position + i));
          position += n;
          state.sent += n;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    init?.signal?.addEventListener('abort', () => void state.aborted++);
    return new Response(stream, { status: 200, headers: { 'Content-Length': String(total) } });
  };
  return { fetch: fetchImpl, state };
}

const expected = (offset: number, length: number) => Array.from({ length }, (_, i) => byteAt(offset + i));

describe('StreamByteSource, server ignoring Range (200)', () => {
  it('stops after the bytes it needs, and serves the next read from what it kept', async () => {
    const size = 5 * 1024 * 1024 * 1024; // 5 GiB, never produced
    const server = fakeServer(size);
    const source = new StreamByteSource('https://zenodo.test/f/content', 'model.safetensors', size, { fetch: server.fetch });
    expect([...(await source.read(0, 8))]).toEqual(expected(0, 8));
    expect([...(await source.read(8, 1000))]).toEqual(expected(8, 1000));
    expect(server.state.requests).toEqual(['bytes=0-7']);
    expect(server.state.aborted).toBe(1);
    // What it needed, the read-ahead, and at most one chunk in flight.
    expect(server.state.sent).toBeLessThanOrEqual(8 + STREAM_READ_AHEAD + CHUNK);
    expect(source.mode).toBe('stream');
  });

  it('requests again, reaching at least twice as far, for a read past what it kept', async () => {
    const size = 4 * 1024 * 1024;
    const server = fakeServer(size);
    const source = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', size, { fetch: server.fetch });
    await source.read(0, 8);
    const kept = 8 + STREAM_READ_AHEAD;
    expect([...(await source.read(kept + 100, 50))]).toEqual(expected(kept + 100, 50));
    expect(server.state.requests).toEqual(['bytes=0-7', `bytes=${kept + 100}-${kept + 149}`]);
    // The second answer also starts at byte 0: it runs to twice the kept prefix, then stops.
    expect([...(await source.read(2 * kept - 10, 10))]).toEqual(expected(2 * kept - 10, 10));
    expect(server.state.requests).toHaveLength(2);
    expect(server.state.sent).toBeLessThan(kept + 2 * kept + 3 * CHUNK);
  });

  it('runs concurrent reads one at a time, so one download serves both', async () => {
    const server = fakeServer(1024 * 1024);
    const source = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 1024 * 1024, { fetch: server.fetch });
    const [a, b] = await Promise.all([source.read(0, 8), source.read(8, 64)]);
    expect([...a]).toEqual(expected(0, 8));
    expect([...b]).toEqual(expected(8, 64));
    expect(server.state.requests).toHaveLength(1);
  });

  it('refuses to stream past MAX_STREAM_PREFIX (or the caller limit) unless asked', async () => {
    expect(MAX_STREAM_PREFIX).toBeLessThan(1024 * 1024 * 1024);
    const size = 8 * 1024 * 1024;
    const server = fakeServer(size);
    const limited = new StreamByteSource('https://zenodo.test/f/content', 'big.bin', size, { fetch: server.fetch, maxStreamBytes: 1024 * 1024 });
    await expect(limited.read(2 * 1024 * 1024, 16)).rejects.toThrow(/does not answer Range requests.*1 MiB/);
    expect(server.state.sent).toBeLessThanOrEqual(CHUNK);
    const allowed = new StreamByteSource('https://zenodo.test/f/content', 'big.bin', size, { fetch: server.fetch, maxStreamBytes: size });
    expect([...(await allowed.read(size - 4, 4))]).toEqual(expected(size - 4, 4));
  });

  it('reports a body shorter than the record says as a format error naming the file', async () => {
    const server = fakeServer(1000, { bodySize: 500 });
    const source = new StreamByteSource('https://zenodo.test/f/content', 'short.bin', 1000, { fetch: server.fetch });
    const error = await source.read(600, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(/^short\.bin: read: unexpected end of file at 500/);
  });
});

describe('StreamByteSource, server honouring Range (206)', () => {
  it('reads by Range from then on, each read exactly the bytes asked for', async () => {
    const size = 5 * 1024 * 1024 * 1024;
    const server = fakeServer(size, { honourRange: true });
    const source = new StreamByteSource('https://zenodo.test/records/1/files/f', 'f.bin', size, { fetch: server.fetch });
    expect([...(await source.read(0, 8))]).toEqual(expected(0, 8));
    expect(source.mode).toBe('range');
    expect([...(await source.read(4_000_000_000, 10))]).toEqual(expected(4_000_000_000, 10));
    expect(server.state.requests).toEqual(['bytes=0-7', 'bytes=4000000000-4000000009']);
    expect(server.state.sent).toBe(18);
    expect(source.bytesReceived).toBe(18);
  });
});

describe('StreamByteSource errors', () => {
  it('hands non-2xx answers and network failures to the caller, for its typed errors', async () => {
    const server = fakeServer(100, { status: 403 });
    const source = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 100, {
      fetch: server.fetch,
      errorFromResponse: async (response, url) => new LoupeError('io', `restricted ${response.status} ${url}`),
    });
    await expect(source.read(0, 8)).rejects.toThrow('restricted 403 https://zenodo.test/f/content');
    const plain = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 100, { fetch: server.fetch });
    await expect(plain.read(0, 8)).rejects.toThrow(/f\.bin: HTTP 403/);
    const offline = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 100, {
      fetch: async () => Promise.reject(new TypeError('Failed to fetch')),
      errorFromNetwork: (error) => new LoupeError('io', `unreachable: ${(error as Error).message}`),
    });
    await expect(offline.read(0, 8)).rejects.toThrow('unreachable: Failed to fetch');
  });

  it('is cancelled by its signal', async () => {
    const server = fakeServer(1000);
    const source = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 1000, { fetch: server.fetch });
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 8, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    let started!: () => void;
    const fetchStarted = new Promise<void>((resolve) => (started = resolve));
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        started();
      });
    const later = new AbortController();
    const pending = new StreamByteSource('https://zenodo.test/f/content', 'f.bin', 1000, { fetch: hanging }).read(0, 8, later.signal);
    await fetchStarted;
    later.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
