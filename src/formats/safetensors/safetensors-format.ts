import type { ByteSource } from '../../model/byte-source';
import type { FormatModule } from '../format-module';
import { MAX_HEADER_LENGTH, parseSafetensors, type SafetensorsHeader } from './parse-safetensors';

/**
 * safetensors: an 8-byte little-endian header length N, N bytes of JSON, then the raw data.
 * There is no magic number, so the sniff checks that N is plausible and the JSON starts with `{`,
 * which the reference requires (huggingface/safetensors, safetensors/src/tensor.rs, InvalidHeaderStart).
 */
export const safetensorsFormat: FormatModule<SafetensorsHeader> = {
  id: 'safetensors',
  label: 'safetensors',
  describe: 'safetensors weights (.safetensors, sharded with model.safetensors.index.json)',
  readme: {
    input: '`*.safetensors`',
    reads:
      'the 8-byte length and the JSON header only, validated as strictly as the reference implementation (duplicate keys, gaps, overlaps, trailing bytes, sizes with checked arithmetic); never the weights',
  },
  extensions: ['.safetensors'],
  role: 'weights',
  sniff(head: Uint8Array, source: ByteSource): boolean {
    return safetensorsHeadProblem(head, source.size) === undefined;
  },
  parse: parseSafetensors,
  contribute(header, source, draft) {
    draft.addTensors(header.tensors);
    draft.document.files.push({
      format: 'safetensors',
      path: source.name,
      headerLength: header.headerLength,
      tensorCount: header.tensors.length,
      metadata: header.metadata,
    });
    draft.addMetadata(source.name, header.metadata);
  },
  problemWith(head, source) {
    return safetensorsHeadProblem(head, source.size);
  },
};

/**
 * Why a file of `size` bytes starting with `head` (its first 9 bytes at least, where it has them)
 * cannot be safetensors, naming the field; undefined when it can. The sniff, and the reason given
 * for a file named `.safetensors` that fails it.
 */
export function safetensorsHeadProblem(head: Uint8Array, size: number): string | undefined {
  if (size < 9 || head.length < 9) return `the file is ${size} bytes, too short for the 8-byte header length and a header`;
  const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (length < 2n) return `the header length is ${length} bytes, too small for a JSON header`;
  if (length > BigInt(MAX_HEADER_LENGTH)) return `the header length, ${length} bytes, is larger than the ${MAX_HEADER_LENGTH}-byte limit`;
  if (length + 8n > BigInt(size)) return `the header length, ${length} bytes, runs past the end of the ${size}-byte file`;
  if (head[8] !== 0x7b) return 'the header does not start with "{"';
  return undefined;
}
