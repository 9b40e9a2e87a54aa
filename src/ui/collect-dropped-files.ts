import type { FileInput } from '../workers/parse-protocol';

/** Bounds a dropped folder walk, so a drop of a home directory cannot hang the page. */
export const MAX_DROPPED_FILES = 10_000;

/**
 * Turns a drop into files with relative paths. Folders are walked with the entries API
 * (`webkitGetAsEntry`), which is the only way to read a dropped folder's contents.
 */
export async function collectDroppedFiles(transfer: DataTransfer): Promise<FileInput[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => Boolean(entry));
  if (entries.length === 0) return [...transfer.files].map((file) => ({ path: file.name, blob: file }));
  const out: FileInput[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

async function walk(entry: FileSystemEntry, prefix: string, out: FileInput[]): Promise<void> {
  if (out.length >= MAX_DROPPED_FILES) return;
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, blob: file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}

/** Files from an `<input type=file>`; a folder picker gives each file its relative path. */
export function filesFromInput(list: Iterable<File> | null): FileInput[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, blob: file }));
}
