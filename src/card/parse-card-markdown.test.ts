import { describe, expect, it } from 'vitest';
import {
  MAX_FOOTNOTE_MARKS,
  MAX_INDENT,
  MAX_INLINE_MARKERS,
  MAX_LINE_NESTING,
  MAX_MARKDOWN_CHARS,
  markdownLinks,
  markdownText,
  parseCardMarkdown,
  prepareCardMarkdown,
} from './parse-card-markdown';

describe('prepareCardMarkdown', () => {
  it('passes ordinary cards through unchanged', () => {
    const body = '# Title\n\n- [a](https://a.example) *b* `c`\n\n| x |\n|---|\n| [y] |\n';
    expect(prepareCardMarkdown(body)).toEqual({ markdown: body, parsedChars: body.length, rest: '', restReason: undefined, dropped: 0, dataUrls: 0 });
  });

  it('shortens long data: URLs', () => {
    const result = prepareCardMarkdown(`![x](data:image/png;base64,${'A'.repeat(5000)}) and data:,short`);
    expect(result.markdown).toBe('![x](data:,removed) and data:,short');
    expect(result.dataUrls).toBe(1);
  });

  it('cuts a long card at a blank line before the limit', () => {
    const paragraph = `${'x'.repeat(99)}\n\n`;
    const result = prepareCardMarkdown(paragraph.repeat(Math.ceil((MAX_MARKDOWN_CHARS * 2) / paragraph.length)));
    expect(result.restReason).toBe('long');
    expect(result.parsedChars).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS);
    expect(result.markdown.endsWith('\n\n')).toBe(true);
    expect(result.markdown.length + result.rest.length).toBe(result.parsedChars + result.rest.length);
  });

  it('escapes container markers nested too deep on one line, and trims deep indentation', () => {
    const quote = prepareCardMarkdown(`${'>'.repeat(MAX_LINE_NESTING + 5)} x`).markdown;
    expect(quote).toBe(`${'>'.repeat(MAX_LINE_NESTING)}\\${'>'.repeat(5)} x`);
    expect(prepareCardMarkdown(`${'- '.repeat(MAX_LINE_NESTING + 1)}x`).markdown).toBe(`${'- '.repeat(MAX_LINE_NESTING)}\\- x`);
    expect(prepareCardMarkdown(`${' '.repeat(MAX_INDENT + 10)}- x`).markdown).toBe(`${' '.repeat(MAX_INDENT)}- x`);
  });

  it('stops before a paragraph with too much inline markup', () => {
    const result = prepareCardMarkdown(`# Title\n\nfine\n\n${'[a]'.repeat(MAX_INLINE_MARKERS)}\n`);
    expect(result).toMatchObject({ markdown: '# Title\n\nfine\n', restReason: 'complex', parsedChars: 15 });
    expect(result.rest.startsWith('[a]')).toBe(true);
  });

  it('counts markup per paragraph, table row and list item, and not in code or HTML blocks', () => {
    const half = '[a]'.repeat(MAX_INLINE_MARKERS / 4);
    const cases = [
      `${half}\n\n${half}\n\n${half}`,
      `| a |\n|---|\n| ${half} |\n| ${half} |\n| ${half} |`,
      `- ${half}\n- ${half}\n- ${half}`,
      `\`\`\`\n${'[a]'.repeat(MAX_INLINE_MARKERS)}\n\`\`\``,
      `<div>\n${'[a]'.repeat(MAX_INLINE_MARKERS)}\n</div>`,
    ];
    for (const body of cases) expect(prepareCardMarkdown(body).restReason, body.slice(0, 20)).toBeUndefined();
    expect(prepareCardMarkdown(`${half}\n${half}\n${half}`).restReason).toBe('complex');
    expect(prepareCardMarkdown(`> ${half}\n> ${half}\n> ${half}`).restReason).toBe('complex');
  });

  it('stays linear on long runs of spaces', () => {
    // No clock here: a backtracking (quadratic or worse) step on this input would run for minutes, and the test's timeout fails it. Timings are in npm run bench.
    const prepared = prepareCardMarkdown(`a\n---${' '.repeat(150_000)}x\n|${' '.repeat(50_000)}`);
    expect(prepared).toBeDefined();
  });

  it('bounds footnote marks over the whole card', () => {
    const notes = Array.from({ length: MAX_FOOTNOTE_MARKS / 2 + 1 }, (_, i) => `x[^${i}]\n\n[^${i}]: y\n\n`).join('');
    expect(prepareCardMarkdown(notes).restReason).toBe('complex');
  });

  it('drops text past the card limit', () => {
    expect(prepareCardMarkdown('x'.repeat(8_000_010)).dropped).toBe(10);
  });
});

describe('parseCardMarkdown', () => {
  it('parses GFM and math', () => {
    const root = parseCardMarkdown('| a |\n|---|\n| 1 |\n\n$$\nx\n$$\n\n~~s~~ and $5');
    expect(root.children.map((c) => c.type)).toEqual(['table', 'math', 'paragraph']);
  });
});

describe('markdownText and markdownLinks', () => {
  const root = parseCardMarkdown(
    'A **7B** model.\n\n```\n70B parameters\n```\n\n[code](https://github.com/a/b) <a href="https://gitlab.com/c/d">x</a> https://huggingface.co/datasets/e/f\n\n[ref]: https://example.com/ref\n',
  );

  it('reads prose without code', () => {
    expect(markdownText(root.children, { prose: true })).not.toContain('70B');
    expect(markdownText(root.children, { prose: true })).toContain('7B');
    expect(markdownText(root.children)).toContain('70B parameters');
  });

  it('finds links everywhere', () => {
    expect(markdownLinks(root)).toEqual(
      expect.arrayContaining(['https://github.com/a/b', 'https://gitlab.com/c/d', 'https://huggingface.co/datasets/e/f', 'https://example.com/ref']),
    );
  });
});
