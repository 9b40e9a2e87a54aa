import { describe, expect, it } from 'vitest';
import { cardFixture } from '../../test/fixtures/card-fixtures';
import { MAX_INLINE_MARKERS, MAX_MARKDOWN_CHARS } from './parse-card-markdown';
import { renderCard, type RenderCardOptions } from './render-card';

const LOCAL: RenderCardOptions = { allowRemoteImages: false };
const HUB: RenderCardOptions = { allowRemoteImages: true, repoBase: 'https://huggingface.co/org/name/resolve/main/' };

/**
 * The start tags of serialized HTML, with their attributes. The serializer escapes `<` in text
 * and quotes every attribute value, so this regex reads its output exactly.
 */
function tagsOf(html: string): { name: string; attributes: Record<string, string> }[] {
  const tags: { name: string; attributes: Record<string, string> }[] = [];
  for (const match of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes: Record<string, string> = {};
    for (const attribute of (match[2] ?? '').matchAll(/([^\s"'>/=]+)(?:="([^"]*)")?/g)) attributes[attribute[1] ?? ''] = attribute[2] ?? '';
    tags.push({ name: (match[1] ?? '').toLowerCase(), attributes });
  }
  return tags;
}

/** Every URL-bearing attribute value in the output, decoded. */
function urlsOf(html: string): string[] {
  return tagsOf(html).flatMap((t) =>
    ['href', 'src', 'srcset', 'action', 'formaction', 'xlink:href'].filter((a) => a in t.attributes).map((a) => decode(t.attributes[a] ?? '')),
  );
}

function decode(value: string): string {
  return value.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&amp;/g, '&');
}

const HOSTILE = [
  '# Hostile card',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r="1"/></svg>',
  '<iframe src="https://evil.example/"></iframe>',
  '<style>body { display: none }</style>',
  '[a](javascript:alert(1))',
  '[b](JaVaScRiPt:alert(1))',
  '[c](java&#x73;cript:alert(1))',
  '<a href="data:text/html,<script>alert(1)</script>">d</a>',
  '<a href="  javascript:alert(1)">e</a>',
  '<div id="__proto__" name="constructor">clobber</div>',
  '<form action="https://evil.example/"><input type="password" name="pw"><button formaction="javascript:alert(1)">go</button></form>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<details open ontoggle=alert(1)><summary>s</summary></details>',
  '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
  '```mermaid\n%%{init: {"securityLevel":"loose"}}%%\ngraph TD\n  A-->B\n  click A call alert()\n```',
].join('\n\n');

describe('renderCard: hostile corpus', () => {
  const { html, removed } = renderCard(HOSTILE, LOCAL);
  const messages = removed.map((l) => l.message);

  it('leaves no script, style, frame or event handler, and no javascript: URL', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/<(?:object|embed|form|meta|svg|math)\b/i);
    expect(html).not.toMatch(/ on\w+=/i);
    expect(html).not.toMatch(/javascript:/i);
    for (const tag of tagsOf(html)) {
      for (const attribute of Object.keys(tag.attributes)) expect(attribute, `<${tag.name} ${attribute}>`).not.toMatch(/^on/i);
      expect(
        ['script', 'style', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'meta', 'svg', 'math'].includes(tag.name) &&
          tag.attributes.type !== 'checkbox',
      ).toBe(false);
    }
    for (const url of urlsOf(html)) expect(url.replace(/[\s\p{Cc}]/gu, '')).toMatch(/^(?:https?:|mailto:|#|[^:]*$)/i);
  });

  it('keeps the harmless text', () => {
    expect(html).toContain('<h1 id="user-content-hostile-card">Hostile card</h1>');
    expect(html).toContain('clobber');
    expect(html).toMatch(/<a>a<\/a>/);
    expect(html).toMatch(/<a>d<\/a>/);
  });

  it('prefixes ids and names, so the card cannot clobber the page', () => {
    expect(html).toContain('id="user-content-__proto__"');
    expect(html).toContain('name="user-content-constructor"');
    expect(html).not.toMatch(/id="__proto__"/);
  });

  it('keeps a mermaid block as escaped text in a placeholder, init directive and click included', () => {
    const placeholder = /<pre class="mermaid-source" data-mermaid-index="0">([\s\S]*?)<\/pre>/.exec(html);
    expect(placeholder?.[1]).toBe('%%{init: {"securityLevel":"loose"}}%%\ngraph TD\n  A-->B\n  click A call alert()\n');
  });

  it('explains what was removed', () => {
    expect(messages).toEqual(
      expect.arrayContaining([
        'Removed a <script> element and its content.',
        'Removed an onerror attribute.',
        'Removed a <svg> element (its text is kept).',
        'Removed an onload attribute.',
        'Removed an <iframe> element and its content.',
        'Removed a <style> element and its content.',
        'Removed a javascript: link (4 times).',
        'Removed a javascript: URL from a <button> formaction.',
        'Removed a data: link.',
        'Removed a <form> element (its text is kept).',
        'Removed a <meta> element (its text is kept).',
        'Removed an ontoggle attribute.',
        'Removed a data: URL from an <img> src.',
      ]),
    );
    expect(removed.every((l) => l.code === 'sanitized')).toBe(true);
    expect(removed.find((l) => l.message.startsWith('Removed a <script>'))).toMatchObject({ severity: 'warning', line: 3 });
  });
});

describe('renderCard: hostile content that stays as text', () => {
  it('escapes markup inside a mermaid block', () => {
    const { html } = renderCard('```mermaid\ngraph TD\n  A["<img src=x onerror=alert(1)>"] --> B["</pre><script>alert(1)</script>"]\n```', LOCAL);
    expect(html).toContain('A["&#x3C;img src=x onerror=alert(1)>"]');
    expect(html).toContain('B["&#x3C;/pre>&#x3C;script>alert(1)&#x3C;/script>"]');
    expect(tagsOf(html).map((t) => t.name)).toEqual(['pre']);
  });

  it('does not let KaTeX make links or styles', () => {
    const { html } = renderCard('\\\\(\\href{javascript:alert(1)}{x}\\\\) $$\\url{javascript:alert(1)}$$ $$\\htmlStyle{color:red}{x}$$', LOCAL);
    expect(html.match(/class="katex"/g)?.length).toBe(3);
    expect(urlsOf(html)).toEqual([]);
    expect(tagsOf(html).some((t) => t.name === 'a')).toBe(false);
    // The TeX source stays in the MathML annotation; no style it asked for is applied.
    expect(tagsOf(html).filter((t) => (t.attributes.style ?? '').includes('red'))).toEqual([]);
  });
});

describe('renderCard: markdown', () => {
  it('renders GFM: tables, task lists, strikethrough, autolinks and footnotes', () => {
    const { html } = renderCard('| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ www.example.com\n\nText[^1].\n\n[^1]: A note.\n', LOCAL);
    expect(html).toContain('<table>');
    expect(html).toContain('<td align="center">2</td>');
    expect(html).toContain('<input type="checkbox" checked disabled>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('<a href="http://www.example.com" rel="nofollow noopener noreferrer">www.example.com</a>');
    // Footnote links point at the prefixed ids.
    expect(html).toContain('href="#user-content-fn-1"');
    expect(html).toContain('id="user-content-fn-1"');
    expect(html).toContain('href="#user-content-fnref-1"');
    expect(html).toContain('id="user-content-fnref-1"');
  });

  it('renders math with the Hub delimiters, and leaves single dollars alone', () => {
    const { html } = renderCard(
      'Inline \\\\(a^2\\\\) and $$b^2$$ and display \\\\[c^2\\\\].\n\n$$\n\\sum_i x_i\n$$\n\nIt costs $5 or $10.\n\n`\\\\(not math\\\\)`\n',
      LOCAL,
    );
    expect(html.match(/class="katex"/g)?.length).toBe(4);
    expect(html.match(/class="katex-display"/g)?.length).toBe(2);
    expect(html).toContain('It costs $5 or $10.');
    expect(html).toContain('<code>\\\\(not math\\\\)</code>');
  });

  it('highlights code with a language', () => {
    const { html } = renderCard('```python\nimport torch\n```\n\n```\nplain\n```\n', LOCAL);
    expect(html).toContain('<code class="hljs language-python"><span class="hljs-keyword">import</span> torch');
    expect(html).toContain('<pre><code>plain\n</code></pre>');
  });

  it('gives headings ids, and fragment links the prefix', () => {
    const { html } = renderCard('## Model Details\n\n## Model Details\n\nSee [details](#model-details) and [again](#model-details-1).\n', LOCAL);
    expect(html).toContain('<h2 id="user-content-model-details">');
    expect(html).toContain('<h2 id="user-content-model-details-1">');
    expect(html).toContain('<a href="#user-content-model-details">details</a>');
    expect(html).toContain('<a href="#user-content-model-details-1">again</a>');
  });

  it('renders realistic cards without removing anything', () => {
    for (const name of ['bert', 'llama', 'minimal', 'template'] as const) {
      const { html, removed } = renderCard(cardFixture(name).body, HUB);
      expect(removed, name).toEqual([]);
      expect(html.length).toBeGreaterThan(50);
    }
  });
});

describe('renderCard: links and images', () => {
  it('holds remote images back unless allowed, and counts them', () => {
    const markdown = '![a](https://example.com/a.png) <img src="http://example.com/b.png"> <picture><source srcset="https://example.com/c.png 2x"></picture>';
    const held = renderCard(markdown, LOCAL);
    expect(held.remoteImages).toBe(3);
    expect(held.html).toContain('data-remote-src="https://example.com/a.png"');
    expect(held.html).toContain('data-remote-srcset="https://example.com/c.png 2x"');
    expect(tagsOf(held.html).filter((t) => 'src' in t.attributes || 'srcset' in t.attributes)).toEqual([]);
    const shown = renderCard(markdown, { allowRemoteImages: true });
    expect(shown.remoteImages).toBe(0);
    expect(shown.html).toContain('src="https://example.com/a.png" referrerpolicy="no-referrer" loading="lazy"');
    expect(shown.html).toContain('srcset="https://example.com/c.png 2x"');
  });

  it('resolves relative links and images against repoBase', () => {
    const { html } = renderCard('![plot](assets/plot.png) [config](config.json) [other model](/org/other) [top](#top) ![p](//cdn.example.com/x.png)', HUB);
    expect(html).toContain('src="https://huggingface.co/org/name/resolve/main/assets/plot.png"');
    expect(html).toContain('href="https://huggingface.co/org/name/resolve/main/config.json"');
    expect(html).toContain('href="https://huggingface.co/org/other"');
    expect(html).toContain('href="#top"');
    expect(html).toContain('src="https://cdn.example.com/x.png"');
  });

  it('does not load relative images from Loupe itself without a repoBase', () => {
    const { html, remoteImages } = renderCard('![plot](assets/plot.png)', LOCAL);
    expect(html).toContain('data-local-src="assets/plot.png"');
    expect(html).not.toMatch(/ src=/);
    expect(remoteImages).toBe(0);
  });

  it('keeps mailto links', () => {
    expect(renderCard('[mail](mailto:a@example.com)', LOCAL).html).toContain('href="mailto:a@example.com"');
  });
});

describe('renderCard: bounds', () => {
  it('renders a realistic 5 MB card, formatting the start and showing the rest as text (timed in npm run bench)', () => {
    const prose = '## Results on a benchmark\n\nThe model was evaluated on many tasks; see the table, and **the paper** for more. '.repeat(5) + '\n\n';
    const table = `| Task | Metric | Value |\n|---|---|---|\n${'| hellaswag | acc | 0.81 |\n'.repeat(100)}\n`;
    const code = `\`\`\`python\n${'model = AutoModel.from_pretrained("org/name")\n'.repeat(20)}\`\`\`\n\n`;
    let card = `![plot](data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAA'.repeat(100_000)})\n\n`;
    while (card.length < 5_000_000) card += prose + table + code;
    const { html, removed } = renderCard(card, LOCAL);
    expect(html).toContain('<table>');
    expect(html).toContain('<pre class="card-rest">');
    expect(removed.map((l) => l.code)).toEqual(expect.arrayContaining(['card-long', 'sanitized']));
  });

  it('formats a card up to the limit whole', () => {
    const card = 'Some *text*.\n\n'.repeat(Math.floor(MAX_MARKDOWN_CHARS / 14));
    const { html, removed } = renderCard(card, LOCAL);
    expect(removed).toEqual([]);
    expect(html).not.toContain('card-rest');
  });

  it('stops formatting before a paragraph with too much markup, in linear time', () => {
    // No clock here: a backtracking (quadratic or worse) step on this input would run for minutes, and the test's timeout fails it. Timings are in npm run bench.
    for (const hostile of [
      '[a]'.repeat(100_000),
      '['.repeat(50_000) + ']'.repeat(50_000),
      '**a'.repeat(100_000),
      '\\a\n'.repeat(50_000),
      '[^a]'.repeat(50_000),
    ]) {
      const { html, removed } = renderCard(`# Title\n\n${hostile}`, LOCAL);
      expect(html).toContain('<h1');
      expect(html).toContain('<pre class="card-rest">');
      expect(removed[0]).toMatchObject({ code: 'card-complex', severity: 'warning' });
    }
    // A paragraph just under the limit is formatted.
    expect(renderCard('[a] '.repeat(MAX_INLINE_MARKERS / 2 - 1), LOCAL).removed).toEqual([]);
  });

  it('survives hostile nesting', () => {
    const cases = [
      '>'.repeat(100_000) + ' x',
      '- '.repeat(50_000) + 'x',
      '<div>'.repeat(30_000) + 'x',
      Array.from({ length: 400 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'),
    ];
    for (const markdown of cases) {
      const { html } = renderCard(markdown, LOCAL);
      expect(html).not.toMatch(/<script/);
    }
    expect(renderCard('<div>'.repeat(30_000) + 'x', LOCAL).removed).toEqual([expect.objectContaining({ code: 'render-failed' })]);
  });

  it('counts repeated removals once', () => {
    const { removed } = renderCard('<img src=x onerror=alert(1)>\n'.repeat(1000), LOCAL);
    expect(removed).toEqual([expect.objectContaining({ message: 'Removed an onerror attribute (1000 times).' })]);
  });
});
