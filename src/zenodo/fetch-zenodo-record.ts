import { CancelledError } from '../model/errors';
import { mapZenodoRecord } from './map-zenodo-record';
import { zenodoErrorFromNetworkFailure, zenodoErrorFromResponse } from './zenodo-error-from';
import { ZenodoError } from './zenodo-error';
import type { ZenodoRecord } from './zenodo-record';

/** How Loupe talks to a Zenodo instance. Public reads need no token, so none is ever sent. */
export interface ZenodoConnection {
  /** zenodo.org, the sandbox, a mirror or a test server; normalized (see normalizeZenodoEndpoint). */
  endpoint: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** The caller's `navigator.onLine`, so a failed request can be reported as "offline". */
  online?: boolean;
}

/** Longest record JSON read, in bytes (a record with 100 files and a long description is well under 1 MB). */
export const MAX_RECORD_JSON = 8 * 1024 * 1024;

/**
 * Fetches a record: `GET /api/records/{id}`. A concept id (all versions) answers 404 there, so a 404
 * is asked again as `GET /api/records/{id}/versions/latest`, which redirects (302) to the latest
 * version. One request for a record id, two for a concept id. Rejects with ZenodoError or CancelledError.
 */
export async function fetchZenodoRecord(recordId: string, connection: ZenodoConnection): Promise<ZenodoRecord> {
  const base = `${connection.endpoint}/api/records/${encodeURIComponent(recordId)}`;
  try {
    return await getRecord(base, recordId, connection);
  } catch (error) {
    if (!(error instanceof ZenodoError) || error.kind !== 'not-found') throw error;
    try {
      return await getRecord(`${base}/versions/latest`, recordId, connection);
    } catch (latestError) {
      // Neither a version nor a concept: the first answer says it best.
      if (latestError instanceof ZenodoError && latestError.kind === 'not-found') throw error;
      throw latestError;
    }
  }
}

async function getRecord(url: string, recordId: string, connection: ZenodoConnection): Promise<ZenodoRecord> {
  const doFetch = connection.fetch ?? globalThis.fetch.bind(globalThis);
  const context = { endpoint: connection.endpoint, recordId, online: connection.online };
  if (connection.signal?.aborted) throw new CancelledError();
  let response: Response;
  try {
    response = await doFetch(url, { headers: { Accept: 'application/json' }, signal: connection.signal, credentials: 'omit', redirect: 'follow' });
  } catch (error) {
    if (connection.signal?.aborted) throw new CancelledError();
    throw zenodoErrorFromNetworkFailure(error, url, context);
  }
  if (!response.ok) throw await zenodoErrorFromResponse(response, url, context);
  const length = Number(response.headers.get('Content-Length') ?? '0');
  if (length > MAX_RECORD_JSON) {
    await response.body?.cancel().catch(() => undefined);
    throw new ZenodoError('bad-response', `Record ${recordId} is larger than ${MAX_RECORD_JSON / (1024 * 1024)} MiB of JSON: Loupe does not read it.`, { url });
  }
  let json: unknown;
  try {
    const text = await response.text();
    if (text.length > MAX_RECORD_JSON) throw new Error('too large');
    json = JSON.parse(text);
  } catch (error) {
    if (connection.signal?.aborted) throw new CancelledError();
    throw new ZenodoError('bad-response', `${new URL(url).host} did not answer JSON for record ${recordId}.`, { url, cause: error });
  }
  return mapZenodoRecord(json, connection.endpoint);
}
