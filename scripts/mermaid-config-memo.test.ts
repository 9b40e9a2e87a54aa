import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GET_CONFIG, memoizeGetConfig } from './mermaid-config-memo';

const chunks = join(import.meta.dirname, '..', 'node_modules', 'mermaid', 'dist', 'chunks', 'mermaid.core');

/** Runs a getConfig definition against a counting copy function; returns getConfig and a way to replace the configuration. */
function load(definition: string) {
  const copies: object[] = [];
  const run = new Function(
    'assignWithDepth_default',
    'initial',
    `const __name = (f) => f; let currentConfig = initial; ${definition}; return { getConfig, replace: (c) => { currentConfig = c; } };`,
  ) as (copy: (into: object, from: object) => object, initial: object) => { getConfig: () => { theme: string }; replace: (c: object) => void };
  const copy = (into: object, from: object) => {
    const out = Object.assign(into, from);
    copies.push(out);
    return out;
  };
  return { ...run(copy, { theme: 'default' }), copies };
}

describe('the mermaid getConfig memo', () => {
  it('finds exactly one getConfig to patch in the installed mermaid (an upgrade that changes it fails here)', () => {
    const defining = readdirSync(chunks)
      .filter((f) => f.endsWith('.mjs'))
      .filter((f) => readFileSync(join(chunks, f), 'utf8').includes(GET_CONFIG));
    expect(defining).toHaveLength(1);
  });

  it('copies the configuration once per configuration object, with the same values as a copy per call', () => {
    const original = load(GET_CONFIG);
    const patched = load(memoizeGetConfig(GET_CONFIG)!);
    expect(patched.getConfig()).toEqual(original.getConfig());
    patched.getConfig();
    patched.getConfig();
    expect(patched.copies).toHaveLength(1);
    patched.replace({ theme: 'dark' });
    expect(patched.getConfig().theme).toBe('dark');
    expect(patched.copies).toHaveLength(2);
  });

  it('leaves other code alone', () => {
    expect(memoizeGetConfig('var getConfig = () => config;')).toBeUndefined();
  });
});
