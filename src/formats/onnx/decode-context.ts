import type { OnnxBytes, OnnxText } from '../../model/graph';
import type { OnnxConstant, OnnxInitializer } from './onnx-model';
import { FIELD_HEADER_BYTES, strictText, toHex, WIRE_LEN, WIRE_VARINT, type Pull, type WireReader } from './wire-reader';

/** Deepest nesting of messages (TypeProto nests itself; subgraphs nest graphs). */
export const MAX_NESTING = 160;
/** Deepest nesting of graphs in attributes (If/Loop/Scan bodies). */
export const MAX_SUBGRAPH_DEPTH = 32;
/** Longest name or doc string decoded. Longer attribute bytes are kept as a hex preview. */
export const MAX_STRING_LENGTH = 16 * 1024 * 1024;
/** Most elements of one repeated field (nodes of a graph, ints of an attribute, dims). */
export const MAX_ELEMENTS = 1_000_000;
/** Most bytes of tensor data decoded for display. */
export const MAX_INLINE_BYTES = 256;
/** Most values shown for a small tensor. */
export const MAX_SUMMARY_VALUES = 16;
/** How many bytes an undecoded value shows as hex. */
export const MAX_HEX_PREVIEW_BYTES = 64;

/** State shared by the decoders of one file. */
export interface DecodeContext {
  reader: WireReader;
  /** Current message nesting. */
  depth: number;
  /** Current graph nesting (0 in the main graph). */
  subgraphDepth: number;
  initializers: OnnxInitializer[];
  constants: OnnxConstant[];
}

/**
 * Enters a length-delimited submessage: checks the wire type and the length, bounds the
 * nesting, extends the error path. Returns the submessage's end. Pair with `leave`.
 */
export function enter(ctx: DecodeContext, end: number, field: string, index = -1): number {
  const r = ctx.reader;
  r.expect(WIRE_LEN, field);
  const subEnd = r.lengthEnd(end, field);
  if (ctx.depth >= MAX_NESTING) throw r.error(`messages nested deeper than ${MAX_NESTING}`, field);
  ctx.depth++;
  r.path.push(field);
  if (index >= 0) r.path.push(index);
  return subEnd;
}

/** Leaves a submessage entered with `enter`; the reader must be at its end. */
export function leave(ctx: DecodeContext, subEnd: number, index = -1): void {
  const r = ctx.reader;
  if (r.pos !== subEnd) throw r.error('internal: submessage not fully read');
  ctx.depth--;
  r.path.pop();
  if (index >= 0) r.path.pop();
}

/** Appends to a repeated field, bounded by MAX_ELEMENTS. */
export function append<T>(ctx: DecodeContext, list: T[], value: T, field: string): void {
  if (list.length >= MAX_ELEMENTS) throw ctx.reader.error(`more than ${MAX_ELEMENTS} elements`, field);
  list.push(value);
}

/** Reads a length prefix for a field whose bytes are needed, bounded by `max`. Returns the length. */
function boundedLength(ctx: DecodeContext, end: number, field: string, max: number): number {
  const r = ctx.reader;
  r.expect(WIRE_LEN, field);
  const fieldEnd = r.lengthEnd(end, field);
  const length = fieldEnd - r.pos;
  if (length > max) throw r.error(`${length} bytes is longer than the limit of ${max}`, field);
  return length;
}

/**
 * A string field when its bytes are already in the window (the common case), without the
 * cost of a generator; undefined (and nothing consumed) otherwise: then use `readString`.
 */
export function takeString(ctx: DecodeContext, end: number, field: string): string | undefined {
  const r = ctx.reader;
  if (r.wire !== WIRE_LEN) return undefined;
  const start = r.pos;
  const length = r.uint(end, field);
  if (length > MAX_STRING_LENGTH || r.pos + length > end || r.lacks(length, end)) {
    r.pos = start;
    return undefined;
  }
  return r.string(length, end);
}

/** A string field (names, doc strings). */
export function* readString(ctx: DecodeContext, end: number, field: string): Pull<string> {
  const r = ctx.reader;
  const length = boundedLength(ctx, end, field, MAX_STRING_LENGTH);
  if (r.lacks(length, end)) yield length;
  return r.string(length, end);
}

/** A bytes field shown as text: UTF-8 as a string, else (or when too long) a hex preview. */
export function* readText(ctx: DecodeContext, end: number, field: string, max = MAX_STRING_LENGTH): Pull<OnnxText> {
  const r = ctx.reader;
  r.expect(WIRE_LEN, field);
  const fieldEnd = r.lengthEnd(end, field);
  const byteOffset = r.pos;
  const byteLength = fieldEnd - byteOffset;
  if (byteLength <= max) {
    if (r.lacks(byteLength, end)) yield byteLength;
    const bytes = r.bytes(byteLength, end);
    const text = strictText(bytes);
    if (text !== undefined) return text;
    return bytesPreview(bytes, byteOffset, byteLength);
  }
  const preview = MAX_HEX_PREVIEW_BYTES;
  if (r.lacks(preview, end)) yield preview;
  const bytes = r.bytes(preview, end);
  r.pos = fieldEnd;
  return bytesPreview(bytes, byteOffset, byteLength);
}

function bytesPreview(bytes: Uint8Array, byteOffset: number, byteLength: number): OnnxBytes {
  return { hex: toHex(bytes.subarray(0, MAX_HEX_PREVIEW_BYTES)), byteLength, byteOffset };
}

/** The bytes of a packed repeated field, all buffered. Returns its end. */
export function* packed(ctx: DecodeContext, end: number, field: string, maxBytes: number): Pull<number> {
  const r = ctx.reader;
  const length = boundedLength(ctx, end, field, maxBytes);
  if (r.lacks(length, end)) yield length;
  return r.pos + length;
}

/** A StringStringEntryProto (key 1, value 2), into `map`. */
export function* readEntry(ctx: DecodeContext, end: number, field: string, map: Map<string, string>, index: number): Pull<void> {
  const r = ctx.reader;
  const subEnd = enter(ctx, end, field, index);
  let key = '';
  let value = '';
  while (r.pos < subEnd) {
    if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
    switch (r.tag(subEnd)) {
      case 1:
        key = takeString(ctx, subEnd, 'key') ?? (yield* readString(ctx, subEnd, 'key'));
        break;
      case 2:
        value = takeString(ctx, subEnd, 'value') ?? (yield* readString(ctx, subEnd, 'value'));
        break;
      default:
        r.skip(subEnd);
    }
  }
  leave(ctx, subEnd, index);
  if (map.size >= MAX_ELEMENTS && !map.has(key)) throw r.error(`more than ${MAX_ELEMENTS} entries`, field);
  map.set(key, value);
}

/** A plain object from entries; `Object.fromEntries` defines keys like `__proto__` as data. */
export function record(map: Map<string, string>): Record<string, string> {
  return Object.fromEntries(map);
}

/** An int64 field that must be a safe integer. */
export function safeInt(ctx: DecodeContext, end: number, field: string): number {
  const r = ctx.reader;
  r.expect(WIRE_VARINT, field);
  const value = r.int64(end);
  if (typeof value !== 'number') throw r.error(`${value} is beyond 2^53`, field);
  return value;
}
