/**
 * Zenodo's REST API, exactly as it answers `GET /api/records/{id}` (the legacy-compatible JSON that
 * zenodo.org serves from InvenioRDM). These are wire types: every field is checked by
 * mapZenodoRecord before the rest of Loupe sees it, so each one is optional or unknown here.
 */

export interface ApiRecord {
  /** The version's record id (a number on zenodo.org). */
  id?: unknown;
  /** Same as id, as a string. */
  recid?: unknown;
  /** The concept id: all versions of the record. */
  conceptrecid?: unknown;
  /** e.g. 10.5281/zenodo.1234567 */
  doi?: unknown;
  /** The DOI of all versions, e.g. 10.5281/zenodo.1234566 */
  conceptdoi?: unknown;
  doi_url?: unknown;
  title?: unknown;
  created?: unknown;
  updated?: unknown;
  metadata?: ApiMetadata;
  /** Legacy JSON: an array. InvenioRDM JSON: `{ enabled, entries: { key: ApiFile } | ApiFile[] }`. */
  files?: ApiFile[] | ApiRecordFiles;
  links?: ApiRecordLinks;
}

export interface ApiRecordLinks {
  self?: unknown;
  html?: unknown;
  doi?: unknown;
  conceptdoi?: unknown;
  latest?: unknown;
  latest_html?: unknown;
  files?: unknown;
}

export interface ApiMetadata {
  title?: unknown;
  doi?: unknown;
  /** ISO date, YYYY-MM-DD. */
  publication_date?: unknown;
  /** HTML. */
  description?: unknown;
  /** open, embargoed, restricted or closed. */
  access_right?: unknown;
  creators?: ApiCreator[];
  version?: unknown;
  /** Legacy JSON: `{ id: "cc-by-4.0" }`; sometimes a bare string or an empty string. */
  license?: { id?: unknown; title?: unknown } | string;
  resource_type?: { type?: unknown; subtype?: unknown; title?: unknown };
  related_identifiers?: ApiRelatedIdentifier[];
  keywords?: unknown;
  relations?: { version?: { index?: unknown; is_last?: unknown; parent?: { pid_value?: unknown } }[] };
}

export interface ApiCreator {
  /** "Family, Given". */
  name?: unknown;
  affiliation?: unknown;
  /** 0000-0002-1825-0097 */
  orcid?: unknown;
}

export interface ApiRelatedIdentifier {
  identifier?: unknown;
  /** DataCite relation type, camelCase: isSupplementedBy, isSupplementTo, isDerivedFrom, references… */
  relation?: unknown;
  /** DataCite resource type, e.g. software, dataset, publication-article. */
  resource_type?: unknown;
  /** doi, url, arxiv, handle… */
  scheme?: unknown;
}

export interface ApiFile {
  id?: unknown;
  key?: unknown;
  size?: unknown;
  /** "md5:…" */
  checksum?: unknown;
  /** `self` is …/api/records/{id}/files/{key}/content in legacy JSON; InvenioRDM also gives `content`. */
  links?: { self?: unknown; content?: unknown };
}

/** `GET /api/records/{id}/files`, and the InvenioRDM form of a record's `files`. */
export interface ApiRecordFiles {
  enabled?: unknown;
  entries?: ApiFile[] | Record<string, ApiFile>;
}

/** Zenodo's error body: `{ "status": 404, "message": "PID does not exist." }`. */
export interface ApiError {
  status?: unknown;
  message?: unknown;
}
