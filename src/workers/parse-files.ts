import { FileByteSource } from '../bytes/file-byte-source';
import { openGroup, type OpenProgress } from '../formats/open-group';
import { computeTensorStats, type TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import type { FileInput, HubFileInput, HubOpenRequest } from './parse-protocol';
import { hubByteSource } from '../hub/hub-file-source';
import { openHubRepo, type HubOpenResult } from '../hub/open-hub-repo';
import type { ByteSource } from '../model/byte-source';

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

/** Opens a Hub repo: headers by Range, sidecars whole, never a weight byte. */
export function openHub(request: HubOpenRequest, signal: AbortSignal, onProgress?: (progress: OpenProgress) => void): Promise<HubOpenResult> {
  return openHubRepo({
    ...request,
    signal,
    onProgress: (p) => onProgress?.({ done: p.done, total: p.total, file: p.file ?? p.phase }),
  });
}

function byteSourceFor(file: FileInput | HubFileInput): ByteSource {
  if ('blob' in file) return new FileByteSource(file.blob, file.path);
  return hubByteSource({ endpoint: file.endpoint, repo: file.repo, commit: file.commit, path: file.path, size: file.size, token: file.token });
}

/** Statistics of one tensor, streaming only its bytes from the file that holds it. */
export function computeFileStats(
  file: FileInput | HubFileInput,
  tensor: TensorInfo,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<TensorStats> {
  return computeTensorStats(byteSourceFor(file), tensor, { signal, onProgress });
}
