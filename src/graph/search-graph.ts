import { scopePath, type ScopeTree } from './build-scope-tree';
import { foldContaining } from './fold-repeated-blocks';

/** Hits returned at most, whatever the caller asks. */
export const MAX_SEARCH_HITS = 1000;
/** Hits returned when the caller does not say. */
export const DEFAULT_SEARCH_LIMIT = 100;
/** Longest /regex/ accepted. */
export const MAX_PATTERN_LENGTH = 200;
/** A regex sees at most this many characters of a name: bounds the cost of one test. */
export const MAX_REGEX_SUBJECT = 256;
/** A search stops after this long and says so (checked every 16 nodes). */
export const SEARCH_TIME_BUDGET_MS = 100;

/** One node found, with what the UI must open to show it. */
export interface SearchHit {
  nodeId: string;
  /** Index in `graph.nodes`. */
  nodeIndex: number;
  name: string;
  opType: string;
  /** The scope that holds the node directly. */
  scopeId: string;
  /** Scope ids from the top level down to `scopeId` (the root excluded): the breadcrumb to open. */
  scopePath: string[];
  /**
   * The same path for expanding in place from the top level: an instance of a folded block is
   * replaced by the fold's id, and `instances` says which instance to show.
   */
  expand: string[];
  /** For each folded block on the path: the instance (0-based position) that holds the node. */
  instances: { foldId: string; position: number }[];
}

/** The outcome of a search. */
export interface SearchResult {
  /** In graph order. */
  hits: SearchHit[];
  /** Matches found (may exceed hits.length). */
  total: number;
  /** True when hits were cut at the limit, or the time budget ran out. */
  truncated: boolean;
  /** `regex` for `/…/` queries, else `text`. */
  mode: 'text' | 'regex';
  /** Set for a query that cannot run (invalid or risky regex); hits are then empty. */
  error?: string;
}

/** How to search. */
export interface SearchOptions {
  /** Hits to return (DEFAULT_SEARCH_LIMIT; at most MAX_SEARCH_HITS). */
  limit?: number;
}

/** Repeats (`*`, `+`, `{n,m}`) a pattern may hold: k of them can cost (name length)^k on a miss. */
export const MAX_REGEX_REPEATS = 3;

/**
 * Why a pattern could run for a very long time in a backtracking engine, or undefined: a repeated
 * group that itself holds a repeat or an alternation (`(a+)+`, `(a|aa)*`), a backreference, or
 * more than MAX_REGEX_REPEATS repeats. A heuristic, not a proof; MAX_REGEX_SUBJECT and the time
 * budget bound what slips through.
 */
export function regexRisk(pattern: string): string | undefined {
  const groups: { inner: boolean }[] = [];
  let afterGroupInner = false;
  let repeats = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const repeat = ch === '*' || ch === '+' || (ch === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i, i + 24)));
    if (repeat) repeats++;
    if (repeat && afterGroupInner) return 'It repeats a group that itself repeats or alternates (like (a+)+).';
    afterGroupInner = false;
    if (ch === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return 'It uses a backreference.';
      i++;
      continue;
    }
    if (ch === '[') {
      // Skip a class: nothing inside it is a group or a repeat.
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (ch === '(') groups.push({ inner: false });
    else if (ch === ')') {
      const group = groups.pop();
      afterGroupInner = group?.inner ?? false;
      const parent = groups[groups.length - 1];
      if (parent && afterGroupInner) parent.inner = true;
    } else if ((repeat || ch === '|') && groups.length > 0) groups[groups.length - 1]!.inner = true;
  }
  if (repeats > MAX_REGEX_REPEATS) return `It has more than ${MAX_REGEX_REPEATS} repeats (*, +, {n,m}).`;
  return undefined;
}

function parseQuery(query: string): { test: (subject: string) => boolean; mode: 'text' | 'regex' } | { error: string; mode: 'regex' } {
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(query);
  if (!slashed) {
    const needle = query.toLowerCase();
    return { mode: 'text', test: (subject) => subject.toLowerCase().includes(needle) };
  }
  const [, pattern = '', flags = ''] = slashed;
  if (pattern.length > MAX_PATTERN_LENGTH) return { mode: 'regex', error: `The pattern is too long (at most ${MAX_PATTERN_LENGTH} characters).` };
  const risk = regexRisk(pattern);
  if (risk) return { mode: 'regex', error: `This pattern could run for a very long time. ${risk} Simplify it.` };
  // g and y make test() stateful; the others are harmless.
  const safeFlags = [...new Set(flags.replace(/[gy]/g, ''))].join('');
  try {
    const regex = new RegExp(pattern, safeFlags);
    return { mode: 'regex', test: (subject) => regex.test(subject.length > MAX_REGEX_SUBJECT ? subject.slice(0, MAX_REGEX_SUBJECT) : subject) };
  } catch (e) {
    return { mode: 'regex', error: `Invalid regular expression: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Finds nodes by name or op type: plain text matches either, case-insensitively, as a substring;
 * `/pattern/flags` is a regular expression tested against both. One pass over the nodes, so
 * 20,000 nodes take a few milliseconds; bounded by a hit limit and a time budget.
 */
export function searchGraph(tree: ScopeTree, query: string, options: SearchOptions = {}): SearchResult {
  const trimmed = query.trim();
  if (trimmed === '') return { hits: [], total: 0, truncated: false, mode: 'text' };
  const parsed = parseQuery(trimmed);
  if ('error' in parsed) return { hits: [], total: 0, truncated: false, mode: parsed.mode, error: parsed.error };
  const limit = Math.max(1, Math.min(MAX_SEARCH_HITS, Math.floor(options.limit ?? DEFAULT_SEARCH_LIMIT)));

  const nodes = tree.graph.nodes;
  const matched: number[] = [];
  let total = 0;
  let outOfTime = false;
  const started = performance.now();
  for (let i = 0; i < nodes.length; i++) {
    if ((i & 15) === 15 && performance.now() - started > SEARCH_TIME_BUDGET_MS) {
      outOfTime = true;
      break;
    }
    const node = nodes[i]!;
    if (parsed.test(node.name) || parsed.test(node.opType)) {
      total++;
      if (matched.length < limit) matched.push(i);
    }
  }
  return { hits: matched.map((i) => hitFor(tree, i)), total, truncated: outOfTime || total > matched.length, mode: parsed.mode };
}

/** The hit for a node: where it lies, and what to open or expand to show it. */
export function hitFor(tree: ScopeTree, index: number): SearchHit {
  const node = tree.graph.nodes[index]!;
  const scope = tree.scopeOfNode[index]!;
  const path = scopePath(tree, scope);
  const expand: string[] = [];
  const instances: { foldId: string; position: number }[] = [];
  for (const id of path) {
    const fold = foldContaining(tree, tree.byId.get(id)!);
    if (fold) {
      expand.push(fold.block.id);
      instances.push({ foldId: fold.block.id, position: fold.position });
    } else {
      expand.push(id);
    }
  }
  return { nodeId: node.id, nodeIndex: index, name: node.name, opType: node.opType, scopeId: scope.id, scopePath: path, expand, instances };
}
