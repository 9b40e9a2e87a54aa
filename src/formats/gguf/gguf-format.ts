import type { ByteSource } from '../../model/byte-source';
import type { FormatModule } from '../format-module';
import { describeGguf, type GgufFile } from './gguf-facts';
import { GGUF_MAGIC, parseGgufHeader } from './parse-gguf';

/**
 * GGUF (ggml docs/gguf.md): the magic `GGUF`, then a header of metadata and tensor infos, then the
 * aligned tensor data. The parse reads the header only, in growing chunks.
 * `id` is `'gguf'`, which the registry's FormatId has yet to include.
 */
export const ggufFormat = {
  id: 'gguf' as const,
  describe: 'GGUF models (.gguf, llama.cpp)',
  sniff(head: Uint8Array, _source: ByteSource): boolean {
    return head.length >= 4 && GGUF_MAGIC.every((byte, i) => head[i] === byte);
  },
  async parse(source: ByteSource, signal?: AbortSignal): Promise<GgufFile> {
    return describeGguf(await parseGgufHeader(source, signal));
  },
} satisfies Omit<FormatModule<GgufFile>, 'id'> & { id: 'gguf' };
