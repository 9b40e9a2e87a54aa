/** A Zenodo record as the rest of Loupe sees it: checked, typed, and with links ready to show. */
export interface ZenodoRecord {
  /** The version's record id. */
  id: string;
  /** The concept id (all versions), when the record has one. */
  conceptId?: string;
  /** The Zenodo instance it came from, e.g. https://zenodo.org. */
  endpoint: string;
  title: string;
  creators: ZenodoCreator[];
  version?: string;
  /** YYYY-MM-DD. */
  publicationDate?: string;
  /** SPDX-like id as Zenodo gives it, e.g. cc-by-4.0. */
  license?: string;
  doi?: string;
  conceptDoi?: string;
  /** https://doi.org/… of `doi`. */
  doiUrl?: string;
  conceptDoiUrl?: string;
  /** The record's page, e.g. https://zenodo.org/records/1234567. */
  htmlUrl: string;
  /** HTML, untrusted: render it only through the card sanitizer. */
  description: string;
  /** e.g. software, dataset, other; `subtype` (e.g. publication's article) is folded in as type-subtype. */
  resourceType?: string;
  /** open, embargoed, restricted or closed. Restricted and closed records list files whose content answers 403. */
  accessRight?: string;
  relatedIdentifiers: ZenodoRelatedIdentifier[];
  files: ZenodoFile[];
}

export interface ZenodoCreator {
  name: string;
  affiliation?: string;
  /** The bare ORCID iD, e.g. 0000-0002-1825-0097 (checked digit pattern). */
  orcid?: string;
  /** https://orcid.org/{orcid} */
  orcidUrl?: string;
}

export interface ZenodoRelatedIdentifier {
  identifier: string;
  /** DataCite relation, camelCase as Zenodo sends it (isSupplementedBy…). */
  relation: string;
  /** DataCite resource type (software, dataset…), when given. */
  resourceType?: string;
  scheme?: string;
  /** An https(s) link to it (doi.org for DOIs), when one can be made safely. */
  url?: string;
}

export interface ZenodoFile {
  /** The file name (Zenodo's `key`); may contain slashes. */
  key: string;
  size: number;
  /** Lower-case hex MD5, when the record gives an `md5:` checksum. */
  md5?: string;
  /** …/api/records/{id}/files/{key}/content: sends CORS headers, ignores Range. */
  contentUrl: string;
}
