import { CancelledError } from '../model/errors';
import { HubError } from './hub-error';
import { hubErrorFromNetworkFailure, hubErrorFromResponse, type HubRequestContext } from './hub-error-from';

/**
 * How Loupe talks to a Hub: where, as whom, and through which fetch. Shared by every call.
 * The token lives only here and is only ever put on requests to `endpoint`'s origin.
 */
export interface HubConnection {
  /** The Hub, a mirror or a test server; default https://huggingface.co. Must be normalized (see normalizeEndpoint). */
  endpoint: string;
  /** A Hub access token (`hf_…`). Sent as `Authorization: Bearer` to the endpoint's origin only. */
  token?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Cancels every request. */
  signal?: AbortSignal;
  /** The caller's `navigator.onLine`, so a failed request can be reported as "offline". */
  online?: boolean;
  /** The page's origin, to recognize mixed content; defaults to the global `location`. */
  pageOrigin?: string;
}

export interface HubRequestInit {
  method?: 'GET' | 'HEAD';
  headers?: HeadersInit;
  signal?: AbortSignal;
}

export interface HubResponse {
  /** A 2xx response; its body is unread. */
  response: Response;
  /** The URL the answer finally came from: for LFS files, the CDN URL the Hub redirected to. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * The fetch implementations that hide redirect responses from `redirect: 'manual'` (browsers and
 * workers answer an opaque redirect; Node answers the real 3xx). Learned on the first redirect seen.
 */
const hidesRedirects = new WeakSet<typeof fetch>();

/**
 * One request to the Hub or to the CDN it redirects to. Resolves with a 2xx response, or
 * rejects with a HubError (or CancelledError when aborted).
 *
 * Token policy (the one place it is enforced):
 * - `Authorization` is set only when the request URL has the endpoint's origin, and any
 *   Authorization header the caller passed is dropped.
 * - A request that carries the token is sent with `redirect: 'manual'` and its redirects are
 *   followed here, hop by hop, each hop getting the token again only if it is on the endpoint's
 *   origin. The Hub answers LFS files with a 302 to a CDN host, which therefore never sees it.
 * - Where the runtime hides redirects from script (browsers: `opaqueredirect`), the request is
 *   sent again with `redirect: 'follow'`. The Fetch standard then removes `Authorization` when a
 *   redirect crosses origins (HTTP-redirect fetch, "CORS non-wildcard request-header name",
 *   whatwg/fetch#1544; shipped in Chromium 119), so the CDN still never receives it.
 * - Afterwards callers read from the returned CDN URL directly, without the token.
 * - Cookies are never sent (`credentials: 'omit'`).
 */
export async function hubRequest(
  url: string,
  init: HubRequestInit,
  connection: HubConnection,
  context: Omit<HubRequestContext, 'endpoint' | 'tokenSent' | 'online' | 'pageOrigin'> = {},
): Promise<HubResponse> {
  const fetchKey = connection.fetch ?? globalThis.fetch;
  const doFetch = connection.fetch ?? globalThis.fetch.bind(globalThis);
  const hubOrigin = new URL(connection.endpoint).origin;
  const signal = anySignal(init.signal, connection.signal);
  let current = url;
  let hops = 0;
  for (;;) {
    if (signal?.aborted) throw new CancelledError();
    const withToken = connection.token !== undefined && connection.token !== '' && originOf(current) === hubOrigin;
    const fullContext: HubRequestContext = {
      ...context,
      endpoint: connection.endpoint,
      tokenSent: withToken,
      online: connection.online,
      pageOrigin: connection.pageOrigin,
    };
    const headers = new Headers(init.headers);
    headers.delete('Authorization');
    if (withToken) headers.set('Authorization', `Bearer ${connection.token}`);
    const manual = withToken && !hidesRedirects.has(fetchKey);

    let response: Response;
    try {
      response = await doFetch(current, {
        method: init.method ?? 'GET',
        headers,
        signal,
        credentials: 'omit',
        redirect: manual ? 'manual' : 'follow',
      });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw hubErrorFromNetworkFailure(error, current, fullContext);
    }

    if (manual && response.type === 'opaqueredirect') {
      hidesRedirects.add(fetchKey);
      continue; // the same request again, letting the browser follow (and strip the token)
    }
    if (manual && REDIRECTS.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('Location');
      if (!location) {
        throw new HubError('bad-response', `${originOf(current)} answered a redirect without a Location.`, {
          status: response.status,
          url: current,
          file: context.file,
        });
      }
      if (++hops > MAX_REDIRECTS) {
        throw new HubError('bad-response', `Too many redirects reading ${context.file ?? url}.`, { status: response.status, url: current, file: context.file });
      }
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok) {
      throw await hubErrorFromResponse(response, response.url || current, fullContext);
    }
    return { response, url: response.redirected && response.url ? response.url : current };
  }
}

/**
 * A `fetch` for @huggingface/hub's functions (modelInfo, listFiles): every request goes through
 * hubRequest, so the library gets the token policy, cancellation and typed errors without ever
 * being given the token itself.
 */
export function createHubFetch(
  connection: HubConnection,
  context: Omit<HubRequestContext, 'endpoint' | 'tokenSent' | 'online' | 'pageOrigin'> = {},
): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') throw new HubError('bad-request', `Loupe only reads from the Hub (refused ${method} ${url}).`);
    const { response } = await hubRequest(url, { method, headers: init?.headers, signal: init?.signal ?? undefined }, connection, context);
    return response;
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b || a === b) return a;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (a.aborted || b.aborted) controller.abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return controller.signal;
}
