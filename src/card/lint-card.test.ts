import { describe, expect, it } from 'vitest';
import { cardFixture, configFixture, documentFixture } from '../../test/fixtures/card-fixtures';
import { lintCard } from './lint-card';

describe('lintCard', () => {
  it('puts errors first, then warnings, then infos', () => {
    const lints = lintCard(cardFixture('minimal', '---\nlicense: Apache-2.0\nlanguage: English\n---\n# x\n'));
    const order = lints.map((l) => l.severity);
    expect(order).toEqual([...order].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
    expect(lints.slice(0, 2).map((l) => l.code)).toEqual(['license-unknown', 'language-unknown']);
  });

  it('reports invalid YAML as an error at its line in README.md, and still lints the body', () => {
    const card = cardFixture('minimal', '---\nlicense: mit\ntags: [a, b\nlanguage: en\n---\n# Title\n\n## Uses\n\n[More Information Needed]\n');
    const lints = lintCard(card);
    expect(lints[0]).toMatchObject({ severity: 'error', code: 'metadata-invalid', line: 4, column: 1 });
    expect(lints[0]?.message).toMatch(/^Invalid YAML metadata: /);
    // The body's lines are lines of the file too: "## Uses" is line 8.
    expect(lints.find((l) => l.code === 'section-placeholder')).toMatchObject({ line: 8 });
    expect(lints.some((l) => l.code === 'license-missing')).toBe(false);
  });

  it('reports an alias bomb as an error without expanding it', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join(
      '\n',
    );
    // Expanded, the bomb is 9^9 nodes: the test would run out of memory or time, not pass.
    const lints = lintCard(cardFixture('minimal', `---\n${bomb}\n---\n# x\n`));
    expect(lints[0]).toMatchObject({ code: 'metadata-invalid', line: 3 });
    expect(lints[0]?.message).toMatch(/alias/i);
  });

  it('asks for metadata when there is none', () => {
    const lints = lintCard({ path: 'README.md', body: '# A card\n' });
    expect(lints.find((l) => l.code === 'metadata-missing')).toMatchObject({ severity: 'warning' });
  });

  it('passes on YAML 1.1 ambiguities as warnings', () => {
    const lints = lintCard(cardFixture('minimal', '---\nlicense: mit\nlanguage:\n- en\n- no\n---\n# x\n'));
    expect(lints.find((l) => l.code === 'metadata-ambiguous')).toMatchObject({ severity: 'warning', line: 5, column: 3 });
  });

  it('has no errors or warnings about the metadata of realistic cards', () => {
    for (const name of ['bert', 'llama'] as const) {
      const lints = lintCard(cardFixture(name));
      expect(
        lints.filter((l) => l.severity === 'error'),
        name,
      ).toEqual([]);
    }
  });

  it('checks the card against the document, replacing generic notes with specific ones', () => {
    const doc = documentFixture({
      config: configFixture(['BertForMaskedLM'], 'bert'),
      parameters: { total: 335_141_888, byDtype: { F32: 335_141_888 }, bytesByDtype: { F32: 1_340_567_552 } },
      fileNames: ['config.json', 'model.safetensors'],
    });
    const lints = lintCard(cardFixture('bert'), doc);
    expect(lints.find((l) => l.code === 'parameters-mismatch')?.message).toMatch(/“110M parameters”.*335M/);
    expect(lints.find((l) => l.code === 'pipeline-tag-suggest')?.message).toMatch(/`fill-mask`/);
    expect(lints.find((l) => l.code === 'library-suggest')?.message).toMatch(/`transformers`/);
    expect(lints.some((l) => l.code === 'pipeline-tag-missing' || l.code === 'library-missing')).toBe(false);
  });

  it('never throws on hostile bodies', () => {
    // No clock here: a backtracking (quadratic or worse) step on this input would run for minutes, and the test's timeout fails it. Timings are in npm run bench.
    for (const body of ['>'.repeat(100_000) + ' x', '- '.repeat(50_000) + 'x', '[a]'.repeat(100_000), '<div>'.repeat(30_000), '\\a\n'.repeat(50_000)]) {
      expect(() => lintCard({ path: 'README.md', frontMatter: 'license: mit', body })).not.toThrow();
    }
  });

  it('notes when only part of a long card was checked', () => {
    const long = `# x\n\n${'Some text.\n\n'.repeat(40_000)}`;
    expect(lintCard({ path: 'README.md', frontMatter: 'license: mit', body: long }).find((l) => l.code === 'card-long')?.severity).toBe('info');
  });
});
