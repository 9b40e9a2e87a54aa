import { ZenodoError } from './zenodo-error';

/** The public Zenodo. */
export const DEFAULT_ZENODO_ENDPOINT = 'https://zenodo.org';
/** Zenodo's sandbox, for trying things out; its DOIs use the test prefix 10.5072. */
export const SANDBOX_ZENODO_ENDPOINT = 'https://sandbox.zenodo.org';

/**
 * Checks and normalizes a Zenodo endpoint (zenodo.org, the sandbox, a mirror, a test server): an
 * http(s) URL, possibly with a path prefix, without a trailing slash. Throws a permanent ZenodoError otherwise.
 */
export function normalizeZenodoEndpoint(endpoint: string | undefined): string {
  const text = (endpoint ?? DEFAULT_ZENODO_ENDPOINT).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ZenodoError('bad-request', `"${text}" is not a valid Zenodo endpoint: it must be a URL such as ${DEFAULT_ZENODO_ENDPOINT}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ZenodoError('bad-request', `"${text}" is not a valid Zenodo endpoint: it must start with https:// (or http://).`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ZenodoError('bad-request', `"${text}" is not a valid Zenodo endpoint: it must have no query, fragment or credentials.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether the endpoint is zenodo.org or its sandbox (as opposed to a mirror or a test server). */
export function isPublicZenodo(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'zenodo.org' || host === 'www.zenodo.org' || host === 'sandbox.zenodo.org';
  } catch {
    return false;
  }
}
