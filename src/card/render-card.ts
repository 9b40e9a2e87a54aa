import type { Element, ElementContent, Nodes as HastNodes, Properties, Root as HastRoot } from 'hast';
import type { List, Nodes as MdastNodes, PhrasingContent, Root as MdastRoot } from 'mdast';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { CardLint } from './card-lint';
import { MAX_CARD_CHARS, parsePreparedMarkdown, prepareCardMarkdown } from './parse-card-markdown';

/** Code highlighted per card, in characters; later code blocks stay plain. Highlighting is the slowest step per character. */
export const MAX_HIGHLIGHT_CHARS = 200_000;

/** TeX typeset per card, in characters; later formulas stay as their source. */
export const MAX_MATH_CHARS = 100_000;

/** Prefix for every `id` and `name` from the card, so the card cannot clobber the page's own ids (DOM clobbering). */
export const CLOBBER_PREFIX = 'user-content-';

/** How a card is rendered. */
export interface RenderCardOptions {
  /** Base for relative links and images, e.g. `https://huggingface.co/org/name/resolve/main/`. */
  repoBase?: string;
  /** When false, remote images keep their URL in `data-remote-src` (and `data-remote-srcset`) instead of loading. */
  allowRemoteImages: boolean;
}

/** A card as safe HTML, with what the sanitizer removed. */
export interface RenderedCard {
  html: string;
  /** One `sanitized` item per kind of thing removed, with a count; lines are lines of the markdown given. */
  removed: CardLint[];
  /** Remote images held back (`allowRemoteImages: false`), so the UI can offer to load them. */
  remoteImages: number;
}

/** Elements removed with everything inside them: their content is code or would show as junk text. */
const STRIPPED = ['script', 'style', 'iframe', 'noscript', 'template', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'object', 'select'];

/** Removed elements that could run code, load content or forge UI; others (e.g. `<center>`) are cosmetic. */
const ACTIVE_ELEMENTS = new Set([
  ...STRIPPED,
  'frame', 'frameset', 'embed', 'applet', 'form', 'button', 'link', 'meta', 'base', 'svg', 'math', 'video', 'audio', 'portal', 'canvas', 'dialog', 'html', 'body', 'head',
]);

/**
 * GitHub's schema (rehype-sanitize's default) with: more elements stripped with their content,
 * links limited to http(s), mailto and relative URLs, and KaTeX's input classes on `code`.
 * Highlighting and KaTeX output are added after sanitizing, so they need nothing here.
 */
const CARD_SCHEMA = {
  ...defaultSchema,
  strip: STRIPPED,
  clobberPrefix: CLOBBER_PREFIX,
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'] },
  attributes: { ...defaultSchema.attributes, code: [['className', /^language-./, 'math-inline', 'math-display']] },
} satisfies typeof defaultSchema;

const sanitizeTree = rehypeSanitize(CARD_SCHEMA);
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
  const report = new Report();
  const prepared = prepareCardMarkdown(markdown);
  if (prepared.dropped > 0) {
    report.add(`dropped the last ${prepared.dropped.toLocaleString('en-US')} characters, past the limit of ${MAX_CARD_CHARS.toLocaleString('en-US')}`, 'warning', undefined, 'card-truncated');
  }
  if (prepared.restReason === 'long') {
    report.add(`showed the text after the first ${prepared.parsedChars.toLocaleString('en-US')} characters as plain text: the card is too long to format whole`, 'info', undefined, 'card-long');
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
    parenMath(mdast);
    splitLongLists(mdast);
    // rehype-raw re-parses the whole tree with parse5; without raw HTML there is nothing for it to do.
    const raw = (hasHtml(mdast) ? toHastRaw : toHast).runSync(mdast) as HastRoot;
    reportUnsafe(raw, report);
    if (prepared.dataUrls > 0) report.add('shortened a long data: URL (data: URLs are not shown)', 'info');
    const clean = sanitizeTree(raw);
    const remoteImages = rewrite(clean, options);
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

/**
 * mdast-util-to-hast checks every item of a list for looseness once per item, which is
 * quadratic in the list's length (50,000 items take tens of seconds). Lists longer than this
 * are split into consecutive lists of the same looseness and numbering.
 */
export const MAX_LIST_ITEMS = 500;

function splitLongLists(tree: MdastRoot): void {
  const stack: MdastNodes[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (!('children' in node)) continue;
    const children = node.children as MdastNodes[];
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as MdastNodes;
      if (child.type === 'list' && child.children.length > MAX_LIST_ITEMS) {
        const loose = child.spread === true || child.children.some((item) => item.spread === true || item.children.length > 1);
        const parts: List[] = [];
        for (let at = 0; at < child.children.length; at += MAX_LIST_ITEMS) {
          const start = child.ordered ? (child.start ?? 1) + at : child.start;
          parts.push({ ...child, spread: loose, start, children: child.children.slice(at, at + MAX_LIST_ITEMS) });
        }
        children.splice(i, 1, ...parts);
        i += parts.length - 1;
        for (const part of parts) stack.push(part);
      } else if ('children' in child) stack.push(child);
    }
  }
}

function hasHtml(tree: MdastRoot): boolean {
  const stack: MdastNodes[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'html') return true;
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
  return false;
}

/** Counts removals by message, so a card with a thousand `onerror`s gives one item. */
class Report {
  private readonly items = new Map<string, { severity: CardLint['severity']; code: string; count: number; line?: number }>();

  add(message: string, severity: CardLint['severity'], line?: number, code = 'sanitized'): void {
    const item = this.items.get(message);
    if (item) {
      item.count++;
      if (severity === 'warning') item.severity = 'warning';
    } else {
      this.items.set(message, { severity, code, count: 1, line });
    }
  }

  /** Forgets the removals: when rendering fails, the card is shown as text and nothing was removed. */
  forgetRemovals(): void {
    for (const [message, item] of this.items) if (item.code === 'sanitized') this.items.delete(message);
  }

  lints(): CardLint[] {
    return [...this.items].map(([message, { severity, code, count, line }]) => ({
      severity,
      code,
      message: count > 1 ? `${capitalize(message)} (${count} times).` : `${capitalize(message)}.`,
      ...(line !== undefined ? { line } : {}),
    }));
  }
}

/**
 * Finds what the sanitizer will remove, before it runs. Elements are checked against the
 * schema's tag list; attributes by sanitizing a childless copy of the element with the same
 * schema, so the report follows the sanitizer's rules. Safety never depends on this pass.
 */
function reportUnsafe(tree: HastRoot, report: Report): void {
  const allowed = new Set(CARD_SCHEMA.tagNames);
  const stack: { node: HastNodes; inTable: boolean }[] = [{ node: tree, inTable: false }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, inTable } = entry;
    let childInTable = inTable;
    if (node.type === 'element') {
      const tag = node.tagName;
      const line = node.position?.start.line;
      const needsTable = Object.prototype.hasOwnProperty.call(CARD_SCHEMA.ancestors, tag);
      if (!allowed.has(tag) || (needsTable && !inTable)) {
        const active = ACTIVE_ELEMENTS.has(tag);
        if (STRIPPED.includes(tag)) {
          report.add(`removed ${article(tag)} <${clip(tag)}> element and its content`, 'warning', line);
          continue;
        }
        report.add(`removed ${article(tag)} <${clip(tag)}> element (its text is kept)`, active ? 'warning' : 'info', line);
      }
      reportAttributes(node, allowed.has(tag) && !(needsTable && !inTable), report, line);
      if (tag === 'table') childInTable = true;
    }
    if ('children' in node) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as HastNodes, inTable: childInTable });
    }
  }
}

const URL_PROPERTIES = new Set(['href', 'src', 'cite', 'longDesc', 'srcSet', 'action', 'formAction', 'poster', 'background', 'xLinkHref', 'data', 'codeBase', 'manifest']);

function reportAttributes(node: Element, elementKept: boolean, report: Report, line: number | undefined): void {
  const keys = Object.keys(node.properties);
  if (keys.length === 0) return;
  let kept: Properties = {};
  if (elementKept) {
    const copy: Element = { type: 'element', tagName: node.tagName, properties: { ...node.properties }, children: [] };
    const wrapped: Element = Object.prototype.hasOwnProperty.call(CARD_SCHEMA.ancestors, node.tagName)
      ? { type: 'element', tagName: 'table', properties: {}, children: [copy] }
      : copy;
    const result = sanitizeTree({ type: 'root', children: [wrapped] });
    const first = result.children[0];
    const element = first?.type === 'element' && first.tagName === 'table' && wrapped !== copy ? first.children[0] : first;
    if (element?.type === 'element') kept = element.properties;
  }
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(kept, key)) continue;
    const value = node.properties[key];
    if (value === null || value === undefined || value === false) continue;
    const attribute = attributeName(key);
    if (/^on/i.test(key)) {
      report.add(`removed ${article(attribute)} ${attribute} attribute`, 'warning', line);
    } else if (URL_PROPERTIES.has(key)) {
      const scheme = schemeOf(String(Array.isArray(value) ? value.join(' ') : value));
      if (node.tagName === 'a' && key === 'href') report.add(scheme ? `removed a ${scheme}: link` : 'removed an unsafe link', 'warning', line);
      else if (scheme) report.add(`removed a ${scheme}: URL from ${article(node.tagName)} <${clip(node.tagName)}> ${attribute}`, 'warning', line);
      else report.add(`removed ${article(attribute)} ${attribute} attribute`, 'warning', line);
    } else if (elementKept) {
      // On removed elements every attribute goes; only the dangerous ones are worth a line.
      report.add(`removed ${article(attribute)} ${attribute} attribute`, 'info', line);
    }
  }
}

/** The scheme of a URL as a browser would read it (tabs and newlines ignored), for messages; lower case. */
function schemeOf(url: string): string | undefined {
  const match = /^([^:/?#]+):/.exec(url.replace(/[\s\p{Cc}]/gu, ''));
  const scheme = match?.[1]?.toLowerCase().replace(/[^a-z0-9+.-]/g, '');
  return scheme ? clip(scheme) : undefined;
}

/** hast property names back to HTML attribute names, for messages. */
function attributeName(property: string): string {
  const special: Record<string, string> = { className: 'class', htmlFor: 'for', acceptCharset: 'accept-charset', httpEquiv: 'http-equiv', xLinkHref: 'xlink:href' };
  if (Object.prototype.hasOwnProperty.call(special, property)) return special[property] as string;
  if (/^(?:data|aria)[A-Z]/.test(property)) return clip(property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  return clip(property.toLowerCase());
}

/**
 * The Hub writes inline math as `\\(…\\)` and display math as `\\[…\\]` (markdown turns `\\` into
 * one backslash). remark-math does not read these, so text nodes are split here: a linear
 * scan, so unclosed delimiters cannot make it quadratic. Math split across formatting is left as text.
 */
function parenMath(tree: MdastRoot): void {
  const stack: MdastNodes[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (!('children' in node)) continue;
    const children = node.children as MdastNodes[];
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as MdastNodes;
      if (child.type === 'text' && (child.value.includes('\\(') || child.value.includes('\\['))) {
        const parts = splitMath(child.value);
        if (parts.length > 1 || parts[0]?.type !== 'text') {
          children.splice(i, 1, ...parts);
          i += parts.length - 1;
        }
      } else if ('children' in child) stack.push(child);
    }
  }
}

function splitMath(value: string): PhrasingContent[] {
  const parts: PhrasingContent[] = [];
  const closers: Record<string, string> = { '\\(': '\\)', '\\[': '\\]' };
  const exhausted = new Set<string>();
  let at = 0;
  let textStart = 0;
  while (at < value.length && parts.length < 10_000) {
    const candidates = Object.keys(closers)
      .filter((open) => !exhausted.has(open))
      .map((open) => ({ open, index: value.indexOf(open, at) }))
      .filter((c) => c.index >= 0)
      .sort((a, b) => a.index - b.index);
    const next = candidates[0];
    if (!next) break;
    const close = value.indexOf(closers[next.open] as string, next.index + 2);
    if (close < 0) {
      exhausted.add(next.open);
      continue;
    }
    const tex = value.slice(next.index + 2, close);
    if (tex.trim() === '') {
      at = close + 2;
      continue;
    }
    if (next.index > textStart) parts.push({ type: 'text', value: value.slice(textStart, next.index) });
    const display = next.open === '\\[';
    parts.push({
      type: 'inlineMath',
      value: tex,
      data: {
        hName: 'code',
        hProperties: { className: ['language-math', display ? 'math-display' : 'math-inline'] },
        hChildren: [{ type: 'text', value: tex }],
      },
    });
    at = textStart = close + 2;
  }
  if (parts.length === 0) return [{ type: 'text', value }];
  if (textStart < value.length) parts.push({ type: 'text', value: value.slice(textStart) });
  return parts;
}

/**
 * After sanitizing (the tree is trusted from here): mermaid placeholders, heading ids,
 * fragment links to the prefixed ids, relative URLs against `repoBase`, remote images held
 * back, and the math and highlighting budgets. Returns the number of remote images held back.
 */
function rewrite(tree: HastRoot, options: RenderCardOptions): number {
  let remoteImages = 0;
  let mermaidBlocks = 0;
  let mathLeft = MAX_MATH_CHARS;
  let highlightLeft = MAX_HIGHLIGHT_CHARS;
  const ids = new Set<string>();
  const slugs = new Map<string, number>();
  const fragmentLinks: Element[] = [];

  const stack: { node: HastNodes; parent?: HastRoot | Element }[] = [{ node: tree }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, parent } = entry;
    if (node.type !== 'element' && node.type !== 'root') continue;
    if (node.type === 'element') {
      const props = node.properties;
      const classes = Array.isArray(props.className) ? props.className.map(String) : [];
      if (node.tagName === 'pre' && parent) {
        const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
        const codeClasses = code && Array.isArray(code.properties.className) ? code.properties.className.map(String) : [];
        if (code && codeClasses.includes('language-mermaid')) {
          const source = textOf(code);
          // The source is text only, so it is always escaped; an attribute would keep `<` raw.
          const placeholder: Element = {
            type: 'element',
            tagName: 'pre',
            properties: { className: ['mermaid-source'], dataMermaidIndex: String(mermaidBlocks++) },
            children: [{ type: 'text', value: source }],
          };
          parent.children.splice(parent.children.indexOf(node), 1, placeholder);
          continue;
        }
        if (code && !codeClasses.includes('language-math')) {
          const length = textOf(code).length;
          if (length > highlightLeft) code.properties.className = [...codeClasses, 'no-highlight'];
          else highlightLeft -= length;
        }
      }
      if (node.tagName === 'code' && (classes.includes('language-math') || classes.includes('math-inline') || classes.includes('math-display'))) {
        const length = textOf(node).length;
        if (length > mathLeft) props.className = ['math-source'];
        else mathLeft -= length;
      }
      if (/^h[1-6]$/.test(node.tagName) && props.id === undefined) {
        const slug = slugify(textOf(node));
        const seen = slugs.get(slug) ?? 0;
        slugs.set(slug, seen + 1);
        props.id = `${CLOBBER_PREFIX}${seen > 0 ? `${slug}-${seen}` : slug}`;
      }
      if (typeof props.id === 'string') ids.add(props.id);
      if (node.tagName === 'a' && typeof props.href === 'string') {
        if (props.href.startsWith('#')) fragmentLinks.push(node);
        else {
          props.href = resolve(props.href, options.repoBase);
          if (/^https?:/i.test(props.href)) props.rel = ['nofollow', 'noopener', 'noreferrer'];
        }
      }
      if (node.tagName === 'img' && typeof props.src === 'string') {
        const src = resolve(props.src, options.repoBase);
        delete props.src;
        if (/^https?:/i.test(src)) {
          if (options.allowRemoteImages) {
            props.src = src;
            props.referrerPolicy = 'no-referrer';
            props.loading = 'lazy';
          } else {
            props.dataRemoteSrc = src;
            remoteImages++;
          }
        } else {
          // No base to resolve against: loading it would hit Loupe's own origin. The UI may map it to a dropped file.
          props.dataLocalSrc = src;
        }
      }
      if (node.tagName === 'source' && typeof props.srcSet === 'string') {
        // <picture><source srcset> loads images too, so it follows the same rules as <img src>.
        const candidates = props.srcSet.split(',').map((candidate) => {
          const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
          return { url: resolve(url, options.repoBase), descriptor };
        });
        const srcSet = candidates.map((c) => [c.url, ...c.descriptor].join(' ')).join(', ');
        delete props.srcSet;
        if (candidates.some((c) => !/^https?:/i.test(c.url))) props.dataLocalSrcset = srcSet;
        else if (options.allowRemoteImages) props.srcSet = srcSet;
        else {
          props.dataRemoteSrcset = srcSet;
          remoteImages++;
        }
      }
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as HastNodes, parent: node });
  }

  for (const link of fragmentLinks) {
    const fragment = safeDecode(String(link.properties.href).slice(1));
    if (ids.has(`${CLOBBER_PREFIX}${fragment}`)) link.properties.href = `#${CLOBBER_PREFIX}${fragment}`;
    else if (ids.has(`${CLOBBER_PREFIX}${slugify(fragment)}`)) link.properties.href = `#${CLOBBER_PREFIX}${slugify(fragment)}`;
  }
  return remoteImages;
}

/** Resolves a relative URL against the repo base; absolute URLs, fragments and unresolvable input pass through. */
function resolve(url: string, base: string | undefined): string {
  if (url.startsWith('//')) return `https:${url}`;
  if (!base || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#')) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** GitHub-style heading slugs: lower case, punctuation dropped, spaces as dashes. */
function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function textOf(node: ElementContent | HastRoot): string {
  const parts: string[] = [];
  const stack: (ElementContent | HastRoot)[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'text') parts.push(n.value);
    else if (n.type === 'element' || n.type === 'root') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as ElementContent);
  }
  return parts.join('');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Names from the card are shortened before they are quoted in a message. */
function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}
