import type { Root as HastRoot } from 'hast';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { Diagnostic } from '../model/diagnostic';
import { sanitizeCardTree } from './card-schema';
import { MAX_CARD_CHARS, parsePreparedMarkdown, prepareCardMarkdown } from './parse-card-markdown';
import { rewriteCardTree } from './rewrite-card-tree';
import type { LinkOptions } from './rewrite-links';
import { reportUnsafe, SanitizerReport } from './sanitizer-report';
import { hasHtml, transformCardMdast } from './transform-card-mdast';

export { CLOBBER_PREFIX } from './card-schema';
export { MAX_HIGHLIGHT_CHARS, MAX_MATH_CHARS } from './rewrite-card-tree';
export { MAX_LIST_ITEMS } from './transform-card-mdast';

/** How a card is rendered. */
export type RenderCardOptions = LinkOptions;

/** A card as safe HTML, with what the sanitizer removed. */
export interface RenderedCard {
  html: string;
  /** One `sanitized` item per kind of thing removed, with a count; lines are lines of the markdown given. */
  removed: Diagnostic[];
  /** Remote images held back (`allowRemoteImages: false`), so the UI can offer to load them. */
  remoteImages: number;
}

const toHast = unified().use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' });
const toHastRaw = unified().use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' }).use(rehypeRaw);
// KaTeX with trust off: \href, \url, \htmlClass and friends are refused; sizes and macro expansion are bounded.
const finish = unified()
  .use(rehypeKatex, { trust: false, strict: 'ignore', maxSize: 50, maxExpand: 1000, output: 'htmlAndMathml' })
  .use(rehypeHighlight, { detect: false, plainText: ['mermaid', 'math', 'text', 'txt', 'plaintext'] })
  .use(rehypeStringify);

/**
 * Renders a card body (markdown without front matter) to HTML that is safe to insert:
 * GFM, math (`$$…$$`, and the Hub's `\\(…\\)` and `\\[…\\]`), raw HTML through a GitHub-like
 * sanitizer, then KaTeX and code highlighting. Mermaid blocks become
 * `<pre class="mermaid-source" data-mermaid-index="N">` placeholders whose escaped text is the
 * diagram source, for the UI to render with mermaid in strict mode. Never throws.
 */
export function renderCard(markdown: string, options: RenderCardOptions): RenderedCard {
  const report = new SanitizerReport();
  const prepared = prepareCardMarkdown(markdown);
  if (prepared.dropped > 0) {
    report.add(
      `dropped the last ${prepared.dropped.toLocaleString('en-US')} characters, past the limit of ${MAX_CARD_CHARS.toLocaleString('en-US')}`,
      'warning',
      undefined,
      'card-truncated',
    );
  }
  if (prepared.restReason === 'long') {
    report.add(
      `showed the text after the first ${prepared.parsedChars.toLocaleString('en-US')} characters as plain text: the card is too long to format whole`,
      'info',
      undefined,
      'card-long',
    );
  } else if (prepared.restReason === 'complex') {
    report.add(
      `showed the text from character ${prepared.parsedChars.toLocaleString('en-US')} on as plain text: a paragraph there has too much link, emphasis or footnote markup to format quickly`,
      'warning',
      undefined,
      'card-complex',
    );
  }
  const rest = prepared.rest ? `\n<pre class="card-rest">${escapeHtml(prepared.rest)}</pre>` : '';
  try {
    const mdast = parsePreparedMarkdown(prepared.markdown);
    transformCardMdast(mdast);
    // rehype-raw re-parses the whole tree with parse5; without raw HTML there is nothing for it to do.
    const raw = (hasHtml(mdast) ? toHastRaw : toHast).runSync(mdast) as HastRoot;
    reportUnsafe(raw, report);
    if (prepared.dataUrls > 0) report.add('shortened a long data: URL (data: URLs are not shown)', 'info');
    const clean = sanitizeCardTree(raw);
    const remoteImages = rewriteCardTree(clean, options);
    const html = finish.stringify(finish.runSync(clean) as HastRoot) + rest;
    return { html, removed: report.lints(), remoteImages };
  } catch (error) {
    // Deeply nested input can overflow a recursive step; show the source as text rather than nothing.
    const reason = error instanceof RangeError ? 'it is nested too deeply' : 'of an internal error';
    report.forgetRemovals();
    report.add(`showed the card as plain text because ${reason}`, 'warning', undefined, 'render-failed');
    return { html: `<pre class="card-source">${escapeHtml(prepared.markdown)}</pre>${rest}`, removed: report.lints(), remoteImages: 0 };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
