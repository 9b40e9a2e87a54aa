import { listFiles, modelInfo } from '@huggingface/hub';
import { CancelledError, LoupeError } from '../model/errors';
import { normalizeEndpoint } from './endpoint';
import { HubError } from './hub-error';
import { createHubFetch, type HubConnection } from './hub-fetch';
import { isValidRepoId } from './parse-repo-input';

/** Options every Hub call takes. All optional but what names the repo. */
export interface HubCallOptions {
  /** The Hub, a mirror or a test server. Default https://huggingface.co. */
  endpoint?: string;
  /** A Hub access token, sent to the endpoint's host only. Empty or absent: anonymous. */
  token?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** The caller's `navigator.onLine`, so failures can say "offline". */
  online?: boolean;
  /** The page's origin, to recognize mixed content; defaults to the global `location`. */
  pageOrigin?: string;
}

/** One file of a repo, as the tree listing gives it. */
export interface HubFile {
  path: string;
  /** Bytes of the file itself (for LFS files, of the stored object, not the pointer). */
  size: number;
  /** Set for files stored with Git LFS (or Xet): the big ones, served from the CDN. */
  lfs?: { oid: string; size: number };
}

/** A repo pinned to one commit, with every file in it. */
export interface ResolvedRepo {
  /** The normalized endpoint it was resolved on. */
  endpoint: string;
  /** `ORG/NAME` as the Hub spells it. */
  repo: string;
  /** What was asked for (`main` by default). */
  revision: string;
  /** The commit sha the revision points to; every later read is pinned to it. */
  commit: string;
  gated: false | 'auto' | 'manual';
  private: boolean;
  /** The Hub's pipeline tag, when the repo has one. */
  task?: string;
  /** Every file (directories left out), in the Hub's order. */
  files: HubFile[];
  /** True when the listing was cut at MAX_LISTED_FILES. */
  truncated: boolean;
}

/** Listings stop after this many files: a repo with more is not one model. */
export const MAX_LISTED_FILES = 100_000;

/**
 * Pins a revision to its commit and lists every file: the model info call (for the sha, gating
 * and privacy), then the recursive tree listing at that sha, page by page.
 * Rejects with HubError (typed: gated, repo-not-found, rate-limited…) or CancelledError.
 */
export async function resolveRepo(options: HubCallOptions & { repo: string; revision?: string }): Promise<ResolvedRepo> {
  const connection = hubConnection(options);
  const repo = options.repo.trim();
  if (!isValidRepoId(repo)) throw new HubError('bad-request', `"${repo}" is not a valid model id (ORG/NAME).`);
  const revision = options.revision?.trim() || 'main';
  const context = { repo, revision };
  const fetchForLibrary = createHubFetch(connection, context);

  const info = await libraryCall(
    () => modelInfo({ name: repo, revision, hubUrl: connection.endpoint, fetch: fetchForLibrary, additionalFields: ['sha'] }),
    connection,
    repo,
  );
  const commit = info.sha;
  if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit)) {
    throw new HubError('bad-response', `${connection.endpoint} did not report the commit of ${repo} at ${revision}.`);
  }

  const files: HubFile[] = [];
  let truncated = false;
  await libraryCall(
    async () => {
      for await (const entry of listFiles({
        repo: { type: 'model', name: repo },
        revision: commit,
        recursive: true,
        hubUrl: connection.endpoint,
        fetch: createHubFetch(connection, { repo, revision: commit }),
      })) {
        if (entry.type !== 'file') continue;
        if (files.length >= MAX_LISTED_FILES) {
          truncated = true;
          break;
        }
        const file: HubFile = { path: entry.path, size: entry.size };
        if (entry.lfs) file.lfs = { oid: entry.lfs.oid, size: entry.lfs.size };
        files.push(file);
      }
    },
    connection,
    repo,
  );

  return {
    endpoint: connection.endpoint,
    repo: typeof info.name === 'string' && info.name ? info.name : repo,
    revision,
    commit,
    gated: info.gated ?? false,
    private: info.private ?? false,
    task: info.task,
    files,
    truncated,
  };
}

/** Checks the options and builds the connection every request goes through. */
export function hubConnection(options: HubCallOptions): HubConnection {
  return {
    endpoint: normalizeEndpoint(options.endpoint),
    token: normalizeToken(options.token),
    fetch: options.fetch,
    signal: options.signal,
    online: options.online,
    pageOrigin: options.pageOrigin,
  };
}

/** Trims a pasted token; refuses one that could not be an HTTP header value. */
export function normalizeToken(token: string | undefined): string | undefined {
  const value = token?.trim();
  if (!value) return undefined;
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new HubError('bad-request', 'The token contains spaces or characters a Hub token never has: paste it again.');
  }
  return value;
}

/** Runs a @huggingface/hub call; anything it throws that is not already typed becomes a HubError. */
async function libraryCall<T>(call: () => Promise<T>, connection: HubConnection, repo: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LoupeError) throw error;
    if (connection.signal?.aborted) throw new CancelledError();
    const message = error instanceof Error ? error.message : String(error);
    throw new HubError('bad-response', `${connection.endpoint} sent an unexpected answer about ${repo}: ${message}`, { cause: error });
  }
}
