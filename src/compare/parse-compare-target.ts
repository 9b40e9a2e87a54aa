import { parseRepoInput } from '../hub/parse-repo-input';

/** The second model of a comparison, as `?compare=` names it. */
export type CompareTarget = { repo: string; revision?: string; error?: undefined } | { error: string; repo?: undefined; revision?: undefined };

/**
 * Reads `?compare=`: `ORG/NAME`, `ORG/NAME@REV`, a pasted Hub link, or `@REV` for another
 * revision of the repo open as the first model (`base`).
 */
export function parseCompareTarget(value: string, base: string | undefined, endpoint?: string): CompareTarget {
  const text = value.trim();
  if (text.startsWith('@')) {
    if (!base) return { error: `"${text}" names a revision of the open repo, but no Hub repo is open. Write ORG/NAME${text}.` };
    return parseCompareTarget(`${base}${text}`, undefined, endpoint);
  }
  const parsed = parseRepoInput(text, { endpoint });
  if (parsed.kind !== 'model') return { error: parsed.message };
  return { repo: parsed.repo, revision: parsed.revision };
}
