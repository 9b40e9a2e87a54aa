/**
 * Matches loaded tensor files (`input_0.pb`, `logits.npy`, …) to a model's inputs or outputs:
 * first by the name a TensorProto carries, then by the file name (the value name, with characters
 * that file names cannot hold replaced by `_`), then by the conformance suite's `input_N` /
 * `output_N` numbering, then in order.
 */

export interface LoadedTensorFile {
  fileName: string;
  /** The name stored in the file (TensorProto.name); empty for .npy. */
  storedName?: string;
}

function stem(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return base.replace(/\.(npy|pb)$/i, '');
}

function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

export function matchTensorFiles<T extends LoadedTensorFile>(
  names: readonly string[],
  files: readonly T[],
  prefix: 'input' | 'output',
): { matched: Map<string, T>; unmatched: T[] } {
  const matched = new Map<string, T>();
  const left = new Set(files);
  const assign = (name: string | undefined, file: T) => {
    if (name === undefined || matched.has(name) || !left.has(file)) return;
    matched.set(name, file);
    left.delete(file);
  };
  for (const file of files) if (file.storedName && names.includes(file.storedName)) assign(file.storedName, file);
  for (const file of files) {
    const s = stem(file.fileName);
    assign(
      names.find((n) => n === s || safe(n) === s),
      file,
    );
  }
  const numbered = new RegExp(`^${prefix}_(\\d+)$`);
  for (const file of files) {
    const m = numbered.exec(stem(file.fileName));
    if (m) assign(names[Number(m[1])], file);
  }
  const sorted = [...left].sort((a, b) => a.fileName.localeCompare(b.fileName, undefined, { numeric: true }));
  for (const file of sorted)
    assign(
      names.find((n) => !matched.has(n)),
      file,
    );
  return { matched, unmatched: [...left] };
}
