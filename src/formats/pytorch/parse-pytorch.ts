import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import type { Diagnostic } from '../../model/document';
import { DTYPES } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import type { PickleCallRecord, PickleContainer, PickleReport, PickleVerdict, PytorchTensorInfo } from '../../model/pickle';
import { ByteWindow } from './byte-window';
import { collectTensors, type NamedTensor } from './collect-tensors';
import { interpretPickle, isKind, MAX_RECORDED_CALLS, type PickleRun, type PickleStorage, type PickleValue } from './interpret-pickle';
import { PICKLE_OPCODES } from './pickle-opcodes';
import { listZipMembers, MAX_PICKLE_MEMBER_BYTES, readZipMember, zipBombReason, type ZipMember } from './read-torch-zip';
import { importsVerdict, scanImports, worseVerdict } from './scan-imports';
import { torchDtype } from './torch-dtype';
import { formatShape } from '../../model/units';

/** The legacy format's first pickle: torch/serialization.py MAGIC_NUMBER. */
export const LEGACY_MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
/** The legacy format's protocol version (torch/serialization.py PROTOCOL_VERSION). */
const LEGACY_PROTOCOL_VERSION = 1001;
/** Most storages walked in a legacy file. */
export const MAX_STORAGES = 1_000_000;
/** Most zip members listed in the report. */
export const MAX_REPORTED_MEMBERS = 1000;
/** Most extra pickle-looking members scanned besides data.pkl (TorchScript has one debug_pkl per code file). */
export const MAX_EXTRA_PICKLES = 1000;
/** Most pickles scanned after the first one's STOP in a bare pickle file. */
const MAX_TRAILING_PICKLES = 16;

/** What parsePytorch returns: the scan report, the tensors found, and non-fatal problems. */
export interface PytorchParse {
  report: PickleReport;
  tensors: PytorchTensorInfo[];
  warnings: Diagnostic[];
}

/** Where a storage's bytes are in the file, or why they cannot be read. */
type StorageLocation = { offset: number; bytes: number } | string;

/**
 * Opens a PyTorch checkpoint without running it: torch.save's zip format, its legacy stream, a bare
 * pickle, or a TorchScript archive. Every pickle is interpreted opcode by opcode (interpretPickle)
 * against PyTorch's weights-only allowlist; the report lists every import and call, and the tensors
 * are located in the file without reading their data.
 *
 * Container damage (a broken zip, a CRC mismatch on a pickle member, a member past the end of the
 * file) is a FormatError. A pickle that cannot be fully read is not: the report says `unknown` and why.
 */
export async function parsePytorch(source: ByteSource, signal?: AbortSignal): Promise<PytorchParse> {
  if (signal?.aborted) throw new CancelledError();
  const file = source.name;
  if (source.size < 2) throw new FormatError(file, 'header', `file is ${source.size} bytes, too short for a pickle or a zip`);
  const head = await source.read(0, Math.min(4, source.size), signal);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return parseZip(source, signal);
  return parseStream(source, signal);
}

/** Collects the pickles of one file and turns them into a report. */
class Scan {
  readonly pickles: { pickle: string; run: PickleRun }[] = [];
  readonly notes: string[] = [];
  readonly warnings: Diagnostic[] = [];
  #verdict: PickleVerdict = 'safe';

  constructor(readonly file: string) {}

  add(pickle: string, run: PickleRun): PickleRun {
    this.pickles.push({ pickle, run });
    if (run.problem) this.flag('unknown', `The scan of ${pickle} stopped: ${run.problem}. Nothing after that point was read.`);
    for (const reason of run.uncertain) this.flag('unknown', `In ${pickle}: ${reason}.`);
    for (const note of run.notes) this.notes.push(`In ${pickle}: ${note}`);
    if (run.callCount > 0) {
      this.flag(
        'suspicious',
        `${pickle} asks for ${run.callCount} call${run.callCount === 1 ? '' : 's'} outside the allowlist; Loupe recorded ${run.callCount === 1 ? 'it' : 'them'} and performed none.`,
      );
    }
    return run;
  }

  /** Makes the verdict at least `verdict`, saying why. */
  flag(verdict: PickleVerdict, note: string): void {
    this.#verdict = worseVerdict(this.#verdict, verdict);
    this.notes.push(note);
  }

  warn(code: string, message: string, field?: string): void {
    this.warnings.push({ severity: 'warning', code, message, file: this.file, ...(field === undefined ? {} : { field }) });
  }

  report(container: PickleContainer, protocol: number | undefined, tensorsRecovered: number, members?: string[]): PickleReport {
    const imports = scanImports(this.pickles.map(({ pickle, run }) => ({ pickle, imports: run.imports })));
    const verdict = worseVerdict(importsVerdict(imports), this.#verdict);
    const unsafe = imports.filter((i) => i.badge === 'unsafe');
    const notes = [...this.notes];
    if (unsafe.length > 0) {
      notes.unshift(
        `Unsafe: it imports ${unsafe.map((i) => `${i.module}.${i.name}`).join(', ')}. Loading it with torch.load (without weights_only) or pickle would run that.`,
      );
    }
    const calls: PickleCallRecord[] = [];
    let callCount = 0;
    for (const { pickle, run } of this.pickles) {
      callCount += run.callCount;
      for (const call of run.calls) if (calls.length < MAX_RECORDED_CALLS) calls.push({ ...call, pickle });
    }
    const report: PickleReport = {
      file: this.file,
      container,
      verdict,
      imports,
      calls,
      callsOmitted: callCount - calls.length,
      tensorsRecovered,
      notes,
    };
    if (protocol !== undefined) report.protocol = protocol;
    if (members) {
      report.members = members.slice(0, MAX_REPORTED_MEMBERS);
      report.membersOmitted = Math.max(0, members.length - MAX_REPORTED_MEMBERS);
    }
    return report;
  }
}

// ---- zip (torch.save since 1.6, and TorchScript) ----

async function parseZip(source: ByteSource, signal?: AbortSignal): Promise<PytorchParse> {
  const file = source.name;
  const members = await listZipMembers(source, signal);
  if (members.length === 0) throw new FormatError(file, 'zip', 'has no members: not a torch.save archive');
  const byName = new Map<string, ZipMember>();
  for (const member of members) {
    // Two members of one name could be read differently by different readers.
    if (byName.has(member.name)) throw new FormatError(file, member.name, 'appears twice in the archive');
    byName.set(member.name, member);
  }

  // PyTorchStreamReader names the archive after the first member's folder (caffe2/serialize/inline_container.cc).
  const firstName = (members[0] as ZipMember).name;
  const slash = firstName.indexOf('/');
  if (slash <= 0) throw new FormatError(file, 'zip', `its first member ${JSON.stringify(firstName)} is not inside a folder: not a torch.save archive`);
  const root = firstName.slice(0, slash + 1);
  const dataMember = byName.get(`${root}data.pkl`);
  if (!dataMember) throw new FormatError(file, `${root}data.pkl`, 'is missing: not a torch.save archive');
  const torchScript = byName.has(`${root}constants.pkl`) || members.some((m) => m.name.startsWith(`${root}code/`));
  const container: PickleContainer = torchScript ? 'torchscript' : 'zip';
  const scan = new Scan(file);

  for (const member of members) {
    const bomb = zipBombReason(member);
    if (bomb) scan.flag('unsafe', `Member ${bomb}.`);
    if (member.encrypted) scan.flag('suspicious', `${member.name} is encrypted; torch.save never encrypts.`);
    if (!member.name.startsWith(root)) scan.flag('suspicious', `${member.name} is outside the archive folder ${root}; torch.load ignores it.`);
  }

  const interpret = async (member: ZipMember, bytes: Uint8Array): Promise<PickleRun> => {
    const blob = new Blob([new Uint8Array(bytes)]);
    return scan.add(member.name, await interpretPickle(new FileByteSource(blob, `${file}:${member.name}`), { signal }));
  };
  const readPickle = async (member: ZipMember): Promise<PickleRun> => interpret(member, await readZipMember(source, member, MAX_PICKLE_MEMBER_BYTES, signal));
  /** An extra member's bytes; a member that cannot be read makes the scan unsure instead of failing it. */
  const readExtra = async (member: ZipMember): Promise<Uint8Array | undefined> => {
    try {
      return await readZipMember(source, member, MAX_PICKLE_MEMBER_BYTES, signal);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      scan.flag('unknown', `${member.name} could not be checked for a pickle: ${error.message}`);
      return undefined;
    }
  };

  const dataRun = await readPickle(dataMember);
  const named: { tensor: NamedTensor; folder: string }[] = [];
  const collected = collectTensors(dataRun.value);
  for (const tensor of collected.tensors) named.push({ tensor, folder: 'data/' });
  scan.notes.push(...collected.notes);

  const read = new Set<string>([dataMember.name]);
  if (torchScript) {
    const code = members.filter((m) => m.name.startsWith(`${root}code/`) && !m.name.endsWith('.debug_pkl'));
    scan.flag(
      'suspicious',
      `A TorchScript archive: torch.jit.load compiles and runs the ${code.length} code file${code.length === 1 ? '' : 's'} under ${root}code/ in the TorchScript interpreter. Loupe lists them but does not analyze them.`,
    );
    const constants = byName.get(`${root}constants.pkl`);
    if (constants) {
      read.add(constants.name);
      const constantsRun = await readPickle(constants);
      const found = collectTensors(constantsRun.value, 'constants');
      // TorchScript keeps constant tensors' storages under constants/ (torch/csrc/jit/serialization/export_module.cpp).
      for (const tensor of found.tensors) named.push({ tensor, folder: 'constants/' });
      scan.notes.push(...found.notes);
    }
  }

  const big = await readTextRecord(source, byName.get(`${root}byteorder`), signal);
  const bigEndian = big?.trim() === 'big';
  if (bigEndian)
    scan.warn('big-endian', 'The storages were written big-endian (byteorder = big); Loupe reads little-endian data only, so the tensors are not readable.');

  const referenced = new Set<string>();
  const locate = (storage: PickleStorage, folder: string): StorageLocation => {
    const member = byName.get(`${root}${folder}${storage.key}`) ?? byName.get(`${root}data/${storage.key}`);
    if (!member) return `its storage ${root}${folder}${storage.key} is missing from the archive`;
    referenced.add(member.name);
    if (bigEndian) return 'the storages are big-endian';
    if (member.method !== 0)
      return `its storage ${member.name} is compressed in the zip; Loupe reads tensors only from stored members, as torch.save writes them`;
    return { offset: member.dataOffset, bytes: member.uncompressedSize };
  };
  const tensors = toTensorInfos(
    file,
    named.map((n) => ({ ...n.tensor, folder: n.folder })),
    locate,
    scan,
  );

  // Every other member that could be a pickle is scanned too: torch.load never reads it, other loaders might.
  let extra = 0;
  let unreferenced = 0;
  for (const member of members) {
    if (read.has(member.name) || referenced.has(member.name)) continue;
    const relative = member.name.startsWith(root) ? member.name.slice(root.length) : member.name;
    if (relative.startsWith('data/')) unreferenced++;
    if (zipBombReason(member) || member.encrypted || member.uncompressedSize === 0) continue;
    const named = relative.endsWith('.pkl') || relative.endsWith('.debug_pkl');
    // Compressed members (TorchScript's code, or a payload) are inflated to look at their first bytes.
    let bytes: Uint8Array | undefined;
    let head = member.head;
    if (member.method !== 0 || named) {
      bytes = await readExtra(member);
      if (!bytes) continue;
      head = bytes;
    }
    if (!head || (head.length < PICKLE_PROBE_BYTES && head.length < member.compressedSize && head[0] !== PICKLE_OPCODES.PROTO)) {
      head = await source.read(member.dataOffset, Math.min(PICKLE_PROBE_BYTES, member.compressedSize), signal);
    }
    if (!named && !looksLikePickle(head)) continue;
    if (++extra > MAX_EXTRA_PICKLES) {
      scan.flag('unknown', `More than ${MAX_EXTRA_PICKLES} extra pickle members; the rest were not scanned.`);
      break;
    }
    bytes ??= await readExtra(member);
    if (!bytes) continue;
    const run = await interpret(member, bytes);
    const debugInfo = torchScript && relative.startsWith('code/') && relative.endsWith('.debug_pkl');
    if (!debugInfo) {
      scan.flag(
        'suspicious',
        named
          ? `${member.name} is a pickle that torch.load never reads; it was scanned too.`
          : `${member.name} holds a pickle (protocol ${run.protocol ?? '0/1'}) under a name that is not a pickle's, and data.pkl never references it: a hidden payload.`,
      );
    }
  }
  if (unreferenced > 0)
    scan.notes.push(`${unreferenced} member${unreferenced === 1 ? '' : 's'} under data/ ${unreferenced === 1 ? 'is' : 'are'} never referenced by data.pkl.`);

  const report = scan.report(
    container,
    dataRun.protocol,
    tensors.length,
    members.map((m) => m.name),
  );
  return { report, tensors, warnings: scan.warnings };
}

async function readTextRecord(source: ByteSource, member: ZipMember | undefined, signal?: AbortSignal): Promise<string | undefined> {
  if (!member || member.method !== 0 || member.compressedSize > 64) return undefined;
  return new TextDecoder().decode(await source.read(member.dataOffset, member.compressedSize, signal));
}

/** Bytes looked at to tell whether a member holds a pickle. */
const PICKLE_PROBE_BYTES = 256;

/**
 * Whether bytes start like a pickle: a protocol 2+ PROTO, or protocol 0/1's GLOBAL or INST with a
 * `module\nname\n` pair of identifiers (possibly after a MARK), which is how a text payload starts.
 */
function looksLikePickle(head: Uint8Array): boolean {
  const [a, b] = head;
  if (a === PICKLE_OPCODES.PROTO) return b !== undefined && b >= 2 && b <= 5;
  const text = String.fromCharCode(...head.subarray(0, PICKLE_PROBE_BYTES));
  return /^\(?[ci][A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n/.test(text);
}

// ---- the legacy format and bare pickles ----

async function parseStream(source: ByteSource, signal?: AbortSignal): Promise<PytorchParse> {
  const file = source.name;
  const scan = new Scan(file);
  const first = await interpretPickle(source, { signal });
  if (!first.complete && first.opcodes <= 1 && first.problem?.startsWith('unknown opcode')) {
    throw new FormatError(file, 'pickle', `is not a pickle: ${first.problem}`);
  }
  if (first.complete && first.value === LEGACY_MAGIC_NUMBER) {
    scan.add('magic number', first);
    return parseLegacy(source, scan, first.end, signal);
  }
  scan.add('pickle', first);
  const collected = collectTensors(first.value);
  scan.notes.push(...collected.notes);
  const tensors = toTensorInfos(
    file,
    collected.tensors.map((t) => ({ ...t, folder: '' })),
    () => 'a bare pickle has no storage records',
    scan,
  );

  // pickle.load reads one pickle; anything after it is scanned in case another loader reads on.
  let position = first.end;
  for (let i = 0; first.complete && position < source.size && i < MAX_TRAILING_PICKLES; i++) {
    const head = await source.read(position, Math.min(PICKLE_PROBE_BYTES, source.size - position), signal);
    if (!looksLikePickle(head)) {
      scan.notes.push(`${source.size - position} bytes follow the pickle's STOP; they are not a pickle.`);
      break;
    }
    const run = scan.add(`pickle at byte ${position}`, await interpretPickle(source, { start: position, signal }));
    scan.flag('suspicious', `Another pickle follows the first one at byte ${position}; pickle.load would not read it, but it was scanned.`);
    if (!run.complete) break;
    position = run.end;
  }
  return { report: scan.report('pickle', first.protocol, tensors.length), tensors, warnings: scan.warnings };
}

/**
 * torch/serialization.py `_legacy_save`: pickles of the magic number, the protocol version and the
 * sys info, then the data pickle, then the sorted storage keys; then each storage as an 8-byte
 * little-endian element count and its raw bytes, in key order.
 */
async function parseLegacy(source: ByteSource, scan: Scan, start: number, signal?: AbortSignal): Promise<PytorchParse> {
  const file = source.name;
  let position = start;
  const runs: PickleRun[] = [];
  for (const name of ['protocol version', 'sys info', 'data', 'storage keys']) {
    const run = scan.add(name, await interpretPickle(source, { start: position, signal }));
    runs.push(run);
    position = run.end;
    if (!run.complete) break;
  }
  const [versionRun, sysRun, dataRun, keysRun] = runs;
  if (versionRun?.complete && versionRun.value !== LEGACY_PROTOCOL_VERSION) {
    scan.notes.push(`Legacy protocol version ${String(versionRun.value)}, not ${LEGACY_PROTOCOL_VERSION}.`);
  }
  const bigEndian = sysRun?.complete === true && isKind(sysRun.value, 'dict') && dictGet(sysRun.value, 'little_endian') === false;
  if (bigEndian) scan.warn('big-endian', 'The storages were written big-endian; Loupe reads little-endian data only, so the tensors are not readable.');

  const collected = collectTensors(dataRun?.value);
  scan.notes.push(...collected.notes);

  const located = new Map<string, { offset: number; bytes: number }>();
  if (keysRun?.complete && dataRun) {
    const keys = isKind(keysRun.value, 'list') ? keysRun.value.items : [];
    if (keys.length > MAX_STORAGES) scan.flag('unknown', `${keys.length} storages listed, more than the ${MAX_STORAGES} limit; none were located.`);
    else position = await walkStorages(source, keys, dataRun.storages, keysRun.end, located, scan, signal);
    if (position < source.size && located.size === keys.length) scan.notes.push(`${source.size - position} bytes follow the last storage.`);
  }
  const locate = (storage: PickleStorage): StorageLocation => {
    if (bigEndian) return 'the storages are big-endian';
    return located.get(storage.key) ?? `its storage ${storage.key} could not be located in the file`;
  };
  const tensors = toTensorInfos(
    file,
    collected.tensors.map((t) => ({ ...t, folder: '' })),
    locate,
    scan,
  );
  return { report: scan.report('legacy', dataRun?.protocol, tensors.length), tensors, warnings: scan.warnings };
}

async function walkStorages(
  source: ByteSource,
  keys: PickleValue[],
  storages: Map<string, PickleStorage>,
  start: number,
  located: Map<string, { offset: number; bytes: number }>,
  scan: Scan,
  signal?: AbortSignal,
): Promise<number> {
  // Small windows: the counts are read, the storage bytes between them are skipped unread.
  const input = new ByteWindow(source, start, source.size, signal, 64 * 1024);
  for (const key of keys) {
    const name = typeof key === 'string' ? key : String(key);
    const storage = storages.get(name);
    const dtype = storage?.dtypeName === undefined ? undefined : torchDtype(storage.dtypeName);
    if (!storage || !dtype) {
      scan.warn('storage-unlocated', `Storage ${name} is listed but its element size is unknown, so it and the storages after it cannot be located.`, name);
      break;
    }
    if (input.remaining < 8) {
      scan.warn('storage-truncated', `The file ends before storage ${name}.`, name);
      break;
    }
    if (input.available() < 8) await input.fill(8);
    const countBytes = input.take(8);
    const count = new DataView(countBytes.buffer, countBytes.byteOffset, 8).getBigInt64(0, true);
    const bytes = count * BigInt(DTYPES[dtype].bits / 8);
    if (count < 0n || bytes > BigInt(input.remaining)) {
      scan.warn('storage-truncated', `Storage ${name} declares ${count} elements, more than the ${input.remaining} bytes left in the file.`, name);
      break;
    }
    located.set(name, { offset: input.position, bytes: Number(bytes) });
    input.skip(Number(bytes));
  }
  return input.position;
}

function dictGet(dict: Extract<PickleValue, { kind: 'dict' }>, key: string): PickleValue | undefined {
  const at = dict.index.get(`s${key}`);
  return at === undefined ? undefined : dict.values[at];
}

// ---- tensors ----

/**
 * Turns named pickle tensors into TensorInfo with torch layouts: byteOffset = the storage's offset
 * in the file + storageOffset × itemsize; byteLength = elements × itemsize when contiguous, else
 * the span from the first to the last element. Views that run past their storage are unreadable.
 */
function toTensorInfos(
  file: string,
  named: (NamedTensor & { folder: string })[],
  locate: (storage: PickleStorage, folder: string) => StorageLocation,
  scan: Scan,
): PytorchTensorInfo[] {
  const byStorage = new Map<string, string[]>();
  for (const { name, tensor, folder } of named) {
    if (!tensor.storage) continue;
    const key = folder + tensor.storage.key;
    const names = byStorage.get(key);
    if (names) names.push(name);
    else byStorage.set(key, [name]);
  }

  const out: PytorchTensorInfo[] = [];
  for (const { name, tensor, folder } of named) {
    const dtype = tensor.dtype ?? 'U8';
    const itemsize = DTYPES[dtype].bits / 8;
    const elements = product(tensor.shape);
    if (elements === undefined) {
      // Not a FormatError: the rest of the report (an unsafe import, say) must still reach the user.
      scan.warn('tensor-too-large', `${name}: shape ${formatShape(tensor.shape)} has more than 2^53 - 1 elements; the tensor is not listed.`, name);
      continue;
    }
    const contiguous = isContiguous(tensor.shape, tensor.stride);
    const span = elements === 0 ? 0 : 1 + tensor.shape.reduce((sum, dim, i) => sum + (dim - 1) * (tensor.stride[i] as number), 0);
    let unreadable = tensor.unreadable ?? (tensor.dtype === undefined ? `torch dtype ${tensor.dtypeName ?? '(none)'} has no Loupe equivalent` : undefined);
    let byteOffset = 0;
    const byteLength = (contiguous ? elements : span) * itemsize;
    if (!tensor.storage) unreadable ??= 'it was saved without data';
    else {
      const location = locate(tensor.storage, folder);
      if (typeof location === 'string') unreadable ??= location;
      else {
        byteOffset = location.offset + tensor.storageOffset * itemsize;
        const end = (tensor.storageOffset + span) * itemsize;
        if (!Number.isSafeInteger(byteOffset) || end > location.bytes) {
          const message = `${name}: its view (elements ${tensor.storageOffset} to ${tensor.storageOffset + span} of ${dtype}) runs past its ${location.bytes}-byte storage ${tensor.storage.key}`;
          scan.warn('tensor-outside-storage', message, name);
          unreadable ??= 'its view runs past its storage';
        }
      }
    }
    const info: PytorchTensorInfo = {
      name,
      dtype,
      shape: tensor.shape,
      elements,
      file,
      byteOffset,
      byteLength,
      torch: { stride: tensor.stride, storageOffset: tensor.storageOffset, storageKey: tensor.storage?.key ?? '', contiguous },
    };
    const shared = tensor.storage ? (byStorage.get(folder + tensor.storage.key) ?? []).filter((other) => other !== name) : [];
    if (shared.length > 0) info.torch.sharedWith = shared;
    if (tensor.parameter) info.torch.parameter = true;
    if (unreadable !== undefined) info.unreadable = unreadable;
    if (tensor.note !== undefined) info.origin = tensor.note;
    out.push(info);
  }
  return out;
}

function product(shape: number[]): number | undefined {
  let n = 1;
  for (const dim of shape) n *= dim;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Row-major with no gaps: each stride is the product of the later dims (dims of size 1 may have any stride). */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const dim = shape[i] as number;
    if (dim === 0) return true;
    if (dim !== 1 && stride[i] !== expected) return false;
    expected *= dim;
  }
  return true;
}
