import { createMD5 } from 'hash-wasm';
import type { ByteSource } from '../model/byte-source';
import { CancelledError } from '../model/errors';

/** Bytes hashed per read: large enough to keep the hasher busy, small enough to stay cancellable and light on memory. */
export const MD5_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The MD5 of a whole file (lower-case hex), streamed chunk by chunk through hash-wasm, so a file of
 * any size is hashed in constant memory. MD5 is what Zenodo states for each record file.
 */
export async function md5OfSource(source: ByteSource, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<string> {
  const hasher = await createMD5();
  hasher.init();
  for (let offset = 0; offset < source.size; offset += MD5_CHUNK_BYTES) {
    if (signal?.aborted) throw new CancelledError();
    const length = Math.min(MD5_CHUNK_BYTES, source.size - offset);
    hasher.update(await source.read(offset, length, signal));
    onProgress?.(offset + length, source.size);
  }
  return hasher.digest('hex');
}
