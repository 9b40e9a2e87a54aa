import { FileByteSource } from '../bytes/file-byte-source';
import type { ByteSource } from '../model/byte-source';
import type { ModelSource, SourceFile } from './model-source';
import { notInSource } from './model-source';

/** A file given from this machine: `path` is relative to the dropped folder, or the file's name. */
export interface LocalFile {
  path: string;
  blob: Blob;
}

/** Files and folders from this machine (or the bundled example), read through `Blob.slice`. */
export function localSource(files: readonly LocalFile[], kind: 'local' | 'example' = 'local'): ModelSource {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const listed: SourceFile[] = files.map((f) => ({ path: f.path, size: f.blob.size }));
  return {
    kind,
    readCost: 'local',
    files: listed,
    metadata: {},
    origin: {},
    byteSource(path: string): ByteSource {
      const file = byPath.get(path);
      if (!file) throw notInSource(path, 'the files given');
      return localByteSource(file);
    },
  };
}

/** The bytes of one local file. */
export function localByteSource(file: LocalFile): ByteSource {
  return new FileByteSource(file.blob, file.path);
}
