import type { Root } from 'mdast';
import type { ModelDocument } from '../model/document';
import { pipelinesForArchitecture, guessPipelineTag } from './architecture-pipelines';
import type { Diagnostic } from '../model/diagnostic';
import { baseName, guessLibraryName, LIBRARY_FILE_RULES } from './guess-library-name';
import { markdownText, parseCardMarkdown } from './parse-card-markdown';
import { formatCount, formatInteger } from '../model/units';

/** The parts of a ModelDocument the card is checked against. */
export type CardConsistencyFacts = Partial<Pick<ModelDocument, 'config' | 'parameters' | 'formats' | 'source' | 'warnings'>>;

/** A parameter count the card states, e.g. "7B parameters". */
export interface StatedParameterCount {
  /** The words as written, e.g. `1.3 billion parameters`. */
  text: string;
  value: number;
  /** Relative difference still taken as agreement: 10%, or more when the number is written coarsely ("1B" may mean 0.5–1.5B). */
  tolerance: number;
}

/** Stated counts considered; a card listing more is a table of other models, not a claim about this one. */
export const MAX_STATED_COUNTS = 200;

const UNITS: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, b: 1e9, billion: 1e9, t: 1e12, trillion: 1e12 };

// A number, a unit, maybe one qualifying word, then "parameters"/"params": "7B parameters", "124M params", "1.3 billion trainable parameters".
// Separators are bounded ({0,3}) so a long run of spaces cannot make the match backtrack quadratically.
const STATED =
  /(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{1,15}(?:\.\d{1,6})?)[\s-]{0,3}(trillion|billion|million|thousand|[tbmk])?\b[\s-]{0,3}(?:(?:total|trainable|active|learnable|model|non-embedding)[\s-]{1,3})?param(?:eter)?s?\b/gi;

/** The parameter counts a text states. Counts under 1,000 without a unit are ignored (they are rarely model sizes). */
export function statedParameterCounts(text: string): StatedParameterCount[] {
  const counts: StatedParameterCount[] = [];
  for (const match of text.matchAll(STATED)) {
    const digits = (match[1] ?? '').replace(/,/g, '');
    const unit = match[2]?.toLowerCase();
    const multiplier = unit ? (UNITS[unit] ?? 1) : 1;
    const number = Number(digits);
    if (!Number.isFinite(number) || number <= 0 || (!unit && number < 1000)) continue;
    const decimals = digits.includes('.') ? digits.length - digits.indexOf('.') - 1 : 0;
    const value = number * multiplier;
    const lastDigit = unit ? 10 ** -decimals : 0;
    counts.push({ text: match[0].replace(/\s+/g, ' '), value, tolerance: Math.max(0.1, (0.5 * lastDigit) / number) });
    if (counts.length >= MAX_STATED_COUNTS) break;
  }
  return counts;
}

/**
 * Claims in the card that the files contradict: a `pipeline_tag` that does not fit the
 * architecture, a stated parameter count the weights disagree with by more than ~10%, and a
 * `library_name` whose files are missing. Silent where the files say nothing.
 */
export function lintCardConsistency(metadata: Record<string, unknown> | undefined, body: string | Root | undefined, doc: CardConsistencyFacts): Diagnostic[] {
  const lints: Diagnostic[] = [];
  checkPipelineTag(metadata?.pipeline_tag, doc, lints);
  checkLibrary(metadata?.library_name, doc, lints);
  if (body !== undefined) checkParameterCount(typeof body === 'string' ? parseCardMarkdown(body) : body, doc, lints);
  return lints;
}

function checkPipelineTag(tag: unknown, doc: CardConsistencyFacts, lints: Diagnostic[]): void {
  const architectures = doc.config?.architectures ?? [];
  const modelType = doc.config?.modelType;
  if (tag === undefined || tag === null) {
    const guess = guessPipelineTag(architectures, modelType);
    if (guess) {
      lints.push({
        severity: 'info',
        code: 'pipeline-tag-suggest',
        field: 'pipeline_tag',
        message: `No \`pipeline_tag\`; \`${architectures.join(', ')}\` suggests \`${guess}\`.`,
      });
    }
    return;
  }
  if (typeof tag !== 'string') return;
  const known = architectures.map((a) => ({ architecture: a, pipelines: pipelinesForArchitecture(a, modelType) })).filter((k) => k.pipelines);
  if (known.length === 0 || known.some((k) => k.pipelines?.includes(tag))) return;
  const first = known[0];
  lints.push({
    severity: 'warning',
    code: 'pipeline-tag-architecture',
    field: 'pipeline_tag',
    message: `\`pipeline_tag: ${tag}\` does not fit the architecture \`${first?.architecture}\` in config.json, which does ${first?.pipelines?.map((p) => `\`${p}\``).join(' or ')}.`,
  });
}

function checkLibrary(library: unknown, doc: CardConsistencyFacts, lints: Diagnostic[]): void {
  const paths = (doc.source?.files ?? []).map((f) => f.path);
  if (library === undefined || library === null) {
    const guess = guessLibraryName(paths, doc.config);
    if (guess) {
      lints.push({ severity: 'info', code: 'library-suggest', field: 'library_name', message: `No \`library_name\`; the files suggest \`${guess}\`.` });
    }
    return;
  }
  if (typeof library !== 'string' || paths.length === 0) return;
  const rule = Object.prototype.hasOwnProperty.call(LIBRARY_FILE_RULES, library) ? LIBRARY_FILE_RULES[library] : undefined;
  if (!rule || rule.test(paths.map(baseName))) return;
  lints.push({
    severity: 'warning',
    code: 'library-files',
    field: 'library_name',
    message: `\`library_name: ${library}\` needs ${rule.needs}, and the files Loupe was given have none.`,
  });
}

function checkParameterCount(root: Root, doc: CardConsistencyFacts, lints: Diagnostic[]): void {
  const config = doc.config;
  // Packed quantized weights and missing shards make the element count say nothing about the model's size.
  if (config?.raw.quantization_config !== undefined) return;
  if ((doc.warnings ?? []).some((w) => w.code.includes('shard'))) return;
  const byDtype = doc.parameters?.byDtype ?? {};
  if (byDtype.U4 || byDtype.I4 || byDtype.F4) return;

  const fromWeights = doc.parameters?.total ?? 0;
  const actual = fromWeights > 0 ? fromWeights : (config?.estimate?.estimate?.total ?? 0);
  if (actual <= 0) return;
  const source = fromWeights > 0 ? 'the weights hold' : 'config.json implies';

  const stated = statedParameterCounts(markdownText(root.children, { prose: true }));
  if (stated.length === 0) return;
  const off = (s: StatedParameterCount): number => Math.abs(s.value - actual) / s.value;
  if (stated.some((s) => off(s) <= s.tolerance)) return;
  const closest = stated.reduce((a, b) => (off(b) < off(a) ? b : a));
  lints.push({
    severity: 'warning',
    code: 'parameters-mismatch',
    message: `The card says “${closest.text}”, but ${source} ${formatCount(actual)} (${formatInteger(actual)}) parameters.`,
  });
}
