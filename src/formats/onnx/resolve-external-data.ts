import type { Diagnostic } from '../../model/document';
import { FormatError } from '../../model/errors';
import type { ExternalDataRef } from '../../model/graph';

/** Why an external-data location or range is refused. */
export type ExternalDataRejection = 'empty' | 'absolute-path' | 'parent-segment' | 'url' | 'drive-path' | 'unc-path' | 'bad-range' | 'out-of-bounds';

/** The outcome of resolving one tensor's external data against the dropped files. */
export type ExternalDataResolution =
  /** The data file is there and the range lies inside it. */
  | { kind: 'resolved'; path: string; offset: number; length: number }
  /** The location is well-formed but no dropped file matches: a warning, the model still opens. */
  | { kind: 'missing'; path: string; diagnostic: Diagnostic }
  /** The location or range is unsafe or impossible. */
  | { kind: 'rejected'; reason: ExternalDataRejection; error: FormatError };

/** A dropped file: its path relative to the dropped folder, and its size. */
export interface DroppedFile {
  path: string;
  size: number;
}

const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const DRIVE = /^[A-Za-z]:/;

/**
 * Finds the file an initializer's external data lives in (onnx.proto, TensorProto.external_data:
 * `location` is a path relative to the model file). Pure: no I/O.
 *
 * The location is untrusted, so absolute paths, `..` segments, URLs and Windows drive or UNC
 * paths are rejected, and the range must lie inside the data file. `expectedLength` (from the
 * dtype and shape) is used when the entry has no `length`.
 */
export function resolveExternalData(ref: ExternalDataRef, modelPath: string, files: readonly DroppedFile[], expectedLength?: number): ExternalDataResolution {
  const reject = (reason: ExternalDataRejection, message: string): ExternalDataResolution => ({
    kind: 'rejected',
    reason,
    error: new FormatError(modelPath, 'external_data.location', message),
  });
  const location = ref.location;
  const shown = JSON.stringify(location.slice(0, 200));
  if (!location || location.includes('\0')) return reject('empty', `external data location ${shown} is empty or has a NUL byte`);
  if (location.startsWith('\\\\') || location.startsWith('//')) return reject('unc-path', `external data location ${shown} is a network (UNC) path`);
  if (DRIVE.test(location)) return reject('drive-path', `external data location ${shown} is a Windows drive path`);
  if (URL_SCHEME.test(location)) return reject('url', `external data location ${shown} is a URL, not a relative path`);
  if (location.startsWith('/') || location.startsWith('\\')) return reject('absolute-path', `external data location ${shown} is an absolute path`);
  // Writers on Windows may use backslashes; both separate segments.
  const segments = location.split(/[\\/]/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return reject('parent-segment', `external data location ${shown} leaves the model's folder`);
  if (segments.length === 0) return reject('empty', `external data location ${shown} names no file`);

  const slash = modelPath.lastIndexOf('/');
  const path = [...(slash >= 0 ? [modelPath.slice(0, slash)] : []), ...segments].join('/');
  const file = files.find((candidate) => candidate.path === path);
  if (!file) {
    return {
      kind: 'missing',
      path,
      diagnostic: {
        severity: 'warning',
        code: 'external-data-missing',
        message: `${modelPath} keeps tensor data in ${path}, which was not dropped with it`,
        file: modelPath,
        field: 'external_data.location',
      },
    };
  }

  const { offset } = ref;
  const length = ref.length ?? expectedLength ?? file.size - offset;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    return {
      kind: 'rejected',
      reason: 'bad-range',
      error: new FormatError(modelPath, 'external_data.offset', `external data range ${offset}+${length} is not a pair of non-negative integers`),
    };
  }
  if (offset + length > file.size) {
    return {
      kind: 'rejected',
      reason: 'out-of-bounds',
      error: new FormatError(modelPath, 'external_data.length', `external data range ${offset}+${length} runs past the end of ${path} (${file.size} bytes)`),
    };
  }
  return { kind: 'resolved', path, offset, length };
}
