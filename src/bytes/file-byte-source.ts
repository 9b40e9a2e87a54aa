import type { ByteSource } from '../model/byte-source';
import { CancelledError, LoupeError } from '../model/errors';
import { checkRange } from './check-range';

/** A local File (or any Blob), read through `Blob.slice`, so only the requested range is loaded. */
export class FileByteSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #blob: Blob;

  constructor(blob: Blob, name: string) {
    this.#blob = blob;
    this.name = name;
    this.size = blob.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    let buffer: ArrayBuffer;
    try {
      buffer = await this.#blob.slice(offset, offset + length).arrayBuffer();
    } catch (error) {
      // A File the user replaced or deleted after dropping it fails here (NotReadableError).
      throw new LoupeError('io', `${this.name}: could not read the file (${(error as Error).message})`, { file: this.name, cause: error });
    }
    if (signal?.aborted) throw new CancelledError();
    return new Uint8Array(buffer);
  }
}
