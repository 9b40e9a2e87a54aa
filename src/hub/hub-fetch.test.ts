import { describe, expect, it } from 'vitest';
import { CancelledError } from '../model/errors';
import { HubError } from './hub-error';
import { createHubFetch, hubRequest } from './hub-fetch';
import { runPool } from './run-pool';

const ENDPOINT = 'https://hub.test';
const TOKEN = 'hf_secret';

/** A fake network: routes by URL, logs each request's URL, Authorization and redirect mode. */
function network(routes: Record<string, () => Response>) {
  const log: { url: string; authorization: string | null; redirect?: RequestRedirect; credentials?: RequestCredentials }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input);
    log.push({ url, authorization: new Headers(init?.headers).get('Authorization'), redirect: init?.redirect, credentials: init?.credentials });
    const route = routes[url];
    if (!route) return new Response('not found', { status: 404 });
    return route();
  };
  return { fetch: fetchImpl, log };
}

const redirect =
  (location: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { Location: location } });
const ok =
  (body = 'ok') =>
  () =>
    new Response(body, { status: 200 });

describe('hubRequest', () => {
  it('puts the token on Hub requests only, and follows a redirect to the CDN without it', async () => {
    const net = network({
      [`${ENDPOINT}/org/name/resolve/abc/model.safetensors`]: redirect('https://cdn.test/blob?sig=1'),
      'https://cdn.test/blob?sig=1': ok('data'),
    });
    const { response, url } = await hubRequest(
      `${ENDPOINT}/org/name/resolve/abc/model.safetensors`,
      {},
      { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch },
    );
    expect(await response.text()).toBe('data');
    expect(url).toBe('https://cdn.test/blob?sig=1');
    expect(net.log).toEqual([
      { url: `${ENDPOINT}/org/name/resolve/abc/model.safetensors`, authorization: `Bearer ${TOKEN}`, redirect: 'manual', credentials: 'omit' },
      { url: 'https://cdn.test/blob?sig=1', authorization: null, redirect: 'follow', credentials: 'omit' },
    ]);
  });

  it('keeps the token across a same-origin redirect (a renamed repo) and drops it after', async () => {
    const net = network({
      [`${ENDPOINT}/old/name/resolve/abc/f`]: redirect('/new/name/resolve/abc/f', 307),
      [`${ENDPOINT}/new/name/resolve/abc/f`]: redirect('https://cdn.test/f'),
      'https://cdn.test/f': ok(),
    });
    await hubRequest(`${ENDPOINT}/old/name/resolve/abc/f`, {}, { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch });
    expect(net.log.map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, null]);
  });

  it('never forwards an Authorization header the caller set, and never sends the token to another origin', async () => {
    const net = network({ 'https://elsewhere.test/x': ok() });
    await hubRequest('https://elsewhere.test/x', { headers: { Authorization: 'Bearer leaked' } }, { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch });
    expect(net.log[0]!.authorization).toBeNull();
  });

  it('does not confuse a look-alike host with the Hub', async () => {
    const net = network({ 'https://hub.test.evil.example/x': ok(), 'http://hub.test/x': ok() });
    await hubRequest('https://hub.test.evil.example/x', {}, { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch });
    await hubRequest('http://hub.test/x', {}, { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch });
    expect(net.log.map((r) => r.authorization)).toEqual([null, null]);
  });

  it('stops after too many redirects', async () => {
    const net = network({ [`${ENDPOINT}/a`]: redirect(`${ENDPOINT}/a`) });
    await expect(hubRequest(`${ENDPOINT}/a`, {}, { endpoint: ENDPOINT, token: TOKEN, fetch: net.fetch })).rejects.toMatchObject({ kind: 'bad-response' });
    expect(net.log).toHaveLength(6);
  });

  it('turns HTTP errors into HubErrors and aborts into CancelledError', async () => {
    const net = network({});
    await expect(hubRequest(`${ENDPOINT}/missing`, {}, { endpoint: ENDPOINT, fetch: net.fetch }, { repo: 'org/name' })).rejects.toBeInstanceOf(HubError);
    const controller = new AbortController();
    controller.abort();
    await expect(hubRequest(`${ENDPOINT}/missing`, {}, { endpoint: ENDPOINT, fetch: net.fetch, signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const later = new AbortController();
    const pendingWithSignal = hubRequest(`${ENDPOINT}/x`, { signal: later.signal }, { endpoint: ENDPOINT, fetch: hanging });
    later.abort();
    await expect(pendingWithSignal).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('createHubFetch', () => {
  it('refuses anything but reads', async () => {
    const net = network({});
    const doFetch = createHubFetch({ endpoint: ENDPOINT, fetch: net.fetch });
    await expect(doFetch(`${ENDPOINT}/api/repos/create`, { method: 'POST' })).rejects.toMatchObject({ kind: 'bad-request' });
    expect(net.log).toHaveLength(0);
  });
});

describe('runPool', () => {
  it('runs at most `limit` tasks at once, all of them', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      done.push(n);
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('throws the first failure, not the cancellations it caused, and starts nothing after it', async () => {
    const started: number[] = [];
    const failure = new Error('boom');
    const promise = runPool([1, 2, 3, 4, 5], 2, async (n, signal) => {
      started.push(n);
      if (n === 1) throw failure;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 50);
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(new CancelledError())));
      });
    });
    await expect(promise).rejects.toBe(failure);
    expect(started).toEqual([1, 2]);
  });

  it('throws CancelledError when its signal aborts', async () => {
    const controller = new AbortController();
    const promise = runPool(
      [1, 2, 3],
      1,
      async (n) => {
        if (n === 1) controller.abort();
      },
      controller.signal,
    );
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
  });
});
