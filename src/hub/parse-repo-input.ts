import { DEFAULT_ENDPOINT } from './endpoint';

/** What the user pasted, understood. */
export type RepoInput =
  | {
      kind: 'model';
      /** `ORG/NAME`, or `NAME` for legacy canonical models such as `gpt2`. */
      repo: string;
      /** Branch, tag, commit or `refs/pr/N`, decoded; absent means the default branch. */
      revision?: string;
      /** A file named by a `/blob/`, `/resolve/` or `/raw/` link, decoded. */
      file?: string;
      /** A folder named by a `/tree/REV/FOLDER` link, decoded. */
      folder?: string;
    }
  | { kind: 'not-model'; repoType: 'dataset' | 'space'; message: string }
  | { kind: 'invalid'; message: string };

export interface ParseRepoInputOptions {
  /** A custom Hub endpoint (mirror, test server): links to its host are accepted too. */
  endpoint?: string;
}

/** Hosts that always mean the public Hub. */
const HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co', 'www.hf.co']);

/**
 * First path segments of Hub URLs that are pages, not repos. A model URL is `/ORG/NAME` or,
 * for legacy canonical models, `/NAME`; these names are reserved by the Hub and never repos.
 */
const RESERVED = new Set([
  'models',
  'docs',
  'blog',
  'settings',
  'login',
  'join',
  'pricing',
  'organizations',
  'collections',
  'papers',
  'new',
  'new-dataset',
  'new-space',
  'learn',
  'tasks',
  'posts',
  'chat',
  'enterprise',
  'notifications',
  'search',
  'inference-endpoints',
  'inference',
  'welcome',
  'terms-of-service',
  'privacy',
  'buckets',
  'kernels',
  'changelog',
  'oauth',
  'logout',
  'hf',
  'storage',
]);

/** Views of a repo after `/ORG/NAME/`: the next segment is the revision, then a path. */
const REVISION_VIEWS = new Set(['tree', 'blob', 'resolve', 'raw', 'blame', 'commits', 'edit']);
/** Views of a repo that name no revision; the repo alone is what the user means. */
const PLAIN_VIEWS = new Set(['discussions', 'commit', 'settings', 'community', 'compare']);

/** Repo id parts, as the Hub (and huggingface_hub's validate_repo_id) allow them. */
const NAME = /^\b[\w.-]{1,96}\b$/;
/** What git forbids in a ref name (git-check-ref-format), control characters aside. */
const GIT_REF_FORBIDDEN = /[\s~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^-/;

const EXAMPLE = 'Paste a model link such as https://huggingface.co/meta-llama/Llama-3.1-8B, or ORG/NAME.';

/**
 * Understands what a user pastes to open a Hub model: a page or file link (`/tree/REV`,
 * `/blob/REV/FILE`, `/resolve/REV/FILE`), a `hf.co` link, a link to a custom endpoint,
 * `ORG/NAME`, `ORG/NAME@REV`, or a legacy single name such as `gpt2`.
 * Revisions contain `/` only URL-encoded (`refs%2Fpr%2F1`), as the Hub writes them in links.
 * Pure: it never touches the network.
 */
export function parseRepoInput(text: string, options: ParseRepoInputOptions = {}): RepoInput {
  let input = text.trim();
  if (input === '') return invalid(`Nothing was pasted. ${EXAMPLE}`);
  // Copied from a model page's "Clone repository" box.
  input = input.replace(/^git\s+clone\s+/i, '');
  if (/\s/.test(input)) return invalid(`"${shorten(input)}" contains spaces; a model link or id has none. ${EXAMPLE}`);

  const url = toUrl(input);
  if (url) return parseUrl(url, options);
  if (/^[a-z][a-z0-9+.-]*:/i.test(input)) return invalid(`"${shorten(input)}" is not a Hugging Face link. ${EXAMPLE}`);
  return parseId(input);
}

/** Whether `repo` is a valid model repo id (`ORG/NAME` or `NAME`). */
export function isValidRepoId(repo: string): boolean {
  const parts = repo.split('/');
  return parts.length >= 1 && parts.length <= 2 && parts.every(isValidName);
}

function isValidName(name: string): boolean {
  return NAME.test(name) && !name.includes('--') && !name.includes('..') && !name.endsWith('.git');
}

/** A URL when `input` is one: with a scheme, or a bare `huggingface.co/…` / `hf.co/…`. */
function toUrl(input: string): URL | undefined {
  if (/^https?:\/\//i.test(input)) {
    try {
      return new URL(input);
    } catch {
      return undefined;
    }
  }
  const host = input.split('/')[0]!.toLowerCase();
  if (HUB_HOSTS.has(host)) return new URL(`https://${input}`);
  return undefined;
}

function parseUrl(url: URL, options: ParseRepoInputOptions): RepoInput {
  let path = url.pathname;
  const endpoint = endpointUrl(options.endpoint);
  const onHub = HUB_HOSTS.has(url.hostname.toLowerCase());
  const onEndpoint = endpoint !== undefined && url.host.toLowerCase() === endpoint.host.toLowerCase();
  if (!onHub && !onEndpoint) {
    const hosts = endpoint && !HUB_HOSTS.has(endpoint.hostname) ? `huggingface.co or ${endpoint.host}` : 'huggingface.co';
    return invalid(`${url.host} is not a Hugging Face Hub address: Loupe opens models from ${hosts}. ${EXAMPLE}`);
  }
  if (onEndpoint && !onHub) {
    // A mirror may live under a path (https://example.com/hf): strip it.
    const prefix = endpoint!.pathname.replace(/\/+$/, '');
    if (prefix && (path === prefix || path.startsWith(`${prefix}/`))) path = path.slice(prefix.length);
  }

  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length === 0) return invalid(`That is the Hub's home page, not a model. ${EXAMPLE}`);
  const first = segments[0]!;

  if (first === 'datasets' || first === 'spaces') return notModel(first === 'datasets' ? 'dataset' : 'space', segments.slice(1));
  // API links: /api/models/ORG/NAME[/revision/REV | /tree/REV/…].
  if (first === 'api') return parseApiPath(segments.slice(1));
  if (RESERVED.has(first)) return invalid(`${url.host}/${first} is a Hub page, not a model. ${EXAMPLE}`);

  // /NAME/VIEW/… (legacy single name) or /ORG/NAME[/VIEW/…].
  const second = segments[1];
  const single = second !== undefined && ((REVISION_VIEWS.has(second) && segments.length >= 3) || PLAIN_VIEWS.has(second));
  const repoParts = single ? [first] : segments.slice(0, 2);
  return parseRepoPath(repoParts, segments.slice(repoParts.length));
}

function parseApiPath(segments: string[]): RepoInput {
  const [type, ...rest] = segments;
  if (type === 'datasets' || type === 'spaces') return notModel(type === 'datasets' ? 'dataset' : 'space', rest);
  if (type !== 'models' || rest.length === 0) return invalid(`That is a Hub API link, not a model. ${EXAMPLE}`);
  const viewAt = rest.findIndex((s, i) => i > 0 && (s === 'revision' || s === 'tree'));
  const repoParts = viewAt < 0 ? rest.slice(0, 2) : rest.slice(0, viewAt);
  const tail = viewAt < 0 ? rest.slice(2) : rest.slice(viewAt);
  if (tail[0] === 'revision') tail[0] = 'tree';
  return parseRepoPath(repoParts, tail);
}

function parseRepoPath(repoParts: string[], tail: string[]): RepoInput {
  let decoded: string[];
  try {
    decoded = repoParts.map((p) => decodeURIComponent(p));
  } catch {
    return invalid(`The link is not correctly encoded. ${EXAMPLE}`);
  }
  if (decoded.length === 2 && decoded[1]!.endsWith('.git')) decoded[1] = decoded[1]!.slice(0, -4);
  const repo = decoded.join('/');
  if (!isValidRepoId(repo)) return invalidRepo(repo);

  const [view, rawRevision, ...rest] = tail;
  if (view === undefined || PLAIN_VIEWS.has(view) || !REVISION_VIEWS.has(view)) return { kind: 'model', repo };
  if (rawRevision === undefined || rawRevision === '') return { kind: 'model', repo };
  const revision = decodeRevision(rawRevision);
  if (revision === undefined) return invalid(`"${shorten(rawRevision)}" is not a valid revision (a branch, tag or commit).`);
  let inner: string;
  try {
    inner = rest
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    return invalid(`The link is not correctly encoded. ${EXAMPLE}`);
  }
  if (inner.split('/').some((s) => s === '..' || s === '.')) return invalid(`The file path in the link is not valid.`);
  const result: RepoInput = { kind: 'model', repo, revision };
  if (inner !== '') {
    if (view === 'tree') result.folder = inner;
    else if (view === 'blob' || view === 'resolve' || view === 'raw' || view === 'blame' || view === 'edit') result.file = inner;
  }
  return result;
}

/** `ORG/NAME`, `ORG/NAME@REV`, `NAME`, or `datasets/ORG/NAME` typed without a host. */
function parseId(input: string): RepoInput {
  const at = input.indexOf('@');
  const id = at < 0 ? input : input.slice(0, at);
  const rawRevision = at < 0 ? undefined : input.slice(at + 1);
  const parts = id.split('/');
  if (parts[0] === 'datasets' || parts[0] === 'spaces') return notModel(parts[0] === 'datasets' ? 'dataset' : 'space', parts.slice(1));
  if (parts[0] === 'models' && parts.length > 1) parts.shift();
  if (parts.length > 2) {
    return invalid(
      `"${shorten(input)}" has too many "/": a model id is ORG/NAME. To name a revision use ORG/NAME@REV, ` +
        `and write a "/" inside a revision as %2F (refs%2Fpr%2F1).`,
    );
  }
  const repo = parts.join('/');
  if (!isValidRepoId(repo)) return invalidRepo(repo);
  if (rawRevision === undefined) return { kind: 'model', repo };
  if (rawRevision === '') return invalid(`Nothing follows "@": write ORG/NAME@REV with a branch, tag or commit.`);
  if (rawRevision.includes('/')) {
    return invalid(`A "/" in a revision must be written %2F: ${repo}@${rawRevision.split('/').join('%2F')}.`);
  }
  const revision = decodeRevision(rawRevision);
  if (revision === undefined) return invalid(`"${shorten(rawRevision)}" is not a valid revision (a branch, tag or commit).`);
  return { kind: 'model', repo, revision };
}

/** Decodes one URL segment holding a git revision (`refs%2Fpr%2F1` → `refs/pr/1`), or undefined when it is not one. */
function decodeRevision(raw: string): string | undefined {
  let revision: string;
  try {
    revision = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (revision === '' || revision.length > 255 || GIT_REF_FORBIDDEN.test(revision) || hasControlCharacter(revision)) return undefined;
  return revision;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function notModel(repoType: 'dataset' | 'space', rest: string[]): RepoInput {
  const name = rest.slice(0, 2).join('/');
  const what = repoType === 'dataset' ? 'a dataset' : 'a Space';
  return {
    kind: 'not-model',
    repoType,
    message: `${name ? `${name} is ${what}` : `That is ${what} link`}, not a model repo. Loupe inspects models: paste a model's link instead.`,
  };
}

function invalidRepo(repo: string): RepoInput {
  return invalid(
    `"${shorten(repo)}" is not a valid model id: ids are ORG/NAME (or a single NAME), with letters, digits, "-", "_" and ".", ` +
      `not starting or ending with "-" or ".", and at most 96 characters each.`,
  );
}

function invalid(message: string): RepoInput {
  return { kind: 'invalid', message };
}

function endpointUrl(endpoint: string | undefined): URL | undefined {
  if (!endpoint || endpoint === DEFAULT_ENDPOINT) return undefined;
  try {
    return new URL(endpoint);
  } catch {
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
