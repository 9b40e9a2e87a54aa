import type { TemplateFlag } from './tokenizer-facts';

/** Templates longer than this are flagged: the longest real tool-use templates are around 10–20 KiB. */
export const MAX_PLAIN_TEMPLATE_CHARS = 24 * 1024;

const URL = /\b(?:https?|ftp|wss?):\/\/[^\s'"{}<>]+|\bwww\.[a-z0-9-]+\.[a-z]{2,}/i;
/** Zero-width characters, bidirectional overrides and isolates, and other invisible format characters. */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;
const CONTENT = String.raw`(?:\w+(?:\[['"]content['"]\]|\.content))`;
/** `'trigger' in message['content']`, `message.content == 'x'`, `'x' != m['content']`, and `.startswith('x')`-free comparisons. */
const CONTENT_CONDITION = new RegExp(
  String.raw`(?:['"][^'"]*['"]\s+(?:not\s+)?in\s+${CONTENT})|(?:${CONTENT}\s*(?:==|!=)\s*['"])|(?:['"][^'"]*['"]\s*(?:==|!=)\s*${CONTENT})|(?:${CONTENT}(?:\s*\|\s*lower)?\s*\.\s*find\s*\()`,
);
/** Statements and names a chat template has no use for: other templates, blocks, sandbox escapes. */
const BEYOND_CHAT =
  /\{%-?\s*(include|import|from|extends|block|call|filter|autoescape)\b|__\w+__|\b(?:self|lipsum|cycler|joiner|config|request|attr)\b\s*[.(|]|\|\s*attr\b/;
/** A literal of several words of prose: an instruction, not a role marker. */
const PROSE_WORDS = 6;

function stripTags(line: string): string {
  return line.replace(/\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}/g, ' ');
}

/** Prose a template writes into the conversation: text outside tags, or string literals inside them. */
function proseIn(line: string): string | undefined {
  const candidates = [stripTags(line), ...[...line.matchAll(/(['"])((?:(?!\1).){20,})\1/g)].map((m) => m[2] ?? '')];
  return candidates
    .find(
      (text) =>
        text
          .trim()
          .split(/\s+/)
          .filter((w) => /^[A-Za-z][A-Za-z,.'’:;!?-]*$/.test(w)).length >= PROSE_WORDS,
    )
    ?.trim();
}

/**
 * Risky constructs in a chat template, each with its line: warnings to read, not a verdict. Real
 * templates also write default system prompts, which are flagged too, since that is exactly where
 * an injected instruction would sit.
 */
export function flagTemplateRisks(source: string): TemplateFlag[] {
  const flags: TemplateFlag[] = [];
  const lines = source.split('\n');
  if (source.length > MAX_PLAIN_TEMPLATE_CHARS) {
    flags.push({
      code: 'template-long',
      line: 1,
      message: `the template is ${source.length} characters, longer than any ordinary chat template (${MAX_PLAIN_TEMPLATE_CHARS}); read it whole`,
    });
  }
  lines.forEach((line, index) => {
    const at = index + 1;
    const url = URL.exec(line);
    if (url) flags.push({ code: 'template-url', line: at, message: `line ${at} contains the address ${url[0]}` });
    const invisible = INVISIBLE.exec(line);
    if (invisible) {
      const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      flags.push({ code: 'template-invisible-unicode', line: at, message: `line ${at} contains the invisible or bidirectional character U+${code}` });
    }
    const condition = CONTENT_CONDITION.exec(line);
    if (condition) flags.push({ code: 'template-content-condition', line: at, message: `line ${at} branches on what a message says: ${condition[0].trim()}` });
    const feature = BEYOND_CHAT.exec(line);
    if (feature) flags.push({ code: 'template-jinja-feature', line: at, message: `line ${at} uses ${feature[0].trim()}, which a chat template does not need` });
    const prose = proseIn(line);
    if (prose)
      flags.push({
        code: 'template-system-injection',
        line: at,
        message: `line ${at} writes its own instruction into the conversation: "${prose.slice(0, 80)}${prose.length > 80 ? '…' : ''}"`,
      });
  });
  return flags;
}
