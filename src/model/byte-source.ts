/**
 * Random access to a file's bytes, local or remote. Parsers only ever call `read`,
 * so the same parser serves a dropped File and a Hub file read by HTTP Range.
 */
export interface ByteSource {
  /** Path relative to the dropped folder, or the file name. Used in every error message. */
  readonly name: string;
  readonly size: number;
  /**
   * Reads exactly `length` bytes starting at `offset`. Rejects with a typed error when the
   * range runs past the end, and with CancelledError when `signal` aborts.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
}
