export type Severity = 'error' | 'warning' | 'info';

/**
 * A problem that does not stop the model from showing: a document warning (a missing shard, an
 * unsafe pickle) or a card lint (a metadata rule, a missing section, a claim the files
 * contradict). Views show both the same way. Fatal problems are typed errors instead.
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable id, e.g. `shard-missing`, `license-unknown`, `sanitized`. */
  code: string;
  message: string;
  /** The file it is about, by its path in the group. */
  file?: string;
  /** The field it is about, e.g. `weight_map` or `model-index[0].results[0].metrics[1].value`. */
  field?: string;
  /**
   * 1-based position in the file, where known. A card's lints give lines of the whole README.md;
   * the checks they combine give lines of the text they were handed (front matter or body).
   */
  line?: number;
  column?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then infos; stable within a severity. */
export function sortDiagnostics<T extends Diagnostic>(diagnostics: readonly T[]): T[] {
  return diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort((a, b) => SEVERITY_ORDER[a.diagnostic.severity] - SEVERITY_ORDER[b.diagnostic.severity] || a.index - b.index)
    .map(({ diagnostic }) => diagnostic);
}
