import { describe, expect, it } from 'vitest';
import { cardFixture } from '../../test/fixtures/card-fixtures';
import { checkCardCompleteness, HF_TEMPLATE_SECTIONS, lintCardCompleteness, MITCHELL_SECTIONS, normalizeHeading } from './lint-card-completeness';

const status = (checks: { name: string; status: string }[]): Record<string, string> => Object.fromEntries(checks.map((c) => [c.name, c.status]));

describe('normalizeHeading', () => {
  it('drops case, punctuation, numbering, emoji and [optional]', () => {
    expect(normalizeHeading('Bias, Risks, and Limitations')).toBe('bias risks and limitations');
    expect(normalizeHeading('3.1 Out-of-Scope Use')).toBe('out of scope use');
    expect(normalizeHeading('Testing Data, Factors & Metrics')).toBe('testing data factors and metrics');
    expect(normalizeHeading('Citation [optional]')).toBe('citation');
    expect(normalizeHeading('🚀 Quick Start')).toBe('quick start');
  });
});

describe('checkCardCompleteness', () => {
  it('maps a bert-base-uncased-like card onto the template and Mitchell et al.', () => {
    const { template, mitchell } = checkCardCompleteness(cardFixture('bert').body);
    expect(status(template)).toMatchObject({
      'Model Description': 'complete',
      Uses: 'complete',
      'Bias, Risks, and Limitations': 'complete',
      'How to Get Started with the Model': 'complete',
      'Training Data': 'complete',
      'Training Procedure': 'complete',
      Evaluation: 'complete',
      Citation: 'missing',
      'Model Card Contact': 'missing',
      'Environmental Impact': 'missing',
    });
    expect(template.find((c) => c.name === 'Uses')).toMatchObject({ heading: 'Intended uses & limitations', optional: false });
    expect(status(mitchell)).toMatchObject({
      'Model Details': 'complete',
      'Intended Use': 'complete',
      'Training Data': 'complete',
      'Quantitative Analyses': 'complete',
      'Ethical Considerations': 'complete',
      Factors: 'missing',
      Metrics: 'missing',
    });
  });

  it('maps a Llama-like card', () => {
    const { mitchell } = checkCardCompleteness(cardFixture('llama').body);
    expect(status(mitchell)).toMatchObject({
      'Intended Use': 'complete',
      'Training Data': 'complete',
      'Ethical Considerations': 'complete',
      'Caveats and Recommendations': 'complete',
      Factors: 'missing',
    });
  });

  it('sees placeholders and empty sections in an unfilled template card', () => {
    const { template, mitchell } = checkCardCompleteness(cardFixture('template').body);
    expect(status(template)).toMatchObject({
      'Model Details': 'partial',
      Uses: 'placeholder',
      'Direct Use': 'placeholder',
      Recommendations: 'complete',
      // Its one filled-in word ("Training regime:") makes it partial.
      'Training Details': 'partial',
      Citation: 'empty',
      'Model Card Contact': 'placeholder',
    });
    expect(status(mitchell)).toMatchObject({ Factors: 'placeholder', Metrics: 'placeholder' });
  });

  it('lists every template section and Mitchell category', () => {
    const { template, mitchell } = checkCardCompleteness('');
    expect(template.map((c) => c.name)).toEqual(HF_TEMPLATE_SECTIONS.map((s) => s.name));
    expect(mitchell.map((c) => c.name)).toEqual(MITCHELL_SECTIONS.map((s) => s.name));
    expect(template.every((c) => c.status === 'missing')).toBe(true);
  });

  it('does not count headings inside code blocks, and counts HTML headings', () => {
    const body = '```markdown\n## Uses\n\nSomething.\n```\n\n<h2 align="center">Training Data</h2>\n\nWikipedia.\n';
    const { template } = checkCardCompleteness(body);
    expect(status(template)).toMatchObject({ Uses: 'missing', 'Training Data': 'complete' });
  });

  it('counts a setext heading, a table, an image or raw HTML as content, but not comments', () => {
    const { template } = checkCardCompleteness(
      'Uses\n====\n\n| a |\n|---|\n| 1 |\n\n## Results\n\n![chart](chart.png)\n\n## Citation\n\n<!-- add a citation -->\n\n## Model Card Contact\n\n<p>mail@example.com</p>\n',
    );
    expect(status(template)).toMatchObject({ Uses: 'complete', Results: 'complete', Citation: 'empty', 'Model Card Contact': 'complete' });
  });
});

describe('lintCardCompleteness', () => {
  it('reports placeholders under the innermost heading, with lines of the body', () => {
    const lints = lintCardCompleteness(cardFixture('template').body);
    const placeholders = lints.filter((l) => l.code === 'section-placeholder');
    expect(placeholders.map((l) => l.message)).toContain('“Direct Use” still says [More Information Needed].');
    expect(placeholders.map((l) => l.message)).toContain('“Metrics” still says [More Information Needed].');
    // "Training Details" holds only subsections: its placeholders are reported there.
    expect(placeholders.map((l) => l.message).join('\n')).not.toMatch(/Training Details/);
    const directUse = placeholders.find((l) => l.message.includes('Direct Use'));
    expect(cardFixture('template').body.split('\n')[(directUse?.line ?? 0) - 1]).toBe('### Direct Use');
    expect(lints.find((l) => l.code === 'section-partial')?.message).toBe('“Model Description” still has [More Information Needed] (2 times).');
  });

  it('reports empty sections and missing required ones, but not missing optional ones', () => {
    const lints = lintCardCompleteness(cardFixture('template').body);
    expect(lints.filter((l) => l.code === 'section-empty').map((l) => l.message)).toEqual(['“Citation [optional]” is empty.']);
    const missing = lintCardCompleteness(cardFixture('minimal').body).filter((l) => l.code === 'section-missing');
    expect(missing.map((l) => l.message)).toContain('No “Uses” section (Hugging Face model card template).');
    expect(missing.map((l) => l.message).join('\n')).not.toMatch(/Citation|Model Card Authors|Technical Specifications/);
    expect(missing.every((l) => l.severity === 'warning')).toBe(true);
  });

  it('reports Mitchell categories no section covers, as info', () => {
    const lints = lintCardCompleteness(cardFixture('bert').body).filter((l) => l.code === 'mitchell-missing');
    expect(lints.map((l) => l.message)).toEqual([
      'No section covers “Factors” (Mitchell et al., Model Cards for Model Reporting).',
      'No section covers “Metrics” (Mitchell et al., Model Cards for Model Reporting).',
      'No section covers “Evaluation Data” (Mitchell et al., Model Cards for Model Reporting).',
      'No section covers “Caveats and Recommendations” (Mitchell et al., Model Cards for Model Reporting).',
    ]);
    expect(lints.every((l) => l.severity === 'info')).toBe(true);
  });

  it('reports placeholders before the first heading', () => {
    expect(lintCardCompleteness('[More Information Needed]\n\n# Title\n')[0]).toMatchObject({
      code: 'section-placeholder',
      message: expect.stringMatching(/^The introduction/),
      line: 1,
    });
  });

  it('accepts a parsed tree as well as text', async () => {
    const { parseCardMarkdown } = await import('./parse-card-markdown');
    const body = cardFixture('bert').body;
    expect(lintCardCompleteness(parseCardMarkdown(body))).toEqual(lintCardCompleteness(body));
  });
});
