// A local Hugging Face Hub for tests and the bench: plain Node http, no dependencies.
// It answers like the Hub: model info, paginated tree listings, resolve URLs that redirect LFS
// files to a second origin (the "CDN"), Range requests, CORS, gating, typed error codes.
// It counts requests and bytes per origin and records every request's headers, so tests can
// prove what was downloaded and that the token never reached the CDN. See README.md.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { buildRepos, TEST_TOKENS } from './repos.mjs';

const EXPOSE_HEADERS = [
  'Content-Range',
  'Content-Length',
  'Content-Type',
  'Accept-Ranges',
  'ETag',
  'Location',
  'Link',
  'Retry-After',
  'X-Repo-Commit',
  'X-Linked-Size',
  'X-Linked-Etag',
  'X-Error-Code',
  'X-Error-Message',
  'X-Request-Id',
].join(', ');
const ALLOW_HEADERS = ['Authorization', 'Range', 'Content-Type', 'Accept', 'Cache-Control', 'If-None-Match', 'If-Range', 'X-Requested-With'];
const ZEROS = Buffer.alloc(1024 * 1024);
const REVISION_WORDS = new Set(['revision', 'tree', 'resolve']);

/**
 * @param {import('./server.d.mts').HubServerOptions} [options]
 * @returns {Promise<import('./server.d.mts').HubServer>}
 */
export async function startHubServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const pageSize = options.pageSize ?? 20;
  const repos = buildRepos();
  const secret = randomBytes(16).toString('hex');
  let latencyMs = options.latencyMs ?? 0;
  let linkEpoch = 0;
  let requestCounter = 0;
  /** @type {Map<string, { status: number, remaining: number, retryAfter: number }>} */
  const failures = new Map();
  let stats = emptyStats();
  let endpoint = '';
  let cdnOrigin = '';

  /** Every response: CORS, CORP (the app page is cross-origin isolated), a request id. */
  function baseHeaders(res, requestId) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Timing-Allow-Origin', '*');
    res.setHeader('X-Request-Id', requestId);
  }

  function preflight(req, res) {
    const asked = (req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const allowed = [...new Set([...ALLOW_HEADERS, ...asked])];
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', allowed.join(', '));
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
    res.writeHead(204);
    res.end();
  }

  /** Wraps a handler: latency, base headers, preflight, and the request's record in the stats. */
  function handler(origin, handle) {
    return (req, res) => {
      const requestId = `Root=1-${Date.now().toString(16)}-${(++requestCounter).toString(16).padStart(8, '0')}`;
      baseHeaders(res, requestId);
      const url = new URL(req.url ?? '/', 'http://local');
      const control = url.pathname.startsWith('/__control/');
      /** @type {import('./server.d.mts').RequestRecord} */
      const record = { origin, method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, status: 0, bytes: 0, requestId };
      if (!control) {
        stats.requests.push(record);
        stats[origin].requests++;
      }
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      const count = (chunk) => {
        if (chunk && typeof chunk !== 'function' && req.method !== 'HEAD') {
          const n = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
          record.bytes += n;
          if (!control) stats[origin].bytes += n;
        }
      };
      res.write = (chunk, ...rest) => (count(chunk), write(chunk, ...rest));
      res.end = (chunk, ...rest) => (count(chunk), end(chunk, ...rest));
      res.on('finish', () => (record.status = res.statusCode));
      const run = async () => {
        if (latencyMs > 0 && !control) await new Promise((r) => setTimeout(r, latencyMs));
        if (req.method === 'OPTIONS') return preflight(req, res);
        await handle(req, res, url, record);
      };
      run().catch((error) => {
        if (!res.headersSent) sendError(res, 500, undefined, `Internal error: ${error?.message ?? error}`);
        else res.destroy();
      });
    };
  }

  // ---------------------------------------------------------------- Hub origin

  async function handleHub(req, res, url) {
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0] === '__control') return control(req, res, url, segments[1]);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, undefined, 'Method not allowed');
    const auth = authOf(req);

    if (segments[0] === 'api' && segments[1] === 'whoami-v2') {
      if (auth.state !== 'valid') return sendError(res, 401, undefined, 'Invalid credentials in Authorization header');
      return sendJson(res, {
        type: 'user',
        name: auth.token === TEST_TOKENS.granted ? 'loupe-granted' : 'loupe-not-granted',
        auth: { type: 'access_token', accessToken: { role: 'read' } },
      });
    }
    if (segments[0] === 'api' && segments[1] === 'models') return api(req, res, url, segments.slice(2), auth);
    if (segments[0] === 'api' && (segments[1] === 'datasets' || segments[1] === 'spaces'))
      return sendError(res, auth.state === 'none' ? 401 : 404, 'RepoNotFound', 'Repository not found');

    // /{repo}/resolve/{rev}/{path}
    const split = splitRepo(segments, 0);
    if (split && split.rest[0] === 'resolve') return resolve(req, res, split.id, split.rest.slice(1), auth);
    return sendError(res, 404, undefined, 'Not found');
  }

  /** Finds `ORG/NAME` or a legacy `NAME` at `segments[start]`. */
  function splitRepo(segments, start) {
    const a = segments[start];
    const b = segments[start + 1];
    if (a === undefined) return undefined;
    const two = b === undefined ? undefined : `${decode(a)}/${decode(b)}`;
    if (two && repos.has(two)) return { id: two, rest: segments.slice(start + 2) };
    if (repos.has(decode(a)) && (b === undefined || REVISION_WORDS.has(b))) return { id: decode(a), rest: segments.slice(start + 1) };
    if (b === undefined || REVISION_WORDS.has(b)) return { id: decode(a), rest: segments.slice(start + 1) };
    return { id: two, rest: segments.slice(start + 2) };
  }

  function injectedFailure(res, repoId) {
    const failure = failures.get(repoId);
    if (!failure || failure.remaining <= 0) return false;
    failure.remaining--;
    if (failure.status === 429) res.setHeader('Retry-After', String(failure.retryAfter));
    const message =
      failure.status === 429
        ? `You have been rate-limited; you can retry this action in about ${failure.retryAfter} second(s).`
        : "Internal Error - We're working hard to fix this as soon as possible!";
    sendError(res, failure.status, undefined, message);
    return true;
  }

  /** Access control as the Hub does it. Returns true when an error was sent. */
  function denied(res, repo, repoId, auth, forFiles) {
    if (auth.state === 'invalid') return (sendError(res, 401, undefined, 'Invalid credentials in Authorization header'), true);
    const granted = auth.state === 'valid' && auth.token === TEST_TOKENS.granted;
    if (!repo || (repo.private && !granted)) {
      // Anonymous callers get 401, so that private repos cannot be told from missing ones.
      return (sendError(res, auth.state === 'none' ? 401 : 404, 'RepoNotFound', `Repository not found: ${repoId}`), true);
    }
    if (forFiles && repo.gated && !granted) {
      if (auth.state === 'none') {
        sendError(
          res,
          401,
          'GatedRepo',
          `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        );
      } else {
        sendError(
          res,
          403,
          'GatedRepo',
          `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit ${endpoint}/${repo.id} to ask for access.`,
        );
      }
      return true;
    }
    return false;
  }

  function commitOf(repo, rev) {
    if (repo.revisions[rev]) return repo.revisions[rev];
    if (rev === 'HEAD') return repo.revisions.main;
    if (Object.values(repo.revisions).includes(rev)) return rev;
    return undefined;
  }

  async function api(req, res, url, segments, auth) {
    const split = splitRepo(segments, 0);
    if (!split) return sendError(res, 404, undefined, 'Not found');
    const repo = repos.get(split.id);
    if (injectedFailure(res, split.id)) return;
    if (denied(res, repo, split.id, auth, false)) return;
    const [view, rawRev, ...pathSegments] = split.rest;
    const rev = rawRev === undefined ? 'main' : decode(rawRev);
    if (view !== undefined && view !== 'revision' && view !== 'tree') return sendError(res, 404, undefined, 'Not found');
    const sha = commitOf(repo, rev);
    if (!sha) return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    if (view === 'tree') return tree(res, url, repo, sha, pathSegments.map(decode).join('/'), rawRev);
    return sendJson(res, modelInfoJson(repo, sha, url.searchParams.getAll('expand')));
  }

  function modelInfoJson(repo, sha, expand) {
    const full = {
      _id: createHash('md5').update(repo.id).digest('hex').slice(0, 24),
      id: repo.id,
      modelId: repo.id,
      author: repo.id.includes('/') ? repo.id.split('/')[0] : undefined,
      sha,
      lastModified: '2024-09-25T14:20:00.000Z',
      createdAt: '2024-07-16T15:05:00.000Z',
      private: repo.private,
      gated: repo.gated,
      disabled: false,
      downloads: 0,
      likes: 0,
      library_name: 'transformers',
      pipeline_tag: 'text-generation',
      tags: ['transformers', 'safetensors', 'llama', 'text-generation'],
      siblings: repo.files.map((f) => ({ rfilename: f.path })),
      spaces: [],
      ...(repo.parameters ? { safetensors: { parameters: { BF16: repo.parameters }, total: repo.parameters } } : {}),
    };
    if (expand.length === 0) return full;
    const out = { _id: full._id, id: full.id };
    for (const key of expand) if (key in full) out[key] = full[key];
    return out;
  }

  function tree(res, url, repo, sha, folder, rawRev) {
    const recursive = url.searchParams.get('recursive') === 'true' || url.searchParams.get('recursive') === '1';
    const prefix = folder ? `${folder}/` : '';
    const entries = [];
    const dirs = new Set();
    for (const file of repo.files) {
      if (!file.path.startsWith(prefix)) continue;
      const rest = file.path.slice(prefix.length);
      const parts = rest.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = prefix + parts.slice(0, i).join('/');
        if (!dirs.has(dir) && (recursive || i === 1)) {
          dirs.add(dir);
          entries.push({ type: 'directory', oid: createHash('sha1').update(`tree:${repo.id}:${dir}`).digest('hex'), size: 0, path: dir });
        }
      }
      if (!recursive && parts.length > 1) continue;
      const entry = { type: 'file', oid: file.gitOid, size: file.size, path: file.path };
      if (file.lfs)
        entry.lfs = {
          oid: file.lfsOid,
          size: file.size,
          pointerSize: Buffer.byteLength(`version https://git-lfs.github.com/spec/v1\noid sha256:${file.lfsOid}\nsize ${file.size}\n`),
        };
      entries.push(entry);
    }
    if (folder && entries.length === 0) return sendError(res, 404, 'EntryNotFound', `${folder} does not exist on "${sha}"`);
    const offset = decodeCursor(url.searchParams.get('cursor'));
    const page = entries.slice(offset, offset + pageSize);
    if (offset + pageSize < entries.length) {
      const next = new URL(`${endpoint}/api/models/${repo.id}/tree/${rawRev}${folder ? `/${folder}` : ''}`);
      for (const [key, value] of url.searchParams) if (key !== 'cursor') next.searchParams.append(key, value);
      next.searchParams.set('cursor', Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString('base64url'));
      res.setHeader('Link', `<${next.href}>; rel="next"`);
    }
    return sendJson(res, page);
  }

  function resolve(req, res, repoId, rest, auth) {
    const repo = repos.get(repoId);
    if (injectedFailure(res, repoId)) return;
    if (denied(res, repo, repoId, auth, true)) return;
    const [rawRev, ...pathSegments] = rest;
    if (rawRev === undefined) return sendError(res, 404, undefined, 'Not found');
    const rev = decode(rawRev);
    const sha = commitOf(repo, rev);
    if (!sha) return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    const path = pathSegments.map(decode).join('/');
    const file = repo.files.find((f) => f.path === path);
    if (!file) return sendError(res, 404, 'EntryNotFound', 'Entry not found');
    res.setHeader('X-Repo-Commit', sha);
    if (file.lfs) {
      const location = `${cdnOrigin}/repos/${file.lfsOid.slice(0, 2)}/${file.lfsOid.slice(2, 4)}/${file.lfsOid}?${signedQuery(file.lfsOid, path)}`;
      res.setHeader('Location', location);
      res.setHeader('X-Linked-Size', String(file.size));
      res.setHeader('X-Linked-Etag', `"${file.lfsOid}"`);
      res.setHeader('ETag', `"${file.lfsOid}"`);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.writeHead(302);
      return res.end(req.method === 'HEAD' ? undefined : `Found. Redirecting to ${location}`);
    }
    res.setHeader('ETag', `"${file.gitOid}"`);
    return sendFile(req, res, file);
  }

  // ---------------------------------------------------------------- CDN origin

  function signature(oid, epoch) {
    return createHash('sha256').update(`${secret}:${epoch}:${oid}`).digest('hex');
  }

  function signedQuery(oid, path) {
    const query = new URLSearchParams({
      'response-content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(path.split('/').pop() ?? path)}`,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Expires': '3600',
      'X-Amz-Epoch': String(linkEpoch),
      'X-Amz-Signature': signature(oid, linkEpoch),
    });
    return query.toString();
  }

  async function handleCdn(req, res, url) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, undefined, 'Method not allowed');
    const match = /^\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(url.pathname);
    const file = match ? findLfs(match[1]) : undefined;
    const epoch = url.searchParams.get('X-Amz-Epoch');
    const valid = match && epoch === String(linkEpoch) && url.searchParams.get('X-Amz-Signature') === signature(match[1], linkEpoch);
    if (!file || !valid) {
      res.setHeader('Content-Type', 'application/xml');
      res.writeHead(403);
      return res.end(
        req.method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
    }
    res.setHeader('ETag', `"${file.lfsOid}"`);
    res.setHeader('Cache-Control', 'public, max-age=604800, immutable');
    return sendFile(req, res, file);
  }

  function findLfs(oid) {
    for (const repo of repos.values()) for (const file of repo.files) if (file.lfsOid === oid) return file;
    return undefined;
  }

  // ---------------------------------------------------------------- control

  function control(req, res, url, action) {
    const p = url.searchParams;
    switch (action) {
      case 'stats':
        return sendJson(res, snapshot());
      case 'reset':
        reset();
        return sendJson(res, { ok: true });
      case 'fail': {
        const repo = p.get('repo');
        if (!repo) return sendError(res, 400, undefined, 'repo is required');
        fail({ repo, status: Number(p.get('status') ?? 429), count: Number(p.get('count') ?? 1), retryAfter: Number(p.get('retryAfter') ?? 1) });
        return sendJson(res, { ok: true });
      }
      case 'latency':
        latencyMs = Number(p.get('ms') ?? 0);
        return sendJson(res, { ok: true, latencyMs });
      case 'expire-cdn-links':
        linkEpoch++;
        return sendJson(res, { ok: true });
      default:
        return sendError(res, 404, undefined, 'Unknown control action');
    }
  }

  function snapshot() {
    return structuredClone(stats);
  }

  function reset() {
    stats = emptyStats();
    failures.clear();
  }

  function fail({ repo, status = 429, count = 1, retryAfter = 1 }) {
    failures.set(repo, { status, remaining: count, retryAfter });
  }

  const hub = createServer(handler('hub', handleHub));
  const cdn = createServer(handler('cdn', handleCdn));
  hub.listen(options.port ?? 0, host);
  cdn.listen(options.cdnPort ?? 0, host);
  await Promise.all([once(hub, 'listening'), once(cdn, 'listening')]);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  endpoint = `http://${urlHost}:${hub.address().port}`;
  cdnOrigin = `http://${urlHost}:${cdn.address().port}`;

  return {
    endpoint,
    cdnOrigin,
    stats: snapshot,
    reset,
    fail,
    expireCdnLinks: () => void linkEpoch++,
    setLatency: (ms) => void (latencyMs = ms),
    async close() {
      for (const server of [hub, cdn]) server.closeAllConnections?.();
      await Promise.all([hub, cdn].map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))));
    },
  };
}

function emptyStats() {
  return { hub: { requests: 0, bytes: 0 }, cdn: { requests: 0, bytes: 0 }, requests: [] };
}

function authOf(req) {
  const header = req.headers.authorization;
  if (!header) return { state: 'none' };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const token = match?.[1];
  if (token === TEST_TOKENS.granted || token === TEST_TOKENS.notGranted) return { state: 'valid', token };
  return { state: 'invalid' };
}

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function decodeCursor(cursor) {
  if (!cursor) return 0;
  try {
    const offset = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).offset;
    return Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
  } catch {
    return 0;
  }
}

function sendJson(res, value, status = 200) {
  const body = Buffer.from(JSON.stringify(value));
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(body.length));
  res.writeHead(status);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendError(res, status, code, message) {
  if (code) res.setHeader('X-Error-Code', code);
  res.setHeader('X-Error-Message', message);
  sendJson(res, { error: message }, status);
}

/** Parses a single `bytes=` range. Undefined: answer the whole file; 'unsatisfiable': 416. */
function parseRange(header, size) {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined; // multiple or malformed ranges: ignored, as RFC 9110 allows
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || (match[2] !== '' && Number(match[2]) < start)) return 'unsatisfiable';
  return { start, end };
}

/** Answers a file (or a range of it), GET or HEAD. Virtual files are synthesized as they are sent. */
async function sendFile(req, res, file) {
  const range = parseRange(req.headers.range, file.size);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', contentType(file.path));
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    return sendError(res, 416, undefined, 'Range Not Satisfiable');
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : file.size - 1;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  res.writeHead(range ? 206 : 200);
  if (req.method === 'HEAD' || end < start) return res.end();
  if (file.content) return res.end(file.content.subarray(start, end + 1));
  // Virtual: the prefix's bytes, then zeros, 1 MiB at a time with backpressure.
  let position = start;
  if (position < file.prefix.length) {
    const chunk = file.prefix.subarray(position, Math.min(end + 1, file.prefix.length));
    position += chunk.length;
    if (!res.write(chunk)) await once(res, 'drain');
  }
  while (position <= end && !res.destroyed) {
    const n = Math.min(ZEROS.length, end + 1 - position);
    position += n;
    if (!res.write(n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  res.end();
}

function contentType(path) {
  if (path.endsWith('.json')) return 'application/json; charset=utf-8';
  if (path.endsWith('.md') || path.endsWith('.txt') || path === 'LICENSE' || path.endsWith('.gitattributes')) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
