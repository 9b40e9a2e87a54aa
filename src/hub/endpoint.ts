import { HubError } from './hub-error';

/** The public Hugging Face Hub. */
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/**
 * Checks and normalizes a Hub endpoint (the public Hub, a mirror, a test server): an http(s) URL,
 * possibly with a path prefix, without a trailing slash. Throws a permanent HubError otherwise.
 */
export function normalizeEndpoint(endpoint: string | undefined): string {
  const text = (endpoint ?? DEFAULT_ENDPOINT).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HubError('bad-request', `"${text}" is not a valid Hub endpoint: it must be a URL such as ${DEFAULT_ENDPOINT}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HubError('bad-request', `"${text}" is not a valid Hub endpoint: it must start with https:// (or http://).`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new HubError('bad-request', `"${text}" is not a valid Hub endpoint: it must have no query, fragment or credentials.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether the endpoint is the public Hub (as opposed to a mirror or a test server). */
export function isPublicHub(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'huggingface.co' || host === 'hf.co';
  } catch {
    return false;
  }
}
