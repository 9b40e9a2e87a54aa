import { describe, expect, it } from 'vitest';
import { CancelledError, FormatError } from '../model/errors';
import { FileByteSource } from './file-byte-source';

const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('FileByteSource', () => {
  const source = new FileByteSource(new Blob([bytes]), 'dir/data.bin');

  it('reads exactly the requested range', async () => {
    expect(source.size).toBe(256);
    expect([...(await source.read(10, 4))]).toEqual([10, 11, 12, 13]);
    expect((await source.read(256, 0)).length).toBe(0);
    expect([...(await source.read(250, 6))]).toEqual([250, 251, 252, 253, 254, 255]);
  });

  it('rejects a range past the end with a typed error naming the file', async () => {
    await expect(source.read(250, 7)).rejects.toThrow(FormatError);
    await expect(source.read(250, 7)).rejects.toThrow(/dir\/data\.bin.*end of file/);
  });

  it('rejects negative and fractional ranges', async () => {
    await expect(source.read(-1, 2)).rejects.toThrow(FormatError);
    await expect(source.read(1.5, 2)).rejects.toThrow(FormatError);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 1, controller.signal)).rejects.toThrow(CancelledError);
  });
});
