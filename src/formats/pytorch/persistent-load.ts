import { describeValue, inertObject, isKind, toIndex, type PickleStorage, type PickleValue } from './pickle-value';
import { storageDtypeName } from './torch-dtype';

const LATIN1 = new TextDecoder('latin1');

/** What a persistent id adds to the run: storages by key, and notes and doubts for the report. */
export interface PersistentLoadRun {
  storages: Map<string, PickleStorage>;
  notes: string[];
  uncertain: string[];
}

/**
 * torch's persistent ids (torch/serialization.py `persistent_load`): `('storage', StorageType,
 * key, location, numel)` in zip files, with a sixth `view_metadata` in the legacy format.
 */
export function persistentLoad(pid: PickleValue, run: PersistentLoadRun): PickleValue {
  const items = isKind(pid, 'tuple') ? pid.items : undefined;
  const tag = items?.[0];
  const typename = typeof tag === 'string' ? tag : isKind(tag, 'bytes') && tag.bytes ? LATIN1.decode(tag.bytes) : undefined;
  if (items && typename === 'storage' && (items.length === 5 || items.length === 6)) {
    const [, type, rawKey, rawLocation, rawNumel, view] = items;
    const key =
      typeof rawKey === 'string'
        ? rawKey
        : typeof rawKey === 'number' || typeof rawKey === 'bigint'
          ? String(rawKey)
          : isKind(rawKey, 'bytes') && rawKey.bytes
            ? LATIN1.decode(rawKey.bytes)
            : undefined;
    const numel = toIndex(rawNumel);
    if (isKind(type, 'global') && key !== undefined && numel !== undefined) {
      const className = `${type.module}.${type.name}`;
      const storage: PickleStorage = {
        kind: 'storage',
        key,
        className,
        dtypeName: storageDtypeName(className),
        location: typeof rawLocation === 'string' ? rawLocation : describeValue(rawLocation ?? null, 40),
        numel,
      };
      if (view !== undefined && view !== null) storage.view = true;
      const storages = run.storages;
      const first = storages.get(key);
      if (first) return first;
      storages.set(key, storage);
      return storage;
    }
  }
  if (items && typename === 'module') {
    run.notes.push('The file pickles a whole nn.Module class with its source (a legacy persistent id).');
    return inertObject(items[1] ?? null, items.slice(2), false, 'module source');
  }
  run.uncertain.push(`a persistent id ${describeValue(pid, 80)} that is not a torch storage`);
  return inertObject(null, [pid], false, 'persistent id');
}
