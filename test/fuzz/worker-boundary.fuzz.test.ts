import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGroup } from '../../src/formats/open-group';
import { LoupeError } from '../../src/model/errors';
import { BoundedSource, ROOT } from './fuzz-helpers';

/**
 * The parse worker posts the ModelDocument to the page, which structured-clones it. A document that
 * openGroup returns must survive that clone, or the user gets an untyped postMessage RangeError.
 */
async function openAndClone(file: string): Promise<unknown> {
  const bytes = new Uint8Array(readFileSync(join(ROOT, 'e2e', 'hostile', file)));
  const doc = await openGroup([new BoundedSource(bytes, file)]);
  return structuredClone(doc);
}

describe('documents cross the worker boundary', () => {
  it('a hostile but valid config.json survives structured clone', async () => {
    await expect(openAndClone('config-proto.json')).resolves.toBeTruthy();
  });

  // Regression (found by the hostile corpus): e2e/hostile/config-deep.json, a config.json whose "a" is an array
  // nested 100,000 deep, used to parse, then make the worker's postMessage overflow the stack (structured clone
  // recurses). JSON sidecars are now refused past MAX_JSON_DEPTH, with a typed error naming the file.
  it('config-deep.json (nesting 100,000) is refused with a typed error before it reaches postMessage', async () => {
    const error = await openAndClone('config-deep.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoupeError);
    expect((error as LoupeError).code).toBe('unsupported');
    expect((error as LoupeError).message).toMatch(/config-deep\.json.*nested more than 64 levels/);
  });
});
