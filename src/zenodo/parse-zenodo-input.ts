import { DEFAULT_ZENODO_ENDPOINT, SANDBOX_ZENODO_ENDPOINT } from './zenodo-endpoint';

/** What the user gave, understood. */
export type ZenodoInput =
  | {
      kind: 'record';
      /** A record id or a concept id (all versions): digits only. */
      recordId: string;
      /** The instance the input names (a zenodo.org, sandbox or endpoint URL, a sandbox DOI); absent for a bare id or a 10.5281 DOI, which mean the configured endpoint. */
      endpoint?: string;
      /** A file named by a `/records/N/files/KEY` link, decoded. */
      file?: string;
    }
  /** It is a Zenodo reference, but not one that names a record. */
  | { kind: 'invalid'; message: string }
  /** Nothing Zenodo about it: the caller may try it as something else (a Hub repo). */
  | { kind: 'not-zenodo' };

export interface ParseZenodoInputOptions {
  /** A custom Zenodo endpoint (mirror, test server): links to it are accepted too. */
  endpoint?: string;
}

/** Zenodo record ids are integers; longer digit strings are junk, not ids. */
const MAX_RECORD_ID_DIGITS = 12;
const RECORD_ID = new RegExp(`^[1-9]\\d{0,${MAX_RECORD_ID_DIGITS - 1}}$`);
/** Zenodo's DOI prefix, and the DataCite test prefix the sandbox mints. */
const ZENODO_DOI = /^10\.(5281|5072)\/zenodo\.(\d+)$/i;
const DOI_HOSTS = new Set(['doi.org', 'dx.doi.org', 'www.doi.org']);
const ZENODO_HOSTS = new Map([
  ['zenodo.org', DEFAULT_ZENODO_ENDPOINT],
  ['www.zenodo.org', DEFAULT_ZENODO_ENDPOINT],
  ['sandbox.zenodo.org', SANDBOX_ZENODO_ENDPOINT],
]);
/** Path words before the record id: the page (`records`, and the older `record`) and the API. */
const RECORD_WORDS = new Set(['records', 'record']);

const EXAMPLE = 'Give a record link such as https://zenodo.org/records/1234567, or a DOI such as 10.5281/zenodo.1234567.';

/**
 * Understands a Zenodo record reference: `https://zenodo.org/records/N` (or `/record/N`, `/api/records/N`,
 * `/records/N/files/KEY`, `/doi/10.5281/zenodo.N`), the same on sandbox.zenodo.org or the configured
 * endpoint, `https://doi.org/10.5281/zenodo.N`, a bare `10.5281/zenodo.N` (or `doi:…`), and a bare id.
 * Pure: it never touches the network.
 */
export function parseZenodoInput(text: string, options: ParseZenodoInputOptions = {}): ZenodoInput {
  const input = text.trim();
  if (input === '') return { kind: 'not-zenodo' };
  if (/^\d+$/.test(input)) return recordOrInvalid(input, undefined);

  const bareDoi = input.replace(/^doi:\s*/i, '');
  if (/^10\.\d{4,9}\//.test(bareDoi)) return fromDoi(bareDoi);

  const url = parseUrl(input);
  if (!url) return { kind: 'not-zenodo' };
  const segments = url.pathname.split('/').filter(Boolean).map(decode);
  if (DOI_HOSTS.has(url.hostname)) {
    const doi = segments.join('/');
    return ZENODO_DOI.test(doi) ? fromDoi(doi) : { kind: 'not-zenodo' };
  }
  const endpoint = endpointOf(url, options.endpoint);
  if (endpoint === undefined) return { kind: 'not-zenodo' };
  const rest = segments.slice(endpointDepth(endpoint));
  if (rest[0] === 'api') rest.shift();
  if (rest[0] === 'doi') return fromDoi(rest.slice(1).join('/'), endpoint);
  if (rest[0] === undefined || !RECORD_WORDS.has(rest[0])) return invalid(`${url.host}${url.pathname} is not a record page. ${EXAMPLE}`);
  const id = rest[1] ?? '';
  const file = rest[2] === 'files' && rest.length > 3 ? rest.slice(3).join('/') : undefined;
  const parsed = recordOrInvalid(id, endpoint);
  return parsed.kind === 'record' && file !== undefined && file !== 'content' ? { ...parsed, file } : parsed;
}

function fromDoi(doi: string, endpoint?: string): ZenodoInput {
  const match = ZENODO_DOI.exec(doi);
  if (!match) return doi.toLowerCase().includes('zenodo') ? invalid(`"${doi}" is not a Zenodo DOI. ${EXAMPLE}`) : { kind: 'not-zenodo' };
  // The sandbox mints DOIs under the DataCite test prefix.
  const instance = match[1] === '5072' ? SANDBOX_ZENODO_ENDPOINT : endpoint;
  return recordOrInvalid(match[2] ?? '', instance);
}

function recordOrInvalid(id: string, endpoint: string | undefined): ZenodoInput {
  if (!RECORD_ID.test(id)) return invalid(`"${id.slice(0, 40)}" is not a Zenodo record id. ${EXAMPLE}`);
  return endpoint === undefined ? { kind: 'record', recordId: id } : { kind: 'record', recordId: id, endpoint };
}

/** The endpoint a URL belongs to: zenodo.org, the sandbox, or the configured endpoint (whose path prefix must match). */
function endpointOf(url: URL, configured: string | undefined): string | undefined {
  const known = ZENODO_HOSTS.get(url.hostname);
  if (known !== undefined && (url.protocol === 'https:' || url.protocol === 'http:')) return known;
  const custom = configured === undefined ? undefined : parseUrl(configured);
  if (!custom || custom.origin !== url.origin) return undefined;
  const prefix = custom.pathname.replace(/\/+$/, '');
  if (prefix !== '' && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return undefined;
  return `${custom.origin}${prefix}`;
}

function endpointDepth(endpoint: string): number {
  return new URL(endpoint).pathname.split('/').filter(Boolean).length;
}

function parseUrl(text: string): URL | undefined {
  // Accept a link pasted without its scheme (zenodo.org/records/N).
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : /^[\w.-]+\.[a-z]{2,}(?::\d+)?\//i.test(text) ? `https://${text}` : undefined;
  if (withScheme === undefined) return undefined;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function invalid(message: string): ZenodoInput {
  return { kind: 'invalid', message };
}
