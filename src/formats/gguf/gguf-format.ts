import type { ByteSource } from '../../model/byte-source';
import type { FormatModule } from '../format-module';
import { addGgufTokenizer } from '../tokenizer/gguf-tokenizer';
import { lintTokenizerGroup } from '../tokenizer/lint-tokenizer-group';
import { describeGguf, SHOWN_STRING_LENGTH, type GgufFile } from './gguf-facts';
import { MAX_NAMED_MISSING_SPLITS } from './gguf-limits';
import { mergeGgufSplits, parseGgufSplitName } from './merge-gguf-splits';
import { hasGgufMagic, parseGgufHeader } from './parse-gguf';
import { GGML_STATS_TYPES } from './dequantize-ggml';
import type { GgmlTypeName } from './ggml-types';

/** What the document keeps of one GGUF file (its `ParsedFile` entry); the tensors go to the document's list. */
export type GgufFileFacts = Omit<GgufFile, 'format' | 'path' | 'tensors'> & { tensorCount: number };

declare module '../../model/document' {
  interface FormatFacts {
    gguf: GgufFileFacts;
  }
}

/**
 * GGUF (ggml docs/gguf.md): the magic `GGUF`, then a header of metadata and tensor infos, then the
 * aligned tensor data. The parse reads the header only, in growing chunks; split files
 * (`*-00001-of-00003.gguf`) are merged when the group is finished.
 */
export const ggufFormat: FormatModule<GgufFile> = {
  id: 'gguf',
  label: 'GGUF',
  describe: 'GGUF models (.gguf, llama.cpp, split files merged)',
  readme: {
    input: '`*.gguf`',
    reads:
      'the header only (metadata and tensor infos, read in growing chunks, never the weights), validated as strictly as ggml: every value type, alignment, offsets, overlaps, sizes from the ggml type table; split files merged, a missing split a warning that names it',
  },
  extensions: ['.gguf'],
  role: 'weights',
  sniff(head: Uint8Array, _source: ByteSource): boolean {
    return hasGgufMagic(head);
  },
  async parse(source: ByteSource, signal?: AbortSignal): Promise<GgufFile> {
    return describeGguf(await parseGgufHeader(source, signal));
  },
  contribute(file, source, draft) {
    // Types Loupe cannot dequantize say so up front, rather than after a click.
    draft.addTensors(
      file.tensors.map((t) =>
        GGML_STATS_TYPES.has(t.dtype as GgmlTypeName)
          ? t
          : { ...t, unreadable: `Loupe does not dequantize ${t.dtype} (it does ${[...GGML_STATS_TYPES].join(', ')})` },
      ),
    );
    const { format: _format, path: _path, tensors, ...facts } = file;
    draft.document.files.push({ format: 'gguf', path: source.name, ...facts, tensorCount: tensors.length });
    draft.addMetadata(source.name, ggufFlatMetadata(file));
    addGgufTokenizer(draft.document, source.name, file.facts);
  },
  finish(draft, files) {
    // Split files of one model share a name prefix; each set is merged on its own.
    const sets = new Map<string, GgufFile[]>();
    for (const { parsed } of files) {
      if (parsed.facts.split === undefined) continue;
      const key = parseGgufSplitName(parsed.path)?.prefix ?? parsed.path;
      sets.set(key, [...(sets.get(key) ?? []), parsed]);
    }
    for (const parts of sets.values()) {
      const merged = mergeGgufSplits(parts);
      for (const missing of merged.missing.slice(0, MAX_NAMED_MISSING_SPLITS)) {
        draft.document.warnings.push({
          severity: 'warning',
          code: 'gguf-split-missing',
          file: missing,
          field: 'split.count',
          message: `Split ${missing} of ${merged.primary.path} was not among the files given; its tensors are not shown.`,
        });
      }
      const unnamed = merged.missing.length - MAX_NAMED_MISSING_SPLITS;
      if (unnamed > 0) {
        draft.document.warnings.push({
          severity: 'warning',
          code: 'gguf-split-missing',
          file: merged.primary.path,
          field: 'split.count',
          message: `${unnamed} more of the ${merged.count} splits of ${merged.primary.path} were not among the files given.`,
        });
      }
      for (const message of merged.warnings)
        draft.document.warnings.push({ severity: 'warning', code: 'gguf-split-mismatch', file: merged.primary.path, message });
    }
    // Its tokenizer keys are checked with the repo's tokenizer files, through the same lint.
    lintTokenizerGroup(draft);
  },
  problemWith(head) {
    return hasGgufMagic(head) ? undefined : 'the file does not start with the magic "GGUF"';
  },
};

/** The metadata as flat strings for the document's key/value list: arrays as their type and length, long strings cut. */
export function ggufFlatMetadata(file: GgufFile): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const entry of file.metadata) {
    // defineProperty keeps a key such as `__proto__` a plain key.
    const value = entry.count !== undefined ? `${entry.type} of ${entry.count}` : String(entry.value);
    Object.defineProperty(flat, entry.key, {
      value: value.length > SHOWN_STRING_LENGTH ? `${value.slice(0, SHOWN_STRING_LENGTH)}…` : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return flat;
}
