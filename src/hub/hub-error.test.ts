import { describe, expect, it } from 'vitest';
import { CancelledError, FormatError, LoupeError } from '../model/errors';
import { HubError, hubRetryOptions, isRetryable, MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelay } from './hub-error';
import { hubErrorFromNetworkFailure, hubErrorFromResponse, type HubRequestContext } from './hub-error-from';

const HUB = 'https://huggingface.co';
const context = (extra: Partial<HubRequestContext> = {}): HubRequestContext => ({
  endpoint: HUB,
  repo: 'org/name',
  revision: 'main',
  tokenSent: false,
  ...extra,
});

function response(status: number, headers: Record<string, string> = {}, body?: unknown): Response {
  const json = body === undefined ? null : JSON.stringify(body);
  return new Response(json, { status, headers: { ...(json ? { 'Content-Type': 'application/json' } : {}), ...headers } });
}

describe('hubErrorFromResponse', () => {
  it.each([
    [401, { 'X-Error-Code': 'GatedRepo' }, {}, 'gated', /org\/name: this model is gated: log in with a token that has accepted its conditions\.$/],
    [403, { 'X-Error-Code': 'GatedRepo' }, { tokenSent: true }, 'gated', /has not been granted access yet/],
    [403, { 'X-Error-Message': 'Access to model org/name is restricted and you are not in the authorized list.' }, { tokenSent: true }, 'gated', /gated/],
    [401, { 'X-Error-Code': 'RepoNotFound' }, {}, 'repo-not-found', /org\/name was not found on huggingface\.co: it does not exist, or it is private: log in/],
    [404, { 'X-Error-Code': 'RepoNotFound' }, { tokenSent: true }, 'repo-not-found', /or it is private and this token cannot read it/],
    [404, {}, {}, 'repo-not-found', /not found/],
    [404, { 'X-Error-Code': 'RevisionNotFound' }, { revision: 'dev' }, 'revision-not-found', /no revision "dev"/],
    [404, { 'X-Error-Code': 'EntryNotFound' }, { file: 'config.json' }, 'entry-not-found', /config\.json was not found in org\/name at main/],
    [404, {}, { file: 'config.json' }, 'entry-not-found', /config\.json was not found/],
    [401, { 'X-Error-Message': 'Invalid credentials in Authorization header' }, { tokenSent: true }, 'unauthorized', /refused the token/],
    [401, {}, {}, 'repo-not-found', /not found/],
    [403, {}, {}, 'forbidden', /refused access to org\/name \(HTTP 403\)/],
    [429, { 'Retry-After': '7' }, {}, 'rate-limited', /try again in 7 s/],
    [429, {}, {}, 'rate-limited', /try again in a moment/],
    [500, {}, {}, 'server', /server error \(HTTP 500\)/],
    [503, { 'Retry-After': '2' }, {}, 'server', /HTTP 503/],
    [416, {}, {}, 'http', /HTTP 416/],
  ] as const)('%i %j → %s', async (status, headers, extra, kind, message) => {
    const error = await hubErrorFromResponse(response(status, headers), `${HUB}/api/models/org/name`, context(extra));
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(LoupeError);
    expect(error.kind).toBe(kind);
    expect(error.code).toBe('io');
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('keeps the request id, the error code, the server message and Retry-After', async () => {
    const error = await hubErrorFromResponse(
      response(429, { 'X-Request-Id': 'Root=1-abc', 'Retry-After': '3' }, { error: 'You have been rate-limited' }),
      `${HUB}/api/models/org/name`,
      context(),
    );
    expect(error).toMatchObject({
      requestId: 'Root=1-abc',
      retryAfterMs: 3000,
      serverMessage: 'You have been rate-limited',
      url: `${HUB}/api/models/org/name`,
    });
    expect(error.toJSON()).toMatchObject({ code: 'io', kind: 'rate-limited', status: 429, requestId: 'Root=1-abc', retryAfterMs: 3000 });
  });

  it('reads the gated message from a JSON body when there is no error code', async () => {
    const error = await hubErrorFromResponse(
      response(401, {}, { error: 'Access to model org/name is restricted. You must be authenticated to access it.' }),
      `${HUB}/org/name/resolve/main/config.json`,
      context({ file: 'config.json' }),
    );
    expect(error.kind).toBe('gated');
  });

  it('says an expired CDN link was refused', async () => {
    const error = await hubErrorFromResponse(response(403), 'https://cdn-lfs.hf.co/repos/aa/bb/x?sig', context({ file: 'model.safetensors' }));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/download link for model\.safetensors was refused .*may have expired/);
  });
});

describe('hubErrorFromNetworkFailure', () => {
  const failure = new TypeError('Failed to fetch');

  it('says offline when the caller knows it is', () => {
    expect(hubErrorFromNetworkFailure(failure, `${HUB}/api/models/a/b`, context({ online: false })).kind).toBe('offline');
  });

  it('blames CORS (or a down server) for a custom endpoint', () => {
    const error = hubErrorFromNetworkFailure(
      failure,
      'https://mirror.example/api/models/a/b',
      context({ endpoint: 'https://mirror.example', pageOrigin: 'https://loupe.app' }),
    );
    expect(error.kind).toBe('cors');
    expect(error.message).toMatch(/Could not reach https:\/\/mirror\.example: it is down, or it does not allow requests from this page \(CORS/);
    expect(isRetryable(error)).toBe(false);
  });

  it('recognizes mixed content: an http endpoint from an https page', () => {
    const error = hubErrorFromNetworkFailure(
      failure,
      'http://mirror.example/api/models/a/b',
      context({ endpoint: 'http://mirror.example', pageOrigin: 'https://loupe.app' }),
    );
    expect(error.kind).toBe('mixed-content');
    expect(error.message).toMatch(/plain http and this page is https/);
    // Loopback is a secure context: no mixed-content block.
    expect(
      hubErrorFromNetworkFailure(failure, 'http://127.0.0.1:5555/x', context({ endpoint: 'http://127.0.0.1:5555', pageOrigin: 'https://loupe.app' })).kind,
    ).toBe('cors');
  });

  it('calls a failure on the public Hub or its CDN a retryable network error', () => {
    const hub = hubErrorFromNetworkFailure(failure, `${HUB}/api/models/a/b`, context({ pageOrigin: 'https://loupe.app' }));
    expect(hub.kind).toBe('network');
    expect(isRetryable(hub)).toBe(true);
    const cdn = hubErrorFromNetworkFailure(failure, 'https://cdn.example/x', context({ endpoint: 'https://mirror.example' }));
    expect(cdn.kind).toBe('network');
  });
});

describe('isRetryable', () => {
  it('retries transient failures only', () => {
    expect(isRetryable(new HubError('rate-limited', 'x'))).toBe(true);
    expect(isRetryable(new HubError('server', 'x'))).toBe(true);
    expect(isRetryable(new HubError('network', 'x'))).toBe(true);
    expect(isRetryable(new HubError('offline', 'x'))).toBe(true);
    for (const kind of [
      'gated',
      'unauthorized',
      'repo-not-found',
      'revision-not-found',
      'entry-not-found',
      'forbidden',
      'cors',
      'mixed-content',
      'bad-response',
      'bad-request',
      'http',
    ] as const) {
      expect(isRetryable(new HubError(kind, 'x')), kind).toBe(false);
      expect(new HubError(kind, 'x').transient, kind).toBe(false);
    }
    expect(isRetryable(new LoupeError('io', 'read failed'))).toBe(true);
    expect(isRetryable(new FormatError('f', 'header', 'bad'))).toBe(false);
    expect(isRetryable(new CancelledError())).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable('x')).toBe(false);
  });
});

describe('retryDelay', () => {
  it('honours Retry-After, capped', () => {
    expect(retryDelay(new HubError('rate-limited', 'x', { retryAfterMs: 1000 }), 0)).toBe(1000);
    expect(retryDelay(new HubError('rate-limited', 'x', { retryAfterMs: 1000 }), 3)).toBe(1000);
    expect(retryDelay(new HubError('rate-limited', 'x', { retryAfterMs: 3_600_000 }), 0)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('backs off exponentially otherwise', () => {
    const error = new HubError('server', 'x');
    expect([0, 1, 2, 3, 10].map((n) => retryDelay(error, n))).toEqual([1000, 2000, 4000, 8000, 30_000]);
  });

  it('fits React Query', () => {
    const limited = new HubError('rate-limited', 'x', { retryAfterMs: 2000 });
    expect(hubRetryOptions.retry(0, limited)).toBe(true);
    expect(hubRetryOptions.retry(3, limited)).toBe(false);
    expect(hubRetryOptions.retry(0, new HubError('gated', 'x'))).toBe(false);
    expect(hubRetryOptions.retryDelay(0, limited)).toBe(2000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 120 ')).toBe(120_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
