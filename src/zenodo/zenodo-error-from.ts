import { parseRetryAfter } from '../hub/hub-error';
import { isPublicZenodo } from './zenodo-endpoint';
import { ZenodoError, MAX_AUTO_RETRY_WAIT_MS } from './zenodo-error';

/** What a request was for, so its failure can be told in plain words. */
export interface ZenodoRequestContext {
  endpoint: string;
  recordId?: string;
  /** The record's file being read, for content requests. */
  file?: string;
  /** The caller's view of connectivity (navigator.onLine), when it has one. */
  online?: boolean;
  /** The current time (epoch ms), for the rate-limit reset; injected by tests. */
  now?: number;
}

/** Error bodies longer than this are not read. */
const MAX_ERROR_BODY = 64 * 1024;

/** Builds the typed error for a non-2xx answer. Consumes the body. */
export async function zenodoErrorFromResponse(response: Response, url: string, context: ZenodoRequestContext): Promise<ZenodoError> {
  const status = response.status;
  const headers = response.headers;
  const now = context.now ?? Date.now();
  const serverMessage = await readErrorBody(response);
  const resetSeconds = Number(headers.get('X-RateLimit-Reset') ?? Number.NaN);
  const resetAt = Number.isFinite(resetSeconds) && resetSeconds > 0 ? resetSeconds * 1000 : undefined;
  const limitHeader = Number(headers.get('X-RateLimit-Limit') ?? Number.NaN);
  const retryAfterMs = parseRetryAfter(headers.get('Retry-After'), now) ?? (resetAt === undefined ? undefined : Math.max(0, resetAt - now));
  const details = { status, url, retryAfterMs, resetAt, limit: Number.isFinite(limitHeader) ? limitHeader : undefined, serverMessage, file: context.file };
  const host = hostOf(context.endpoint);
  const record = context.recordId === undefined ? 'this record' : `record ${context.recordId}`;
  const what = context.file === undefined ? record : `${context.file} in ${record}`;

  if (status === 429) return new ZenodoError('rate-limited', rateLimitMessage(host, retryAfterMs, now), details);
  if (status >= 500) return new ZenodoError('server', `${host} had a server error (HTTP ${status}) reading ${what}: try again later.`, details);
  if (status === 403 || status === 401) {
    if (context.file !== undefined) {
      return new ZenodoError('restricted', `The files of ${record} are restricted: ${host} shows its description but not its files (HTTP ${status}).`, details);
    }
    return new ZenodoError('restricted', `${record} on ${host} is restricted (HTTP ${status}).`, details);
  }
  if (status === 404 || status === 410) {
    const gone = status === 410 ? 'has been deleted' : 'was not found';
    return new ZenodoError(
      'not-found',
      `${context.file === undefined ? `${capitalize(record)} ${gone}` : `${context.file} ${gone} in ${record}`} on ${host}.`,
      details,
    );
  }
  return new ZenodoError('http', `${host} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''} for ${what}.`, details);
}

/** Builds the typed error for a request that got no HTTP answer at all (fetch rejected). */
export function zenodoErrorFromNetworkFailure(error: unknown, url: string, context: ZenodoRequestContext): ZenodoError {
  const details = { url, file: context.file, cause: error };
  const reason = error instanceof Error ? error.message : String(error);
  if (context.online === false) return new ZenodoError('offline', 'You are offline: Loupe will try again when the connection is back.', details);
  if (!isPublicZenodo(context.endpoint)) {
    return new ZenodoError(
      'cors',
      `Could not reach ${context.endpoint}: it is down, or it does not allow requests from this page ` +
        `(CORS: it must answer with Access-Control-Allow-Origin). (${reason})`,
      details,
    );
  }
  return new ZenodoError('network', `Could not reach ${hostOf(url)}: network error (${reason}). Check the connection and try again.`, details);
}

function rateLimitMessage(host: string, retryAfterMs: number | undefined, now: number): string {
  const lead = `${host} is limiting how many requests Loupe may make (HTTP 429)`;
  if (retryAfterMs === undefined) return `${lead}: try again in a minute.`;
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (retryAfterMs <= MAX_AUTO_RETRY_WAIT_MS) return `${lead}: Loupe tries again in ${seconds} s.`;
  const at = new Date(now + retryAfterMs).toISOString().slice(11, 16);
  const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  return `${lead}: try again in ${wait} (at ${at} UTC).`;
}

async function readErrorBody(response: Response): Promise<string | undefined> {
  const length = Number(response.headers.get('Content-Length') ?? '0');
  if (!response.body || length > MAX_ERROR_BODY) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  try {
    const text = (await response.text()).slice(0, MAX_ERROR_BODY);
    const json = JSON.parse(text) as { message?: unknown };
    return typeof json.message === 'string' ? json.message.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
