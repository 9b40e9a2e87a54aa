import { HIGHEST_PROTOCOL, OPCODE_NAMES, PICKLE_OPCODES as OP, type PickleOpcodeName } from './pickle-opcodes';

/** File names that hold pickles (or torch archives of them) by convention. */
const PICKLE_EXTENSION = /\.(pkl|pickle|pt|pth|bin|ckpt|joblib)$/i;
/** Complete opcodes a head without a pickle extension must show before it counts as a pickle (unless it ends with STOP first). */
const MIN_OPCODES_WITHOUT_EXTENSION = 3;
/** Longest text-line argument (a GLOBAL module, an INT) looked at; real ones are far shorter. */
const MAX_LINE_ARGUMENT = 256;

/**
 * How an opcode's argument is encoded (pickletools ArgumentDescriptor): a fixed number of bytes,
 * a length prefix of 1, 4 or 8 bytes followed by that many bytes, or newline-terminated text lines.
 */
type Argument =
  | { kind: 'none' }
  | { kind: 'fixed'; bytes: number }
  | { kind: 'counted'; prefix: 1 | 4 | 8 }
  | { kind: 'line'; check: (line: string) => boolean }
  | { kind: 'lines'; count: 2; check: (line: string) => boolean };

/**
 * What an opcode does to the stack, coarsely: items it needs above the top mark, whether it pops
 * to the top mark (and how many items it then needs below the mark), and how many items it pushes.
 */
interface Effect {
  argument: Argument;
  needs?: number;
  pops?: number;
  toMark?: { below: number };
  pushes?: number;
  mark?: true;
  stop?: true;
}

const DECIMAL = /^[-+]?\d+$/;
const isInt = (line: string) => DECIMAL.test(line) || line === '00' || line === '01';
const isLong = (line: string) => /^[-+]?\d+L?$/.test(line);
const isFloat = (line: string) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|nan)$/i.test(line);
const isMemoIndex = (line: string) => /^\d+$/.test(line);
const isQuoted = (line: string) => /^'.*'$|^".*"$/s.test(line);
const isName = (line: string) => /^[A-Za-z_][\w.]*$/.test(line);
const anyText = () => true;

const none: Argument = { kind: 'none' };
const fixed = (bytes: number): Argument => ({ kind: 'fixed', bytes });
const counted = (prefix: 1 | 4 | 8): Argument => ({ kind: 'counted', prefix });
const line = (check: (l: string) => boolean): Argument => ({ kind: 'line', check });
const twoNames: Argument = { kind: 'lines', count: 2, check: isName };

/** Every opcode's argument and stack effect, after CPython's Lib/pickletools.py. */
const EFFECTS: Record<PickleOpcodeName, Effect> = {
  MARK: { argument: none, mark: true },
  STOP: { argument: none, needs: 1, stop: true },
  POP: { argument: none, pops: 1 },
  POP_MARK: { argument: none, toMark: { below: 0 } },
  DUP: { argument: none, needs: 1, pushes: 1 },
  FLOAT: { argument: line(isFloat), pushes: 1 },
  INT: { argument: line(isInt), pushes: 1 },
  BININT: { argument: fixed(4), pushes: 1 },
  BININT1: { argument: fixed(1), pushes: 1 },
  LONG: { argument: line(isLong), pushes: 1 },
  BININT2: { argument: fixed(2), pushes: 1 },
  NONE: { argument: none, pushes: 1 },
  PERSID: { argument: line(anyText), pushes: 1 },
  BINPERSID: { argument: none, pops: 1, pushes: 1 },
  REDUCE: { argument: none, pops: 2, pushes: 1 },
  STRING: { argument: line(isQuoted), pushes: 1 },
  BINSTRING: { argument: counted(4), pushes: 1 },
  SHORT_BINSTRING: { argument: counted(1), pushes: 1 },
  UNICODE: { argument: line(anyText), pushes: 1 },
  BINUNICODE: { argument: counted(4), pushes: 1 },
  APPEND: { argument: none, pops: 2, pushes: 1 },
  BUILD: { argument: none, pops: 2, pushes: 1 },
  GLOBAL: { argument: twoNames, pushes: 1 },
  DICT: { argument: none, toMark: { below: 0 }, pushes: 1 },
  EMPTY_DICT: { argument: none, pushes: 1 },
  APPENDS: { argument: none, toMark: { below: 1 } },
  GET: { argument: line(isMemoIndex), pushes: 1 },
  BINGET: { argument: fixed(1), pushes: 1 },
  INST: { argument: twoNames, toMark: { below: 0 }, pushes: 1 },
  LONG_BINGET: { argument: fixed(4), pushes: 1 },
  LIST: { argument: none, toMark: { below: 0 }, pushes: 1 },
  EMPTY_LIST: { argument: none, pushes: 1 },
  OBJ: { argument: none, toMark: { below: 0 }, pushes: 1 },
  PUT: { argument: line(isMemoIndex), needs: 1 },
  BINPUT: { argument: fixed(1), needs: 1 },
  LONG_BINPUT: { argument: fixed(4), needs: 1 },
  SETITEM: { argument: none, pops: 3, pushes: 1 },
  TUPLE: { argument: none, toMark: { below: 0 }, pushes: 1 },
  EMPTY_TUPLE: { argument: none, pushes: 1 },
  SETITEMS: { argument: none, toMark: { below: 1 } },
  BINFLOAT: { argument: fixed(8), pushes: 1 },
  PROTO: { argument: fixed(1) },
  NEWOBJ: { argument: none, pops: 2, pushes: 1 },
  EXT1: { argument: fixed(1), pushes: 1 },
  EXT2: { argument: fixed(2), pushes: 1 },
  EXT4: { argument: fixed(4), pushes: 1 },
  TUPLE1: { argument: none, pops: 1, pushes: 1 },
  TUPLE2: { argument: none, pops: 2, pushes: 1 },
  TUPLE3: { argument: none, pops: 3, pushes: 1 },
  NEWTRUE: { argument: none, pushes: 1 },
  NEWFALSE: { argument: none, pushes: 1 },
  LONG1: { argument: counted(1), pushes: 1 },
  LONG4: { argument: counted(4), pushes: 1 },
  BINBYTES: { argument: counted(4), pushes: 1 },
  SHORT_BINBYTES: { argument: counted(1), pushes: 1 },
  SHORT_BINUNICODE: { argument: counted(1), pushes: 1 },
  BINUNICODE8: { argument: counted(8), pushes: 1 },
  BINBYTES8: { argument: counted(8), pushes: 1 },
  EMPTY_SET: { argument: none, pushes: 1 },
  ADDITEMS: { argument: none, toMark: { below: 1 } },
  FROZENSET: { argument: none, toMark: { below: 0 }, pushes: 1 },
  NEWOBJ_EX: { argument: none, pops: 3, pushes: 1 },
  STACK_GLOBAL: { argument: none, pops: 2, pushes: 1 },
  MEMOIZE: { argument: none, needs: 1 },
  FRAME: { argument: fixed(8) },
  BYTEARRAY8: { argument: counted(8), pushes: 1 },
  NEXT_BUFFER: { argument: none, pushes: 1 },
  READONLY_BUFFER: { argument: none, needs: 1 },
};

/** How far an opcode stream at the start of a file parsed. */
export interface PickleHeadCheck {
  /** Every opcode in the head was known, its argument well formed, and the stack never underflowed. */
  valid: boolean;
  /** Complete opcodes read. */
  opcodes: number;
  /** A STOP was read (the head holds a whole pickle). */
  stopped: boolean;
}

/**
 * Reads the opcode stream at the start of `head` without building anything: each opcode must be
 * known, its argument well formed (a text argument of protocol 0 must look like what the pickler
 * writes), and the stack must never underflow. An argument cut off by the end of the head is fine.
 */
export function checkPickleHead(head: Uint8Array): PickleHeadCheck {
  const stack: number[] = [0]; // items above each mark; [0] is the bottom frame
  let opcodes = 0;
  let i = 0;
  while (i < head.length) {
    const code = head[i++] as number;
    const name = OPCODE_NAMES.get(code);
    if (name === undefined) return { valid: false, opcodes, stopped: false };
    const effect = EFFECTS[name];
    if (code === OP.PROTO && i < head.length && ((head[i] as number) < 2 || (head[i] as number) > HIGHEST_PROTOCOL))
      return { valid: false, opcodes, stopped: false };
    const end = argumentEnd(head, i, effect.argument);
    if (end === 'bad') return { valid: false, opcodes, stopped: false };
    if (end === 'truncated') return { valid: true, opcodes, stopped: false };
    i = end;
    if (!applyEffect(stack, effect)) return { valid: false, opcodes, stopped: false };
    opcodes++;
    if (effect.stop) return { valid: true, opcodes, stopped: true };
  }
  return { valid: true, opcodes, stopped: false };
}

function argumentEnd(head: Uint8Array, start: number, argument: Argument): number | 'bad' | 'truncated' {
  switch (argument.kind) {
    case 'none':
      return start;
    case 'fixed':
      return start + argument.bytes > head.length ? 'truncated' : start + argument.bytes;
    case 'counted': {
      if (start + argument.prefix > head.length) return 'truncated';
      let length = 0;
      for (let k = argument.prefix - 1; k >= 0; k--) length = length * 256 + (head[start + k] as number);
      const end = start + argument.prefix + length;
      return end > head.length ? 'truncated' : end;
    }
    case 'line':
    case 'lines': {
      let at = start;
      const count = argument.kind === 'lines' ? argument.count : 1;
      for (let n = 0; n < count; n++) {
        const newline = head.indexOf(0x0a, at);
        const stop = newline < 0 ? head.length : newline;
        if (stop - at > MAX_LINE_ARGUMENT) return 'bad';
        const text = String.fromCharCode(...head.subarray(at, stop));
        // A line cut off by the head is checked as far as it goes: a prefix of a valid argument.
        if (newline < 0) return text === '' || argument.check(text) || argument.check(`${text}0`) || argument.check(`${text}'`) ? 'truncated' : 'bad';
        if (!argument.check(text)) return 'bad';
        at = newline + 1;
      }
      return at;
    }
  }
}

/** Applies an opcode's stack effect; false when the stack would underflow. */
function applyEffect(stack: number[], effect: Effect): boolean {
  const top = stack.length - 1;
  if (effect.mark) {
    stack.push(0);
    return true;
  }
  if (effect.toMark) {
    if (top === 0) return false;
    stack.pop();
    if ((stack[top - 1] as number) < effect.toMark.below) return false;
    stack[top - 1] = (stack[top - 1] as number) + (effect.pushes ?? 0);
    return true;
  }
  const needed = Math.max(effect.needs ?? 0, effect.pops ?? 0);
  if ((stack[top] as number) < needed) return false;
  stack[top] = (stack[top] as number) - (effect.pops ?? 0) + (effect.pushes ?? 0);
  return true;
}

/**
 * Whether a file is a pickle of any protocol, 0 to 5, from its first bytes. Protocols 0 and 1 have no
 * PROTO opcode and start with printable opcodes, and `pickle.dump` still writes them on request, so
 * a scanner that only looks for `\x80` misses them.
 *
 * - Named like a pickle (.pkl, .pickle, .pt, .pth, .bin, .ckpt, .joblib): the head must parse as an
 *   opcode stream (see checkPickleHead) with at least one opcode.
 * - Any other name: the same, and the head must also hold a whole pickle (end with STOP) or at least
 *   MIN_OPCODES_WITHOUT_EXTENSION opcodes; a file the head covers entirely must end with STOP.
 *
 * `size` is the file's size, to tell a head cut off by SNIFF_BYTES from a whole short file.
 */
export function sniffPickle(head: Uint8Array, name: string, size: number): boolean {
  if (head.length === 0) return false;
  const check = checkPickleHead(head);
  if (!check.valid || check.opcodes === 0) return false;
  const wholeFile = head.length >= size;
  if (wholeFile && !check.stopped) return false;
  if (PICKLE_EXTENSION.test(name)) return true;
  return check.stopped || check.opcodes >= MIN_OPCODES_WITHOUT_EXTENSION;
}
