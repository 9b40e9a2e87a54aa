import { CancelledError } from '../../model/errors';
import type { ByteWindow } from './byte-window';
import { persistentLoad } from './persistent-load';
import { HIGHEST_PROTOCOL, OPCODE_NAMES, PICKLE_OPCODES as OP } from './pickle-opcodes';
import { PickleStop } from './pickle-stop';
import {
  describeValue,
  inertObject,
  isKind,
  newDict,
  setItem,
  truncate,
  typeLabel,
  type PickleBytes,
  type PickleDict,
  type PickleGlobal,
  type PickleStorage,
  type PickleValue,
} from './pickle-value';
import { decodeLong, decodeQuoted, decodeRawUnicodeEscape, decodeUtf8, parseIntLiteral, parseLongLiteral, parsePythonFloat } from './python-literals';
import { rebuildAllowed, type NestedCall } from './rebuild-allowed';
import { allowedKind, type AllowedKind } from './scan-imports';

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

const TEXT = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

/**
 * The pickle virtual machine: the opcode loop over a stack, a memo and the MARKs, reading
 * arguments from a ByteWindow. Values are inert (pickle-value.ts); calls go to the allow-listed
 * rebuilders (rebuild-allowed.ts) or are recorded, never made.
 */
export class PickleMachine {
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

  /** Runs to STOP or to the first problem. `start` is where the pickle begins, for the offsets in messages. */
  async run(start: number): Promise<PickleRun> {
    const result = this.run_;
    try {
      await this.#loop();
    } catch (error) {
      if (!(error instanceof PickleStop)) throw error;
      result.problem = `${error.message} (at byte ${this.#opcodeOffset - start} of the pickle)`;
    }
    result.end = this.#in.position;
    return result;
  }

  async #loop(): Promise<void> {
    const input = this.#in;
    const result = this.run_;
    for (;;) {
      if (result.opcodes >= MAX_OPCODES) throw new PickleStop(`more than ${MAX_OPCODES} opcodes`);
      if (++result.opcodes % CANCEL_CHECK_INTERVAL === 0 && this.#signal?.aborted) throw new CancelledError();
      // 9 bytes cover every fixed-size argument (the longest is FRAME's and BINUNICODE8's 8-byte length).
      if (input.available() < 9 && input.available() < input.remaining) await input.fill(9);
      if (input.remaining <= 0) throw new PickleStop('the pickle ends without STOP');
      this.#opcodeOffset = input.position;
      const code = input.byte();
      switch (code) {
        case OP.MARK:
          if (this.#marks.length >= MAX_MARK_DEPTH) throw new PickleStop(`more than ${MAX_MARK_DEPTH} nested MARKs`);
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
        case OP.INT:
          this.#push(parseIntLiteral(await this.#line()));
          break;
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
        case OP.LONG:
          this.#push(parseLongLiteral(await this.#line()));
          break;
        case OP.LONG1:
          this.#need(1);
          this.#push(await this.#long(input.byte()));
          break;
        case OP.LONG4: {
          this.#need(4);
          const length = this.#view(4).getInt32(0, true);
          if (length < 0) throw new PickleStop('LONG4 with a negative length');
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
          if (length < 0) throw new PickleStop('BINSTRING with a negative length');
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
          if (items.length % 2 !== 0) throw new PickleStop('DICT with an odd number of items');
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
          if (items.length % 2 !== 0) throw new PickleStop('SETITEMS with an odd number of items');
          this.#setItemsOn(this.#top(), items, 'SETITEMS');
          break;
        }
        case OP.ADDITEMS: {
          const items = this.#popMark();
          const target = this.#top();
          if (isKind(target, 'set') && !target.frozen) for (const item of items) target.items.push(item);
          else if (isKind(target, 'object')) for (const item of items) target.items.push(item);
          else throw new PickleStop(`ADDITEMS on ${typeLabel(target)}`);
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
          if (typeof module !== 'string' || typeof name !== 'string') throw new PickleStop('STACK_GLOBAL needs two strings');
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
          if (items.length === 0) throw new PickleStop('OBJ without a class');
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
          if (!isKind(kwargs, 'dict')) throw new PickleStop('NEWOBJ_EX keyword arguments are not a dict');
          this.#push(this.#call(cls, this.#argsOf(args, 'NEWOBJ_EX'), 'NEWOBJ_EX', kwargs));
          break;
        }
        case OP.BUILD: {
          const state = this.#pop();
          this.#build(this.#top(), state);
          break;
        }
        case OP.PERSID:
          this.#push(persistentLoad(await this.#line(), this.run_));
          break;
        case OP.BINPERSID:
          this.#push(persistentLoad(this.#pop(), this.run_));
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
          if (protocol > HIGHEST_PROTOCOL) throw new PickleStop(`unsupported pickle protocol ${protocol}`);
          result.protocol ??= protocol;
          break;
        }
        case OP.FRAME: {
          // A length prefix for buffered reads (PEP 3154); the opcodes inside are read as usual.
          this.#need(8);
          const length = this.#u64();
          if (length > input.remaining) throw new PickleStop(`FRAME of ${length} bytes runs past the end of the pickle`);
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
          result.uncertain.push(
            `extension code ${extension} (${OPCODE_NAMES.get(code)}) names an import through copyreg's registry, which the file does not show`,
          );
          this.#push(inertObject({ kind: 'global', module: 'copyreg', name: `extension ${extension}` }, [], false, `extension ${extension}`));
          break;
        }
        case OP.NEXT_BUFFER:
          throw new PickleStop('NEXT_BUFFER asks for an out-of-band buffer, which torch.save never writes');
        case OP.READONLY_BUFFER:
          this.#top();
          break;
        default:
          throw new PickleStop(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  }

  // ---- stack ----

  #push(value: PickleValue): void {
    if (++this.#depth > MAX_STACK_DEPTH) throw new PickleStop(`more than ${MAX_STACK_DEPTH} values on the stack`);
    this.#stack.push(value);
  }

  #pop(): PickleValue {
    if (this.#stack.length === 0) throw new PickleStop('stack underflow');
    this.#depth--;
    return this.#stack.pop() as PickleValue;
  }

  #top(): PickleValue {
    if (this.#stack.length === 0) throw new PickleStop('stack underflow');
    return this.#stack[this.#stack.length - 1] as PickleValue;
  }

  #popMark(): PickleValue[] {
    const below = this.#marks.pop();
    if (below === undefined) throw new PickleStop('no MARK to pop to');
    const items = this.#stack;
    this.#depth -= items.length;
    this.#stack = below;
    return items;
  }

  // ---- memo ----

  #memoGet(index: number): PickleValue {
    const value = this.#memo.get(index);
    if (value === undefined) throw new PickleStop(`memo miss: nothing was stored at ${index}`);
    return value;
  }

  #memoPut(index: number): void {
    if (!this.#memo.has(index) && this.#memo.size >= MAX_MEMO_ENTRIES) throw new PickleStop(`more than ${MAX_MEMO_ENTRIES} memo entries`);
    this.#memo.set(index, this.#top());
  }

  #parseIndex(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw new PickleStop(`bad memo index ${JSON.stringify(text.slice(0, 40))}`);
    return Number(text);
  }

  // ---- reading ----

  #need(n: number): void {
    if (this.#in.available() < n) throw new PickleStop('the pickle ends in the middle of an opcode');
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
    if (length > this.#in.remaining) throw new PickleStop(`${what} of ${length} bytes runs past the end of the pickle`);
    if (length > limit) throw new PickleStop(`${what} of ${length} bytes is longer than the ${limit}-byte limit`);
    if (this.#in.available() < length) await this.#in.fill(length);
    return this.#in.take(length).slice();
  }

  async #bytesValue(length: number): Promise<PickleBytes> {
    if (length > this.#in.remaining) throw new PickleStop(`bytes of ${length} bytes run past the end of the pickle`);
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
      throw new PickleStop(input.available() >= MAX_LINE_BYTES ? `a line longer than ${MAX_LINE_BYTES} bytes` : 'the pickle ends in the middle of a line');
    }
    const text = (latin1 ? LATIN1 : TEXT).decode(input.take(end));
    input.skip(1);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  async #long(length: number): Promise<number | bigint> {
    if (length > MAX_LONG_BYTES) throw new PickleStop(`an integer of ${length} bytes, longer than the ${MAX_LONG_BYTES}-byte limit`);
    return decodeLong(await this.#bytes(length, MAX_LONG_BYTES, 'LONG'));
  }

  // ---- imports and calls ----

  #import(module: string, name: string): PickleGlobal {
    const key = `${module}.${name}`;
    const imports = this.run_.imports;
    const seen = imports.get(key);
    if (seen) seen.count++;
    else {
      if (imports.size >= MAX_IMPORTS) throw new PickleStop(`more than ${MAX_IMPORTS} distinct imports`);
      imports.set(key, { module, name, count: 1 });
    }
    return { kind: 'global', module, name };
  }

  #argsOf(args: PickleValue, opcode: string): PickleValue[] {
    // pickle.py calls `func(*args)`: a non-tuple fails there, so the scan cannot go on faithfully.
    if (!isKind(args, 'tuple')) throw new PickleStop(`${opcode} arguments are ${typeLabel(args)}, not a tuple`);
    return args.items;
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
    if (kwargs)
      for (let i = 0; i < kwargs.keys.length; i++)
        shown.push(`${describeValue(kwargs.keys[i] as PickleValue, 30)}=${describeValue(kwargs.values[i] as PickleValue, 40)}`);
    this.#record(name, opcode, truncate(`${name}(${shown.join(', ')})`, 240));
    return inertObject(callable, args, false, name);
  }

  /** A call made from inside a rebuild, at most MAX_CALL_NESTING deep. */
  readonly #callNested: NestedCall = (callable, args, opcode) => {
    if (this.#callNesting >= MAX_CALL_NESTING) return undefined;
    this.#callNesting++;
    try {
      return this.#call(callable, args, opcode);
    } finally {
      this.#callNesting--;
    }
  };

  /** An allow-listed call: builds the data torch would build, or an inert object when the arguments do not fit. */
  #allowed(kind: AllowedKind, callable: PickleGlobal, args: PickleValue[], opcode: string): PickleValue {
    const label = `${callable.module}.${callable.name}`;
    const built = rebuildAllowed(kind, label, args, opcode, this.#callNested);
    if (typeof built === 'string') {
      this.run_.uncertain.push(`${label} was called with arguments Loupe does not understand (${built}); what it builds is not known`);
      return inertObject(callable, args, true, label);
    }
    return built;
  }

  /** The value of an allow-listed call, or why the arguments do not fit. */

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
    throw new PickleStop(`BUILD on ${typeLabel(target)}`);
  }

  #appendTo(target: PickleValue, items: PickleValue[], opcode: string): void {
    if (isKind(target, 'list') || isKind(target, 'object')) {
      for (const item of items) target.items.push(item);
      return;
    }
    throw new PickleStop(`${opcode} on ${typeLabel(target)}`);
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
    throw new PickleStop(`${opcode} on ${typeLabel(target)}`);
  }
}
