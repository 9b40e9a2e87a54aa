/**
 * One finding about a model card: a metadata rule the Hub enforces, a missing section,
 * a claim the files contradict, or something the renderer removed.
 */
export interface CardLint {
  severity: 'error' | 'warning' | 'info';
  /** Stable machine-readable id, e.g. `license-unknown`, `section-missing`, `sanitized`. */
  code: string;
  /** The metadata path it is about, e.g. `license` or `model-index[0].results[0].metrics[1].value`. */
  field?: string;
  message: string;
  /**
   * 1-based position, where known. `lintCard` gives lines of the whole README.md; the
   * functions it combines give lines of the text they were handed (front matter or body).
   */
  line?: number;
  column?: number;
}

const SEVERITY_ORDER: Record<CardLint['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then infos; stable within a severity. */
export function sortCardLints(lints: CardLint[]): CardLint[] {
  return lints
    .map((lint, index) => ({ lint, index }))
    .sort((a, b) => SEVERITY_ORDER[a.lint.severity] - SEVERITY_ORDER[b.lint.severity] || a.index - b.index)
    .map(({ lint }) => lint);
}
