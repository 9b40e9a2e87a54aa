import { describe, expect, it } from 'vitest';
import { FormatError, LoupeError } from '../model/errors';
import { zenodoErrorFromResponse } from './zenodo-error-from';
import { MAX_AUTO_RETRY_WAIT_MS, shouldRetryZenodo, ZenodoError, zenodoRetryDelay } from './zenodo-error';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const context = { endpoint: 'https://zenodo.org', recordId: '123', now: NOW };

describe('zenodoErrorFromResponse', () => {
  it('tells a short rate limit apart from a long one, with the time to retry', async () => {
    const short = await zenodoErrorFromResponse(
      new Response('{}', { status: 429, headers: { 'Retry-After': '2' } }),
      'https://zenodo.org/api/records/123',
      context,
    );
    expect(short).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 2000,
      message: 'zenodo.org is limiting how many requests Loupe may make (HTTP 429): Loupe tries again in 2 s.',
    });
    const reset = String(NOW / 1000 + 1800);
    const long = await zenodoErrorFromResponse(
      new Response('{}', { status: 429, headers: { 'X-RateLimit-Reset': reset, 'X-RateLimit-Limit': '2000' } }),
      'u',
      context,
    );
    expect(long).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1_800_000, resetAt: NOW + 1_800_000, limit: 2000 });
    expect(long.message).toBe('zenodo.org is limiting how many requests Loupe may make (HTTP 429): try again in 30 min (at 12:30 UTC).');
    const bare = await zenodoErrorFromResponse(new Response('', { status: 429 }), 'u', context);
    expect(bare.message).toMatch(/try again in a minute\.$/);
  });

  it('names restricted files, missing files, deleted records and server errors', async () => {
    const at = (status: number, file?: string) => zenodoErrorFromResponse(new Response('', { status }), 'u', { ...context, file });
    expect(await at(403, 'model.safetensors')).toMatchObject({
      kind: 'restricted',
      file: 'model.safetensors',
      message: expect.stringMatching(/^The files of record 123 are restricted/),
    });
    expect(await at(403)).toMatchObject({ kind: 'restricted', message: 'record 123 on zenodo.org is restricted (HTTP 403).' });
    expect(await at(404, 'x.bin')).toMatchObject({ kind: 'not-found', message: 'x.bin was not found in record 123 on zenodo.org.' });
    expect(await at(410)).toMatchObject({ kind: 'not-found', message: 'Record 123 has been deleted on zenodo.org.' });
    expect(await at(503)).toMatchObject({ kind: 'server', transient: true });
    expect(await at(418)).toMatchObject({ kind: 'http', transient: false });
  });
});

describe('react-query retry policy', () => {
  const limited = (ms: number) => new ZenodoError('rate-limited', 'x', { retryAfterMs: ms });
  it('retries a short 429 once, after the server wait, and a long one never', () => {
    expect(shouldRetryZenodo(0, limited(2000))).toBe(true);
    expect(zenodoRetryDelay(0, limited(2000))).toBe(2000);
    expect(shouldRetryZenodo(1, limited(2000))).toBe(false);
    expect(shouldRetryZenodo(0, limited(MAX_AUTO_RETRY_WAIT_MS + 1))).toBe(false);
  });

  it('retries server and network failures twice, and never not-found, restricted or format errors', () => {
    expect([0, 1, 2].map((n) => shouldRetryZenodo(n, new ZenodoError('server', 'x')))).toEqual([true, true, false]);
    expect(shouldRetryZenodo(0, new ZenodoError('network', 'x'))).toBe(true);
    expect(shouldRetryZenodo(0, new ZenodoError('not-found', 'x'))).toBe(false);
    expect(shouldRetryZenodo(0, new ZenodoError('restricted', 'x'))).toBe(false);
    expect(shouldRetryZenodo(0, new FormatError('f', 'header', 'bad'))).toBe(false);
    expect(shouldRetryZenodo(0, new LoupeError('io', 'read failed'))).toBe(true);
    expect(zenodoRetryDelay(1, new ZenodoError('server', 'x'))).toBe(2000);
  });

  it('keeps its kind and wait across the worker boundary (toJSON)', () => {
    expect(limited(2000).toJSON()).toMatchObject({ code: 'io', kind: 'rate-limited', retryAfterMs: 2000 });
  });
});
