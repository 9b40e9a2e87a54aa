import { describe, it, expect } from 'vitest';
import { parseStrictJson, StrictJsonError, type JsonValue } from './parse-strict-json';

const OPTIONS = { maxDepth: 8, maxMembers: 100 };

function parse(text: string, options: Partial<typeof OPTIONS> & { integersOnly?: boolean } = {}): JsonValue {
  return parseStrictJson(text, { ...OPTIONS, ...options });
}

function failure(text: string, options: Partial<typeof OPTIONS> & { integersOnly?: boolean } = {}): StrictJsonError {
  try {
    parse(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(StrictJsonError);
    return error as StrictJsonError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

/** Converts Maps back to plain objects to compare with JSON.parse. */
function plain(value: JsonValue): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on ordinary documents', () => {
    const samples = [
      '{}',
      '[]',
      ' {"a": [1, -2, 3.5, -0.25e-3, 1E+2, true, false, null, "x"]} ',
      '{"nested": {"deeper": {"list": [[], [{}], "\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00"]}}}',
      '"just a string"',
      '0',
      '-12',
      '{"ж": "日本", "emoji": "😀"}',
    ];
    for (const text of samples) expect(plain(parse(text))).toEqual(JSON.parse(text));
  });

  it('returns objects as Maps in source order, with __proto__ as a plain key', () => {
    const value = parse('{"b": 1, "__proto__": 2, "a": 3}');
    expect(value).toBeInstanceOf(Map);
    expect([...(value as Map<string, JsonValue>).keys()]).toEqual(['b', '__proto__', 'a']);
  });

  it('keeps integers beyond 2^53 exact as bigint', () => {
    expect(parse('9007199254740991')).toBe(9007199254740991);
    expect(parse('9007199254740993')).toBe(9007199254740993n);
    expect(parse('-9007199254740993')).toBe(-9007199254740993n);
    expect(parse('18446744073709551616')).toBe(18446744073709551616n);
    expect(parse('1234567890123456')).toBe(1234567890123456);
  });

  it('rejects duplicate keys, with the path of the duplicate', () => {
    expect(failure('{"a": 1, "a": 2}').path).toEqual(['a']);
    expect(failure('{"x": [{"k": 1, "k": 1}]}').path).toEqual(['x', 0, 'k']);
  });

  it('rejects what JSON forbids', () => {
    for (const text of [
      '',
      '{',
      '{"a" 1}',
      '{"a": 1,}',
      '[1,]',
      '[1 2]',
      "{'a': 1}",
      '{a: 1}',
      '01',
      '1.',
      '.5',
      '-',
      '1e',
      '+1',
      'NaN',
      'Infinity',
      'tru',
      '"unterminated',
      '"tab\tinside"',
      '"\\x"',
      '"\\u12"',
      '{} {}',
    ]) {
      expect(() => parse(text), text).toThrow(StrictJsonError);
    }
  });

  it('rejects lone surrogate escapes, as serde_json does', () => {
    expect(failure('"\\ud800"').message).toMatch(/lone high surrogate/);
    expect(failure('"\\ud800\\u0041"').message).toMatch(/lone high surrogate/);
    expect(failure('"\\udc00"').message).toMatch(/lone low surrogate/);
  });

  it('rejects numbers out of double range', () => {
    expect(failure('[1e400]').message).toMatch(/out of range/);
  });

  it('can refuse floats', () => {
    expect(parse('[1.5]')).toEqual([1.5]);
    const error = failure('{"a": [1, 2.0]}', { integersOnly: true });
    expect(error.path).toEqual(['a', 1]);
    expect(error.message).toMatch(/expected an integer, found 2.0/);
  });

  it('bounds depth and member counts', () => {
    expect(parse('[[[]]]', { maxDepth: 3 })).toEqual([[[]]]);
    expect(failure('[[[[]]]]', { maxDepth: 3 }).message).toMatch(/nested deeper than 3/);
    expect(failure('{"a": {"b": {"c": {}}}}', { maxDepth: 3 }).path).toEqual(['a', 'b', 'c']);
    expect(failure('[1, 2, 3]', { maxMembers: 2 }).message).toMatch(/more than 2 items/);
    expect(failure('{"a": 1, "b": 2, "c": 3}', { maxMembers: 2 }).message).toMatch(/more than 2 members/);
    // A million open brackets fail at the bound, without deep recursion.
    expect(failure('['.repeat(1_000_000)).message).toMatch(/nested deeper/);
  });

  it('reports the position of the problem', () => {
    const error = failure('{"a": [1, x]}');
    expect(error.position).toBe(10);
    expect(error.path).toEqual(['a', 1]);
  });
});
