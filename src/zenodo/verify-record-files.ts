import type { ZenodoFile } from './zenodo-record';

/** How a local file compares with the record file of the same name. */
export type IntegrityStatus =
  /** Same size and the MD5 the record states. */
  | 'match'
  /** Another size, or another MD5: not the file the record holds. */
  | 'mismatch'
  /** The record states no MD5 for it, so it cannot be checked. */
  | 'no-checksum'
  /** The record has no file of that name. */
  | 'not-in-record';

export interface IntegrityResult {
  /** The local file's path, as given. */
  path: string;
  /** The record file it was compared with. */
  key?: string;
  status: IntegrityStatus;
  /** The MD5 the record states, and the one computed, when the file was hashed. */
  expected?: string;
  actual?: string;
}

/**
 * Compares local files with a record's files, by name (the record's key, or its last path
 * segment): a different size is a mismatch without hashing; otherwise `md5` (streamed, in the
 * worker) is computed and compared with the record's checksum.
 */
export async function verifyRecordFiles<F extends { path: string; size: number }>(
  recordFiles: readonly ZenodoFile[],
  localFiles: readonly F[],
  md5: (file: F) => Promise<string>,
): Promise<IntegrityResult[]> {
  const results: IntegrityResult[] = [];
  for (const file of localFiles) {
    const name = baseName(file.path);
    const match = recordFiles.find((r) => r.key === file.path) ?? recordFiles.find((r) => baseName(r.key) === name);
    if (!match) results.push({ path: file.path, status: 'not-in-record' });
    else if (match.md5 === undefined) results.push({ path: file.path, key: match.key, status: 'no-checksum' });
    else if (match.size !== file.size) results.push({ path: file.path, key: match.key, status: 'mismatch', expected: match.md5 });
    else {
      const actual = await md5(file);
      results.push({ path: file.path, key: match.key, status: actual === match.md5 ? 'match' : 'mismatch', expected: match.md5, actual });
    }
  }
  return results;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
