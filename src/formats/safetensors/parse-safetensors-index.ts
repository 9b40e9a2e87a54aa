import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { isRecord } from '../../model/is-record';
import { MAX_JSON_SIDECAR_BYTES, readJsonSidecar, type JsonSidecar } from '../json-sidecar';
import { MAX_SAFETENSORS_JSON_DEPTH, MAX_TENSORS } from './parse-safetensors';
import { parseStrictJson, StrictJsonError, type JsonPath, type JsonValue } from './parse-strict-json';

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
  if (!isRecord(json)) return false;
  return isRecord(json['weight_map']);
}

/**
 * Parses a `*.safetensors.index.json`. Shard names come from the file, so each must be a plain
 * relative path: they are later joined to folder paths and Hub URLs. `sidecar` is the file as the
 * registry already read it; without it the file is read here.
 *
 * The text is checked with the strict parser even when the registry has parsed it: JSON.parse
 * cannot see duplicate keys or integers above 2^53, which the reference rejects.
 */
export async function parseSafetensorsIndex(source: ByteSource, signal?: AbortSignal, sidecar?: JsonSidecar): Promise<SafetensorsIndex> {
  if (signal?.aborted) throw new CancelledError();
  const file = source.name;
  const read = sidecar ?? (await readJsonSidecar(source, signal));
  if (signal?.aborted) throw new CancelledError();
  if (!read.ok && read.problem === 'too-large') {
    throw new FormatError(file, 'file', `${source.size} bytes is larger than the ${MAX_JSON_SIDECAR_BYTES}-byte limit for an index`);
  }
  if (read.text === undefined) throw new FormatError(file, 'file', 'is not valid UTF-8');
  const text = read.text;
  let root: JsonValue;
  try {
    root = parseStrictJson(text, { maxDepth: MAX_SAFETENSORS_JSON_DEPTH, maxMembers: MAX_TENSORS });
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
  return (
    path
      .map((key, i) => {
        if (typeof key === 'number') return `[${key}]`;
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return i === 0 ? key : `.${key}`;
        return `[${JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key)}]`;
      })
      .join('') || 'file'
  );
}
