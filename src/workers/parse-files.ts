import { FileByteSource } from '../bytes/file-byte-source';
import { openGroup, type OpenProgress } from '../formats/open-group';
import { computeTensorStats, type TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import type { FileInput } from './parse-protocol';

/**
 * The parse workload itself, pure of any worker plumbing: the worker entry calls it,
 * and so does the main thread when no worker can start.
 */
export function parseFiles(
  files: FileInput[],
  sourceKind: 'local' | 'example',
  signal: AbortSignal,
  onProgress?: (progress: OpenProgress) => void,
): Promise<ModelDocument> {
  const sources = files.map((f) => new FileByteSource(f.blob, f.path));
  return openGroup(sources, { signal, onProgress, source: { kind: sourceKind } });
}

/** Statistics of one tensor, streaming only its bytes from the file that holds it. */
export function computeFileStats(
  file: FileInput,
  tensor: TensorInfo,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<TensorStats> {
  return computeTensorStats(new FileByteSource(file.blob, file.path), tensor, { signal, onProgress });
}
