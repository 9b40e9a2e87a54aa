import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_DIR } from './helpers';

/** Builds a safetensors file from tensors with their raw little-endian bytes. */
export function safetensors(tensors: { name: string; dtype: string; shape: number[]; data: Buffer }[], metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...tensors.map((t) => t.data)]);
}

/** Reads the bundled example's tensors back, with their bytes. */
export function exampleTensors() {
  const file = readFileSync(join(EXAMPLE_DIR, 'model.safetensors'));
  const n = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, data: file.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]) }));
}

/**
 * Writes the example as a sharded checkpoint (3 shards, the index, config.json) into a fresh folder,
 * optionally leaving a shard out. Returns the folder path.
 */
export function writeShardedExample(name: string, options: { omitShard?: number } = {}): string {
  const dir = join(tmpdir(), `loupe-e2e-${process.pid}`, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tensors = exampleTensors();
  const shards = 3;
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let s = 0; s < shards; s++) {
    const part = tensors.filter((_, i) => i % shards === s);
    const file = `model-0000${s + 1}-of-0000${shards}.safetensors`;
    for (const t of part) {
      weightMap[t.name] = file;
      totalSize += t.data.length;
    }
    if (options.omitShard !== s + 1) writeFileSync(join(dir, file), safetensors(part, { format: 'pt' }));
  }
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  writeFileSync(join(dir, 'config.json'), readFileSync(join(EXAMPLE_DIR, 'config.json')));
  return dir;
}

export function f32(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}
