import type { Element, ElementContent, Nodes as HastNodes, Root as HastRoot } from 'hast';
import { CLOBBER_PREFIX } from './card-schema';
import { resolveFragmentLinks, rewriteImage, rewriteLink, rewriteSourceSet, slugify, type LinkOptions } from './rewrite-links';

/** Code highlighted per card, in characters; later code blocks stay plain. Highlighting is the slowest step per character. */
export const MAX_HIGHLIGHT_CHARS = 200_000;

/** TeX typeset per card, in characters; later formulas stay as their source. */
export const MAX_MATH_CHARS = 100_000;

/**
 * After sanitizing (the tree is trusted from here), in one pass: mermaid placeholders, heading
 * ids, fragment links to the prefixed ids, relative URLs against `repoBase`, remote images held
 * back, and the math and highlighting budgets. Returns the number of remote images held back.
 */
export function rewriteCardTree(tree: HastRoot, options: LinkOptions): number {
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
        else rewriteLink(props, props.href, options);
      }
      if (node.tagName === 'img' && typeof props.src === 'string') remoteImages += rewriteImage(props, props.src, options);
      if (node.tagName === 'source' && typeof props.srcSet === 'string') remoteImages += rewriteSourceSet(props, props.srcSet, options);
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as HastNodes, parent: node });
  }

  resolveFragmentLinks(fragmentLinks, ids);
  return remoteImages;
}

/** The text under a node, in document order. */
function textOf(node: ElementContent | HastRoot): string {
  const parts: string[] = [];
  const stack: (ElementContent | HastRoot)[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'text') parts.push(n.value);
    else if (n.type === 'element' || n.type === 'root') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as ElementContent);
  }
  return parts.join('');
}
