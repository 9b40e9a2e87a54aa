import type { Element, ElementContent, Properties, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { MAX_HIGHLIGHT_CHARS, MAX_MATH_CHARS, rewriteCardTree } from './rewrite-card-tree';

function el(tagName: string, properties: Properties = {}, children: ElementContent[] = []): Element {
  return { type: 'element', tagName, properties, children };
}
const text = (value: string): ElementContent => ({ type: 'text', value });
const root = (...children: Element[]): Root => ({ type: 'root', children });

describe('rewriteCardTree', () => {
  it('turns mermaid code blocks into numbered placeholders holding the source as text', () => {
    const tree = root(
      el('pre', {}, [el('code', { className: ['language-mermaid'] }, [text('graph TD; A-->B<script>')])]),
      el('pre', {}, [el('code', { className: ['language-mermaid'] }, [text('pie')])]),
    );
    rewriteCardTree(tree, { allowRemoteImages: false });
    expect(tree.children).toEqual([
      el('pre', { className: ['mermaid-source'], dataMermaidIndex: '0' }, [text('graph TD; A-->B<script>')]),
      el('pre', { className: ['mermaid-source'], dataMermaidIndex: '1' }, [text('pie')]),
    ]);
  });

  it('gives headings prefixed slug ids, numbering repeats, and points fragment links at them', () => {
    const tree = root(el('h2', {}, [text('Usage')]), el('h2', {}, [text('Usage')]), el('p', {}, [el('a', { href: '#usage' }, [text('see')])]));
    rewriteCardTree(tree, { allowRemoteImages: false });
    const [first, second, p] = tree.children as Element[];
    expect([first!.properties.id, second!.properties.id]).toEqual(['user-content-usage', 'user-content-usage-1']);
    expect((p!.children[0] as Element).properties.href).toBe('#user-content-usage');
  });

  it('counts the remote images it holds back, from <img> and <source srcset>', () => {
    const tree = root(
      el('img', { src: 'https://x/a.png' }),
      el('picture', {}, [el('source', { srcSet: 'https://x/b.png 2x' })]),
      el('img', { src: 'local.png' }),
    );
    expect(rewriteCardTree(tree, { allowRemoteImages: false })).toBe(2);
    expect(rewriteCardTree(root(el('img', { src: 'https://x/a.png' })), { allowRemoteImages: true })).toBe(0);
  });

  it('stops highlighting code once the budget is spent', () => {
    const block = (length: number) => el('pre', {}, [el('code', { className: ['language-python'] }, [text('x'.repeat(length))])]);
    const tree = root(block(MAX_HIGHLIGHT_CHARS - 10), block(11), block(10));
    rewriteCardTree(tree, { allowRemoteImages: false });
    const classes = (tree.children as Element[]).map((pre) => (pre.children[0] as Element).properties.className);
    expect(classes).toEqual([['language-python'], ['language-python', 'no-highlight'], ['language-python']]);
  });

  it('leaves math as its source once the math budget is spent', () => {
    const math = (length: number) => el('code', { className: ['language-math', 'math-inline'] }, [text('x'.repeat(length))]);
    const tree = root(el('p', {}, [math(MAX_MATH_CHARS), math(1)]));
    rewriteCardTree(tree, { allowRemoteImages: false });
    const classes = ((tree.children[0] as Element).children as Element[]).map((code) => code.properties.className);
    expect(classes).toEqual([['language-math', 'math-inline'], ['math-source']]);
  });
});
