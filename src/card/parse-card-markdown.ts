import type { Nodes, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** Card text longer than this is dropped before anything else; 8 M characters keeps a 5 MB card whole. */
export const MAX_CARD_CHARS = 8_000_000;

/**
 * Markdown parsed per card, in characters. micromark costs microseconds per character (tens in
 * lists and tables), so a 5 MB card parsed whole would take a minute. Real cards are rarely
 * over 100 KB; the text past this limit is shown as plain text and not linted.
 */
export const MAX_MARKDOWN_CHARS = 200_000;

/** `data:` URLs longer than this are shortened before parsing: the sanitizer removes them anyway, and base64 images are most of a huge card. */
export const MAX_DATA_URL_CHARS = 1_000;

/**
 * Quotes and list markers nested deeper than this on one line are escaped to text: micromark's
 * time grows with the square of that depth (`- - - … x` 8,000 deep takes half a minute), and
 * deep trees overflow the stack of the recursive steps after it.
 */
export const MAX_LINE_NESTING = 32;

/** Leading whitespace kept outside fenced code, in characters: deeper indentation nests lists quadratically. */
export const MAX_INDENT = 64;

/**
 * Markup allowed in one paragraph, table row or list item line: link, emphasis, footnote and
 * code-span punctuation (`[ ] * _ ~ ^` and backticks), escapes and character references.
 * micromark resolves these in time that grows with the square of their number per paragraph
 * (20,000 `[a]` take seconds), so markdown stops before a paragraph with more; from there the
 * card is plain text.
 */
export const MAX_INLINE_MARKERS = 1_000;

/** Footnote references and definitions (`[^`) per card; GFM footnotes are quadratic in their number. Markdown stops before the one past this. */
export const MAX_FOOTNOTE_MARKS = 500;

/** remark-math reads `$$…$$`; single dollars stay text, as on the Hub (prices are not math). */
export const MATH_OPTIONS = { singleDollarTextMath: false } as const;

const parser = unified().use(remarkParse).use(remarkGfm).use(remarkMath, MATH_OPTIONS);

/** A card body split for parsing: the markdown to parse, and the rest, shown as plain text. */
export interface PreparedMarkdown {
  /** The markdown to parse, bounded (see {@link prepareCardMarkdown}). */
  markdown: string;
  /** Characters of the card that `markdown` stands for. */
  parsedChars: number;
  /** The text after `markdown`, not parsed; empty when the card fits. */
  rest: string;
  /** Why there is a `rest`: the card is long, or a paragraph is too complex to format. */
  restReason?: 'long' | 'complex';
  /** Characters dropped past {@link MAX_CARD_CHARS}. */
  dropped: number;
  /** Long `data:` URLs shortened. */
  dataUrls: number;
}

const LONG_DATA_URL = new RegExp(`data:(?:[\\w.+-]*/[\\w.+-]*)?(?:;[\\w.+=-]*)*,[\\w+/=%.-]{${MAX_DATA_URL_CHARS},}`, 'gi');

/**
 * Bounds a card body so parsing it takes linear time: long `data:` URLs shortened, the text
 * cut at a blank line near {@link MAX_MARKDOWN_CHARS} or before a paragraph too complex to
 * parse quickly, over-deep nesting escaped and over-deep indentation trimmed.
 */
export function prepareCardMarkdown(body: string): PreparedMarkdown {
  const dropped = Math.max(0, body.length - MAX_CARD_CHARS);
  let dataUrls = 0;
  const text = (dropped > 0 ? body.slice(0, MAX_CARD_CHARS) : body).replace(LONG_DATA_URL, () => {
    dataUrls++;
    return 'data:,removed';
  });
  let cut = text.length;
  let restReason: PreparedMarkdown['restReason'];
  if (text.length > MAX_MARKDOWN_CHARS) {
    // Cut between blocks where there is a blank line in the second half; else at the limit.
    const blank = text.lastIndexOf('\n\n', MAX_MARKDOWN_CHARS);
    cut = blank > MAX_MARKDOWN_CHARS / 2 ? blank + 2 : MAX_MARKDOWN_CHARS;
    restReason = 'long';
  }
  const bounded = boundMarkdown(text.slice(0, cut));
  if (bounded.cut !== undefined) {
    cut = bounded.cut;
    restReason = 'complex';
  }
  return { markdown: bounded.markdown, parsedChars: cut, rest: text.slice(cut), restReason, dropped, dataUrls };
}

const INLINE_MARKERS = new Set(['[', ']', '*', '_', '~', '`', '^', '&']);
const CONTAINER_MARKER = /^(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/;
// Tested on trimmed lines; written so no two whitespace runs touch, which keeps it linear.
const DELIMITER_ROW = /^\|?[ \t]*:?-+:?(?:[ \t]*\|[ \t]*:?-+:?)*[ \t]*\|?$/;
const HTML_BLOCK_START = /^<(?:[A-Za-z]|\/[A-Za-z]|!--|\?|!\[CDATA\[)/;

/**
 * One linear pass over the lines, outside fenced code: trims indentation past
 * {@link MAX_INDENT}, escapes container markers past {@link MAX_LINE_NESTING}, and finds the
 * first paragraph (or table row, or list item line) with more than {@link MAX_INLINE_MARKERS}
 * inline markers, or the footnote mark past {@link MAX_FOOTNOTE_MARKS}. Then `cut` is where
 * that paragraph starts in the input, and `markdown` is the edited text before it.
 */
function boundMarkdown(text: string): { markdown: string; cut?: number } {
  const lines = text.split('\n');
  const out: string[] = [];
  let offset = 0;
  let fence: { char: string; length: number } | undefined;
  let inTable = false;
  let inHtml = false;
  let footnotes = 0;
  // The current paragraph (or row, or list item line): where it starts in the input, and its marker count.
  let segmentStart: { input: number; output: number } | undefined;
  let markers = 0;
  let outLength = 0;
  const endSegment = (): void => {
    segmentStart = undefined;
    markers = 0;
  };

  for (let i = 0; i < lines.length; i++) {
    const original = lines[i] as string;
    const lineStart = offset;
    offset += original.length + 1;
    let line = original;
    if (fence) {
      const close = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      out.push(line);
      outLength += line.length + 1;
      continue;
    }
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    if (indent > MAX_INDENT) line = line.slice(indent - MAX_INDENT);
    // Container prefix: whitespace, `>` and list markers.
    let pos = 0;
    let depth = 0;
    let listItem = false;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
      const marker = CONTAINER_MARKER.exec(line.slice(pos, pos + 11));
      if (!marker) break;
      if (++depth > MAX_LINE_NESTING) {
        // A backslash before the punctuation makes it literal: `\>`, `\-`, `1\.`.
        const punctuation = pos + marker[0].length - 1;
        line = `${line.slice(0, punctuation)}\\${line.slice(punctuation)}`;
        break;
      }
      if (marker[0] !== '>') listItem = true;
      pos += marker[0].length;
    }
    const content = line.slice(pos);
    const open = /^(`{3,}|~{3,})/.exec(content);
    if (open?.[1]) {
      fence = { char: open[1][0] as string, length: open[1].length };
      endSegment();
    } else if (content.trim() === '') {
      inTable = inHtml = false;
      endSegment();
    } else if (!inHtml) {
      if (segmentStart === undefined && HTML_BLOCK_START.test(content)) {
        // HTML blocks have no inline markdown; they end at a blank line.
        inHtml = true;
      } else {
        const heading = /^#{1,6}(?:[ \t]|$)/.test(content);
        if (!inTable && segmentStart !== undefined && content.includes('-') && DELIMITER_ROW.test(content.trimEnd())) inTable = true;
        if (listItem || heading || inTable) endSegment();
        segmentStart ??= { input: lineStart, output: outLength };
        const counts = countMarkers(content);
        markers += counts.markers;
        footnotes += counts.footnotes;
        if (markers > MAX_INLINE_MARKERS || footnotes > MAX_FOOTNOTE_MARKS) {
          return { markdown: out.join('\n').slice(0, segmentStart.output), cut: segmentStart.input };
        }
        if (heading) endSegment();
      }
    }
    out.push(line);
    outLength += line.length + 1;
  }
  return { markdown: out.join('\n') };
}

function countMarkers(content: string): { markers: number; footnotes: number } {
  let markers = 0;
  let footnotes = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content[i] as string;
    if (c === '\\') {
      // Escapes count too: GFM autolink literals are quadratic in escapes followed by line endings.
      markers++;
      i++;
    } else if (INLINE_MARKERS.has(c)) {
      markers++;
      if (c === '[' && content[i + 1] === '^') footnotes++;
    }
  }
  return { markers, footnotes };
}

/** Parses a card body (markdown, without front matter) into mdast, with GFM and math syntax; only the part {@link prepareCardMarkdown} keeps. */
export function parseCardMarkdown(body: string): Root {
  return parsePreparedMarkdown(prepareCardMarkdown(body).markdown);
}

/**
 * Parses markdown already bounded by {@link prepareCardMarkdown}. Never throws: if parsing
 * fails (a stack overflow on hostile nesting), the card is one paragraph of text.
 */
export function parsePreparedMarkdown(markdown: string): Root {
  try {
    return parser.parse(markdown);
  } catch {
    return { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: markdown }] }] };
  }
}

/** Text node types whose value is literal text. */
const LITERAL = new Set(['text', 'inlineCode', 'code', 'math', 'inlineMath']);

/**
 * The text of mdast nodes, pieces joined by a space. `prose` leaves out code and math,
 * for looking for claims in what the author wrote. Iterative: deep nesting cannot overflow.
 */
export function markdownText(nodes: readonly Nodes[], options: { prose?: boolean } = {}): string {
  const parts: string[] = [];
  const stack: Nodes[] = [...nodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (LITERAL.has(node.type)) {
      if (!options.prose || node.type === 'text') parts.push((node as { value: string }).value);
    } else if ('children' in node) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as Nodes);
    }
  }
  return parts.join(' ');
}

/** Every link target in the card: markdown links, definitions, autolinks and `href`s in raw HTML. */
export function markdownLinks(root: Root): string[] {
  const links: string[] = [];
  const stack: Nodes[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'link' || node.type === 'definition') links.push(node.url);
    else if (node.type === 'html') {
      for (const match of node.value.matchAll(/\bhref\s*=\s*["']?([^"'\s>]+)/gi)) links.push(match[1] ?? '');
    }
    if ('children' in node) for (const child of node.children) stack.push(child as Nodes);
  }
  return links;
}
