import type { Element, Nodes as HastNodes, Properties, Root as HastRoot } from 'hast';
import type { Diagnostic } from '../model/diagnostic';
import { CARD_SCHEMA, sanitizeCardTree, STRIPPED } from './card-schema';

/** Removed elements that could run code, load content or forge UI; others (e.g. `<center>`) are cosmetic. */
const ACTIVE_ELEMENTS = new Set([
  ...STRIPPED,
  'frame',
  'frameset',
  'embed',
  'applet',
  'form',
  'button',
  'link',
  'meta',
  'base',
  'svg',
  'math',
  'video',
  'audio',
  'portal',
  'canvas',
  'dialog',
  'html',
  'body',
  'head',
]);

/** What rendering removed or changed, counted by message, so a card with a thousand `onerror`s gives one item. */
export class SanitizerReport {
  private readonly items = new Map<string, { severity: Diagnostic['severity']; code: string; count: number; line?: number }>();

  add(message: string, severity: Diagnostic['severity'], line?: number, code = 'sanitized'): void {
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

  lints(): Diagnostic[] {
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
export function reportUnsafe(tree: HastRoot, report: SanitizerReport): void {
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

const URL_PROPERTIES = new Set([
  'href',
  'src',
  'cite',
  'longDesc',
  'srcSet',
  'action',
  'formAction',
  'poster',
  'background',
  'xLinkHref',
  'data',
  'codeBase',
  'manifest',
]);

function reportAttributes(node: Element, elementKept: boolean, report: SanitizerReport, line: number | undefined): void {
  const keys = Object.keys(node.properties);
  if (keys.length === 0) return;
  let kept: Properties = {};
  if (elementKept) {
    const copy: Element = { type: 'element', tagName: node.tagName, properties: { ...node.properties }, children: [] };
    const wrapped: Element = Object.prototype.hasOwnProperty.call(CARD_SCHEMA.ancestors, node.tagName)
      ? { type: 'element', tagName: 'table', properties: {}, children: [copy] }
      : copy;
    const result = sanitizeCardTree({ type: 'root', children: [wrapped] });
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
  const special: Record<string, string> = {
    className: 'class',
    htmlFor: 'for',
    acceptCharset: 'accept-charset',
    httpEquiv: 'http-equiv',
    xLinkHref: 'xlink:href',
  };
  if (Object.prototype.hasOwnProperty.call(special, property)) return special[property] as string;
  if (/^(?:data|aria)[A-Z]/.test(property)) return clip(property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  return clip(property.toLowerCase());
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
