import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';
import { MAX_JSON_DEPTH, MAX_TENSORS } from './parse-safetensors';
import { parseStrictJson, StrictJsonError, type JsonPath, type JsonValue } from './parse-strict-json';

/** Largest `*.safetensors.index.json` read. The largest real ones (huge MoEs) are around 60 MB. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/** A sharded checkpoint's index (`model.safetensors.index.json`): which shard holds each tensor. */
export interface SafetensorsIndex {
  /** `metadata.total_size`: bytes of tensor data over all shards, when the index states it. */
  totalSize?: number;
  /** Tensor name to shard file name, relative to the index's folder. */
  weightMap: Record<string, string>;
  /** The distinct shard names, in first-seen order. */
  shards: string[];
}

/** Whether already-parsed JSON looks like a safetensors index: an object with a `weight_map` object. */
export function isSafetensorsIndex(json: unknown): boolean {
  if (!isPlainObject(json)) return false;
  return isPlainObject((json as Record<string, unknown>)['weight_map']);
}

/**
 * Parses a `*.safetensors.index.json`. Shard names come from the file, so each must be a plain
 * relative path: they are later joined to folder paths and Hub URLs.
 */
export async function parseSafetensorsIndex(source: ByteSource, signal?: AbortSignal): Promise<SafetensorsIndex> {
  if (signal?.aborted) throw new CancelledError();
  const file = source.name;
  if (source.size > MAX_INDEX_BYTES) {
    throw new FormatError(file, 'file', `${source.size} bytes is larger than the ${MAX_INDEX_BYTES}-byte limit for an index`);
  }
  const bytes = await source.read(0, source.size, signal);
  if (signal?.aborted) throw new CancelledError();
  let text: string;
  try {
    // A leading BOM is dropped by the decoder; some editors write one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(file, 'file', 'is not valid UTF-8');
  }
  let root: JsonValue;
  try {
    root = parseStrictJson(text, { maxDepth: MAX_JSON_DEPTH, maxMembers: MAX_TENSORS });
  } catch (error) {
    if (error instanceof StrictJsonError) throw new FormatError(file, pathField(error.path), error.message);
    throw error;
  }
  if (!(root instanceof Map)) throw new FormatError(file, 'file', 'is not a JSON object');

  const weightMapValue = root.get('weight_map');
  if (!(weightMapValue instanceof Map)) {
    throw new FormatError(file, 'weight_map', 'is missing or not an object: not a safetensors index');
  }
  const weightMap: Record<string, string> = {};
  const shards = new Set<string>();
  for (const [tensor, shard] of weightMapValue) {
    const field = pathField(['weight_map', tensor]);
    if (typeof shard !== 'string') throw new FormatError(file, field, 'must be a shard file name (a string)');
    const problem = unsafeShardName(shard);
    if (problem) throw new FormatError(file, field, `unsafe shard name ${JSON.stringify(shard)}: ${problem}`);
    // defineProperty, so a tensor named `__proto__` is stored like any other.
    Object.defineProperty(weightMap, tensor, { value: shard, enumerable: true, writable: true, configurable: true });
    shards.add(shard);
  }

  const totalSize = readTotalSize(file, root.get('metadata'));
  return totalSize === undefined ? { weightMap, shards: [...shards] } : { totalSize, weightMap, shards: [...shards] };
}

function readTotalSize(file: string, metadata: JsonValue | undefined): number | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!(metadata instanceof Map)) throw new FormatError(file, 'metadata', 'must be an object');
  const value = metadata.get('total_size');
  if (value === undefined || value === null) return undefined;
  // Some writers emit it as a float (e.g. 1234.0); accept any whole, non-negative, exact value.
  const size = typeof value === 'bigint' ? (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : NaN) : value;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new FormatError(file, 'metadata.total_size', 'must be a non-negative integer below 2^53');
  }
  return size;
}

/** Why a shard name is not a plain relative path, or undefined when it is. */
function unsafeShardName(name: string): string | undefined {
  if (name.length === 0) return 'empty';
  // Hub URLs percent-decode, so `%2e%2e` is a `..` segment there; check the decoded form too.
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // Not percent-encoded text; the raw name is checked below.
  }
  for (const candidate of decoded === name ? [name] : [name, decoded]) {
    if (hasControlCharacter(candidate)) return 'control character';
    if (candidate.startsWith('\\\\')) return 'UNC path';
    if (candidate.startsWith('/') || candidate.startsWith('\\')) return 'absolute path';
    if (candidate.includes('://')) return 'URL';
    if (/^[A-Za-z]:/.test(candidate)) return 'Windows drive path';
    if (candidate.split(/[\\/]/).includes('..')) return "'..' segment";
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function pathField(path: JsonPath): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key)}]`;
    })
    .join('') || 'file';
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `*.safetensors.index.json`. The sniff only sees a small JSON object; the registry parses the JSON
 * and asks isSafetensorsIndex, and parse throws FormatError for JSON that is not an index.
 */
export const safetensorsIndexFormat: FormatModule<SafetensorsIndex> = {
  id: 'safetensors-index',
  describe: 'sharded safetensors index (model.safetensors.index.json)',
  sniff(head: Uint8Array, source: ByteSource): boolean {
    if (source.size >= MAX_INDEX_BYTES) return false;
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
    return head[i] === 0x7b;
  },
  parse: parseSafetensorsIndex,
};
