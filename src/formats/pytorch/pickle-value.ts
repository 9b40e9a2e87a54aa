import type { DType } from '../../model/dtype';

// The value model: what a pickle builds, as inert data. Nothing here is ever called or imported.

/** A `module.name` reference pushed by GLOBAL, STACK_GLOBAL or INST: inert, never imported. */
export interface PickleGlobal {
  kind: 'global';
  module: string;
  name: string;
}

export interface PickleBytes {
  kind: 'bytes';
  length: number;
  /** Absent when the value was longer than MAX_INLINE_BYTES and skipped unread. */
  bytes?: Uint8Array;
}

export interface PickleList {
  kind: 'list';
  items: PickleValue[];
}

export interface PickleTuple {
  kind: 'tuple';
  items: PickleValue[];
}

export interface PickleDict {
  kind: 'dict';
  keys: PickleValue[];
  values: PickleValue[];
  /** Position of each hashable key in `keys`, so a repeated key replaces the value as in Python. */
  index: Map<string, number>;
  /** State set by BUILD (an OrderedDict's `_metadata`). */
  attributes?: PickleValue;
}

export interface PickleSet {
  kind: 'set';
  frozen: boolean;
  items: PickleValue[];
}

/**
 * The result of a call: either a non-allow-listed call that was recorded and not performed
 * (`performed: false`), or an allow-listed one whose value Loupe does not model (a device, a
 * layout). Items and entries added to it afterwards (APPENDS, SETITEMS) and its BUILD state are kept,
 * so tensors inside a pickled object can still be found.
 */
export interface PickleObject {
  kind: 'object';
  callable: PickleValue;
  args: PickleValue[];
  performed: boolean;
  /** What it is, for reports. */
  label: string;
  state?: PickleValue;
  items: PickleValue[];
  entries: [PickleValue, PickleValue][];
}

/** A storage named by a persistent id: `('storage', StorageType, key, location, numel)`. */
export interface PickleStorage {
  kind: 'storage';
  key: string;
  /** The storage class, e.g. `torch.FloatStorage`. */
  className: string;
  /** The torch dtype name it holds (`float32`); `uint8` for UntypedStorage. */
  dtypeName?: string;
  location: string;
  /** Elements of `dtypeName` (bytes for UntypedStorage). */
  numel: number;
  /** Legacy storage views (`view_metadata`), unsupported: the tensors on them are unreadable. */
  view?: boolean;
}

/** A tensor rebuilt by one of torch's allow-listed `_rebuild_*` functions. */
export interface PickleTensor {
  kind: 'tensor';
  /** Absent for tensors saved without data (meta tensors, wrapper subclasses). */
  storage?: PickleStorage;
  dtypeName?: string;
  dtype?: DType;
  shape: number[];
  stride: number[];
  storageOffset: number;
  requiresGrad: boolean;
  parameter: boolean;
  /** Why the values cannot be read, when they cannot. */
  unreadable?: string;
  /** What kind of tensor it is when not a plain dense one (quantized…). */
  note?: string;
}

/** A sparse tensor: its component tensors, named by role. */
export interface PickleSparse {
  kind: 'sparse';
  layout: string;
  parts: [string, PickleValue][];
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleBytes
  | PickleList
  | PickleTuple
  | PickleDict
  | PickleSet
  | PickleGlobal
  | PickleObject
  | PickleStorage
  | PickleTensor
  | PickleSparse;

/** An empty dict. */
export function newDict(): PickleDict {
  return { kind: 'dict', keys: [], values: [], index: new Map() };
}

/** Identity of a hashable key, so `d['a'] = 1; d['a'] = 2` keeps one entry. Objects are never merged. */
function keyIdentity(key: PickleValue): string | undefined {
  if (key === null) return 'None';
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
    case 'bigint':
      return `n${key}`;
    case 'boolean':
      return `n${key ? 1 : 0}`;
    default:
      return undefined;
  }
}

/** `dict[key] = value`, with Python's replacement of an equal hashable key. */
export function setItem(dict: PickleDict, key: PickleValue, value: PickleValue): void {
  const identity = keyIdentity(key);
  const at = identity === undefined ? undefined : dict.index.get(identity);
  if (at !== undefined) {
    dict.values[at] = value;
    return;
  }
  if (identity !== undefined) dict.index.set(identity, dict.keys.length);
  dict.keys.push(key);
  dict.values.push(value);
}

type Kinded = Exclude<PickleValue, null | boolean | number | bigint | string>;

/** Narrows a value to one of the object kinds. */
export function isKind<K extends Kinded['kind']>(value: PickleValue | undefined, kind: K): value is Extract<Kinded, { kind: K }> {
  return typeof value === 'object' && value !== null && value.kind === kind;
}

/** What a value is, for messages: `None`, `a tuple`, `module.name`. */
export function typeLabel(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'object') return value.kind === 'global' ? `${value.module}.${value.name}` : `a ${value.kind}`;
  return `a ${typeof value}`;
}

/** A non-negative safe integer, or undefined. */
export function toIndex(value: PickleValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return undefined;
}

/** A tuple or list of non-negative safe integers (a shape or strides), or undefined. */
export function intList(value: PickleValue | undefined): number[] | undefined {
  if (!(isKind(value, 'tuple') || isKind(value, 'list'))) return undefined;
  const out: number[] = [];
  for (const item of value.items) {
    const n = toIndex(item);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

/** The inert result of a call: recorded (`performed: false`) or allow-listed but not modelled. */
export function inertObject(callable: PickleValue, args: PickleValue[], performed: boolean, label: string): PickleObject {
  return { kind: 'object', callable, args, performed, label, items: [], entries: [] };
}

const LATIN1 = new TextDecoder('latin1');

/** Cuts text to `max` characters, with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A short Python-like rendering of a value, for call descriptions. */
export function describeValue(value: PickleValue, budget = 80): string {
  return truncate(render(value, budget, 0), budget);
}

function render(value: PickleValue, budget: number, depth: number): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${truncate(value, budget).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (depth > 3) return '…';
  const items = (list: PickleValue[]) => {
    const out: string[] = [];
    let used = 0;
    for (const item of list) {
      if (used > budget) {
        out.push('…');
        break;
      }
      const text = render(item, budget, depth + 1);
      used += text.length + 2;
      out.push(text);
    }
    return out.join(', ');
  };
  switch (value.kind) {
    case 'global':
      return `${value.module}.${value.name}`;
    case 'bytes':
      return value.bytes ? `b'${truncate(LATIN1.decode(value.bytes.subarray(0, budget)), budget)}'` : `<${value.length} bytes>`;
    case 'list':
      return `[${items(value.items)}]`;
    case 'tuple':
      return value.items.length === 1 ? `(${items(value.items)},)` : `(${items(value.items)})`;
    case 'set':
      return `{${items(value.items)}}`;
    case 'dict': {
      const pairs: string[] = [];
      for (let i = 0; i < value.keys.length && i < 8; i++)
        pairs.push(`${render(value.keys[i] as PickleValue, budget, depth + 1)}: ${render(value.values[i] as PickleValue, budget, depth + 1)}`);
      return `{${pairs.join(', ')}${value.keys.length > 8 ? ', …' : ''}}`;
    }
    case 'object':
      return value.performed ? value.label : `<${value.label}(…)>`;
    case 'storage':
      return `<storage ${value.key}>`;
    case 'tensor':
      return `<tensor ${value.dtypeName ?? '?'}[${value.shape.join(', ')}]>`;
    case 'sparse':
      return `<sparse ${value.layout}>`;
  }
}
