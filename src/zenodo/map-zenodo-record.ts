import type { ApiCreator, ApiFile, ApiMetadata, ApiRecord, ApiRelatedIdentifier } from './zenodo-api-types';
import { ZenodoError } from './zenodo-error';
import type { ZenodoCreator, ZenodoFile, ZenodoRecord, ZenodoRelatedIdentifier } from './zenodo-record';

/** Bounds on what a record may hold (zenodo.org allows 100 files a record); the rest is dropped. */
export const MAX_RECORD_FILES = 1000;
export const MAX_CREATORS = 500;
export const MAX_RELATED_IDENTIFIERS = 500;
/** Longest description kept, in characters (it is HTML, rendered through the sanitizer). */
export const MAX_DESCRIPTION_LENGTH = 200_000;
/** Longest title, name, key or identifier kept. */
const MAX_TEXT = 2000;

const ORCID = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/;
const DOI = /^10\.\d{4,9}\/\S+$/;
const MD5 = /^md5:([0-9a-f]{32})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^\d{1,20}$/;

/**
 * Checks a record as Zenodo sent it (`GET /api/records/{id}`) and maps it to the domain record.
 * Throws a ZenodoError (bad-response) when it is not a record at all; drops malformed parts
 * (a creator without a name, a file without a size) rather than failing on them.
 * File content URLs are always on `endpoint`, so reading a record never reaches another host.
 */
export function mapZenodoRecord(value: unknown, endpoint: string): ZenodoRecord {
  if (!isObject(value)) throw new ZenodoError('bad-response', `${hostOf(endpoint)} did not answer a record (expected a JSON object).`);
  const api = value as ApiRecord;
  const id = idString(api.id) ?? idString(api.recid);
  if (id === undefined) throw new ZenodoError('bad-response', `${hostOf(endpoint)} answered a record without an id.`);
  const metadata: ApiMetadata = isObject(api.metadata) ? api.metadata : {};
  const doi = doiOf(api.doi) ?? doiOf(metadata.doi);
  const conceptDoi = doiOf(api.conceptdoi);
  const record: ZenodoRecord = {
    id,
    endpoint,
    title: text(metadata.title) ?? text(api.title) ?? `Record ${id}`,
    creators: arrayOf<ApiCreator>(metadata.creators, MAX_CREATORS)
      .map(creator)
      .filter((c): c is ZenodoCreator => c !== undefined),
    description: typeof metadata.description === 'string' ? metadata.description.slice(0, MAX_DESCRIPTION_LENGTH) : '',
    htmlUrl: `${endpoint}/records/${id}`,
    relatedIdentifiers: arrayOf<ApiRelatedIdentifier>(metadata.related_identifiers, MAX_RELATED_IDENTIFIERS)
      .map(related)
      .filter((r): r is ZenodoRelatedIdentifier => r !== undefined),
    files: filesOf(api.files)
      .map((f) => file(f, endpoint, id))
      .filter((f): f is ZenodoFile => f !== undefined),
  };
  const conceptId = idString(api.conceptrecid);
  if (conceptId !== undefined) record.conceptId = conceptId;
  const version = text(metadata.version);
  if (version !== undefined) record.version = version;
  const date = text(metadata.publication_date);
  if (date !== undefined && DATE.test(date)) record.publicationDate = date;
  const license = licenseOf(metadata.license);
  if (license !== undefined) record.license = license;
  if (doi !== undefined) Object.assign(record, { doi, doiUrl: doiUrl(doi) });
  if (conceptDoi !== undefined) Object.assign(record, { conceptDoi, conceptDoiUrl: doiUrl(conceptDoi) });
  const type = isObject(metadata.resource_type) ? text(metadata.resource_type.type) : undefined;
  const subtype = isObject(metadata.resource_type) ? text(metadata.resource_type.subtype) : undefined;
  if (type !== undefined) record.resourceType = subtype === undefined ? type : `${type}-${subtype}`;
  const access = text(metadata.access_right);
  if (access !== undefined) record.accessRight = access;
  return record;
}

/** The entries of `GET /api/records/{id}/files`, or of a record's `files` in either of its shapes. */
export function filesOf(value: unknown): ApiFile[] {
  if (Array.isArray(value)) return arrayOf(value, MAX_RECORD_FILES);
  if (!isObject(value)) return [];
  const entries = value.entries;
  if (Array.isArray(entries)) return arrayOf(entries, MAX_RECORD_FILES);
  if (isObject(entries)) return arrayOf(Object.values(entries), MAX_RECORD_FILES);
  return [];
}

function file(value: ApiFile, endpoint: string, recordId: string): ZenodoFile | undefined {
  if (!isObject(value)) return undefined;
  const key = text(value.key);
  const size = value.size;
  if (key === undefined || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  const own = `${endpoint}/api/records/${recordId}/files/${key.split('/').map(encodeURIComponent).join('/')}/content`;
  const links = isObject(value.links) ? value.links : {};
  // Zenodo's own link when it points at the endpoint; otherwise the same URL built here.
  const given = [text(links.content), text(links.self)].find((link) => link !== undefined && sameOrigin(link, endpoint) && link.endsWith('/content'));
  const result: ZenodoFile = { key, size, contentUrl: given ?? own };
  const md5 = typeof value.checksum === 'string' ? MD5.exec(value.checksum)?.[1] : undefined;
  if (md5 !== undefined) result.md5 = md5.toLowerCase();
  return result;
}

function creator(value: ApiCreator): ZenodoCreator | undefined {
  if (!isObject(value)) return undefined;
  const name = text(value.name);
  if (name === undefined) return undefined;
  const result: ZenodoCreator = { name };
  const affiliation = text(value.affiliation);
  if (affiliation !== undefined) result.affiliation = affiliation;
  const orcid = text(value.orcid)
    ?.replace(/^https?:\/\/orcid\.org\//i, '')
    .toUpperCase();
  if (orcid !== undefined && ORCID.test(orcid)) Object.assign(result, { orcid, orcidUrl: `https://orcid.org/${orcid}` });
  return result;
}

function related(value: ApiRelatedIdentifier): ZenodoRelatedIdentifier | undefined {
  if (!isObject(value)) return undefined;
  const identifier = text(value.identifier);
  const relation = text(value.relation);
  if (identifier === undefined || relation === undefined) return undefined;
  const result: ZenodoRelatedIdentifier = { identifier, relation };
  const resourceType = text(value.resource_type);
  if (resourceType !== undefined) result.resourceType = resourceType;
  const scheme = text(value.scheme)?.toLowerCase();
  if (scheme !== undefined) result.scheme = scheme;
  const url = linkOf(identifier, scheme);
  if (url !== undefined) result.url = url;
  return result;
}

/** An http(s) link for an identifier, by its scheme; nothing for schemes that have no safe link. */
export function linkOf(identifier: string, scheme: string | undefined): string | undefined {
  const doi = doiOf(identifier.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i, ''));
  if ((scheme === 'doi' || scheme === undefined) && doi !== undefined) return doiUrl(doi);
  if (scheme === 'arxiv') {
    const id = identifier.replace(/^arxiv:/i, '');
    return /^[\w./-]+$/.test(id) ? `https://arxiv.org/abs/${id}` : undefined;
  }
  if (scheme === 'handle' && /^[\w./-]+$/.test(identifier)) return `https://hdl.handle.net/${identifier}`;
  try {
    const url = new URL(identifier);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function doiUrl(doi: string): string {
  return `https://doi.org/${doi.split('/').map(encodeURIComponent).join('/')}`;
}

function doiOf(value: unknown): string | undefined {
  const doi = text(value);
  return doi !== undefined && DOI.test(doi) ? doi : undefined;
}

function licenseOf(value: unknown): string | undefined {
  if (typeof value === 'string') return text(value);
  return isObject(value) ? text(value.id) : undefined;
}

function idString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return typeof value === 'string' && DIGITS.test(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_TEXT);
}

function arrayOf<T>(value: unknown, max: number): T[] {
  return Array.isArray(value) ? (value.slice(0, max) as T[]) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
