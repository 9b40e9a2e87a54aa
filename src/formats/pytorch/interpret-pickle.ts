import type { ByteSource } from '../../model/byte-source';
import type { DType } from '../../model/dtype';
import { CancelledError } from '../../model/errors';
import { ByteWindow } from './byte-window';
import { HIGHEST_PROTOCOL, OPCODE_NAMES, PICKLE_OPCODES as OP } from './pickle-opcodes';
import { allowedKind, type AllowedKind } from './scan-imports';
import { storageDtypeName, torchDtype } from './torch-dtype';

/** Most opcodes interpreted in one pickle. A state dict costs about 40 per tensor. */
export const MAX_OPCODES = 50_000_000;
/** Most memo entries. torch.save memoizes a few values per tensor. */
export const MAX_MEMO_ENTRIES = 16_000_000;
/** Most values on the stack, counting those under every open MARK. pickle batches SETITEMS by 1000. */
export const MAX_STACK_DEPTH = 4_000_000;
/** Most MARKs open at once: the nesting of tuples, lists and dicts built with MARK. */
export const MAX_MARK_DEPTH = 10_000;
/** Longest text string kept. Longer ones stop the scan: no tensor name or module is that long. */
export const MAX_STRING_BYTES = 16 * 1024 * 1024;
/** Longest bytes value kept; longer ones (inline array data) are skipped unread and kept as a length. */
export const MAX_INLINE_BYTES = 16 * 1024 * 1024;
/** Longest line of a text opcode (GLOBAL, INT, STRING…). */
export const MAX_LINE_BYTES = 64 * 1024;
/** Longest LONG1/LONG4 integer, in bytes. */
export const MAX_LONG_BYTES = 1024;
/** Non-performed calls kept with their description; the rest are only counted. */
export const MAX_RECORDED_CALLS = 1000;
/** Most distinct imports kept; past it the scan stops (no real checkpoint imports more than a few dozen). */
export const MAX_IMPORTS = 10_000;
/** Deepest chain of allow-listed calls made from one another (`_rebuild_from_type_v2` wraps a rebuild). */
const MAX_CALL_NESTING = 4;
/** How often, in opcodes, the signal is checked. */
const CANCEL_CHECK_INTERVAL = 1 << 16;

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

/** A non-performed call, as the interpreter saw it. */
export interface RecordedCall {
  callable: string;
  opcode: string;
  description: string;
  offset: number;
}

/** Everything one pickle revealed. */
export interface PickleRun {
  /** The value at STOP; absent when the scan stopped first. */
  value?: PickleValue;
  /** The first PROTO's protocol; absent for protocols 0 and 1. */
  protocol?: number;
  /** Absolute offsets in the source: the pickle's first byte, and just past STOP (or where it stopped). */
  start: number;
  end: number;
  /** Whether it ran to STOP with every opcode understood. */
  complete: boolean;
  /** Why the scan stopped before STOP, with the offset. */
  problem?: string;
  /** Things that make the scan unsure without stopping it (extension codes), for an `unknown` verdict. */
  uncertain: string[];
  /** Every `module.name` imported, with counts. */
  imports: Map<string, { module: string; name: string; count: number }>;
  /** Non-performed calls (at most MAX_RECORDED_CALLS) and how many there were in all. */
  calls: RecordedCall[];
  callCount: number;
  /** Each storage by key, as first named by a persistent id. */
  storages: Map<string, PickleStorage>;
  notes: string[];
  opcodes: number;
}

export interface InterpretOptions {
  /** Absolute offset where the pickle starts (default 0). */
  start?: number;
  /** Absolute offset past which it may not read (default: the end of the source). */
  end?: number;
  signal?: AbortSignal;
}

/** Thrown inside the interpreter to stop it; turned into `PickleRun.problem`. */
class Stop {
  constructor(readonly message: string) {}
}

const TEXT = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

/**
 * Interprets a pickle's opcodes (protocols 0 to 5, every opcode of CPython's pickletools) without
 * executing anything. GLOBAL, STACK_GLOBAL and INST push inert `{module, name}` references. REDUCE,
 * NEWOBJ, NEWOBJ_EX, OBJ and INST on an allow-listed callable (ALLOWED_GLOBALS, PyTorch's
 * weights-only set) build plain data; on anything else the call is recorded and an inert object
 * pushed. Persistent ids `('storage', StorageType, key, location, numel)` become storage references.
 *
 * Never throws for bad input: it stops with `problem` set (and `complete` false). Only
 * CancelledError and read errors of the source propagate.
 */
export async function interpretPickle(source: ByteSource, options: InterpretOptions = {}): Promise<PickleRun> {
  const start = options.start ?? 0;
  const machine = new Machine(new ByteWindow(source, start, options.end ?? source.size, options.signal), options.signal);
  return machine.run(start);
}

class Machine {
  readonly #in: ByteWindow;
  readonly #signal: AbortSignal | undefined;
  #stack: PickleValue[] = [];
  readonly #marks: PickleValue[][] = [];
  #depth = 0;
  readonly #memo = new Map<number, PickleValue>();
  readonly run_: PickleRun;
  #opcodeOffset = 0;
  #callNesting = 0;

  constructor(input: ByteWindow, signal: AbortSignal | undefined) {
    this.#in = input;
    this.#signal = signal;
    this.run_ = {
      start: input.position,
      end: input.position,
      complete: false,
      uncertain: [],
      imports: new Map(),
      calls: [],
      callCount: 0,
      storages: new Map(),
      notes: [],
      opcodes: 0,
    };
  }

  async run(start: number): Promise<PickleRun> {
    const result = this.run_;
    try {
      await this.#loop();
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      result.problem = `${error.message} (at byte ${this.#opcodeOffset - start} of the pickle)`;
    }
    result.end = this.#in.position;
    return result;
  }

  async #loop(): Promise<void> {
    const input = this.#in;
    const result = this.run_;
    for (;;) {
      if (result.opcodes >= MAX_OPCODES) throw new Stop(`more than ${MAX_OPCODES} opcodes`);
      if (++result.opcodes % CANCEL_CHECK_INTERVAL === 0 && this.#signal?.aborted) throw new CancelledError();
      // 9 bytes cover every fixed-size argument (the longest is FRAME's and BINUNICODE8's 8-byte length).
      if (input.available() < 9 && input.available() < input.remaining) await input.fill(9);
      if (input.remaining <= 0) throw new Stop('the pickle ends without STOP');
      this.#opcodeOffset = input.position;
      const code = input.byte();
      switch (code) {
        case OP.MARK:
          if (this.#marks.length >= MAX_MARK_DEPTH) throw new Stop(`more than ${MAX_MARK_DEPTH} nested MARKs`);
          this.#marks.push(this.#stack);
          this.#stack = [];
          break;
        case OP.STOP:
          result.value = this.#pop();
          result.complete = true;
          return;
        case OP.POP:
          // pickle.py `load_pop`: with nothing above the last MARK, POP discards the MARK.
          if (this.#stack.length > 0) this.#pop();
          else this.#popMark();
          break;
        case OP.POP_MARK:
          this.#popMark();
          break;
        case OP.DUP:
          this.#push(this.#top());
          break;
        case OP.FLOAT:
          this.#push(parsePythonFloat(await this.#line()));
          break;
        case OP.INT: {
          // Protocol 0 spells booleans I00 / I01 (pickletools: "INT ... special case").
          const text = await this.#line();
          this.#push(text === '00' ? false : text === '01' ? true : this.#parseInt(text));
          break;
        }
        case OP.BININT:
          this.#need(4);
          this.#push(this.#view(4).getInt32(0, true));
          break;
        case OP.BININT1:
          this.#need(1);
          this.#push(input.byte());
          break;
        case OP.BININT2:
          this.#need(2);
          this.#push(this.#view(2).getUint16(0, true));
          break;
        case OP.LONG: {
          const text = await this.#line();
          this.#push(this.#parseInt(text.endsWith('L') ? text.slice(0, -1) : text));
          break;
        }
        case OP.LONG1:
          this.#need(1);
          this.#push(await this.#long(input.byte()));
          break;
        case OP.LONG4: {
          this.#need(4);
          const length = this.#view(4).getInt32(0, true);
          if (length < 0) throw new Stop('LONG4 with a negative length');
          this.#push(await this.#long(length));
          break;
        }
        case OP.NONE:
          this.#push(null);
          break;
        case OP.NEWTRUE:
          this.#push(true);
          break;
        case OP.NEWFALSE:
          this.#push(false);
          break;
        case OP.BINFLOAT:
          this.#need(8);
          this.#push(this.#view(8).getFloat64(0, false));
          break;
        case OP.STRING:
          this.#push(decodeQuoted(await this.#line(true)));
          break;
        case OP.BINSTRING: {
          this.#need(4);
          const length = this.#view(4).getInt32(0, true);
          if (length < 0) throw new Stop('BINSTRING with a negative length');
          // Python 2 str: torch.load decodes them as UTF-8 (pickle_load_args['encoding']).
          this.#push(decodeUtf8(await this.#bytes(length, MAX_STRING_BYTES, 'BINSTRING')));
          break;
        }
        case OP.SHORT_BINSTRING:
          this.#need(1);
          this.#push(decodeUtf8(await this.#bytes(input.byte(), MAX_STRING_BYTES, 'SHORT_BINSTRING')));
          break;
        case OP.UNICODE:
          this.#push(decodeRawUnicodeEscape(await this.#line(true)));
          break;
        case OP.BINUNICODE:
          this.#need(4);
          this.#push(decodeUtf8(await this.#bytes(this.#view(4).getUint32(0, true), MAX_STRING_BYTES, 'BINUNICODE')));
          break;
        case OP.SHORT_BINUNICODE:
          this.#need(1);
          this.#push(decodeUtf8(await this.#bytes(input.byte(), MAX_STRING_BYTES, 'SHORT_BINUNICODE')));
          break;
        case OP.BINUNICODE8:
          this.#need(8);
          this.#push(decodeUtf8(await this.#bytes(this.#u64(), MAX_STRING_BYTES, 'BINUNICODE8')));
          break;
        case OP.BINBYTES:
          this.#need(4);
          this.#push(await this.#bytesValue(this.#view(4).getUint32(0, true)));
          break;
        case OP.SHORT_BINBYTES:
          this.#need(1);
          this.#push(await this.#bytesValue(input.byte()));
          break;
        case OP.BINBYTES8:
        case OP.BYTEARRAY8:
          this.#need(8);
          this.#push(await this.#bytesValue(this.#u64()));
          break;
        case OP.EMPTY_TUPLE:
          this.#push({ kind: 'tuple', items: [] });
          break;
        case OP.TUPLE:
          this.#push({ kind: 'tuple', items: this.#popMark() });
          break;
        case OP.TUPLE1: {
          const a = this.#pop();
          this.#push({ kind: 'tuple', items: [a] });
          break;
        }
        case OP.TUPLE2: {
          const b = this.#pop();
          const a = this.#pop();
          this.#push({ kind: 'tuple', items: [a, b] });
          break;
        }
        case OP.TUPLE3: {
          const c = this.#pop();
          const b = this.#pop();
          const a = this.#pop();
          this.#push({ kind: 'tuple', items: [a, b, c] });
          break;
        }
        case OP.EMPTY_LIST:
          this.#push({ kind: 'list', items: [] });
          break;
        case OP.LIST:
          this.#push({ kind: 'list', items: this.#popMark() });
          break;
        case OP.EMPTY_DICT:
          this.#push(newDict());
          break;
        case OP.DICT: {
          const items = this.#popMark();
          if (items.length % 2 !== 0) throw new Stop('DICT with an odd number of items');
          const dict = newDict();
          for (let i = 0; i < items.length; i += 2) setItem(dict, items[i] as PickleValue, items[i + 1] as PickleValue);
          this.#push(dict);
          break;
        }
        case OP.EMPTY_SET:
          this.#push({ kind: 'set', frozen: false, items: [] });
          break;
        case OP.FROZENSET:
          this.#push({ kind: 'set', frozen: true, items: this.#popMark() });
          break;
        case OP.APPEND: {
          const item = this.#pop();
          this.#appendTo(this.#top(), [item], 'APPEND');
          break;
        }
        case OP.APPENDS: {
          const items = this.#popMark();
          this.#appendTo(this.#top(), items, 'APPENDS');
          break;
        }
        case OP.SETITEM: {
          const value = this.#pop();
          const key = this.#pop();
          this.#setItemsOn(this.#top(), [key, value], 'SETITEM');
          break;
        }
        case OP.SETITEMS: {
          const items = this.#popMark();
          if (items.length % 2 !== 0) throw new Stop('SETITEMS with an odd number of items');
          this.#setItemsOn(this.#top(), items, 'SETITEMS');
          break;
        }
        case OP.ADDITEMS: {
          const items = this.#popMark();
          const target = this.#top();
          if (isKind(target, 'set') && !target.frozen) for (const item of items) target.items.push(item);
          else if (isKind(target, 'object')) for (const item of items) target.items.push(item);
          else throw new Stop(`ADDITEMS on ${typeLabel(target)}`);
          break;
        }
        case OP.GLOBAL: {
          const module = await this.#line();
          const name = await this.#line();
          this.#push(this.#import(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== 'string' || typeof name !== 'string') throw new Stop('STACK_GLOBAL needs two strings');
          this.#push(this.#import(module, name));
          break;
        }
        case OP.INST: {
          const module = await this.#line();
          const name = await this.#line();
          const cls = this.#import(module, name);
          this.#push(this.#call(cls, this.#popMark(), 'INST'));
          break;
        }
        case OP.OBJ: {
          const items = this.#popMark();
          if (items.length === 0) throw new Stop('OBJ without a class');
          this.#push(this.#call(items[0] as PickleValue, items.slice(1), 'OBJ'));
          break;
        }
        case OP.REDUCE: {
          const args = this.#pop();
          const callable = this.#pop();
          this.#push(this.#call(callable, this.#argsOf(args, 'REDUCE'), 'REDUCE'));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.#pop();
          const cls = this.#pop();
          this.#push(this.#call(cls, this.#argsOf(args, 'NEWOBJ'), 'NEWOBJ'));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.#pop();
          const args = this.#pop();
          const cls = this.#pop();
          if (!isKind(kwargs, 'dict')) throw new Stop('NEWOBJ_EX keyword arguments are not a dict');
          this.#push(this.#call(cls, this.#argsOf(args, 'NEWOBJ_EX'), 'NEWOBJ_EX', kwargs));
          break;
        }
        case OP.BUILD: {
          const state = this.#pop();
          this.#build(this.#top(), state);
          break;
        }
        case OP.PERSID:
          this.#push(this.#persistentLoad(await this.#line()));
          break;
        case OP.BINPERSID:
          this.#push(this.#persistentLoad(this.#pop()));
          break;
        case OP.GET:
          this.#push(this.#memoGet(this.#parseIndex(await this.#line())));
          break;
        case OP.BINGET:
          this.#need(1);
          this.#push(this.#memoGet(input.byte()));
          break;
        case OP.LONG_BINGET:
          this.#need(4);
          this.#push(this.#memoGet(this.#view(4).getUint32(0, true)));
          break;
        case OP.PUT:
          this.#memoPut(this.#parseIndex(await this.#line()));
          break;
        case OP.BINPUT:
          this.#need(1);
          this.#memoPut(input.byte());
          break;
        case OP.LONG_BINPUT:
          this.#need(4);
          this.#memoPut(this.#view(4).getUint32(0, true));
          break;
        case OP.MEMOIZE:
          // pickle.py `load_memoize`: the index is the memo's current size.
          this.#memoPut(this.#memo.size);
          break;
        case OP.PROTO: {
          this.#need(1);
          const protocol = input.byte();
          if (protocol > HIGHEST_PROTOCOL) throw new Stop(`unsupported pickle protocol ${protocol}`);
          result.protocol ??= protocol;
          break;
        }
        case OP.FRAME: {
          // A length prefix for buffered reads (PEP 3154); the opcodes inside are read as usual.
          this.#need(8);
          const length = this.#u64();
          if (length > input.remaining) throw new Stop(`FRAME of ${length} bytes runs past the end of the pickle`);
          break;
        }
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          const size = code === OP.EXT1 ? 1 : code === OP.EXT2 ? 2 : 4;
          this.#need(size);
          const view = this.#view(size);
          const extension = size === 1 ? view.getUint8(0) : size === 2 ? view.getUint16(0, true) : view.getInt32(0, true);
          // copyreg's extension registry maps the code to an import that cannot be known from the file.
          result.uncertain.push(`extension code ${extension} (${OPCODE_NAMES.get(code)}) names an import through copyreg's registry, which the file does not show`);
          this.#push(this.#object({ kind: 'global', module: 'copyreg', name: `extension ${extension}` }, [], false, `extension ${extension}`));
          break;
        }
        case OP.NEXT_BUFFER:
          throw new Stop('NEXT_BUFFER asks for an out-of-band buffer, which torch.save never writes');
        case OP.READONLY_BUFFER:
          this.#top();
          break;
        default:
          throw new Stop(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  }

  // ---- stack ----

  #push(value: PickleValue): void {
    if (++this.#depth > MAX_STACK_DEPTH) throw new Stop(`more than ${MAX_STACK_DEPTH} values on the stack`);
    this.#stack.push(value);
  }

  #pop(): PickleValue {
    if (this.#stack.length === 0) throw new Stop('stack underflow');
    this.#depth--;
    return this.#stack.pop() as PickleValue;
  }

  #top(): PickleValue {
    if (this.#stack.length === 0) throw new Stop('stack underflow');
    return this.#stack[this.#stack.length - 1] as PickleValue;
  }

  #popMark(): PickleValue[] {
    const below = this.#marks.pop();
    if (below === undefined) throw new Stop('no MARK to pop to');
    const items = this.#stack;
    this.#depth -= items.length;
    this.#stack = below;
    return items;
  }

  // ---- memo ----

  #memoGet(index: number): PickleValue {
    const value = this.#memo.get(index);
    if (value === undefined) throw new Stop(`memo miss: nothing was stored at ${index}`);
    return value;
  }

  #memoPut(index: number): void {
    if (!this.#memo.has(index) && this.#memo.size >= MAX_MEMO_ENTRIES) throw new Stop(`more than ${MAX_MEMO_ENTRIES} memo entries`);
    this.#memo.set(index, this.#top());
  }

  #parseIndex(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw new Stop(`bad memo index ${JSON.stringify(text.slice(0, 40))}`);
    return Number(text);
  }

  // ---- reading ----

  #need(n: number): void {
    if (this.#in.available() < n) throw new Stop('the pickle ends in the middle of an opcode');
  }

  #view(n: number): DataView {
    const bytes = this.#in.take(n);
    return new DataView(bytes.buffer, bytes.byteOffset, n);
  }

  /** An 8-byte little-endian length; anything above 2^53 is past any file's end anyway. */
  #u64(): number {
    const value = this.#view(8).getBigUint64(0, true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  /** Reads `length` bytes after checking them against the end of the pickle and `limit`, before allocating. */
  async #bytes(length: number, limit: number, what: string): Promise<Uint8Array> {
    if (length > this.#in.remaining) throw new Stop(`${what} of ${length} bytes runs past the end of the pickle`);
    if (length > limit) throw new Stop(`${what} of ${length} bytes is longer than the ${limit}-byte limit`);
    if (this.#in.available() < length) await this.#in.fill(length);
    return this.#in.take(length).slice();
  }

  async #bytesValue(length: number): Promise<PickleBytes> {
    if (length > this.#in.remaining) throw new Stop(`bytes of ${length} bytes run past the end of the pickle`);
    if (length > MAX_INLINE_BYTES) {
      this.#in.skip(length);
      return { kind: 'bytes', length };
    }
    return { kind: 'bytes', length, bytes: await this.#bytes(length, MAX_INLINE_BYTES, 'bytes') };
  }

  /** A text opcode's line, without its newline: UTF-8, or latin-1 for the escaped STRING and UNICODE forms. */
  async #line(latin1 = false): Promise<string> {
    const input = this.#in;
    let end = input.indexOf(0x0a);
    if (end < 0 && input.available() < Math.min(MAX_LINE_BYTES + 1, input.remaining)) {
      await input.fill(MAX_LINE_BYTES + 1);
      end = input.indexOf(0x0a);
    }
    if (end < 0) {
      throw new Stop(input.available() >= MAX_LINE_BYTES ? `a line longer than ${MAX_LINE_BYTES} bytes` : 'the pickle ends in the middle of a line');
    }
    const text = (latin1 ? LATIN1 : TEXT).decode(input.take(end));
    input.skip(1);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  async #long(length: number): Promise<number | bigint> {
    if (length > MAX_LONG_BYTES) throw new Stop(`an integer of ${length} bytes, longer than the ${MAX_LONG_BYTES}-byte limit`);
    const bytes = await this.#bytes(length, MAX_LONG_BYTES, 'LONG');
    // pickle.py `decode_long`: little-endian two's complement.
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
    if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * bytes.length);
    return narrow(value);
  }

  #parseInt(text: string): number | bigint {
    const trimmed = text.trim();
    if (!/^[+-]?\d{1,4300}$/.test(trimmed)) throw new Stop(`bad integer ${JSON.stringify(trimmed.slice(0, 40))}`);
    return narrow(BigInt(trimmed));
  }

  // ---- imports and calls ----

  #import(module: string, name: string): PickleGlobal {
    const key = `${module}.${name}`;
    const imports = this.run_.imports;
    const seen = imports.get(key);
    if (seen) seen.count++;
    else {
      if (imports.size >= MAX_IMPORTS) throw new Stop(`more than ${MAX_IMPORTS} distinct imports`);
      imports.set(key, { module, name, count: 1 });
    }
    return { kind: 'global', module, name };
  }

  #argsOf(args: PickleValue, opcode: string): PickleValue[] {
    // pickle.py calls `func(*args)`: a non-tuple fails there, so the scan cannot go on faithfully.
    if (!isKind(args, 'tuple')) throw new Stop(`${opcode} arguments are ${typeLabel(args)}, not a tuple`);
    return args.items;
  }

  #object(callable: PickleValue, args: PickleValue[], performed: boolean, label: string): PickleObject {
    return { kind: 'object', callable, args, performed, label, items: [], entries: [] };
  }

  #record(callable: string, opcode: string, description: string): void {
    const result = this.run_;
    result.callCount++;
    if (result.calls.length < MAX_RECORDED_CALLS) {
      result.calls.push({ callable, opcode, description, offset: this.#opcodeOffset - result.start });
    }
  }

  #call(callable: PickleValue, args: PickleValue[], opcode: string, kwargs?: PickleDict): PickleValue {
    if (isKind(callable, 'global')) {
      const kind = allowedKind(callable.module, callable.name);
      if (kind !== undefined) return this.#allowed(kind, callable, args, opcode);
    }
    const name = isKind(callable, 'global') ? `${callable.module}.${callable.name}` : `<${typeLabel(callable)}>`;
    const shown = args.map((a) => describeValue(a, 60));
    if (kwargs) for (let i = 0; i < kwargs.keys.length; i++) shown.push(`${describeValue(kwargs.keys[i] as PickleValue, 30)}=${describeValue(kwargs.values[i] as PickleValue, 40)}`);
    this.#record(name, opcode, truncate(`${name}(${shown.join(', ')})`, 240));
    return this.#object(callable, args, false, name);
  }

  /** An allow-listed call: builds the data torch would build, or an inert object when the arguments do not fit. */
  #allowed(kind: AllowedKind, callable: PickleGlobal, args: PickleValue[], opcode: string): PickleValue {
    const label = `${callable.module}.${callable.name}`;
    const built = this.#make(kind, label, args, opcode);
    if (typeof built === 'string') {
      this.run_.uncertain.push(`${label} was called with arguments Loupe does not understand (${built}); what it builds is not known`);
      return this.#object(callable, args, true, label);
    }
    return built;
  }

  /** The value of an allow-listed call, or why the arguments do not fit. */
  #make(kind: AllowedKind, label: string, args: PickleValue[], opcode: string): PickleValue | string {
    const [a0, a1, a2, a3] = args;
    switch (kind) {
      case 'dict': {
        const dict = newDict();
        if (args.length === 0) return dict;
        if (isKind(a0, 'dict')) {
          for (let i = 0; i < a0.keys.length; i++) setItem(dict, a0.keys[i] as PickleValue, a0.values[i] as PickleValue);
          return dict;
        }
        if (isKind(a0, 'list') || isKind(a0, 'tuple')) {
          for (const pair of a0.items) {
            if (!(isKind(pair, 'tuple') || isKind(pair, 'list')) || pair.items.length !== 2) return 'items are not pairs';
            setItem(dict, pair.items[0] as PickleValue, pair.items[1] as PickleValue);
          }
          return dict;
        }
        return `a dict from ${typeLabel(a0)}`;
      }
      case 'parameter':
      case 'rebuild-parameter':
      case 'rebuild-parameter-with-state':
        if (opcode === 'NEWOBJ' && args.length === 0) return this.#object({ kind: 'global', module: 'torch.nn.parameter', name: 'Parameter' }, [], true, label);
        if (!isKind(a0, 'tensor')) return `data is ${typeLabel(a0)}`;
        return { ...a0, parameter: true, requiresGrad: typeof a1 === 'boolean' ? a1 : true };
      case 'size': {
        if (args.length === 0) return { kind: 'tuple', items: [] };
        const dims = intList(a0);
        return dims ? { kind: 'tuple', items: dims } : `size from ${typeLabel(a0)}`;
      }
      case 'codecs-encode': {
        // Protocol 2 pickles bytes as `_codecs.encode(text, 'latin1')`.
        if (typeof a0 !== 'string') return `encode of ${typeLabel(a0)}`;
        const encoding = typeof a1 === 'string' ? a1.toLowerCase().replace(/[-_]/g, '') : 'utf8';
        const bytes = encoding === 'latin1' || encoding === 'iso88591' ? latin1Bytes(a0) : new TextEncoder().encode(a0);
        return bytes ? { kind: 'bytes', length: bytes.length, bytes } : 'text outside latin-1';
      }
      case 'bytearray':
        if (args.length === 0) return { kind: 'bytes', length: 0, bytes: new Uint8Array(0) };
        if (isKind(a0, 'bytes')) return a0;
        return this.#object({ kind: 'global', module: 'builtins', name: 'bytearray' }, args, true, label);
      case 'set':
        if (args.length === 0) return { kind: 'set', frozen: false, items: [] };
        if (isKind(a0, 'list') || isKind(a0, 'tuple') || isKind(a0, 'set')) return { kind: 'set', frozen: false, items: [...a0.items] };
        return `a set from ${typeLabel(a0)}`;
      case 'rebuild-tensor':
      case 'rebuild-tensor-v2':
      case 'rebuild-tensor-v3':
      case 'rebuild-qtensor': {
        if (!isKind(a0, 'storage')) return `storage is ${typeLabel(a0)}`;
        const offset = toIndex(a1);
        const shape = intList(a2);
        const stride = intList(a3);
        if (offset === undefined || !shape || !stride || shape.length !== stride.length) return 'offset, size and stride do not fit';
        let dtypeName = a0.dtypeName;
        if (kind === 'rebuild-tensor-v3') {
          // (storage, offset, size, stride, requires_grad, hooks, dtype, metadata): the UntypedStorage era.
          const dtype = args[6];
          if (!isKind(dtype, 'global') || dtype.module !== 'torch') return `dtype is ${typeLabel(dtype)}`;
          dtypeName = dtype.name;
        }
        const requiresGrad = kind === 'rebuild-tensor' ? false : kind === 'rebuild-qtensor' ? args[5] === true : args[4] === true;
        const tensor: PickleTensor = {
          kind: 'tensor',
          storage: a0,
          dtypeName,
          dtype: dtypeName === undefined ? undefined : torchDtype(dtypeName),
          shape,
          stride,
          storageOffset: offset,
          requiresGrad,
          parameter: false,
        };
        if (kind === 'rebuild-qtensor') tensor.note = 'quantized: the values are the integer representation, without scale and zero point';
        if (a0.view) tensor.unreadable = 'it views a legacy storage view, which Loupe does not resolve';
        if (tensor.dtype === undefined) tensor.unreadable = `torch dtype ${dtypeName ?? '(none)'} has no Loupe equivalent`;
        return tensor;
      }
      case 'rebuild-meta':
      case 'rebuild-wrapper-subclass': {
        // (dtype, size, stride, requires_grad) and (cls, dtype, size, stride, storage_offset, layout, device, requires_grad).
        const [dtype, size, stride] = kind === 'rebuild-meta' ? [a0, a1, a2] : [a1, a2, a3];
        const shape = intList(size);
        const strides = intList(stride);
        if (!isKind(dtype, 'global') || !shape || !strides) return 'dtype, size and stride do not fit';
        return {
          kind: 'tensor',
          dtypeName: dtype.name,
          dtype: torchDtype(dtype.name),
          shape,
          stride: strides,
          storageOffset: 0,
          requiresGrad: false,
          parameter: false,
          unreadable: kind === 'rebuild-meta' ? 'a meta tensor: saved without data' : 'a tensor subclass saved without its data',
        };
      }
      case 'rebuild-from-cpu':
        return isKind(a0, 'tensor') ? a0 : `data is ${typeLabel(a0)}`;
      case 'rebuild-from-numpy':
        if (!isKind(a1, 'global')) return `dtype is ${typeLabel(a1)}`;
        return {
          kind: 'tensor', dtypeName: a1.name, dtype: torchDtype(a1.name), shape: [], stride: [], storageOffset: 0,
          requiresGrad: false, parameter: false, unreadable: 'its data is a numpy array, which Loupe does not rebuild',
        };
      case 'rebuild-sparse': {
        const layout = isKind(a0, 'object') ? a0.label : typeof a0 === 'string' ? a0 : 'sparse';
        if (!isKind(a1, 'tuple')) return `sparse data is ${typeLabel(a1)}`;
        const roles = ['indices', 'values', 'size'];
        return { kind: 'sparse', layout, parts: a1.items.map((item, i): [string, PickleValue] => [roles[i] ?? String(i), item]) };
      }
      case 'rebuild-from-type-v2': {
        // (func, new_type, args, state): func(*args), then the state is set on the result.
        if (!isKind(a2, 'tuple')) return `args are ${typeLabel(a2)}`;
        if (this.#callNesting >= MAX_CALL_NESTING) return 'rebuild calls nested too deeply';
        this.#callNesting++;
        try {
          const value = this.#call(a0 as PickleValue, a2.items, opcode);
          if (isKind(value, 'tensor') && isKind(a1, 'global') && a1.name !== 'Tensor' && a1.name !== 'Parameter') {
            return { ...value, note: `a tensor subclass ${a1.module}.${a1.name}` };
          }
          return value;
        } finally {
          this.#callNesting--;
        }
      }
      case 'layout':
      case 'device':
      case 'complex':
      case 'tensor-class':
      case 'dtype':
      case 'storage':
      case 'qscheme':
        return this.#object({ kind: 'global', module: label.slice(0, label.lastIndexOf('.')), name: label.slice(label.lastIndexOf('.') + 1) }, args, true, `${label}(${args.map((a) => describeValue(a, 30)).join(', ')})`);
    }
  }

  #build(target: PickleValue, state: PickleValue): void {
    if (isKind(target, 'object')) {
      target.state = state;
      return;
    }
    if (isKind(target, 'dict')) {
      // An OrderedDict's attributes (a state dict's `_metadata`): torch allows BUILD on OrderedDict.
      target.attributes = state;
      return;
    }
    if (isKind(target, 'tensor')) return; // Parameter.__setstate__: requires_grad and hooks.
    if (isKind(target, 'global')) {
      // BUILD on a class or function sets its attributes: a known way to plant code.
      const name = `${target.module}.${target.name}`;
      this.#record(name, 'BUILD', truncate(`setattr(${name}, ${describeValue(state, 160)})`, 240));
      return;
    }
    throw new Stop(`BUILD on ${typeLabel(target)}`);
  }

  #appendTo(target: PickleValue, items: PickleValue[], opcode: string): void {
    if (isKind(target, 'list') || isKind(target, 'object')) {
      for (const item of items) target.items.push(item);
      return;
    }
    throw new Stop(`${opcode} on ${typeLabel(target)}`);
  }

  #setItemsOn(target: PickleValue, items: PickleValue[], opcode: string): void {
    if (isKind(target, 'dict')) {
      for (let i = 0; i < items.length; i += 2) setItem(target, items[i] as PickleValue, items[i + 1] as PickleValue);
      return;
    }
    if (isKind(target, 'object')) {
      for (let i = 0; i < items.length; i += 2) target.entries.push([items[i] as PickleValue, items[i + 1] as PickleValue]);
      return;
    }
    throw new Stop(`${opcode} on ${typeLabel(target)}`);
  }

  /**
   * torch's persistent ids (torch/serialization.py `persistent_load`): `('storage', StorageType,
   * key, location, numel)` in zip files, with a sixth `view_metadata` in the legacy format.
   */
  #persistentLoad(pid: PickleValue): PickleValue {
    const items = isKind(pid, 'tuple') ? pid.items : undefined;
    const tag = items?.[0];
    const typename = typeof tag === 'string' ? tag : isKind(tag, 'bytes') && tag.bytes ? LATIN1.decode(tag.bytes) : undefined;
    if (items && typename === 'storage' && (items.length === 5 || items.length === 6)) {
      const [, type, rawKey, rawLocation, rawNumel, view] = items;
      const key = typeof rawKey === 'string' ? rawKey : typeof rawKey === 'number' || typeof rawKey === 'bigint' ? String(rawKey) : isKind(rawKey, 'bytes') && rawKey.bytes ? LATIN1.decode(rawKey.bytes) : undefined;
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
        const storages = this.run_.storages;
        const first = storages.get(key);
        if (first) return first;
        storages.set(key, storage);
        return storage;
      }
    }
    if (items && typename === 'module') {
      this.run_.notes.push('The file pickles a whole nn.Module class with its source (a legacy persistent id).');
      return this.#object(items[1] ?? null, items.slice(2), false, 'module source');
    }
    this.run_.uncertain.push(`a persistent id ${describeValue(pid, 80)} that is not a torch storage`);
    return this.#object(null, [pid], false, 'persistent id');
  }
}

// ---- values ----

function newDict(): PickleDict {
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

function setItem(dict: PickleDict, key: PickleValue, value: PickleValue): void {
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

function typeLabel(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'object') return value.kind === 'global' ? `${value.module}.${value.name}` : `a ${value.kind}`;
  return `a ${typeof value}`;
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A non-negative safe integer, or undefined. */
function toIndex(value: PickleValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return undefined;
}

/** A tuple or list of non-negative safe integers (a shape or strides), or undefined. */
function intList(value: PickleValue | undefined): number[] | undefined {
  if (!(isKind(value, 'tuple') || isKind(value, 'list'))) return undefined;
  const out: number[] = [];
  for (const item of value.items) {
    const n = toIndex(item);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    out[i] = code;
  }
  return out;
}

function decodeUtf8(bytes: Uint8Array): string {
  return TEXT.decode(bytes);
}

function parsePythonFloat(text: string): number {
  const trimmed = text.trim();
  if (trimmed === 'inf') return Infinity;
  if (trimmed === '-inf') return -Infinity;
  if (trimmed === 'nan') return NaN;
  const value = Number(trimmed);
  if (trimmed === '' || Number.isNaN(value)) throw new Stop(`bad float ${JSON.stringify(trimmed.slice(0, 40))}`);
  return value;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Protocol 0 STRING: a Python repr, quoted, with backslash escapes (pickle.py `load_string`). */
function decodeQuoted(text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    throw new Stop('STRING is not quoted');
  }
  const body = text.slice(1, -1);
  const unescaped = body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape.startsWith('x')) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]+$/.test(escape) && escape !== '0') return String.fromCharCode(parseInt(escape, 8));
    return SIMPLE_ESCAPES[escape] ?? `\\${escape}`;
  });
  // The escapes give bytes; torch.load decodes Python 2 str as UTF-8.
  const bytes = latin1Bytes(unescaped);
  return bytes ? TEXT.decode(bytes) : unescaped;
}

/** Protocol 0 UNICODE: raw-unicode-escape, where only \uXXXX and \UXXXXXXXX are escapes. */
function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four: string | undefined, eight: string | undefined) => {
    const code = parseInt((four ?? eight) as string, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}

function truncate(text: string, max: number): string {
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
      for (let i = 0; i < value.keys.length && i < 8; i++) pairs.push(`${render(value.keys[i] as PickleValue, budget, depth + 1)}: ${render(value.values[i] as PickleValue, budget, depth + 1)}`);
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
