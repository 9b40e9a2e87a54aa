import { describe, expect, it } from 'vitest';
import { describeValue, inertObject, intList, isKind, newDict, setItem, toIndex, truncate, typeLabel, type PickleValue } from './pickle-value';

describe('setItem', () => {
  it('replaces the value of an equal hashable key, as a Python dict does (True == 1)', () => {
    const dict = newDict();
    setItem(dict, 'a', 1);
    setItem(dict, 1, 'one');
    setItem(dict, 'a', 2);
    setItem(dict, true, 'true');
    setItem(dict, null, 'none');
    expect(dict.keys).toEqual(['a', 1, null]);
    expect(dict.values).toEqual([2, 'true', 'none']);
  });

  it('never merges unhashable or object keys', () => {
    const dict = newDict();
    const key: PickleValue = { kind: 'tuple', items: [] };
    setItem(dict, key, 1);
    setItem(dict, { kind: 'tuple', items: [] }, 2);
    expect(dict.values).toEqual([1, 2]);
  });
});

describe('value helpers', () => {
  it('isKind narrows only objects of that kind', () => {
    expect(isKind({ kind: 'list', items: [] }, 'list')).toBe(true);
    expect(isKind({ kind: 'list', items: [] }, 'tuple')).toBe(false);
    expect(isKind(null, 'list')).toBe(false);
    expect(isKind(undefined, 'list')).toBe(false);
  });

  it('typeLabel names a value for messages', () => {
    expect(typeLabel(undefined)).toBe('nothing');
    expect(typeLabel(null)).toBe('None');
    expect(typeLabel(3)).toBe('a number');
    expect(typeLabel({ kind: 'global', module: 'os', name: 'system' })).toBe('os.system');
    expect(typeLabel({ kind: 'dict', keys: [], values: [], index: new Map() })).toBe('a dict');
  });

  it('toIndex and intList accept only non-negative safe integers', () => {
    expect(toIndex(3)).toBe(3);
    expect(toIndex(-1)).toBeUndefined();
    expect(toIndex(1.5)).toBeUndefined();
    expect(toIndex(3n)).toBeUndefined();
    expect(intList({ kind: 'tuple', items: [2, 3] })).toEqual([2, 3]);
    expect(intList({ kind: 'list', items: [2, -3] })).toBeUndefined();
    expect(intList({ kind: 'set', frozen: false, items: [2] })).toBeUndefined();
  });

  it('inertObject starts with no items, entries or state', () => {
    expect(inertObject(null, [1], false, 'x')).toEqual({ kind: 'object', callable: null, args: [1], performed: false, label: 'x', items: [], entries: [] });
  });
});

describe('describeValue', () => {
  it("renders values the way Python's repr would, shortened", () => {
    const dict = newDict();
    setItem(dict, 'k', { kind: 'tuple', items: [1] });
    expect(describeValue(null)).toBe('None');
    expect(describeValue(true)).toBe('True');
    expect(describeValue("it's\n")).toBe("'it\\'s\\n'");
    expect(describeValue({ kind: 'tuple', items: [1] })).toBe('(1,)');
    expect(describeValue({ kind: 'list', items: [1, 2n] })).toBe('[1, 2]');
    expect(describeValue(dict)).toBe("{'k': (1,)}");
    expect(describeValue({ kind: 'bytes', length: 2, bytes: Uint8Array.of(0x68, 0x69) })).toBe("b'hi'");
    expect(describeValue({ kind: 'bytes', length: 1 << 30 })).toBe(`<${1 << 30} bytes>`);
    expect(describeValue(inertObject({ kind: 'global', module: 'os', name: 'system' }, [], false, 'os.system'))).toBe('<os.system(…)>');
  });

  it('stays within its budget and depth', () => {
    expect(describeValue('x'.repeat(500), 20)).toHaveLength(20);
    let deep: PickleValue = 1;
    for (let i = 0; i < 10; i++) deep = { kind: 'list', items: [deep] };
    expect(describeValue(deep)).toBe('[[[[…]]]]');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});
