import { describe, expect, it } from 'vitest';
import { persistentLoad, type PersistentLoadRun } from './persistent-load';
import type { PickleValue } from './pickle-value';

const tuple = (...items: PickleValue[]): PickleValue => ({ kind: 'tuple', items });
const FLOAT_STORAGE: PickleValue = { kind: 'global', module: 'torch', name: 'FloatStorage' };

function newRun(): PersistentLoadRun {
  return { storages: new Map(), notes: [], uncertain: [] };
}

describe('persistentLoad', () => {
  it("names a storage by ('storage', type, key, location, numel) and keeps it by key", () => {
    const run = newRun();
    const storage = persistentLoad(tuple('storage', FLOAT_STORAGE, '0', 'cpu', 6), run);
    expect(storage).toEqual({ kind: 'storage', key: '0', className: 'torch.FloatStorage', dtypeName: 'float32', location: 'cpu', numel: 6 });
    expect(run.storages.get('0')).toBe(storage);
  });

  it('gives the first storage back when a key is named again, as torch shares it', () => {
    const run = newRun();
    const first = persistentLoad(tuple('storage', FLOAT_STORAGE, '0', 'cpu', 6), run);
    expect(persistentLoad(tuple('storage', FLOAT_STORAGE, '0', 'cuda:0', 99), run)).toBe(first);
  });

  it('reads the legacy form: a bytes tag, an integer key and view metadata', () => {
    const run = newRun();
    const tag: PickleValue = { kind: 'bytes', length: 7, bytes: new TextEncoder().encode('storage') };
    expect(persistentLoad(tuple(tag, FLOAT_STORAGE, 140234, 'cpu', 4, tuple('v', 0, 2)), run)).toMatchObject({ key: '140234', view: true });
  });

  it('keeps a pickled module class inert, with a note', () => {
    const run = newRun();
    expect(persistentLoad(tuple('module', { kind: 'global', module: 'm', name: 'Net' }, 'm.py', 'source'), run)).toMatchObject({
      kind: 'object',
      performed: false,
      label: 'module source',
    });
    expect(run.notes).toEqual(['The file pickles a whole nn.Module class with its source (a legacy persistent id).']);
  });

  it('makes anything else inert and the scan uncertain', () => {
    const run = newRun();
    expect(persistentLoad('x', run)).toMatchObject({ kind: 'object', performed: false, label: 'persistent id', args: ['x'] });
    expect(persistentLoad(tuple('storage', 'not a class', '0', 'cpu', 1), run)).toMatchObject({ label: 'persistent id' });
    expect(run.uncertain).toEqual([
      "a persistent id 'x' that is not a torch storage",
      "a persistent id ('storage', 'not a class', '0', 'cpu', 1) that is not a torch storage",
    ]);
    expect(run.storages.size).toBe(0);
  });
});
