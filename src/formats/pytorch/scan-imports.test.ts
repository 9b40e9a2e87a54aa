import { describe, expect, it } from 'vitest';
import { ALLOWED_GLOBALS, classifyImport, importsVerdict, scanImports, UNSAFE_IMPORTS, worseVerdict } from './scan-imports';

describe('classifyImport', () => {
  it.each([
    ['os', 'system'],
    ['os.path', 'join'],
    ['posix', 'system'],
    ['nt', 'system'],
    ['subprocess', 'Popen'],
    ['asyncio.subprocess', 'create_subprocess_shell'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['builtins', 'getattr'],
    ['builtins', '__import__'],
    ['__builtin__', 'eval'],
    ['runpy', '_run_code'],
    ['socket', 'socket'],
    ['webbrowser', 'open'],
    ['pip', 'main'],
    ['pydoc', 'pipepager'],
    ['importlib', 'import_module'],
    ['shutil', 'rmtree'],
    ['sys', 'modules'],
    ['ctypes', 'CDLL'],
    ['types', 'CodeType'],
    ['marshal', 'loads'],
    ['torch.storage', '_load_from_bytes'],
  ])('%s.%s is unsafe, with a reason', (module, name) => {
    const { badge, reason } = classifyImport(module, name);
    expect(badge).toBe('unsafe');
    expect(reason).toBeTruthy();
  });

  it.each([
    ['collections', 'OrderedDict'],
    ['torch._utils', '_rebuild_tensor_v2'],
    ['torch._utils', '_rebuild_parameter'],
    ['torch', 'FloatStorage'],
    ['torch', 'BFloat16Storage'],
    ['torch', 'float32'],
    ['torch', 'Size'],
    ['torch.nn.parameter', 'Parameter'],
    ['torch._tensor', '_rebuild_from_type_v2'],
    ['_codecs', 'encode'],
    ['builtins', 'set'],
    ['__builtin__', 'set'],
  ])('%s.%s is allow-listed', (module, name) => {
    expect(classifyImport(module, name)).toEqual({ badge: 'safe' });
  });

  it.each([
    ['__main__', 'MyConfig'],
    ['numpy.core.multiarray', 'scalar'],
    ['argparse', 'Namespace'],
    ['__torch__', 'Module'],
    ['builtins', 'frozenset'],
  ])('%s.%s is suspicious', (module, name) => {
    expect(classifyImport(module, name).badge).toBe('suspicious');
  });

  it('keeps the allowlist and the dangerous list apart', () => {
    for (const key of ALLOWED_GLOBALS.keys()) {
      const dot = key.lastIndexOf('.');
      expect(classifyImport(key.slice(0, dot), key.slice(dot + 1)).badge, key).toBe('safe');
    }
    for (const entry of UNSAFE_IMPORTS) expect(ALLOWED_GLOBALS.has(`${entry.module}.${entry.name ?? ''}`)).toBe(false);
  });
});

describe('verdicts', () => {
  it('orders unsafe > unknown > suspicious > safe', () => {
    expect(worseVerdict('safe', 'suspicious')).toBe('suspicious');
    expect(worseVerdict('unknown', 'suspicious')).toBe('unknown');
    expect(worseVerdict('unknown', 'unsafe')).toBe('unsafe');
    expect(worseVerdict('unsafe', 'safe')).toBe('unsafe');
  });

  it('merges imports across pickles, worst first, and earns the verdict', () => {
    const imports = scanImports([
      { pickle: 'a/data.pkl', imports: new Map([['collections.OrderedDict', { module: 'collections', name: 'OrderedDict', count: 2 }]]) },
      {
        pickle: 'a/extra.pkl',
        imports: new Map([
          ['collections.OrderedDict', { module: 'collections', name: 'OrderedDict', count: 1 }],
          ['__main__.X', { module: '__main__', name: 'X', count: 1 }],
          ['os.system', { module: 'os', name: 'system', count: 1 }],
        ]),
      },
    ]);
    expect(imports.map((i) => [`${i.module}.${i.name}`, i.badge, i.count, i.foundIn])).toEqual([
      ['os.system', 'unsafe', 1, ['a/extra.pkl']],
      ['__main__.X', 'suspicious', 1, ['a/extra.pkl']],
      ['collections.OrderedDict', 'safe', 3, ['a/data.pkl', 'a/extra.pkl']],
    ]);
    expect(importsVerdict(imports)).toBe('unsafe');
    expect(importsVerdict(imports.slice(1))).toBe('suspicious');
    expect(importsVerdict(imports.slice(2))).toBe('safe');
  });
});
