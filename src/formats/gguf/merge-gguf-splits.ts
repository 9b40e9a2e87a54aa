import type { TensorInfo } from '../../model/document';
import { FormatError } from '../../model/errors';
import { parameterFacts, type GgufFile, type GgufParameterFacts } from './gguf-facts';
import { MAX_SPLIT_COUNT } from './gguf-limits';

/** llama.cpp gguf-split names: `PREFIX-00001-of-00003.gguf`, numbered from 1, five digits each. */
const SPLIT_NAME = /^(?<prefix>.*)-(?<index>\d{5})-of-(?<count>\d{5})\.gguf$/;

/** The prefix, 1-based index and count in a split file's name, or undefined for another name. */
export function parseGgufSplitName(path: string): { prefix: string; index: number; count: number } | undefined {
  const match = SPLIT_NAME.exec(path);
  if (!match?.groups) return undefined;
  return { prefix: match.groups.prefix!, index: Number(match.groups.index), count: Number(match.groups.count) };
}

/** The name of split `index` (1-based) of `count`: `PREFIX-0000i-of-0000n.gguf`. */
export function ggufSplitName(prefix: string, index: number, count: number): string {
  return `${prefix}-${String(index).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
}

/** A model split over several GGUF files, merged like safetensors shards. */
export interface GgufMergedModel {
  /** The split whose metadata describes the model: `split.no = 0`, else the first given. */
  primary: GgufFile;
  /** The splits given, by `split.no`. */
  parts: GgufFile[];
  /** Every tensor of every split, split by split. */
  tensors: TensorInfo[];
  parameters: GgufParameterFacts;
  /** Split count from `split.count` (1 for an unsplit file). */
  count: number;
  /** Names of the splits not given (from the naming scheme, else "split N of M"). */
  missing: string[];
  /** Non-fatal problems, as sentences. */
  warnings: string[];
}

/**
 * Merges the splits of one model (llama.cpp gguf-split: `split.no`, `split.count`,
 * `split.tensors.count`), names the splits that are missing, and refuses a tensor that two splits
 * both hold. Files without split keys count as a model of one split.
 */
export function mergeGgufSplits(files: GgufFile[]): GgufMergedModel {
  if (files.length === 0) throw new RangeError('mergeGgufSplits needs at least one file');
  const parts = files.slice().sort((a, b) => (a.facts.split?.index ?? 0) - (b.facts.split?.index ?? 0));
  const primary = parts.find((p) => (p.facts.split?.index ?? 0) === 0) ?? parts[0]!;
  const count = primary.facts.split?.count ?? 1;
  if (count < 1 || count > MAX_SPLIT_COUNT)
    throw new FormatError(primary.path, 'metadata["split.count"]', `${count} is not a split count from 1 to ${MAX_SPLIT_COUNT}`);
  const warnings: string[] = [];
  const byIndex = new Map<number, GgufFile>();
  for (const part of parts) {
    const split = part.facts.split;
    const index = split?.index ?? 0;
    if (split && split.count !== count) warnings.push(`${part.path} says the model has ${split.count} splits, but ${primary.path} says ${count}`);
    if (index >= count) warnings.push(`${part.path} is split ${index + 1}, but the model has only ${count} splits`);
    const other = byIndex.get(index);
    if (other) throw new FormatError(part.path, 'metadata["split.no"]', `${index} is also the split number of ${other.path}`);
    byIndex.set(index, part);
  }
  const named = parseGgufSplitName(primary.path);
  const missing: string[] = [];
  for (let index = 0; index < count; index++) {
    if (byIndex.has(index)) continue;
    missing.push(named ? ggufSplitName(named.prefix, index + 1, count) : `split ${index + 1} of ${count}`);
  }
  const tensors: TensorInfo[] = [];
  const owner = new Map<string, string>();
  for (const part of parts) {
    for (const tensor of part.tensors) {
      const previous = owner.get(tensor.name);
      if (previous !== undefined) throw new FormatError(part.path, `tensors[${JSON.stringify(tensor.name)}]`, `is also in ${previous}`);
      owner.set(tensor.name, part.path);
      tensors.push(tensor);
    }
  }
  const declared = primary.facts.split?.tensorsCount;
  if (declared !== undefined && missing.length === 0 && declared !== tensors.length) {
    warnings.push(`split.tensors.count says ${declared} tensors, but the splits hold ${tensors.length}`);
  }
  return { primary, parts, tensors, parameters: parameterFacts(tensors), count, missing, warnings };
}
