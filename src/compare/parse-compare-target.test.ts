import { describe, expect, it } from 'vitest';
import { parseCompareTarget } from './parse-compare-target';

describe('parseCompareTarget', () => {
  it('reads a repo, a repo at a revision, and another revision of the open repo', () => {
    expect(parseCompareTarget('org/b', 'org/a')).toEqual({ repo: 'org/b', revision: undefined });
    expect(parseCompareTarget('org/b@v1.0', 'org/a')).toEqual({ repo: 'org/b', revision: 'v1.0' });
    expect(parseCompareTarget('@refs%2Fpr%2F1', 'org/a')).toEqual({ repo: 'org/a', revision: 'refs/pr/1' });
    expect(parseCompareTarget('https://huggingface.co/org/b/tree/dev', undefined)).toEqual({ repo: 'org/b', revision: 'dev' });
  });
  it('says why it cannot read one', () => {
    expect(parseCompareTarget('@v1', undefined).error).toMatch(/no Hub repo is open/);
    expect(parseCompareTarget('a/b/c/d', 'org/a').error).toMatch(/too many/);
  });
});
