import type { Element, ElementContent, Properties, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { reportUnsafe, SanitizerReport } from './sanitizer-report';

function el(tagName: string, properties: Properties = {}, children: ElementContent[] = [], line = 1): Element {
  return { type: 'element', tagName, properties, children, position: { start: { line, column: 1 }, end: { line, column: 2 } } };
}

function reportOf(...children: Element[]) {
  const report = new SanitizerReport();
  const tree: Root = { type: 'root', children };
  reportUnsafe(tree, report);
  return report.lints();
}

describe('SanitizerReport', () => {
  it('counts repeats of one message, keeps the first line and the worst severity', () => {
    const report = new SanitizerReport();
    report.add('removed an onerror attribute', 'info', 3);
    report.add('removed an onerror attribute', 'warning', 9);
    report.add('removed an onerror attribute', 'info');
    report.add('shortened a long data: URL', 'info', undefined, 'other');
    expect(report.lints()).toEqual([
      { severity: 'warning', code: 'sanitized', message: 'Removed an onerror attribute (3 times).', line: 3 },
      { severity: 'info', code: 'other', message: 'Shortened a long data: URL.' },
    ]);
  });

  it('forgets only the removals', () => {
    const report = new SanitizerReport();
    report.add('removed a <script> element and its content', 'warning', 1);
    report.add('dropped the last 5 characters', 'warning', undefined, 'card-truncated');
    report.forgetRemovals();
    expect(report.lints().map((l) => l.code)).toEqual(['card-truncated']);
  });
});

describe('reportUnsafe', () => {
  it('reports stripped elements once, without looking inside them', () => {
    expect(reportOf(el('script', {}, [el('img', { onError: 'x' })], 2))).toEqual([
      { severity: 'warning', code: 'sanitized', message: 'Removed a <script> element and its content.', line: 2 },
    ]);
  });

  it('reports event handlers and unsafe URLs as warnings', () => {
    expect(
      reportOf(el('img', { src: 'x.png', onError: 'alert(1)' }), el('a', { href: 'javascript:alert(1)' }), el('img', { src: 'data:image/png;base64,AA' })).map(
        (l) => [l.severity, l.message],
      ),
    ).toEqual([
      ['warning', 'Removed an onerror attribute.'],
      ['warning', 'Removed a javascript: link.'],
      ['warning', 'Removed a data: URL from an <img> src.'],
    ]);
  });

  it('reports cosmetic elements as information, active ones as warnings', () => {
    expect(reportOf(el('center'), el('form')).map((l) => [l.severity, l.message])).toEqual([
      ['info', 'Removed a <center> element (its text is kept).'],
      ['warning', 'Removed a <form> element (its text is kept).'],
    ]);
  });

  it('allows table cells only inside a table', () => {
    expect(reportOf(el('table', {}, [el('tbody', {}, [el('tr', {}, [el('td')])])]))).toEqual([]);
    expect(reportOf(el('td')).map((l) => l.message)).toEqual(['Removed a <td> element (its text is kept).']);
  });

  it('reports nothing for what the schema keeps', () => {
    expect(reportOf(el('a', { href: 'https://example.com/' }), el('code', { className: ['language-python'] }), el('img', { src: 'x.png', alt: 'x' }))).toEqual(
      [],
    );
  });
});
