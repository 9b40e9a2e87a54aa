import type { ByteSource } from '../model/byte-source';
import type { FormatId } from '../model/document';

/** How many leading bytes every sniffer gets. */
export const SNIFF_BYTES = 64;

/**
 * One format's entry in the registry (after Netron's `match`/`open` factories).
 * `sniff` looks at magic bytes and returns fast; the name is a hint only for text formats,
 * whose bytes cannot tell a markdown card from any other text.
 */
export interface FormatModule<Result> {
  id: FormatId;
  /** What the user should drop, for the "Loupe can open…" error. */
  describe: string;
  sniff(head: Uint8Array, source: ByteSource): boolean;
  /** Parses one file. Throws FormatError naming the file and the field. */
  parse(source: ByteSource, signal?: AbortSignal): Promise<Result>;
}
