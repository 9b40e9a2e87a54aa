import type { List, Nodes as MdastNodes, PhrasingContent, Root as MdastRoot } from 'mdast';

/** The card's own mdast rewrites, before conversion to hast: the Hub's math delimiters, then long lists. */
export function transformCardMdast(tree: MdastRoot): void {
  parenMath(tree);
  splitLongLists(tree);
}

/**
 * mdast-util-to-hast checks every item of a list for looseness once per item, which is
 * quadratic in the list's length (50,000 items take tens of seconds). Lists longer than this
 * are split into consecutive lists of the same looseness and numbering.
 */
export const MAX_LIST_ITEMS = 500;

export function splitLongLists(tree: MdastRoot): void {
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

/** Whether the tree holds raw HTML, which only rehype-raw can parse. */
export function hasHtml(tree: MdastRoot): boolean {
  const stack: MdastNodes[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'html') return true;
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
  return false;
}

/**
 * The Hub writes inline math as `\\(…\\)` and display math as `\\[…\\]` (markdown turns `\\` into
 * one backslash). remark-math does not read these, so text nodes are split here: a linear
 * scan, so unclosed delimiters cannot make it quadratic. Math split across formatting is left as text.
 */
export function parenMath(tree: MdastRoot): void {
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
