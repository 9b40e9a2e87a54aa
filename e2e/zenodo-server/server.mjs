// A local Zenodo for tests and the bench: plain Node http, no dependencies.
// It behaves as zenodo.org does where it matters to a browser (zenodo/zenodo#2593):
// - the API (/api/records/…) sends CORS headers, but its file content URL ignores Range: always 200, whole body;
// - the web download (/records/{id}/files/{key}) honours Range, but sends no CORS headers;
// - concept ids answer 404, and /api/records/{id}/versions/latest redirects (302) to the latest version;
// - past a configurable number of requests, 429 with X-RateLimit-* and Retry-After;
// - a restricted record shows its metadata, and answers 403 on content.
// It counts the bytes it wrote before each client hung up. See README.md.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { buildRecords, fileJson, recordJson } from './records.mjs';

const EXPOSE_HEADERS = [
  'Content-Length',
  'Content-Type',
  'Content-Range',
  'Location',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
].join(', ');
const ZEROS = Buffer.alloc(1024 * 1024);
/** Zenodo's guest limit: 60 requests a minute. */
const DEFAULT_LIMIT = 60;
const DEFAULT_WINDOW_SECONDS = 60;

/**
 * @param {import('./server.d.mts').ZenodoServerOptions} [options]
 * @returns {Promise<import('./server.d.mts').ZenodoServer>}
 */
export async function startZenodoServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const { records, concepts } = buildRecords();
  let latencyMs = options.latencyMs ?? 0;
  let limit = options.rateLimit ?? DEFAULT_LIMIT;
  let windowSeconds = options.rateLimitWindowSeconds ?? DEFAULT_WINDOW_SECONDS;
  let window = newWindow();
  let stats = emptyStats();
  let endpoint = '';

  function newWindow() {
    return { used: 0, resetAt: Math.ceil(Date.now() / 1000) + windowSeconds };
  }

  /** Counts one request against the rate limit; sets the X-RateLimit headers; true when it is over the limit. */
  function rateLimited(res) {
    const now = Date.now() / 1000;
    if (now >= window.resetAt) window = newWindow();
    window.used++;
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - window.used)));
    res.setHeader('X-RateLimit-Reset', String(window.resetAt));
    if (window.used <= limit) return false;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(window.resetAt - now))));
    return true;
  }

  function cors(res) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  }

  function preflight(req, res) {
    const asked = (req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', [...new Set(['Accept', 'Content-Type', 'Range', ...asked])].join(', '));
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
    res.writeHead(204);
    res.end();
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://local');
    const segments = url.pathname.split('/').filter(Boolean).map(decode);
    if (segments[0] === '__control') {
      cors(res);
      return control(res, url, segments[1]);
    }
    /** @type {import('./server.d.mts').RequestRecord} */
    const record = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      range: req.headers.range ?? null,
      origin: req.headers.origin ?? null,
      status: 0,
      bytes: 0,
      hungUp: false,
    };
    stats.requests.push(record);
    countWrites(req, res, record);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));

    const api = segments[0] === 'api';
    // The API has CORS (preflights included); the web pages and downloads do not.
    if (api) cors(res);
    if (req.method === 'OPTIONS') return api ? preflight(req, res) : sendJson(res, { status: 405, message: 'Method not allowed' }, 405);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, { status: 405, message: 'Method not allowed' }, 405);
    if (rateLimited(res)) {
      stats.rateLimited++;
      return sendJson(res, { status: 429, message: 'Too many requests. Please wait and try again.' }, 429);
    }
    if (api && segments[1] === 'records') return apiRecords(req, res, segments.slice(2));
    if (!api && (segments[0] === 'records' || segments[0] === 'record')) return web(req, res, segments.slice(1));
    return notFound(res);
  }

  function apiRecords(req, res, [id, view, key, tail, ...more]) {
    if (id === undefined) return notFound(res);
    if (view === 'versions' && key === 'latest' && tail === undefined) {
      const latest = concepts.get(id) ?? (records.has(id) ? concepts.get(records.get(id).conceptId) : undefined);
      if (latest === undefined) return notFound(res);
      res.setHeader('Location', `${endpoint}/api/records/${latest}`);
      res.writeHead(302);
      return res.end();
    }
    const record = records.get(id);
    if (!record) return notFound(res);
    if (view === undefined) return sendJson(res, recordJson(record, endpoint));
    if (view !== 'files') return notFound(res);
    if (key === undefined) return sendJson(res, { enabled: true, entries: record.files.map((f) => fileJson(record, f, endpoint)) });
    const file = record.files.find((f) => f.key === key);
    if (!file || more.length > 0) return notFound(res);
    if (tail === undefined) return sendJson(res, fileJson(record, file, endpoint));
    if (tail !== 'content') return notFound(res);
    if (record.accessRight !== 'open') return sendJson(res, { status: 403, message: 'Permission denied.' }, 403);
    // zenodo/zenodo#2593: Range is ignored here.
    return sendFile(req, res, file, false);
  }

  function web(req, res, [id, view, key, ...more]) {
    const record = id === undefined ? undefined : records.get(id);
    if (!record) return notFound(res);
    if (view === undefined) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.writeHead(200);
      return res.end(`<!doctype html><title>${record.title}</title><h1>${record.title}</h1>`);
    }
    const file = view === 'files' && more.length === 0 ? record.files.find((f) => f.key === key) : undefined;
    if (!file) return notFound(res);
    if (record.accessRight !== 'open') return sendJson(res, { status: 403, message: 'Permission denied.' }, 403);
    return sendFile(req, res, file, true);
  }

  function control(res, url, action) {
    const p = url.searchParams;
    switch (action) {
      case 'stats':
        return sendJson(res, structuredClone(stats));
      case 'reset':
        stats = emptyStats();
        limit = options.rateLimit ?? DEFAULT_LIMIT;
        windowSeconds = options.rateLimitWindowSeconds ?? DEFAULT_WINDOW_SECONDS;
        window = newWindow();
        latencyMs = options.latencyMs ?? 0;
        return sendJson(res, { ok: true });
      case 'rate-limit':
        setRateLimit(Number(p.get('limit') ?? DEFAULT_LIMIT), Number(p.get('window') ?? DEFAULT_WINDOW_SECONDS));
        return sendJson(res, { ok: true, limit, windowSeconds });
      case 'latency':
        latencyMs = Number(p.get('ms') ?? 0);
        return sendJson(res, { ok: true, latencyMs });
      default:
        return sendJson(res, { status: 404, message: 'Unknown control action' }, 404);
    }
  }

  function setRateLimit(newLimit, newWindowSeconds) {
    limit = newLimit;
    windowSeconds = newWindowSeconds;
    window = newWindow();
  }

  /** Counts body bytes as they are written; on close, takes back what never left Node, and notes a hang-up. */
  function countWrites(req, res, record) {
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const count = (chunk) => {
      if (!chunk || typeof chunk === 'function' || req.method === 'HEAD') return;
      const n = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      record.bytes += n;
      stats.bytes += n;
    };
    res.write = (chunk, ...rest) => (count(chunk), write(chunk, ...rest));
    res.end = (chunk, ...rest) => (count(chunk), end(chunk, ...rest));
    res.on('close', () => {
      record.status = res.statusCode;
      if (!res.writableFinished) {
        record.hungUp = true;
        const unsent = Math.min(res.writableLength, record.bytes);
        record.bytes -= unsent;
        stats.bytes -= unsent;
      }
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendJson(res, { status: 500, message: `Internal error: ${error?.message ?? error}` }, 500);
      else res.destroy();
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}`;

  return {
    endpoint,
    stats: () => structuredClone(stats),
    reset() {
      stats = emptyStats();
      window = newWindow();
    },
    setRateLimit,
    setLatency: (ms) => void (latencyMs = ms),
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

function emptyStats() {
  return { requests: [], bytes: 0, rateLimited: 0 };
}

function notFound(res) {
  return sendJson(res, { status: 404, message: 'The persistent identifier does not exist.' }, 404);
}

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendJson(res, value, status = 200) {
  const body = Buffer.from(JSON.stringify(value));
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(body.length));
  res.writeHead(status);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Parses a single `bytes=` range. Undefined: answer the whole file; 'unsatisfiable': 416. */
function parseRange(header, size) {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
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

/** Answers a file, or with `honourRange` a range of it. Virtual files are synthesized as they are sent, with backpressure. */
async function sendFile(req, res, file, honourRange) {
  const range = honourRange ? parseRange(req.headers.range, file.size) : undefined;
  res.setHeader('Content-Type', 'application/octet-stream');
  if (honourRange) res.setHeader('Accept-Ranges', 'bytes');
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    return sendJson(res, { status: 416, message: 'Range Not Satisfiable' }, 416);
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : file.size - 1;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  res.writeHead(range ? 206 : 200);
  if (req.method === 'HEAD' || end < start) return res.end();
  if (file.content) return res.end(file.content.subarray(start, end + 1));
  let position = start;
  if (position < file.prefix.length) {
    const chunk = file.prefix.subarray(position, Math.min(end + 1, file.prefix.length));
    position += chunk.length;
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  while (position <= end && !res.destroyed) {
    const n = Math.min(ZEROS.length, end + 1 - position);
    position += n;
    if (!res.write(n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  if (!res.destroyed) res.end();
}
