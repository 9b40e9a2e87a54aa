import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGroup } from '../../src/formats/open-group';
import { LoupeError } from '../../src/model/errors';
import { BoundedSource, bounded, ROOT } from './fuzz-helpers';

/** e2e/hostile/manifest.json (scripts/make-hostile-corpus.mjs), checked in Node against openGroup. */
interface HostileCase {
  id: string;
  files: string[];
  format: string;
  attack: string;
  expect: { outcome: 'error'; code: string; message: string } | { outcome: 'ready-with-warning'; warning: string } | { outcome: 'ready'; verdict?: string };
}

const DIR = join(ROOT, 'e2e', 'hostile');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: HostileCase[] };

describe('hostile corpus (e2e/hostile) in Node', () => {
  it('has at least 40 cases', () => {
    expect(manifest.cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(manifest.cases.map((c) => [c.id, c] as const))('%s', async (_id, hostile) => {
    const sources = hostile.files.map((f) => new BoundedSource(new Uint8Array(readFileSync(join(DIR, f))), basename(f)));
    let outcome: { state: 'ready'; warnings: string[]; verdict?: string } | { state: 'error'; error: LoupeError };
    try {
      const doc = await bounded((signal) => openGroup(sources, { signal }), 5_000);
      outcome = { state: 'ready', warnings: doc.warnings.map((w) => w.code), verdict: doc.pickle?.verdict };
    } catch (error) {
      if (!(error instanceof LoupeError)) throw error;
      outcome = { state: 'error', error };
    }
    const want = hostile.expect;
    const summary =
      outcome.state === 'error'
        ? `${outcome.error.code}: ${outcome.error.message}`
        : `ready verdict=${outcome.verdict ?? '-'} warnings=${outcome.warnings.join(',')}`;
    if (want.outcome === 'error') {
      expect(summary).toMatch(new RegExp(`^${want.code}: `));
      expect(summary).toContain(want.message);
    } else {
      expect(summary).toMatch(/^ready/);
      if (want.outcome === 'ready-with-warning') expect(summary).toContain(want.warning);
      if (want.outcome === 'ready' && want.verdict) expect(summary).toContain(`verdict=${want.verdict}`);
    }
  });
});
