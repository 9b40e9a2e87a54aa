import { HubFileSource } from '../hub/hub-file-source';
import type { HubConnection } from '../hub/hub-fetch';
import type { ResolvedRepo } from '../hub/resolve-repo';
import type { ModelSource, SourceFile } from './model-source';
import { notInSource } from './model-source';

/** A Hub repo pinned to a commit, as a source. Its byte sources are kept, so what one read ahead the parser reads from memory. */
export interface HubSource extends ModelSource {
  readonly kind: 'hub';
  readonly repo: ResolvedRepo;
  byteSource(path: string): HubFileSource;
  /** The paths whose bytes were asked for, in first-asked order. */
  readonly opened: readonly string[];
}

/**
 * A Hugging Face Hub repo: its listing at the pinned commit (LFS files carry their sha256), every
 * read by HTTP Range against that commit, the token only ever sent to the endpoint's origin.
 */
export function hubSource(repo: ResolvedRepo, connection: Omit<HubConnection, 'endpoint'>): HubSource {
  const byPath = new Map(repo.files.map((f) => [f.path, f]));
  const files: SourceFile[] = repo.files.map((f) =>
    f.lfs ? { path: f.path, size: f.size, checksum: { algorithm: 'sha256', value: f.lfs.oid } } : { path: f.path, size: f.size },
  );
  const sources = new Map<string, HubFileSource>();
  return {
    kind: 'hub',
    readCost: 'range',
    repo,
    files,
    metadata: { title: repo.repo, links: [{ label: 'Hugging Face Hub', url: `${repo.endpoint}/${repo.repo}/tree/${encodeURIComponent(repo.commit)}` }] },
    origin: { repo: { id: repo.repo, revision: repo.revision, commit: repo.commit } },
    get opened() {
      return [...sources.keys()];
    },
    byteSource(path: string): HubFileSource {
      let source = sources.get(path);
      if (source) return source;
      const file = byPath.get(path);
      if (!file) throw notInSource(path, `${repo.repo} at ${repo.revision}`);
      source = new HubFileSource({ ...connection, endpoint: repo.endpoint, repo: repo.repo, commit: repo.commit, path: file.path, size: file.size });
      sources.set(path, source);
      return source;
    },
  };
}

/** One Hub file pinned to a commit, as it crosses to the worker to be read again (a tensor's statistics). */
export interface HubFilePin {
  path: string;
  endpoint: string;
  repo: string;
  commit: string;
  size: number;
  token?: string;
}

/** The bytes of one pinned Hub file, read by Range. */
export function hubPinnedByteSource(pin: HubFilePin): HubFileSource {
  return new HubFileSource({ endpoint: pin.endpoint, token: pin.token, repo: pin.repo, commit: pin.commit, path: pin.path, size: pin.size });
}
