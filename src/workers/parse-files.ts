/**
 * Work on files already open, each request reading only the bytes it needs: a tensor's statistics,
 * two tensors' values compared, a PyTorch checkpoint converted, a file's MD5. The parse worker
 * loads this module on the first such request (parse-handlers.ts).
 */
import { FileByteSource } from '../bytes/file-byte-source';
import { computeTensorStats, type ElementDecoder, type TensorStats } from '../formats/tensors/tensor-stats';
import type { TensorInfo } from '../model/document';
import type { FileInput, HubFileInput, TensorInFile, ZenodoFileInput } from './parse-protocol';
import type { ByteSource } from '../model/byte-source';
import { compareTensorValues, type ValueComparison } from '../compare/compare-values';
import { computeGgufTensorStats, GGML_STATS_TYPES, ggmlElementDecoder } from '../formats/gguf/dequantize-ggml';
import { ggufIsLittleEndian, hasGgufMagic } from '../formats/gguf/parse-gguf';
import { ggmlTypeByName, type GgmlTypeName } from '../formats/gguf/ggml-types';
import { md5OfSource } from '../bytes/md5-of-source';
import { FormatError, LoupeError } from '../model/errors';
import { pinnedByteSource } from '../sources/registry';
import type { PytorchTensorInfo } from '../model/pickle';
import { conversionBlocker, convertToSafetensors, safetensorsName, safetensorsPlan } from '../formats/pytorch/convert-to-safetensors';
import { pytorchFormat } from '../formats/pytorch/pytorch-format';
import { readTensorBytes } from '../formats/pytorch/read-tensor-bytes';

/** The MD5 of a local file, streamed (to compare with the checksum a Zenodo record states). */
export function md5File(file: FileInput, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<string> {
  return md5OfSource(new FileByteSource(file.blob, file.path), signal, onProgress);
}

/**
 * A tensor's bytes as one contiguous range: the file itself, or for a strided PyTorch view its
 * elements gathered into row order first (bounded by readTensorBytes).
 */
async function contiguousTensor(
  file: FileInput | HubFileInput | ZenodoFileInput,
  tensor: TensorInfo,
  signal: AbortSignal,
): Promise<{ source: ByteSource; tensor: TensorInfo }> {
  const source = pinnedByteSource(file);
  const layout = (tensor as Partial<PytorchTensorInfo>).torch;
  if (!layout || layout.contiguous) return { source, tensor };
  const bytes = await readTensorBytes(source, tensor as PytorchTensorInfo, signal);
  return {
    source: new FileByteSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), file.path),
    tensor: { ...tensor, byteOffset: 0, byteLength: bytes.length },
  };
}

/** Statistics of one tensor, streaming only its bytes from the file that holds it. */
export async function computeFileStats(
  file: FileInput | HubFileInput | ZenodoFileInput,
  tensor: TensorInfo,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<TensorStats> {
  // A GGUF tensor decodes by ggml blocks, in the file's byte order: its first 8 bytes say both.
  const source = pinnedByteSource(file);
  const head = source.size >= 8 ? await source.read(0, 8, signal) : new Uint8Array(0);
  if (hasGgufMagic(head)) return computeGgufTensorStats(source, tensor, tensor.dtype as GgmlTypeName, ggufIsLittleEndian(head), { signal, onProgress });
  const placed = await contiguousTensor(file, tensor, signal);
  return computeTensorStats(placed.source, placed.tensor, { signal, onProgress });
}

/** Two tensors' values compared, each streamed from its own file's byte range only (a Blob slice or an HTTP Range). */
export async function compareFileValues(
  a: TensorInFile,
  b: TensorInFile,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<ValueComparison> {
  const left = await contiguousTensor(a.file, a.tensor, signal);
  const right = await contiguousTensor(b.file, b.tensor, signal);
  return compareTensorValues(left.source, left.tensor, right.source, right.tensor, { signal, onProgress, decoders: { a: ggmlDecoder(a), b: ggmlDecoder(b) } });
}

/** The ggml block decoder for a GGUF tensor; undefined for other formats. */
function ggmlDecoder(side: TensorInFile): ElementDecoder | undefined {
  if (!side.ggml) return undefined;
  const decoder = ggmlTypeByName(side.tensor.dtype) && ggmlElementDecoder(side.tensor.dtype as GgmlTypeName, side.ggml.littleEndian);
  if (!decoder) {
    throw new FormatError(
      side.tensor.file,
      `tensors[${JSON.stringify(side.tensor.name)}].type`,
      `values of ${side.tensor.dtype} tensors cannot be decoded (Loupe decodes ${[...GGML_STATS_TYPES].join(', ')})`,
    );
  }
  return decoder;
}

/**
 * Converts a PyTorch checkpoint to safetensors, streaming tensor by tensor. The file is scanned
 * again here, and only a `safe` verdict is converted, whatever the caller believed.
 */
export async function convertFile(
  file: FileInput,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<{ blob: Blob; name: string }> {
  const source = new FileByteSource(file.blob, file.path);
  const parsed = await pytorchFormat.parse(source, signal);
  const blocker = conversionBlocker(parsed);
  if (blocker) throw new LoupeError('unsupported', `${file.path} is not converted: ${blocker}.`, { file: file.path });
  const total = safetensorsPlan(parsed.tensors).byteLength;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let done = 0;
  let reported = 0;
  for await (const chunk of convertToSafetensors(source, parsed.tensors, signal)) {
    chunks.push(chunk as Uint8Array<ArrayBuffer>);
    done += chunk.length;
    if (done - reported >= 1 << 22 || done === total) {
      reported = done;
      onProgress?.(done, total);
    }
  }
  return { blob: new Blob(chunks, { type: 'application/octet-stream' }), name: safetensorsName(file.path.split('/').pop() ?? file.path) };
}
