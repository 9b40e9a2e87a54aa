import { describe, expect, it } from 'vitest';
import { apiRecordFixture } from '../../test/fixtures/zenodo-record-fixture';
import { CancelledError } from '../model/errors';
import { fetchZenodoRecord } from './fetch-zenodo-record';
import { zenodoByteSource } from './zenodo-byte-source';
import { ZenodoError } from './zenodo-error';

const ENDPOINT = 'https://zenodo.test';
const json =
  (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** A fake Zenodo: routes by URL and logs every request. A route answering 302 is followed, as fetch does. */
function zenodo(routes: Record<string, () => Response>) {
  const log: { url: string; credentials?: RequestCredentials; range: string | null }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    let url = String(input);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    for (let hop = 0; hop < 5; hop++) {
      log.push({ url, credentials: init?.credentials, range: new Headers(init?.headers).get('Range') });
      const response = routes[url]?.() ?? new Response(JSON.stringify({ status: 404, message: 'The persistent identifier does not exist.' }), { status: 404 });
      const location = response.headers.get('Location');
      if (response.status !== 302 || !location) return response;
      url = new URL(location, url).href;
    }
    throw new TypeError('redirect loop');
  };
  return { fetch: fetchImpl, log };
}

describe('fetchZenodoRecord', () => {
  it('reads a record with one request, without credentials', async () => {
    const net = zenodo({ [`${ENDPOINT}/api/records/10934567`]: json(apiRecordFixture()) });
    const record = await fetchZenodoRecord('10934567', { endpoint: ENDPOINT, fetch: net.fetch });
    expect(record.title).toBe('Tiny Llama: a test model');
    expect(record.files[0]!.contentUrl).toBe(`${ENDPOINT}/api/records/10934567/files/model.safetensors/content`);
    expect(net.log).toEqual([{ url: `${ENDPOINT}/api/records/10934567`, credentials: 'omit', range: null }]);
  });

  it('opens a concept id at its latest version (404, then versions/latest redirecting)', async () => {
    const net = zenodo({
      [`${ENDPOINT}/api/records/10934566/versions/latest`]: () => new Response(null, { status: 302, headers: { Location: '/api/records/10934567' } }),
      [`${ENDPOINT}/api/records/10934567`]: json(apiRecordFixture()),
    });
    const record = await fetchZenodoRecord('10934566', { endpoint: ENDPOINT, fetch: net.fetch });
    expect(record).toMatchObject({ id: '10934567', conceptId: '10934566' });
    expect(net.log.map((r) => r.url)).toEqual([
      `${ENDPOINT}/api/records/10934566`,
      `${ENDPOINT}/api/records/10934566/versions/latest`,
      `${ENDPOINT}/api/records/10934567`,
    ]);
  });

  it('says not found when neither a record nor a concept has the id', async () => {
    const error = await fetchZenodoRecord('5', { endpoint: ENDPOINT, fetch: zenodo({}).fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZenodoError);
    expect(error).toMatchObject({
      kind: 'not-found',
      status: 404,
      message: 'Record 5 was not found on zenodo.test.',
      serverMessage: 'The persistent identifier does not exist.',
    });
    expect((error as ZenodoError).transient).toBe(false);
  });

  it('turns a 429 into rate-limited with the wait, and keeps it retryable', async () => {
    const net = zenodo({
      [`${ENDPOINT}/api/records/7`]: json({ status: 429, message: 'Too many requests' }, 429, {
        'Retry-After': '3',
        'X-RateLimit-Limit': '60',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': '1700000003',
      }),
    });
    const error = await fetchZenodoRecord('7', { endpoint: ENDPOINT, fetch: net.fetch }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 3000, resetAt: 1_700_000_003_000, limit: 60, transient: true });
    expect(net.log).toHaveLength(1);
  });

  it('rejects a non-JSON answer, and cancels', async () => {
    const net = zenodo({ [`${ENDPOINT}/api/records/8`]: () => new Response('<html>maintenance</html>', { status: 200 }) });
    await expect(fetchZenodoRecord('8', { endpoint: ENDPOINT, fetch: net.fetch })).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'zenodo.test did not answer JSON for record 8.',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(fetchZenodoRecord('8', { endpoint: ENDPOINT, fetch: net.fetch, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('reports a failed request as CORS for a custom endpoint, as network for zenodo.org, and offline when offline', async () => {
    const failing: typeof fetch = async () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchZenodoRecord('9', { endpoint: ENDPOINT, fetch: failing })).rejects.toMatchObject({
      kind: 'cors',
      message: expect.stringMatching(/^Could not reach https:\/\/zenodo\.test: .*CORS/),
    });
    await expect(fetchZenodoRecord('9', { endpoint: 'https://zenodo.org', fetch: failing })).rejects.toMatchObject({ kind: 'network' });
    await expect(fetchZenodoRecord('9', { endpoint: ENDPOINT, fetch: failing, online: false })).rejects.toMatchObject({ kind: 'offline' });
  });
});

describe('zenodoByteSource', () => {
  it('says the files are restricted when their content answers 403', async () => {
    const record = await fetchZenodoRecord('10934567', {
      endpoint: ENDPOINT,
      fetch: zenodo({ [`${ENDPOINT}/api/records/10934567`]: json(apiRecordFixture()) }).fetch,
    });
    const net = zenodo({ [`${ENDPOINT}/api/records/10934567/files/model.safetensors/content`]: json({ status: 403, message: 'Permission denied.' }, 403) });
    const source = zenodoByteSource(record, record.files[0]!, { endpoint: ENDPOINT, fetch: net.fetch });
    const error = await source.read(0, 8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZenodoError);
    expect(error).toMatchObject({
      kind: 'restricted',
      file: 'model.safetensors',
      message: 'The files of record 10934567 are restricted: zenodo.test shows its description but not its files (HTTP 403).',
    });
    expect(net.log).toEqual([{ url: `${ENDPOINT}/api/records/10934567/files/model.safetensors/content`, credentials: 'omit', range: 'bytes=0-7' }]);
  });
});
