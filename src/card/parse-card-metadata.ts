import { isMap, LineCounter, parseDocument, visit } from 'yaml';

/** Front matter larger than this is refused unparsed. Real cards' metadata is a few KiB; model-index rarely tops 100 KiB. */
export const MAX_FRONT_MATTER_BYTES = 256 * 1024;

/** Alias expansions allowed when building the data, so a "billion laughs" alias bomb fails in milliseconds. */
export const MAX_YAML_ALIAS_COUNT = 100;

/** A problem in the front matter, at a 1-based line and column of the YAML text. */
export interface CardMetadataProblem {
  message: string;
  line: number;
  column: number;
}

/** The parsed front matter: the data when it is a valid YAML mapping, else the first error. */
export interface CardMetadataResult {
  data?: Record<string, unknown>;
  error?: CardMetadataProblem;
  /** Valid YAML that other parsers may read differently (YAML 1.1 booleans such as `no`). */
  warnings: CardMetadataProblem[];
}

// YAML 1.1 (PyYAML, which huggingface_hub uses) reads these plain scalars as booleans; YAML 1.2 as strings.
const YAML_11_BOOLEANS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * Parses a card's front matter (the text between the `---` fences) with bounds on size and
 * aliases, and unique keys. Never throws: invalid YAML gives `error` with its position.
 */
export function parseCardMetadata(frontMatter: string): CardMetadataResult {
  // Bytes are at least the UTF-16 length, so only encode text that might fit.
  if (frontMatter.length > MAX_FRONT_MATTER_BYTES || new TextEncoder().encode(frontMatter).byteLength > MAX_FRONT_MATTER_BYTES) {
    return {
      error: { message: `The metadata block is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KiB; Loupe does not parse it.`, line: 1, column: 1 },
      warnings: [],
    };
  }
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  try {
    const doc = parseDocument(frontMatter, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const first = doc.errors[0];
    if (first) return { error: { message: yamlMessage(first.message), ...at(first.pos[0]) }, warnings: [] };

    const warnings: CardMetadataProblem[] = [];
    let firstAlias: number | undefined;
    visit(doc, {
      Alias(_, node) {
        firstAlias ??= node.range?.[0];
      },
      Scalar(key, node) {
        if (key === 'key' || node.type !== 'PLAIN' || typeof node.value !== 'string' || !YAML_11_BOOLEANS.test(node.value)) return;
        warnings.push({
          message: `\`${node.value}\` is a string here, but YAML 1.1 parsers (PyYAML, used by huggingface_hub) read it as a boolean; quote it.`,
          ...at(node.range?.[0]),
        });
      },
    });

    if (doc.contents !== null && !isMap(doc.contents)) {
      return { error: { message: 'The metadata must be a YAML mapping (`key: value` lines).', ...at(doc.contents.range?.[0]) }, warnings };
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError) {
        return {
          error: {
            message: `Too many alias expansions (more than ${MAX_YAML_ALIAS_COUNT}): the metadata looks like an alias bomb and was not expanded.`,
            ...at(firstAlias),
          },
          warnings,
        };
      }
      throw error;
    }
    // An empty block (only comments) is no metadata at all, which is valid.
    if (data === null || data === undefined) return { data: {}, warnings };
    return { data: data as Record<string, unknown>, warnings };
  } catch (error) {
    // Stack overflows on deep nesting and anything else unforeseen: report, never throw.
    const message = error instanceof Error ? error.message : String(error);
    return { error: { message: `The metadata could not be parsed: ${message}`, line: 1, column: 1 }, warnings: [] };
  }
}

/** yaml's messages may carry a position suffix; the position is reported separately. */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
}
