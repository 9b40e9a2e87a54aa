import type { ImportBadge, PickleImport, PickleVerdict } from '../../model/pickle';

/**
 * What an allow-listed global is, so the interpreter knows what data to build when the pickle calls
 * it. Nothing is ever imported: these only name the behaviour Loupe imitates.
 */
export type AllowedKind =
  | 'dict'
  | 'parameter'
  | 'layout'
  | 'size'
  | 'tensor-class'
  | 'device'
  | 'codecs-encode'
  | 'bytearray'
  | 'set'
  | 'complex'
  | 'dtype'
  | 'storage'
  | 'qscheme'
  | 'rebuild-tensor'
  | 'rebuild-tensor-v2'
  | 'rebuild-tensor-v3'
  | 'rebuild-parameter'
  | 'rebuild-parameter-with-state'
  | 'rebuild-qtensor'
  | 'rebuild-sparse'
  | 'rebuild-meta'
  | 'rebuild-wrapper-subclass'
  | 'rebuild-from-cpu'
  | 'rebuild-from-numpy'
  | 'rebuild-from-type-v2';

/** Storage classes, by name (`torch.FloatStorage`…), and the dtype each one holds (torch/storage.py). */
export const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  DoubleStorage: 'float64',
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexDoubleStorage: 'complex128',
  ComplexFloatStorage: 'complex64',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
  UntypedStorage: 'uint8',
  TypedStorage: 'uint8',
};

/** Canonical torch dtype names (`str(torch.float32)` is `torch.float32`), as a weights-only pickle imports them. */
const DTYPE_NAMES = [
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'complex32',
  'complex64',
  'complex128',
  'bool',
  'uint8',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'uint32',
  'uint64',
  'float8_e5m2',
  'float8_e4m3fn',
  'float8_e5m2fnuz',
  'float8_e4m3fnuz',
  'float8_e8m0fnu',
  'float4_e2m1fn_x2',
  'qint8',
  'quint8',
  'qint32',
  'quint4x2',
  'quint2x4',
  'bits8',
  'bits16',
  'bits1x8',
  'bits2x4',
  'bits4x2',
  'uint1',
  'uint2',
  'uint3',
  'uint4',
  'uint5',
  'uint6',
  'uint7',
  'int1',
  'int2',
  'int3',
  'int4',
  'int5',
  'int6',
  'int7',
];

const TENSOR_CLASS_NAMES = [
  'DoubleTensor',
  'FloatTensor',
  'HalfTensor',
  'BFloat16Tensor',
  'LongTensor',
  'IntTensor',
  'ShortTensor',
  'CharTensor',
  'ByteTensor',
  'BoolTensor',
];

/**
 * PyTorch's weights-only allowlist: `_get_allowed_globals` and `_tensor_rebuild_functions` in
 * torch/_weights_only_unpickler.py (PyTorch 2.x), keyed by `module.name` as GLOBAL spells it.
 * `torch._utils._rebuild_sparse_csr_tensor` is 1.13's name for the sparse rebuild.
 */
export const ALLOWED_GLOBALS: ReadonlyMap<string, AllowedKind> = new Map<string, AllowedKind>([
  ['collections.OrderedDict', 'dict'],
  ['collections.Counter', 'dict'],
  ['torch.nn.parameter.Parameter', 'parameter'],
  ['torch.serialization._get_layout', 'layout'],
  ['torch.Size', 'size'],
  ['torch.Tensor', 'tensor-class'],
  ['torch.device', 'device'],
  ['_codecs.encode', 'codecs-encode'],
  ['builtins.bytearray', 'bytearray'],
  ['builtins.set', 'set'],
  ['builtins.complex', 'complex'],
  ...DTYPE_NAMES.map((name): [string, AllowedKind] => [`torch.${name}`, 'dtype']),
  ...TENSOR_CLASS_NAMES.flatMap((name): [string, AllowedKind][] => [
    [`torch.${name}`, 'tensor-class'],
    [`torch.cuda.${name}`, 'tensor-class'],
  ]),
  ...Object.keys(STORAGE_DTYPES)
    .filter((name) => name !== 'TypedStorage')
    .flatMap((name): [string, AllowedKind][] => [
      [`torch.${name}`, 'storage'],
      [`torch.cuda.${name}`, 'storage'],
    ]),
  ['torch.storage.TypedStorage', 'storage'],
  ['torch.storage.UntypedStorage', 'storage'],
  ['torch.per_tensor_affine', 'qscheme'],
  ['torch.per_tensor_symmetric', 'qscheme'],
  ['torch.per_channel_affine', 'qscheme'],
  ['torch.per_channel_symmetric', 'qscheme'],
  ['torch.per_channel_affine_float_qparams', 'qscheme'],
  ['torch._utils._rebuild_tensor', 'rebuild-tensor'],
  ['torch._utils._rebuild_tensor_v2', 'rebuild-tensor-v2'],
  ['torch._utils._rebuild_tensor_v3', 'rebuild-tensor-v3'],
  ['torch._utils._rebuild_parameter', 'rebuild-parameter'],
  ['torch._utils._rebuild_parameter_with_state', 'rebuild-parameter-with-state'],
  ['torch._utils._rebuild_qtensor', 'rebuild-qtensor'],
  ['torch._utils._rebuild_sparse_tensor', 'rebuild-sparse'],
  ['torch._utils._rebuild_sparse_csr_tensor', 'rebuild-sparse'],
  ['torch._utils._rebuild_meta_tensor_no_storage', 'rebuild-meta'],
  ['torch._utils._rebuild_wrapper_subclass', 'rebuild-wrapper-subclass'],
  ['torch._utils._rebuild_device_tensor_from_cpu_tensor', 'rebuild-from-cpu'],
  ['torch._utils._rebuild_device_tensor_from_numpy', 'rebuild-from-numpy'],
  ['torch._tensor._rebuild_from_type_v2', 'rebuild-from-type-v2'],
]);

/** An import known to be dangerous: a whole module (and its submodules) when `name` is absent. */
export interface UnsafeImport {
  module: string;
  name?: string;
  reason: string;
}

const RUNS_COMMANDS = 'runs shell commands or reaches the operating system';
const RUNS_CODE = 'runs arbitrary Python code';
const GADGET = 'reaches any attribute or callable, the building block of pickle exploits';
const NETWORK = 'opens network connections';

/**
 * Imports known to be dangerous in a pickle, with why. A module entry covers its submodules
 * (`os` covers `os.path`). Compiled from what pickle exploits use (CPython's pickle docs warn of
 * `os.system`; the Hub's picklescan list; torch/_weights_only_unpickler.py `_blocklisted_modules`).
 */
export const UNSAFE_IMPORTS: readonly UnsafeImport[] = [
  { module: 'os', reason: RUNS_COMMANDS },
  { module: 'posix', reason: RUNS_COMMANDS },
  { module: 'nt', reason: RUNS_COMMANDS },
  { module: 'subprocess', reason: RUNS_COMMANDS },
  { module: 'pty', reason: RUNS_COMMANDS },
  { module: 'asyncio', reason: 'starts subprocesses and network connections (asyncio.subprocess, open_connection)' },
  { module: 'multiprocessing', reason: 'starts processes' },
  { module: 'shutil', reason: 'copies, moves and deletes files' },
  { module: 'sys', reason: 'changes the interpreter (modules, paths, hooks); blocked by torch even when allow-listed' },
  { module: 'ctypes', reason: 'calls native code and writes raw memory' },
  { module: 'runpy', reason: RUNS_CODE },
  { module: 'code', reason: RUNS_CODE },
  { module: 'codeop', reason: 'compiles Python code' },
  { module: 'importlib', reason: 'imports arbitrary modules' },
  { module: 'pkgutil', reason: 'imports arbitrary modules' },
  { module: 'pydoc', reason: 'imports modules by name and runs pagers' },
  { module: 'marshal', reason: 'loads code objects' },
  { module: 'pickle', reason: 'unpickles nested data without restriction' },
  { module: '_pickle', reason: 'unpickles nested data without restriction' },
  { module: 'cPickle', reason: 'unpickles nested data without restriction' },
  { module: 'dill', reason: 'unpickles nested data, including code' },
  { module: 'shelve', reason: 'unpickles files without restriction' },
  { module: 'bdb', reason: RUNS_CODE },
  { module: 'pdb', reason: RUNS_CODE },
  { module: 'timeit', reason: RUNS_CODE },
  { module: 'cProfile', reason: RUNS_CODE },
  { module: 'profile', reason: RUNS_CODE },
  { module: 'trace', reason: RUNS_CODE },
  { module: 'venv', reason: 'creates environments and runs installers' },
  { module: 'ensurepip', reason: 'runs installers' },
  { module: 'pip', reason: 'installs and runs packages' },
  { module: 'setuptools', reason: 'builds and runs packages' },
  { module: 'socket', reason: NETWORK },
  { module: 'ssl', reason: NETWORK },
  { module: 'http', reason: NETWORK },
  { module: 'httplib', reason: NETWORK },
  { module: 'urllib', reason: NETWORK },
  { module: 'urllib2', reason: NETWORK },
  { module: 'requests', reason: NETWORK },
  { module: 'aiohttp', reason: NETWORK },
  { module: 'ftplib', reason: NETWORK },
  { module: 'smtplib', reason: NETWORK },
  { module: 'telnetlib', reason: NETWORK },
  { module: 'webbrowser', reason: 'opens URLs in a browser' },
  { module: 'signal', reason: 'changes process signal handling' },
  { module: 'builtins', name: 'eval', reason: RUNS_CODE },
  { module: 'builtins', name: 'exec', reason: RUNS_CODE },
  { module: 'builtins', name: 'compile', reason: 'compiles Python code' },
  { module: 'builtins', name: 'execfile', reason: RUNS_CODE },
  { module: 'builtins', name: '__import__', reason: 'imports arbitrary modules' },
  { module: 'builtins', name: 'open', reason: 'reads and writes files' },
  { module: 'builtins', name: 'file', reason: 'reads and writes files' },
  { module: 'builtins', name: 'getattr', reason: GADGET },
  { module: 'builtins', name: 'setattr', reason: 'changes any attribute' },
  { module: 'builtins', name: 'delattr', reason: 'deletes any attribute' },
  { module: 'builtins', name: 'globals', reason: GADGET },
  { module: 'builtins', name: 'locals', reason: GADGET },
  { module: 'builtins', name: 'vars', reason: GADGET },
  { module: 'builtins', name: 'breakpoint', reason: 'starts a debugger, which runs code' },
  { module: 'builtins', name: 'input', reason: 'reads from the terminal' },
  { module: 'builtins', name: 'apply', reason: 'calls any callable' },
  { module: 'types', name: 'CodeType', reason: 'builds code objects' },
  { module: 'types', name: 'FunctionType', reason: 'builds functions from code objects' },
  { module: 'operator', name: 'attrgetter', reason: GADGET },
  { module: 'operator', name: 'methodcaller', reason: 'calls any method' },
  { module: 'functools', name: 'partial', reason: 'binds arguments to any callable, used to chain calls' },
  { module: 'torch', name: 'load', reason: 'unpickles embedded bytes without restriction' },
  { module: 'torch.serialization', name: 'load', reason: 'unpickles embedded bytes without restriction' },
  { module: 'torch.storage', name: '_load_from_bytes', reason: 'runs torch.load on embedded bytes, without restriction' },
  { module: 'torch.hub', reason: 'downloads and runs code' },
  { module: 'torch._inductor.codecache', reason: 'compiles and loads native code' },
  { module: 'numpy.testing._private.utils', name: 'runstring', reason: RUNS_CODE },
  { module: 'numpy', name: 'load', reason: 'loads files, unpickling them when allow_pickle is set' },
];

/** Python 2 module names that Python 3's unpickler maps (Lib/_compat_pickle.py), so `__builtin__.eval` is caught. */
const PY2_MODULES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
  cPickle: 'pickle',
  commands: 'subprocess',
  urllib2: 'urllib.request',
  httplib: 'http.client',
};

const NOT_ALLOWED = 'not on PyTorch’s weights-only allowlist: torch.load(weights_only=True) refuses it, and a full unpickle imports it and may call it';

/** Reasons for well-known imports that are not allow-listed but are not dangerous either. */
function suspiciousReason(module: string, name: string): string {
  if (module === '__torch__' || module.startsWith('__torch__.')) {
    return 'a TorchScript class; its code is in the archive’s code/ folder and runs when torch.jit.load loads it';
  }
  if (module === '__main__') return `a class or function of the script that saved the file (${name}); ${NOT_ALLOWED}`;
  if (module === 'numpy' || module.startsWith('numpy.')) return `numpy reconstruction; ${NOT_ALLOWED}`;
  if (module === 'torch' || module.startsWith('torch.')) return `a torch internal outside the weights-only set; ${NOT_ALLOWED}`;
  return NOT_ALLOWED;
}

/**
 * The Python 3 name of a module as Python 3's unpickler resolves it (`__builtin__` → `builtins`):
 * protocol 2 pickles written by Python 3 still spell builtins `__builtin__` (fix_imports).
 */
export function canonicalModule(module: string): string {
  return Object.prototype.hasOwnProperty.call(PY2_MODULES, module) ? (PY2_MODULES[module] as string) : module;
}

/** What an allow-listed `module.name` is, after the Python 2 mapping; undefined when not allow-listed. */
export function allowedKind(module: string, name: string): AllowedKind | undefined {
  return ALLOWED_GLOBALS.get(`${canonicalModule(module)}.${name}`);
}

/** The badge of `module.name`, and why. */
export function classifyImport(module: string, name: string): { badge: ImportBadge; reason?: string } {
  if (allowedKind(module, name) !== undefined) return { badge: 'safe' };
  const mapped = canonicalModule(module);
  for (const entry of UNSAFE_IMPORTS) {
    const moduleMatches = mapped === entry.module || mapped.startsWith(`${entry.module}.`) || module === entry.module;
    // A dotted name (protocol 4 qualnames) is matched by its first part: `system.__call__` is still `system`.
    if (moduleMatches && (entry.name === undefined || name === entry.name || name.startsWith(`${entry.name}.`))) {
      return { badge: 'unsafe', reason: entry.reason };
    }
  }
  return { badge: 'suspicious', reason: suspiciousReason(module, name) };
}

const VERDICT_RANK: Record<PickleVerdict, number> = { safe: 0, suspicious: 1, unknown: 2, unsafe: 3 };
const BADGE_RANK: Record<ImportBadge, number> = { safe: 0, suspicious: 1, unsafe: 2 };

/** The worse of two verdicts: unsafe > unknown > suspicious > safe. */
export function worseVerdict(a: PickleVerdict, b: PickleVerdict): PickleVerdict {
  return VERDICT_RANK[b] > VERDICT_RANK[a] ? b : a;
}

/** Counts of each `module.name` seen in one pickle. */
export type ImportCounts = ReadonlyMap<string, { module: string; name: string; count: number }>;

/**
 * Merges the imports of every scanned pickle into the report's list, badged and sorted worst
 * first, then by name. `pickles` pairs each pickle's name (a zip member, or `pickle`) with its counts.
 */
export function scanImports(pickles: readonly { pickle: string; imports: ImportCounts }[]): PickleImport[] {
  const merged = new Map<string, PickleImport>();
  for (const { pickle, imports } of pickles) {
    for (const [key, { module, name, count }] of imports) {
      let entry = merged.get(key);
      if (!entry) {
        const { badge, reason } = classifyImport(module, name);
        entry = reason === undefined ? { module, name, badge, count: 0, foundIn: [] } : { module, name, badge, reason, count: 0, foundIn: [] };
        merged.set(key, entry);
      }
      entry.count += count;
      if (!entry.foundIn.includes(pickle)) entry.foundIn.push(pickle);
    }
  }
  return [...merged.values()].sort((a, b) => BADGE_RANK[b.badge] - BADGE_RANK[a.badge] || `${a.module}.${a.name}`.localeCompare(`${b.module}.${b.name}`));
}

/** The verdict the imports alone earn: unsafe for any unsafe import, suspicious for any non-allow-listed one. */
export function importsVerdict(imports: readonly PickleImport[]): PickleVerdict {
  if (imports.some((i) => i.badge === 'unsafe')) return 'unsafe';
  if (imports.some((i) => i.badge === 'suspicious')) return 'suspicious';
  return 'safe';
}
