import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../model/errors';
import { FileByteSource } from './file-byte-source';
import { MD5_CHUNK_BYTES, md5OfSource } from './md5-of-source';

describe('md5OfSource', () => {
  it('hashes a file across chunk boundaries as node:crypto does', async () => {
    const bytes = Uint8Array.from({ length: MD5_CHUNK_BYTES * 2 + 12345 }, (_, i) => (i * 31 + (i >> 9)) & 0xff);
    const progress: number[] = [];
    const md5 = await md5OfSource(new FileByteSource(new Blob([bytes]), 'big.bin'), undefined, (done) => progress.push(done));
    expect(md5).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(progress).toEqual([MD5_CHUNK_BYTES, 2 * MD5_CHUNK_BYTES, bytes.length]);
  });

  it('hashes an empty file, and stops when cancelled', async () => {
    expect(await md5OfSource(new FileByteSource(new Blob([]), 'empty'))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    const controller = new AbortController();
    controller.abort();
    await expect(md5OfSource(new FileByteSource(new Blob([new Uint8Array(10)]), 'f'), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
