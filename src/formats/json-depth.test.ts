import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-depth';

describe('jsonDepth', () => {
  it('counts nesting outside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[\\"{{{"}')).toBe(1);
    expect(jsonDepth(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toBe(100_001);
  });
});
