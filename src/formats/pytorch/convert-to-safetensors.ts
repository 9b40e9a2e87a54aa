import type { ByteSource } from '../../model/byte-source';
import { DTYPES } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import type { PytorchTensorInfo } from '../../model/pickle';
import { MAX_TENSORS, SAFETENSORS_DTYPES } from '../safetensors/parse-safetensors';
import type { PytorchParse } from './parse-pytorch';
import { MAX_CHUNK_BYTES, tensorChunks } from './read-tensor-bytes';

/** One tensor's place in the output: its data_offsets relative to the data section. */
export interface SafetensorsCopy {
  tensor: PytorchTensorInfo;
  begin: number;
  end: number;
}

/** What convertToSafetensors writes: the 8-byte length and header, then each copy in order. */
export interface SafetensorsPlan {
  /** The u64 little-endian header length followed by the JSON header, padded with spaces to a multiple of 8. */
  header: Uint8Array;
  copies: SafetensorsCopy[];
  /** Bytes of the whole output file. */
  byteLength: number;
}

/**
 * The `__metadata__` transformers expects of a PyTorch-origin safetensors file (it refuses to load
 * files whose `format` is not one of pt, tf, flax, mlx).
 */
export const DEFAULT_METADATA: Readonly<Record<string, string>> = { format: 'pt' };

function field(name: string): string {
  return `tensors[${JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name)}]`;
}

/**
 * Why a parsed checkpoint cannot be converted, or undefined when it can: only files whose verdict
 * is `safe` are converted, and only when every tensor is readable.
 */
export function conversionBlocker(parsed: PytorchParse): string | undefined {
  const { report, tensors } = parsed;
  if (report.verdict !== 'safe') return `its scan verdict is ${report.verdict}; only safe checkpoints are converted`;
  if (tensors.length === 0) return 'it holds no tensors';
  const unreadable = tensors.find((t) => t.unreadable !== undefined);
  if (unreadable) return `tensor ${unreadable.name} cannot be read: ${unreadable.unreadable}`;
  const odd = tensors.find((t) => !SAFETENSORS_DTYPES.has(t.dtype));
  if (odd) return `tensor ${odd.name} is ${odd.dtype}, which safetensors cannot hold`;
  return undefined;
}

/**
 * Lays out a safetensors file holding `tensors` contiguously, in the given order, with
 * `__metadata__`. Tensors that share a storage (tied weights, views) are each written in full
 * under their own name: safetensors has no aliasing, so tied weights take their space twice.
 */
export function safetensorsPlan(tensors: readonly PytorchTensorInfo[], metadata: Record<string, string> = DEFAULT_METADATA): SafetensorsPlan {
  if (tensors.length > MAX_TENSORS)
    throw new FormatError(tensors[0]?.file ?? 'checkpoint', 'tensors', `${tensors.length} tensors, more than the ${MAX_TENSORS} limit`);
  const seen = new Set<string>();
  const copies: SafetensorsCopy[] = [];
  // Built as text so names such as `__proto__` stay plain keys; JSON.stringify quotes them.
  const parts: string[] = [`${JSON.stringify('__metadata__')}:${JSON.stringify(metadata)}`];
  let position = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__') throw new FormatError(tensor.file, field(tensor.name), 'is named __metadata__, which safetensors reserves');
    if (seen.has(tensor.name)) throw new FormatError(tensor.file, field(tensor.name), 'appears twice');
    seen.add(tensor.name);
    if (tensor.unreadable !== undefined) throw new FormatError(tensor.file, field(tensor.name), `cannot be converted: ${tensor.unreadable}`);
    if (!SAFETENSORS_DTYPES.has(tensor.dtype)) throw new FormatError(tensor.file, field(tensor.name), `${tensor.dtype} has no safetensors dtype`);
    const length = (tensor.elements * DTYPES[tensor.dtype].bits) / 8;
    if (!Number.isSafeInteger(length)) throw new FormatError(tensor.file, field(tensor.name), `${tensor.elements} elements do not fill whole bytes`);
    copies.push({ tensor, begin: position, end: position + length });
    parts.push(`${JSON.stringify(tensor.name)}:${JSON.stringify({ dtype: tensor.dtype, shape: tensor.shape, data_offsets: [position, position + length] })}`);
    position += length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  header.fill(0x20, 8 + json.length);
  return { header, copies, byteLength: header.length + position };
}

export interface ConvertOptions {
  metadata?: Record<string, string>;
  /** Largest chunk read and yielded (default MAX_CHUNK_BYTES). */
  chunkBytes?: number;
}

/**
 * Writes a safetensors file from a PyTorch checkpoint's tensors, streaming: yields the header,
 * then each tensor's bytes in order, read from `source` by range in chunks of at most 8 MiB.
 * Non-contiguous views are gathered into row-major order (their storage span is read whole, up to
 * MAX_GATHER_SPAN_BYTES; larger ones are refused). Check `conversionBlocker` first: only safe
 * checkpoints should be converted.
 */
export async function* convertToSafetensors(
  source: ByteSource,
  tensors: readonly PytorchTensorInfo[],
  signal?: AbortSignal,
  options: ConvertOptions = {},
): AsyncGenerator<Uint8Array> {
  if (signal?.aborted) throw new CancelledError();
  const stranger = tensors.find((t) => t.file !== source.name);
  if (stranger) throw new FormatError(source.name, field(stranger.name), `is in ${stranger.file}, not in ${source.name}`);
  const plan = safetensorsPlan(tensors, options.metadata);
  yield plan.header;
  for (const { tensor, begin, end } of plan.copies) {
    let written = 0;
    for await (const chunk of tensorChunks(source, tensor, signal, options.chunkBytes ?? MAX_CHUNK_BYTES)) {
      written += chunk.length;
      yield chunk;
    }
    if (written !== end - begin) throw new FormatError(source.name, field(tensor.name), `produced ${written} bytes, expected ${end - begin}`);
  }
}

/** The safetensors file name transformers uses for a PyTorch weights file: `pytorch_model-00001-of-00002.bin` → `model-00001-of-00002.safetensors`. */
export function safetensorsName(path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  let base = path.slice(slash + 1);
  if (base.startsWith('pytorch_model')) base = `model${base.slice('pytorch_model'.length)}`;
  const stem = base.replace(/\.(bin|pt|pth|ckpt)$/, '');
  return `${dir}${stem}.safetensors`;
}

/** How to convert a sharded checkpoint: each shard's new name, and the new index. */
export interface ShardedConversionPlan {
  shards: { from: string; to: string }[];
  /** `model.safetensors.index.json` for `pytorch_model.bin.index.json`. */
  indexName: string;
  /** The new index: the same metadata, the weight map pointing at the new shard names. */
  index: { metadata: Record<string, unknown>; weight_map: Record<string, string> };
  /** `index` as JSON text, as transformers writes it (2-space indent). */
  indexText: string;
}

/**
 * Plans the conversion of `pytorch_model-0000N-of-0000M.bin` shards listed by a
 * `pytorch_model.bin.index.json` (text or parsed) to `model-0000N-of-0000M.safetensors` shards and a
 * `model.safetensors.index.json`. Each shard converts on its own with convertToSafetensors; tensor
 * sizes do not change, so `metadata.total_size` carries over.
 */
export function shardedConversionPlan(indexJson: string | unknown, indexName = 'pytorch_model.bin.index.json'): ShardedConversionPlan {
  let parsed: unknown = indexJson;
  if (typeof indexJson === 'string') {
    try {
      parsed = JSON.parse(indexJson);
    } catch (error) {
      throw new FormatError(indexName, 'index', `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new FormatError(indexName, 'index', 'is not a JSON object');
  const weightMap: unknown = Object.hasOwn(parsed, 'weight_map') ? (parsed as Record<string, unknown>)['weight_map'] : undefined;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap))
    throw new FormatError(indexName, 'weight_map', 'is missing or not an object');
  const metadataValue: unknown = Object.hasOwn(parsed, 'metadata') ? (parsed as Record<string, unknown>)['metadata'] : {};
  if (typeof metadataValue !== 'object' || metadataValue === null || Array.isArray(metadataValue))
    throw new FormatError(indexName, 'metadata', 'is not an object');

  const entries = Object.entries(weightMap as Record<string, unknown>);
  if (entries.length > MAX_TENSORS) throw new FormatError(indexName, 'weight_map', `has ${entries.length} tensors, more than the ${MAX_TENSORS} limit`);
  const renamed = new Map<string, string>();
  const mapped: [string, string][] = [];
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string' || shard === '' || shard.split('/').includes('..')) {
      throw new FormatError(indexName, `weight_map[${JSON.stringify(name)}]`, 'must be a shard file name');
    }
    let to = renamed.get(shard);
    if (to === undefined) {
      to = safetensorsName(shard);
      renamed.set(shard, to);
    }
    mapped.push([name, to]);
  }
  const index = { metadata: { ...(metadataValue as Record<string, unknown>) }, weight_map: Object.fromEntries(mapped) as Record<string, string> };
  const base = indexName.endsWith('.index.json') ? indexName.slice(0, -'.index.json'.length) : 'pytorch_model.bin';
  return {
    shards: [...renamed].map(([from, to]) => ({ from, to })),
    indexName: `${safetensorsName(base)}.index.json`,
    index,
    indexText: `${JSON.stringify(index, null, 2)}\n`,
  };
}
