import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer, type RequestRecord } from '../../e2e/hub-server/server.mjs';
import {
  TEST_REPOS,
  TEST_TOKENS,
  TINY_PARAMETERS,
  TINY_TENSORS,
  VIRTUAL_70B_PARAMETERS,
  VIRTUAL_70B_SHARDS,
  VIRTUAL_70B_TENSORS,
} from '../../e2e/hub-server/repos.mjs';
import { CancelledError } from '../model/errors';
import { HubError, isRetryable, retryDelay } from './hub-error';
import { hubByteSource } from './hub-file-source';
import { openHubRepo, type HubOpenProgress } from './open-hub-repo';
import { resolveRepo } from './resolve-repo';

let server: HubServer;
let endpoint: string;

beforeAll(async () => {
  server = await startHubServer({ pageSize: 20 });
  endpoint = server.endpoint;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cdnRequests = () => server.stats().requests.filter((r) => r.origin === 'cdn');
const hubRequests = () => server.stats().requests.filter((r) => r.origin === 'hub');
const authorization = (r: RequestRecord) => r.headers['authorization'];

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe('resolveRepo', () => {
  it('pins the revision to the commit and lists every file, across pages', async () => {
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.virtual70b });
    expect(resolved.repo).toBe(TEST_REPOS.virtual70b);
    expect(resolved.revision).toBe('main');
    expect(resolved.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(resolved.gated).toBe(false);
    expect(resolved.private).toBe(false);
    expect(resolved.truncated).toBe(false);
    // 30 shards, the index, 10 files in original/ and 9 others; the directory is left out.
    expect(resolved.files).toHaveLength(50);
    expect(resolved.files.some((f) => f.path === 'original')).toBe(false);
    const shard = resolved.files.find((f) => f.path === 'model-00001-of-00030.safetensors')!;
    expect(shard.lfs).toEqual({ oid: expect.stringMatching(/^[0-9a-f]{64}$/), size: shard.size });
    expect(shard.size).toBeGreaterThan(4e9);
    expect(resolved.files.find((f) => f.path === 'config.json')!.lfs).toBeUndefined();
    // The listing is read at the commit, page by page (20 entries a page, 51 with the folder).
    const trees = hubRequests().filter((r) => r.url.includes('/tree/'));
    expect(trees).toHaveLength(3);
    expect(trees.every((r) => r.url.includes(`/tree/${resolved.commit}`))).toBe(true);
  });

  it('resolves a branch, a tag and an encoded PR ref to their commits', async () => {
    const main = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny });
    const pr = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny, revision: 'refs/pr/1' });
    const tag = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny, revision: 'v1.0' });
    expect(pr.revision).toBe('refs/pr/1');
    expect(new Set([main.commit, pr.commit, tag.commit]).size).toBe(3);
    expect(hubRequests().some((r) => r.url.includes('/revision/refs%2Fpr%2F1'))).toBe(true);
    const pinned = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny, revision: pr.commit });
    expect(pinned.commit).toBe(pr.commit);
  });

  it('resolves a legacy single-name repo', async () => {
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.tinyLegacy });
    expect(resolved.files.map((f) => f.path)).toContain('model.safetensors');
  });

  it('maps a missing repo and a missing revision to their kinds', async () => {
    const missing = await rejection(resolveRepo({ endpoint, repo: 'nobody/nothing' }));
    expect(missing.kind).toBe('repo-not-found');
    expect(missing.status).toBe(401);
    expect(missing.errorCode).toBe('RepoNotFound');
    expect(missing.requestId).toMatch(/^Root=/);
    expect(missing.url).toContain('/api/models/nobody/nothing/revision/main');
    expect(missing.message).toMatch(/nobody\/nothing was not found .*private: log in with a token/);
    expect(isRetryable(missing)).toBe(false);

    const withToken = await rejection(resolveRepo({ endpoint, repo: 'nobody/nothing', token: TEST_TOKENS.notGranted }));
    expect(withToken).toMatchObject({ kind: 'repo-not-found', status: 404 });

    const revision = await rejection(resolveRepo({ endpoint, repo: TEST_REPOS.tiny, revision: 'no-such-branch' }));
    expect(revision).toMatchObject({ kind: 'revision-not-found', status: 404, errorCode: 'RevisionNotFound' });
    expect(revision.message).toMatch(/no revision "no-such-branch"/);
  });

  it('reads a private repo only with a token that may', async () => {
    const anonymous = await rejection(resolveRepo({ endpoint, repo: TEST_REPOS.tinyPrivate }));
    expect(anonymous.kind).toBe('repo-not-found');
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.tinyPrivate, token: TEST_TOKENS.granted });
    expect(resolved.private).toBe(true);
  });

  it('refuses an invalid token and bad input before or without retrying', async () => {
    const refused = await rejection(resolveRepo({ endpoint, repo: TEST_REPOS.tiny, token: 'hf_wrong' }));
    expect(refused).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(refused.message).toMatch(/refused the token/);
    await expect(resolveRepo({ endpoint, repo: 'a/b/c' })).rejects.toMatchObject({ kind: 'bad-request' });
    await expect(resolveRepo({ endpoint: 'ftp://x', repo: 'a/b' })).rejects.toMatchObject({ kind: 'bad-request' });
    await expect(resolveRepo({ endpoint, repo: 'a/b', token: 'hf_ with space' })).rejects.toMatchObject({ kind: 'bad-request' });
  });

  it('classifies 429 as retryable with the Retry-After delay, and succeeds on retry', async () => {
    server.fail({ repo: TEST_REPOS.tiny, status: 429, count: 1, retryAfter: 1 });
    const limited = await rejection(resolveRepo({ endpoint, repo: TEST_REPOS.tiny }));
    expect(limited).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 1000 });
    expect(limited.message).toMatch(/try again in 1 s/);
    expect(isRetryable(limited)).toBe(true);
    expect(limited.transient).toBe(true);
    expect(retryDelay(limited, 0)).toBe(1000);
    expect(retryDelay(limited, 5)).toBe(1000);
    await expect(resolveRepo({ endpoint, repo: TEST_REPOS.tiny })).resolves.toMatchObject({ repo: TEST_REPOS.tiny });
  });

  it('classifies 5xx as retryable', async () => {
    server.fail({ repo: TEST_REPOS.tiny, status: 503, count: 1 });
    const error = await rejection(resolveRepo({ endpoint, repo: TEST_REPOS.tiny }));
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(isRetryable(error)).toBe(true);
    expect(retryDelay(error, 0)).toBe(1000);
    expect(retryDelay(error, 2)).toBe(4000);
  });

  it('says the endpoint cannot be reached when nothing listens there', async () => {
    const dead = await startHubServer();
    const deadEndpoint = dead.endpoint;
    await dead.close();
    const error = await rejection(resolveRepo({ endpoint: deadEndpoint, repo: 'a/b' }));
    expect(error.kind).toBe('cors');
    expect(error.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+: it is down, or it does not allow requests from this page/);
    const offline = await rejection(resolveRepo({ endpoint: deadEndpoint, repo: 'a/b', online: false }));
    expect(offline.kind).toBe('offline');
    expect(isRetryable(offline)).toBe(true);
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(resolveRepo({ endpoint, repo: TEST_REPOS.tiny, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('openHubRepo', () => {
  it('opens the tiny repo with its exact parameter count, pinned to the commit', async () => {
    const progress: HubOpenProgress[] = [];
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.tiny, onProgress: (p) => progress.push(p) });
    const { document } = result;
    expect(document.parameters.total).toBe(TINY_PARAMETERS);
    expect(document.parameters.byDtype).toEqual({ BF16: TINY_PARAMETERS });
    expect(document.tensors).toHaveLength(TINY_TENSORS);
    expect(document.formats).toEqual(['safetensors', 'config', 'card']);
    expect(document.config?.architectures).toEqual(['LlamaForCausalLM']);
    expect(document.card?.body).toBeTruthy();
    expect(document.source).toMatchObject({ kind: 'hub', repo: { id: TEST_REPOS.tiny, revision: 'main', commit: result.repo.commit } });
    expect(document.warnings.filter((w) => w.severity !== 'info')).toEqual([]);
    expect(result.generationConfig).toMatchObject({ bos_token_id: 1, eos_token_id: 2 });
    expect(result.files.find((f) => f.path === 'model.safetensors')).toMatchObject({ kind: 'safetensors', opened: true, pickle: false });
    expect(result.files.find((f) => f.path === '.gitattributes')).toMatchObject({ kind: 'other', opened: false });

    // Every file read was pinned to the commit; the weights never downloaded.
    const resolves = hubRequests().filter((r) => r.url.includes('/resolve/'));
    expect(resolves.length).toBeGreaterThan(0);
    expect(resolves.every((r) => r.url.includes(`/resolve/${result.repo.commit}/`))).toBe(true);
    const stats = server.stats();
    expect(stats.cdn.bytes).toBeLessThan(4096);
    expect(progress.at(-1)?.phase).toBe('parsing');
    expect(progress.some((p) => p.phase === 'reading' && p.file === 'model.safetensors')).toBe(true);
  });

  it('opens the 30-shard 70B repo reading only headers: under 4 MiB in all', async () => {
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.virtual70b });
    const { document } = result;
    expect(document.parameters.total).toBe(VIRTUAL_70B_PARAMETERS);
    expect(document.parameters.total).toBe(70_553_706_496);
    expect(document.tensors).toHaveLength(VIRTUAL_70B_TENSORS);
    expect(document.files.filter((f) => f.format === 'safetensors')).toHaveLength(VIRTUAL_70B_SHARDS);
    // The repo's tokenizer_config.json and special_tokens_map.json are read whole, like the config.
    expect(document.formats).toEqual(['safetensors', 'safetensors-index', 'config', 'card', 'special-tokens-map', 'tokenizer-config']);
    expect(document.warnings.filter((w) => w.severity !== 'info')).toEqual([]);
    expect(document.config?.estimate?.estimate).toBeDefined();

    const stats = server.stats();
    expect(stats.hub.bytes + stats.cdn.bytes).toBeLessThan(4 * 1024 * 1024);
    // Never a weight byte: every CDN read ends inside its shard's header.
    for (const record of cdnRequests()) {
      const match = /^bytes=(\d+)-(\d+)$/.exec(String(record.headers['range']));
      expect(match, `CDN request without a bounded Range: ${record.url}`).not.toBeNull();
    }
    const shardBytes = cdnRequests().reduce((sum, r) => sum + r.bytes, 0);
    const headerBytes = document.files.reduce((sum, f) => sum + (f.format === 'safetensors' ? 8 + f.headerLength : 0), 0);
    expect(shardBytes).toBe(headerBytes);
    // Pickle files are listed, flagged and not opened.
    const pth = result.files.filter((f) => f.path.startsWith('original/consolidated'));
    expect(pth).toHaveLength(8);
    expect(pth.every((f) => f.pickle && f.kind === 'pickle' && !f.opened)).toBe(true);
  });

  it('reads shard headers in parallel, at most `concurrency` at a time', async () => {
    server.setLatency(20);
    try {
      let inFlight = 0;
      let peak = 0;
      const countingFetch: typeof fetch = async (input, init) => {
        peak = Math.max(peak, ++inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      };
      await openHubRepo({ endpoint, repo: TEST_REPOS.virtual70b, fetch: countingFetch, concurrency: 4 });
      expect(peak).toBe(4);
    } finally {
      server.setLatency(0);
    }
  });

  it('fails on a gated repo without a token with the token message, then opens with one', async () => {
    const anonymous = await rejection(openHubRepo({ endpoint, repo: TEST_REPOS.tinyGated }));
    expect(anonymous).toMatchObject({ kind: 'gated', status: 401, errorCode: 'GatedRepo' });
    expect(anonymous.message).toMatch(/this model is gated: log in with a token that has accepted its conditions/);
    expect(isRetryable(anonymous)).toBe(false);

    const notGranted = await rejection(openHubRepo({ endpoint, repo: TEST_REPOS.tinyGated, token: TEST_TOKENS.notGranted }));
    expect(notGranted).toMatchObject({ kind: 'gated', status: 403 });
    expect(notGranted.message).toMatch(/has not been granted access/);

    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.tinyGated, token: TEST_TOKENS.granted });
    expect(result.repo.gated).toBe('manual');
    expect(result.document.parameters.total).toBe(TINY_PARAMETERS);
  });

  it('never sends the token to the CDN, only to the Hub', async () => {
    server.reset();
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.llama70bGated, token: TEST_TOKENS.granted });
    expect(result.document.parameters.total).toBe(VIRTUAL_70B_PARAMETERS);
    const requests = server.stats().requests;
    const cdn = requests.filter((r) => r.origin === 'cdn');
    expect(cdn.length).toBeGreaterThanOrEqual(2 * VIRTUAL_70B_SHARDS);
    for (const record of cdn) {
      expect(authorization(record)).toBeUndefined();
      expect(JSON.stringify(record)).not.toContain(TEST_TOKENS.granted);
      expect(record.headers['cookie']).toBeUndefined();
    }
    const hub = requests.filter((r) => r.origin === 'hub');
    expect(hub.every((r) => authorization(r) === `Bearer ${TEST_TOKENS.granted}`)).toBe(true);
    // Each shard is resolved through the Hub once; its later reads go straight to the CDN.
    const shardResolves = hub.filter((r) => r.url.includes('/resolve/') && r.url.endsWith('.safetensors'));
    expect(shardResolves).toHaveLength(VIRTUAL_70B_SHARDS);
  });

  it('never sends the token to the CDN when the runtime follows redirects itself (browser path)', async () => {
    // A fetch that, like a browser's, answers redirect: 'manual' with an opaque redirect and
    // follows redirects itself, dropping Authorization across origins as the Fetch standard says.
    let opaque = 0;
    const browserLikeFetch: typeof fetch = async (input, init) => {
      if (init?.redirect === 'manual') {
        const probe = await fetch(input, init);
        if (probe.status < 300 || probe.status >= 400) return probe;
        await probe.body?.cancel();
        opaque++;
        return opaqueRedirect();
      }
      return fetch(input, { ...init, redirect: 'follow' });
    };
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.tinyGated, token: TEST_TOKENS.granted, fetch: browserLikeFetch });
    expect(result.document.parameters.total).toBe(TINY_PARAMETERS);
    const cdn = cdnRequests();
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => authorization(r) === undefined)).toBe(true);
    // The one LFS file's resolve came back opaque once, then was sent again with redirect: 'follow'.
    expect(opaque).toBe(1);
    const again = await openHubRepo({ endpoint, repo: TEST_REPOS.tinyGated, token: TEST_TOKENS.granted, fetch: browserLikeFetch });
    expect(again.document.parameters.total).toBe(TINY_PARAMETERS);
    expect(opaque).toBe(1); // learned: no second probe
    expect(cdnRequests().every((r) => authorization(r) === undefined)).toBe(true);
  });

  it('sends no Authorization at all without a token', async () => {
    await openHubRepo({ endpoint, repo: TEST_REPOS.tiny });
    expect(server.stats().requests.every((r) => authorization(r) === undefined)).toBe(true);
  });

  it('lists ONNX and pickle files without opening them', async () => {
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.mixed });
    expect(result.document.parameters.total).toBe(TINY_PARAMETERS);
    const byPath = new Map(result.files.map((f) => [f.path, f]));
    expect(byPath.get('onnx/model.onnx')).toMatchObject({ kind: 'onnx', opened: false, pickle: false, lfs: expect.any(Object) });
    expect(byPath.get('onnx/model.onnx_data')).toMatchObject({ kind: 'onnx-data', opened: false });
    expect(byPath.get('pytorch_model.bin')).toMatchObject({ kind: 'pickle', pickle: true, opened: false });
    expect(byPath.get('original/consolidated.00.pth')).toMatchObject({ kind: 'pickle', pickle: true, opened: false });
    const read = server.stats().requests.filter((r) => r.url.includes('/resolve/'));
    expect(read.some((r) => /onnx|\.bin|\.pth/.test(r.url))).toBe(false);
  });

  it('explains a repo with nothing it can open', async () => {
    await expect(openHubRepo({ endpoint, repo: TEST_REPOS.pickleOnly })).rejects.toThrow(
      /has no safetensors weights, config.json or README.md to open; it has pickle weights \(pytorch_model\.bin\)/,
    );
  });

  it('opens exactly the paths asked for', async () => {
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.virtual70b, paths: ['config.json', 'model-00002-of-00030.safetensors'] });
    expect(result.document.formats).toEqual(['safetensors', 'config']);
    expect(
      result.files
        .filter((f) => f.opened)
        .map((f) => f.path)
        .sort(),
    ).toEqual(['config.json', 'model-00002-of-00030.safetensors']);
    await expect(openHubRepo({ endpoint, repo: TEST_REPOS.tiny, paths: ['nope.json'] })).rejects.toThrow(/nope\.json is not a file/);
  });

  it('reuses a resolved repo without asking the Hub again', async () => {
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny });
    server.reset();
    const result = await openHubRepo({ endpoint, repo: TEST_REPOS.tiny, resolved });
    expect(result.repo).toBe(resolved);
    expect(hubRequests().some((r) => r.url.startsWith('/api/'))).toBe(false);
  });

  it('is cancelled by its signal, mid-way', async () => {
    const controller = new AbortController();
    const promise = openHubRepo({
      endpoint,
      repo: TEST_REPOS.virtual70b,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'reading' && p.done === 3) controller.abort();
      },
    });
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('hubByteSource', () => {
  it('reads ranges from the CDN after one redirect, and maps a missing file to entry-not-found', async () => {
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny });
    const file = resolved.files.find((f) => f.path === 'model.safetensors')!;
    server.reset();
    const source = hubByteSource({ endpoint, repo: resolved.repo, commit: resolved.commit, path: file.path, size: file.size });
    expect(source.hubUrl).toBe(`${endpoint}/${TEST_REPOS.tiny}/resolve/${resolved.commit}/model.safetensors`);
    const head = await source.read(0, 8);
    expect(head).toHaveLength(8);
    expect(source.downloadUrl.startsWith(server.cdnOrigin)).toBe(true);
    await source.read(100, 10);
    const requests = server.stats().requests;
    expect(requests.map((r) => [r.origin, r.headers['range']])).toEqual([
      ['hub', 'bytes=0-7'],
      ['cdn', 'bytes=0-7'],
      ['cdn', 'bytes=100-109'],
    ]);

    const missing = hubByteSource({ endpoint, repo: resolved.repo, commit: resolved.commit, path: 'missing.json', size: 10 });
    const error = await rejection(missing.read(0, 1));
    expect(error).toMatchObject({ kind: 'entry-not-found', status: 404, errorCode: 'EntryNotFound', file: 'missing.json' });
    expect(error.message).toMatch(/missing\.json was not found in loupe-test\/tiny-llama/);
  });

  it('asks the Hub for a fresh link when the CDN link has expired', async () => {
    const resolved = await resolveRepo({ endpoint, repo: TEST_REPOS.tiny });
    const file = resolved.files.find((f) => f.path === 'model.safetensors')!;
    const source = hubByteSource({ endpoint, repo: resolved.repo, commit: resolved.commit, path: file.path, size: file.size });
    await source.read(0, 8);
    const before = source.downloadUrl;
    server.expireCdnLinks();
    server.reset();
    expect(await source.read(8, 4)).toHaveLength(4);
    expect(source.downloadUrl).not.toBe(before);
    expect(server.stats().requests.map((r) => [r.origin, r.status])).toEqual([
      ['cdn', 403],
      ['hub', 302],
      ['cdn', 206],
    ]);
  });
});

/** What a browser's fetch returns for redirect: 'manual': an opaque redirect, status 0, no headers. */
function opaqueRedirect(): Response {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(response, 'status', { value: 0 });
  return response;
}
