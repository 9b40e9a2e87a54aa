import type { StreamByteSource } from '../bytes/stream-byte-source';
import type { SourceMetadata } from '../model/document';
import type { ZenodoConnection } from '../zenodo/fetch-zenodo-record';
import { zenodoByteSource } from '../zenodo/zenodo-byte-source';
import type { ZenodoRecord } from '../zenodo/zenodo-record';
import type { ModelSource, SourceFile } from './model-source';
import { notInSource } from './model-source';

/** A Zenodo record as a source. Its byte sources are kept, so what one read ahead the parser reads from memory. */
export interface ZenodoSource extends ModelSource {
  readonly kind: 'zenodo';
  readonly record: ZenodoRecord;
  byteSource(path: string): StreamByteSource;
  /** The paths whose bytes were asked for, in first-asked order. */
  readonly opened: readonly string[];
  /** Body bytes received from the content URLs so far, all files together. */
  readonly bytesReceived: number;
}

/**
 * A Zenodo record: its files with their MD5 checksums, read from the API content URLs (CORS, but no
 * Range: each read streams from the file's start and hangs up once it has what it needs), and what
 * the record says about itself: title, creators, licence, DOI and links.
 */
export function zenodoSource(record: ZenodoRecord, connection: ZenodoConnection): ZenodoSource {
  const byPath = new Map(record.files.map((f) => [f.key, f]));
  const files: SourceFile[] = record.files.map((f) =>
    f.md5 ? { path: f.key, size: f.size, checksum: { algorithm: 'md5', value: f.md5 } } : { path: f.key, size: f.size },
  );
  const sources = new Map<string, StreamByteSource>();
  return {
    kind: 'zenodo',
    readCost: 'stream',
    record,
    files,
    metadata: zenodoMetadata(record),
    origin: {},
    get opened() {
      return [...sources.keys()];
    },
    get bytesReceived() {
      return [...sources.values()].reduce((sum, s) => sum + s.bytesReceived, 0);
    },
    byteSource(path: string): StreamByteSource {
      let source = sources.get(path);
      if (source) return source;
      const file = byPath.get(path);
      if (!file) throw notInSource(path, `Zenodo record ${record.id}`);
      source = zenodoByteSource(record, file, connection);
      sources.set(path, source);
      return source;
    },
  };
}

/** What a record says about itself, in the source vocabulary. */
export function zenodoMetadata(record: ZenodoRecord): SourceMetadata {
  const links = [
    { label: 'Zenodo record', url: record.htmlUrl },
    ...(record.doiUrl ? [{ label: 'DOI', url: record.doiUrl }] : []),
    ...(record.conceptDoiUrl ? [{ label: 'Concept DOI (all versions)', url: record.conceptDoiUrl }] : []),
  ];
  const related = record.relatedIdentifiers.map(({ identifier, relation, resourceType, url }) => ({
    identifier,
    relation,
    ...(resourceType ? { resourceType } : {}),
    ...(url ? { url } : {}),
  }));
  const metadata: SourceMetadata = { title: record.title, authors: record.creators.map((c) => c.name), links, related };
  if (record.license) metadata.licence = record.license;
  if (record.doi) metadata.doi = record.doi;
  return metadata;
}

/** One record file, as it crosses to the worker to be read again (a tensor's statistics: the user asked, so the whole file may stream). */
export interface ZenodoFilePin {
  path: string;
  endpoint: string;
  recordId: string;
  contentUrl: string;
  size: number;
}

/** The bytes of one pinned record file; streaming as far as the file's end is allowed, since the user asked for it. */
export function zenodoPinnedByteSource(pin: ZenodoFilePin): StreamByteSource {
  const record = { id: pin.recordId } as Pick<ZenodoRecord, 'id'>;
  return zenodoByteSource(record, { key: pin.path, size: pin.size, contentUrl: pin.contentUrl }, { endpoint: pin.endpoint }, { maxStreamBytes: pin.size });
}
