import { describe, expect, it } from 'vitest';
import { MAX_FRONT_MATTER_BYTES, parseCardMetadata } from './parse-card-metadata';

describe('parseCardMetadata', () => {
  it('parses a mapping', () => {
    expect(parseCardMetadata('license: mit\ntags:\n  - a\n  - b\n')).toEqual({ data: { license: 'mit', tags: ['a', 'b'] }, warnings: [] });
  });

  it('takes an empty or comment-only block as no metadata', () => {
    expect(parseCardMetadata('').data).toEqual({});
    expect(parseCardMetadata('# license: mit\n').data).toEqual({});
  });

  it('reports invalid YAML with its line and column, never throwing', () => {
    const result = parseCardMetadata('license: mit\ntags: [a, b\npipeline_tag: fill-mask\n');
    expect(result.data).toBeUndefined();
    expect(result.error).toMatchObject({ line: 3, column: 1 });
    expect(result.error?.message).toMatch(/flow sequence/i);
  });

  it('reports an unterminated quote', () => {
    const result = parseCardMetadata('license: "mit\n');
    expect(result.error?.message).toMatch(/quote/i);
    expect(result.error?.line).toBeGreaterThanOrEqual(1);
  });

  it('rejects duplicate keys at the second one', () => {
    expect(parseCardMetadata('license: mit\nlicense: apache-2.0\n').error).toMatchObject({ message: 'Map keys must be unique', line: 2, column: 1 });
  });

  it('requires a mapping at the top', () => {
    expect(parseCardMetadata('- license: mit\n').error?.message).toMatch(/mapping/);
    expect(parseCardMetadata('just a string').error?.message).toMatch(/mapping/);
  });

  it('accepts a few aliases', () => {
    expect(parseCardMetadata('a: &x [1, 2]\nb: *x\n').data).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('rejects an alias bomb ("billion laughs") fast, with a clear error at the first alias', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    // Expanded, the bomb is 9^9 nodes: the test would run out of memory or time, not pass.
    const result = parseCardMetadata(levels.join('\n'));
    expect(result.data).toBeUndefined();
    expect(result.error?.message).toMatch(/alias/i);
    expect(result.error).toMatchObject({ line: 2 });
  });

  it('refuses front matter over the size limit without parsing it', () => {
    const result = parseCardMetadata(`description: "${'x'.repeat(MAX_FRONT_MATTER_BYTES)}"`);
    expect(result.error?.message).toMatch(/larger than/);
    // Multi-byte characters count as bytes.
    expect(parseCardMetadata(`d: "${'é'.repeat(MAX_FRONT_MATTER_BYTES / 2 + 10)}"`).error?.message).toMatch(/larger than/);
  });

  it('survives hostile nesting', () => {
    const result = parseCardMetadata(`a: ${'['.repeat(50_000)}`);
    expect(result.data).toBeUndefined();
    expect(result.error).toBeDefined();
  });

  it('warns about plain scalars that YAML 1.1 reads as booleans', () => {
    const result = parseCardMetadata('language:\n  - en\n  - no\n');
    expect(result.data).toEqual({ language: ['en', 'no'] });
    expect(result.warnings).toEqual([expect.objectContaining({ line: 3, column: 5 })]);
    expect(result.warnings[0]?.message).toMatch(/`no`.*quote it/);
    expect(parseCardMetadata('language:\n  - "no"\n').warnings).toEqual([]);
  });

  it('keeps unknown tags as values, without executing anything', () => {
    expect(parseCardMetadata('x: !!python/object:os.system "echo"\n').data).toEqual({ x: 'echo' });
  });
});
