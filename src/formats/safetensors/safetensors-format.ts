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
  describe: 'safetensors weights (.safetensors)',
  sniff(head: Uint8Array, source: ByteSource): boolean {
    if (head.length < 9) return false;
    const view = new DataView(head.buffer, head.byteOffset, 8);
    // MAX_HEADER_LENGTH < 2^32, so a non-zero high word already rules the file out.
    if (view.getUint32(4, true) !== 0) return false;
    const length = view.getUint32(0, true);
    return length >= 2 && length <= MAX_HEADER_LENGTH && length + 8 <= source.size && head[8] === 0x7b;
  },
  parse: parseSafetensors,
};
