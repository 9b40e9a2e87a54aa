import { describeValue, isKind, type PickleTensor, type PickleValue } from './interpret-pickle';

/** Deepest nesting of containers followed when naming tensors. */
export const MAX_NAME_DEPTH = 64;
/** Most tensors collected from one pickle. */
export const MAX_COLLECTED_TENSORS = 1_000_000;
/** Most values visited: shared containers could otherwise multiply the paths. */
const MAX_VISITS = 10_000_000;

/**
 * Fields of a pickled nn.Module (torch/nn/modules/module.py `__dict__`) that hold its tensors and
 * children. Skipped in names, so a whole pickled module's tensors get their state-dict names.
 */
const MODULE_FIELDS = new Set(['_parameters', '_buffers', '_modules']);

export interface NamedTensor {
  name: string;
  tensor: PickleTensor;
}

/**
 * Every tensor reachable from `root`, named like a flattened state dict: dict keys and list
 * indices joined with dots (`model.layer.weight`, `optimizer.state.0.exp_avg`). A tensor reached
 * twice (tied weights pickled once and referenced again) is listed under both names.
 */
export function collectTensors(root: PickleValue | undefined, prefix = ''): { tensors: NamedTensor[]; notes: string[] } {
  const tensors: NamedTensor[] = [];
  const notes: string[] = [];
  const used = new Map<string, number>();
  const ancestors = new Set<object>();
  let visits = 0;
  let stopped = false;

  const stop = (note: string) => {
    if (!stopped) notes.push(note);
    stopped = true;
  };

  const emit = (name: string, tensor: PickleTensor) => {
    if (tensors.length >= MAX_COLLECTED_TENSORS) return stop(`Only the first ${MAX_COLLECTED_TENSORS} tensors are listed.`);
    let unique = name || 'tensor';
    const count = used.get(unique) ?? 0;
    used.set(unique, count + 1);
    if (count > 0) {
      unique = `${unique} (${count + 1})`;
      notes.push(`Two tensors are both named ${JSON.stringify(name)}; the second is listed as ${JSON.stringify(unique)}.`);
    }
    tensors.push({ name: unique, tensor });
  };

  const walk = (value: PickleValue, name: string, depth: number): void => {
    if (stopped || value === null || typeof value !== 'object') return;
    if (++visits > MAX_VISITS) return stop(`Naming stopped after ${MAX_VISITS} values; some tensors may be missing.`);
    if (value.kind === 'tensor') return emit(name, value);
    if (depth >= MAX_NAME_DEPTH) return stop(`Containers nest deeper than ${MAX_NAME_DEPTH}; tensors below are not listed.`);
    if (ancestors.has(value)) return; // a container inside itself
    ancestors.add(value);
    try {
      switch (value.kind) {
        case 'dict':
          for (let i = 0; i < value.keys.length; i++) walk(value.values[i] as PickleValue, join(name, keyName(value.keys[i] as PickleValue)), depth + 1);
          break;
        case 'list':
        case 'tuple':
        case 'set':
          for (let i = 0; i < value.items.length; i++) walk(value.items[i] as PickleValue, join(name, String(i)), depth + 1);
          break;
        case 'sparse':
          for (const [role, part] of value.parts) walk(part, join(name, role), depth + 1);
          break;
        case 'object':
          // Tensors inside objects Loupe did not build: a pickled module's state, or items added to it.
          if (value.state !== undefined) walkState(value.state, name, depth + 1);
          for (const [key, item] of value.entries) walk(item, join(name, keyName(key)), depth + 1);
          for (let i = 0; i < value.items.length; i++) walk(value.items[i] as PickleValue, join(name, String(i)), depth + 1);
          break;
        default:
          break;
      }
    } finally {
      ancestors.delete(value);
    }
  };

  /** An object's BUILD state: a dict (its `__dict__`), or a `(dict, slots)` pair. Module fields add no name. */
  const walkState = (state: PickleValue, name: string, depth: number): void => {
    if (depth >= MAX_NAME_DEPTH) return stop(`Containers nest deeper than ${MAX_NAME_DEPTH}; tensors below are not listed.`);
    if (isKind(state, 'tuple') && state.items.length === 2) {
      for (const part of state.items) walkState(part, name, depth + 1);
      return;
    }
    if (!isKind(state, 'dict')) return walk(state, name, depth);
    for (let i = 0; i < state.keys.length; i++) {
      const key = keyName(state.keys[i] as PickleValue);
      walk(state.values[i] as PickleValue, MODULE_FIELDS.has(key) ? name : join(name, key), depth + 1);
    }
  };

  if (root !== undefined) walk(root, prefix, 0);
  return { tensors, notes };
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/** A dict key as a name segment: strings as they are, numbers in decimal (optimizer state ids). */
function keyName(key: PickleValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  if (isKind(key, 'bytes') && key.bytes) return new TextDecoder('latin1').decode(key.bytes);
  if (isKind(key, 'tuple')) return key.items.map(keyName).join('.');
  return describeValue(key, 60);
}
