import type { ByteSource } from '../model/byte-source';
import type { DataFileFormats, DocumentSource, FileRef, ModelDocument, TensorInfo } from '../model/document';
import { CancelledError, LoupeError } from '../model/errors';
import { countParameters } from './count-parameters';
import { SNIFF_BYTES, type DocumentDraft, type FormatModule, type GroupFile, type ParsedOf } from './format-module';
import { describeJsonSidecarProblem, looksLikeJson, readJsonSidecar, type JsonSidecar } from './json-sidecar';
import { describeOpenable, FORMATS, joinList } from './registry';

/** A dropped folder with more files than this is refused: nobody meant to open it as one model. */
export const MAX_GROUP_FILES = 10_000;

/** What the user is told Loupe can open when nothing in the drop is recognized. */
export const OPENABLE = describeOpenable(FORMATS);

export interface OpenProgress {
  done: number;
  total: number;
  file: string;
}

export interface OpenGroupOptions {
  signal?: AbortSignal;
  onProgress?: (progress: OpenProgress) => void;
  source?: Omit<DocumentSource, 'files'>;
  /** The registry to open with; FORMATS unless a test adds one. */
  formats?: readonly FormatModule[];
}

type Classified = { module: FormatModule; source: ByteSource; sidecar?: JsonSidecar } | { module?: undefined; source: ByteSource; reason: string };

/**
 * Opens the files given together as one model: every shard, the index, the config and the card.
 * Each file is told apart by its bytes, by the first format of the registry whose sniffer claims
 * it; each format then adds its facts to the document. Nothing here knows any one format.
 */
export async function openGroup(sources: ByteSource[], options: OpenGroupOptions = {}): Promise<ModelDocument> {
  const { signal, onProgress, formats: registry = FORMATS } = options;
  const openable = registry === FORMATS ? OPENABLE : describeOpenable(registry);
  if (sources.length === 0) throw new LoupeError('unsupported', `No files were given. ${openable}`);
  if (sources.length > MAX_GROUP_FILES) {
    throw new LoupeError('unsupported', `${sources.length} files were dropped; Loupe opens at most ${MAX_GROUP_FILES} at once.`);
  }

  const classified: Classified[] = [];
  for (const source of sources) classified.push(await classify(source, registry, signal));
  const recognized = classified.filter((c): c is Extract<Classified, { module: FormatModule }> => c.module !== undefined);
  if (recognized.length === 0) {
    const first = classified[0] as Extract<Classified, { reason: string }>;
    const one = sources.length === 1;
    throw new LoupeError(
      'unsupported',
      `Loupe cannot open ${one ? first.source.name : `none of the ${sources.length} files`}: ${one ? first.reason : 'no recognized model file'}. ${openable}`,
      {
        file: one ? first.source.name : undefined,
      },
    );
  }

  const group: GroupFile[] = classified.map((c) => ({ path: c.source.name, size: c.source.size, format: c.module?.id, role: c.module?.role }));
  const fileRefs: FileRef[] = group.map((f) => ({ path: f.path, size: f.size, format: f.format }));
  const document: ModelDocument = {
    source: {
      kind: options.source?.kind ?? 'local',
      repo: options.source?.repo,
      ...(options.source?.metadata ? { metadata: options.source.metadata } : {}),
      files: fileRefs,
    },
    formats: [],
    tensors: [],
    parameters: { total: 0, byDtype: {}, bytesByDtype: {} },
    files: [],
    metadata: {},
    config: undefined,
    card: undefined,
    warnings: [],
  };
  const claimed = new Map<string, keyof DataFileFormats>();
  const draft = makeDraft(document, group, claimed);

  const parsedBy = new Map<FormatModule, ParsedOf<unknown>[]>();
  let done = 0;
  for (const item of recognized) {
    if (signal?.aborted) throw new CancelledError();
    const { module, source } = item;
    if (!document.formats.includes(module.id)) document.formats.push(module.id);
    const parsed = await module.parse(source, signal, item.sidecar);
    module.contribute(parsed, source, draft);
    let files = parsedBy.get(module);
    if (!files) parsedBy.set(module, (files = []));
    files.push({ source, parsed });
    onProgress?.({ done: ++done, total: recognized.length, file: source.name });
  }

  for (const item of classified) {
    if (item.module) continue;
    const format = claimed.get(item.source.name);
    if (format) {
      const ref = fileRefs.find((f) => f.path === item.source.name);
      if (ref) ref.format = format;
      continue;
    }
    document.warnings.push({ severity: 'info', code: 'file-skipped', file: item.source.name, message: `${item.source.name} was not opened: ${item.reason}.` });
  }
  for (const format of new Set(claimed.values())) if (!document.formats.includes(format)) document.formats.push(format);

  document.parameters = countParameters(document.tensors);
  for (const module of registry) {
    const files = parsedBy.get(module);
    if (!files || !module.finish) continue;
    module.finish(draft, files);
    document.parameters = countParameters(document.tensors);
  }
  return document;
}

function makeDraft(document: ModelDocument, group: readonly GroupFile[], claimed: Map<string, keyof DataFileFormats>): DocumentDraft {
  const roleOf = new Map(group.map((f) => [f.path, f.role]));
  const perRole = new Map<string | undefined, number>();
  for (const f of group) if (f.role) perRole.set(f.role, (perRole.get(f.role) ?? 0) + 1);
  return {
    document,
    group,
    addTensors(tensors: readonly TensorInfo[]) {
      for (const tensor of tensors) document.tensors.push(tensor); // not push(...): 100,000 arguments overflow the stack
    },
    addMetadata(file, entries) {
      const several = (perRole.get(roleOf.get(file)) ?? 0) > 1;
      for (const [key, value] of Object.entries(entries ?? {})) document.metadata[several ? `${file}: ${key}` : key] = value;
    },
    claim(path, format) {
      claimed.set(path, format);
    },
  };
}

async function classify(source: ByteSource, registry: readonly FormatModule[], signal?: AbortSignal): Promise<Classified> {
  if (source.size === 0) return { source, reason: 'the file is empty (0 bytes)' };
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size), signal);
  const json = looksLikeJson(head);
  // A JSON file is read and parsed once, for every JSON format to look at.
  let sidecar: JsonSidecar | undefined;
  for (const module of registry) {
    if (!module.json) {
      if (module.sniff(head, source)) return { module, source };
      continue;
    }
    if (!json) continue;
    sidecar ??= await readJsonSidecar(source, signal);
    if (sidecar.ok && module.sniff(head, source, sidecar.value)) return { module, source, sidecar };
  }
  if (sidecar && !sidecar.ok) return { source, reason: describeJsonSidecarProblem(sidecar.problem) };
  if (sidecar) {
    const labels = registry.filter((m) => m.json).map((m) => m.label);
    return { source, reason: `a JSON file that is not ${joinList(labels.map(withArticle), 'or')}` };
  }
  // Still told apart by bytes, but a file named for a format is told what is wrong with it as that.
  const named = registry.find((m) => m.problemWith && m.extensions.some((ext) => source.name.toLowerCase().endsWith(ext)));
  const problem = named?.problemWith?.(head, source);
  return { source, reason: `its bytes match no format Loupe reads${problem ? ` (as ${named?.label}: ${problem})` : ''}` };
}

function withArticle(label: string): string {
  return /^[aeiou]/i.test(label) ? `an ${label}` : `a ${label}`;
}
