import type { ModelCard, ModelDocument } from '../model/document';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic';
import { lintCardCompleteness } from './lint-card-completeness';
import { lintCardConsistency } from './lint-card-consistency';
import { parsePreparedMarkdown, prepareCardMarkdown } from './parse-card-markdown';
import { parseCardMetadata } from './parse-card-metadata';
import { validateCardMetadata } from './validate-card-metadata';
import { formatInteger } from '../model/units';

/**
 * Everything Loupe checks in a card: the YAML metadata (a YAML error is an `error` item with
 * its line and column), the Hub's metadata rules, the template's sections, and, given the
 * document, the claims its files contradict. Errors first. Lines are lines of the README.md.
 * What the renderer removes is reported by `renderCard` instead.
 */
export function lintCard(card: ModelCard, doc?: ModelDocument): Diagnostic[] {
  const lints: Diagnostic[] = [];
  // The front matter starts on line 2 (after `---`); the body after the closing `---`.
  const frontMatterLines = card.frontMatter === undefined ? 0 : card.frontMatter === '' ? 0 : card.frontMatter.split('\n').length;
  const bodyOffset = card.frontMatter === undefined ? 0 : frontMatterLines + 2;

  let metadata: Record<string, unknown> | undefined;
  if (card.frontMatter === undefined) {
    lints.push({
      severity: 'warning',
      code: 'metadata-missing',
      message: 'The card has no metadata: add a YAML block between `---` lines at the top (license, library_name, pipeline_tag…).',
    });
  } else {
    const parsed = parseCardMetadata(card.frontMatter);
    for (const warning of parsed.warnings)
      lints.push({ severity: 'warning', code: 'metadata-ambiguous', message: warning.message, line: warning.line + 1, column: warning.column });
    if (parsed.error) {
      lints.push({
        severity: 'error',
        code: 'metadata-invalid',
        message: `Invalid YAML metadata: ${parsed.error.message}`,
        line: parsed.error.line + 1,
        column: parsed.error.column,
      });
    } else {
      metadata = parsed.data;
    }
  }
  const fromMetadata = metadata ? validateCardMetadata(metadata) : [];

  const prepared = prepareCardMarkdown(card.body);
  if (prepared.rest) {
    lints.push({
      severity: 'info',
      code: prepared.restReason === 'complex' ? 'card-complex' : 'card-long',
      message: `Only the first ${formatInteger(prepared.parsedChars)} characters of the card were checked${prepared.restReason === 'complex' ? ': the paragraph after them has too much markup' : ''}.`,
    });
  }
  const root = parsePreparedMarkdown(prepared.markdown);
  const body = lintCardCompleteness(root).map((lint) => (lint.line !== undefined ? { ...lint, line: lint.line + bodyOffset } : lint));
  const consistency = doc ? lintCardConsistency(metadata, root, doc) : [];

  // A specific suggestion from the files replaces the generic "missing" note.
  const suggested = new Set(consistency.filter((l) => l.code.endsWith('-suggest')).map((l) => l.field));
  lints.push(...fromMetadata.filter((l) => !(l.code.endsWith('-missing') && suggested.has(l.field))), ...body, ...consistency);
  return sortDiagnostics(lints);
}
