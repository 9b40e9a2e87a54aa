import { open, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import type { ByteSource } from '../../src/model/byte-source';
import { checkRange } from '../../src/bytes/check-range';

/**
 * Test-only: a ByteSource over a file on disk, read with FileHandle.read so a large file is
 * never loaded whole. Counts the bytes it hands out. Not for the app (Node only).
 */
export class NodeFileSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly path: string;
  /** Total bytes returned by `read`. */
  bytesRead = 0;
  /** Number of `read` calls. */
  reads = 0;
  #handle: Promise<FileHandle> | undefined;

  constructor(path: string, name = path) {
    this.path = path;
    this.name = name;
    this.size = statSync(path).size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    this.#handle ??= open(this.path, 'r');
    const handle = await this.#handle;
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(bytes, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`${this.name}: short read at ${offset + done}`);
      done += bytesRead;
    }
    this.bytesRead += length;
    this.reads++;
    return bytes;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }
}
