import { isPublicHub } from './endpoint';
import { HubError, parseRetryAfter } from './hub-error';

/** What a request was for, so its failure can be told in plain words. */
export interface HubRequestContext {
  endpoint: string;
  repo?: string;
  revision?: string;
  /** The repo file being read, for resolve/CDN requests. */
  file?: string;
  /** Whether this request carried the token. */
  tokenSent: boolean;
  /** The caller's view of connectivity (navigator.onLine), when it has one. */
  online?: boolean;
  /** The page's origin, to recognize mixed content; defaults to the global `location`. */
  pageOrigin?: string;
}

/** Error bodies longer than this are not read. */
const MAX_ERROR_BODY = 64 * 1024;

/** Builds the typed error for a non-2xx answer. Consumes the body. */
export async function hubErrorFromResponse(response: Response, url: string, context: HubRequestContext): Promise<HubError> {
  const status = response.status;
  const headers = response.headers;
  const errorCode = headers.get('X-Error-Code') ?? undefined;
  const requestId = headers.get('X-Request-Id') ?? undefined;
  const serverMessage = headers.get('X-Error-Message') ?? (await readErrorBody(response));
  const retryAfterMs = parseRetryAfter(headers.get('Retry-After'));
  const details = { status, url, requestId, errorCode, serverMessage, retryAfterMs, file: context.file };
  const host = hostOf(context.endpoint);
  const onHub = sameOrigin(url, context.endpoint);
  const repo = context.repo ?? 'this repo';
  const where = context.file ? `${context.file} in ${repo}` : repo;

  if (status === 429) {
    const wait = retryAfterMs === undefined ? 'in a moment' : `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
    return new HubError('rate-limited', `${host} is limiting how fast Loupe may ask (HTTP 429): it will try again ${wait}.`, details);
  }
  if (status >= 500) {
    return new HubError('server', `${onHub ? host : hostOf(url)} had a server error (HTTP ${status}) reading ${where}: try again later.`, details);
  }
  if (
    errorCode === 'GatedRepo' ||
    ((status === 401 || status === 403) && /gated|restricted|authorized list|accept the conditions/i.test(serverMessage ?? ''))
  ) {
    const hint = context.tokenSent
      ? ' This token has not been granted access yet: accept the conditions on the model page, or use a token of an account that has.'
      : '';
    return new HubError('gated', `${repo}: this model is gated: log in with a token that has accepted its conditions.${hint}`, details);
  }
  if (errorCode === 'RepoNotFound') return repoNotFound(repo, context, details);
  if (errorCode === 'RevisionNotFound') {
    return new HubError('revision-not-found', `${repo} has no revision "${context.revision ?? 'main'}": check the branch, tag or commit.`, details);
  }
  if (errorCode === 'EntryNotFound') {
    return new HubError(
      'entry-not-found',
      `${context.file ?? 'The file'} was not found in ${repo}${context.revision ? ` at ${context.revision}` : ''}.`,
      details,
    );
  }
  if (status === 401) {
    if (context.tokenSent && /invalid|expired|credentials|token/i.test(serverMessage ?? '')) {
      return new HubError('unauthorized', `${host} refused the token: check that it is a valid, unexpired access token.`, details);
    }
    if (context.tokenSent) return new HubError('unauthorized', `${host} refused the token for ${where} (HTTP 401).`, details);
    return repoNotFound(repo, context, details);
  }
  if (status === 403) {
    if (!onHub) {
      return new HubError(
        'forbidden',
        `The download link for ${context.file ?? 'a file'} was refused (HTTP 403 from ${hostOf(url)}); it may have expired: try again.`,
        details,
      );
    }
    return new HubError('forbidden', `${host} refused access to ${where} (HTTP 403)${serverMessage ? `: ${serverMessage}` : ''}.`, details);
  }
  if (status === 404) {
    if (context.file) {
      return new HubError('entry-not-found', `${context.file} was not found in ${repo}${context.revision ? ` at ${context.revision}` : ''}.`, details);
    }
    return repoNotFound(repo, context, details);
  }
  return new HubError('http', `${hostOf(url)} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''} for ${where}.`, details);
}

/** Builds the typed error for a request that got no HTTP answer at all (fetch rejected). */
export function hubErrorFromNetworkFailure(error: unknown, url: string, context: HubRequestContext): HubError {
  const details = { url, file: context.file, cause: error };
  const reason = error instanceof Error ? error.message : String(error);
  if (context.online === false) {
    return new HubError('offline', 'You are offline: Loupe will try again when the connection is back.', details);
  }
  const pageOrigin = context.pageOrigin ?? globalLocationOrigin();
  const target = safeUrl(url);
  if (pageOrigin?.startsWith('https:') && target?.protocol === 'http:' && !isLoopback(target.hostname)) {
    return new HubError(
      'mixed-content',
      `${target.origin} is plain http and this page is https: browsers block such requests (mixed content). Use an https endpoint.`,
      details,
    );
  }
  if (!isPublicHub(context.endpoint) && sameOrigin(url, context.endpoint)) {
    return new HubError(
      'cors',
      `Could not reach ${context.endpoint}: it is down, or it does not allow requests from this page ` +
        `(CORS: it must answer with Access-Control-Allow-Origin and expose Content-Range). (${reason})`,
      details,
    );
  }
  return new HubError('network', `Could not reach ${hostOf(url)}: network error (${reason}). Check the connection and try again.`, details);
}

function repoNotFound(repo: string, context: HubRequestContext, details: ConstructorParameters<typeof HubError>[2]): HubError {
  const hint = context.tokenSent ? 'or it is private and this token cannot read it' : 'or it is private: log in with a token that can read it';
  return new HubError('repo-not-found', `${repo} was not found on ${hostOf(context.endpoint)}: it does not exist, ${hint}.`, details);
}

async function readErrorBody(response: Response): Promise<string | undefined> {
  const length = Number(response.headers.get('Content-Length') ?? '0');
  if (!response.body || length > MAX_ERROR_BODY) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  try {
    const text = (await response.text()).slice(0, MAX_ERROR_BODY);
    if (response.headers.get('Content-Type')?.includes('json')) {
      const json = JSON.parse(text) as { error?: unknown; message?: unknown };
      const message = typeof json.error === 'string' ? json.error : typeof json.message === 'string' ? json.message : undefined;
      return message;
    }
    return text.trim() === '' || text.length > 500 ? undefined : text.trim();
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  return safeUrl(url)?.host ?? url;
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function sameOrigin(a: string, b: string): boolean {
  const x = safeUrl(a);
  const y = safeUrl(b);
  return x !== undefined && y !== undefined && x.origin === y.origin;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname.endsWith('.localhost');
}

function globalLocationOrigin(): string | undefined {
  const location = (globalThis as { location?: { origin?: string } }).location;
  return typeof location?.origin === 'string' ? location.origin : undefined;
}
