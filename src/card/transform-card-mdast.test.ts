import type { List, ListItem, Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { hasHtml, MAX_LIST_ITEMS, parenMath, splitLongLists } from './transform-card-mdast';

function paragraph(value: string): Root {
  return { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value }] }] };
}

function item(text: string, spread = false): ListItem {
  return { type: 'listItem', spread, children: [{ type: 'paragraph', children: [{ type: 'text', value: text }] }] };
}

describe('parenMath', () => {
  it("splits the Hub's \\( \\) and \\[ \\] into inline and display math", () => {
    const tree = paragraph('a \\(x^2\\) b \\[y\\] c');
    parenMath(tree);
    const children = (tree.children[0] as { children: unknown[] }).children;
    expect(children).toEqual([
      { type: 'text', value: 'a ' },
      {
        type: 'inlineMath',
        value: 'x^2',
        data: { hName: 'code', hProperties: { className: ['language-math', 'math-inline'] }, hChildren: [{ type: 'text', value: 'x^2' }] },
      },
      { type: 'text', value: ' b ' },
      {
        type: 'inlineMath',
        value: 'y',
        data: { hName: 'code', hProperties: { className: ['language-math', 'math-display'] }, hChildren: [{ type: 'text', value: 'y' }] },
      },
      { type: 'text', value: ' c' },
    ]);
  });

  it('leaves unclosed and empty delimiters as text', () => {
    for (const value of ['a \\(x', 'a \\( \\) b', '\\[ never closed']) {
      const tree = paragraph(value);
      parenMath(tree);
      expect(tree).toEqual(paragraph(value));
    }
  });

  it('reaches text inside formatting', () => {
    const tree: Root = { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'emphasis', children: [{ type: 'text', value: '\\(z\\)' }] }] }] };
    parenMath(tree);
    expect(JSON.stringify(tree)).toContain('"type":"inlineMath","value":"z"');
  });
});

describe('splitLongLists', () => {
  it('splits a long ordered list into consecutive lists that keep the numbering', () => {
    const count = 2 * MAX_LIST_ITEMS + 1;
    const list: List = { type: 'list', ordered: true, start: 3, spread: false, children: Array.from({ length: count }, (_, i) => item(String(i))) };
    const tree: Root = { type: 'root', children: [list] };
    splitLongLists(tree);
    const parts = tree.children as List[];
    expect(parts.map((p) => [p.start, p.children.length])).toEqual([
      [3, MAX_LIST_ITEMS],
      [3 + MAX_LIST_ITEMS, MAX_LIST_ITEMS],
      [3 + 2 * MAX_LIST_ITEMS, 1],
    ]);
  });

  it('makes every part loose when any item is, so the parts render alike', () => {
    const children = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => item(String(i), i === MAX_LIST_ITEMS));
    const tree: Root = { type: 'root', children: [{ type: 'list', ordered: false, spread: false, children }] };
    splitLongLists(tree);
    expect((tree.children as List[]).map((p) => [p.spread, p.start])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('leaves a list of MAX_LIST_ITEMS alone', () => {
    const list: List = { type: 'list', ordered: false, spread: false, children: Array.from({ length: MAX_LIST_ITEMS }, (_, i) => item(String(i))) };
    const tree: Root = { type: 'root', children: [list] };
    splitLongLists(tree);
    expect(tree.children).toEqual([list]);
  });
});

describe('hasHtml', () => {
  it('finds raw HTML at any depth', () => {
    expect(hasHtml(paragraph('plain'))).toBe(false);
    const nested: Root = { type: 'root', children: [{ type: 'blockquote', children: [{ type: 'paragraph', children: [{ type: 'html', value: '<b>' }] }] }] };
    expect(hasHtml(nested)).toBe(true);
  });
});
