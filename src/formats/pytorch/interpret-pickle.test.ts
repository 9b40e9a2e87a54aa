import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError } from '../../model/errors';
import { buildPickle, u32, u64 } from '../../../test/builders/build-pickle';
import { collectTensors, MAX_NAME_DEPTH } from './collect-tensors';
import { interpretPickle, isKind, MAX_MARK_DEPTH, MAX_STACK_DEPTH, MAX_STRING_BYTES, type PickleValue } from './interpret-pickle';
import { OPCODE_NAMES, PICKLE_OPCODES as OP } from './pickle-opcodes';

function run(bytes: Uint8Array<ArrayBuffer>) {
  return interpretPickle(new FileByteSource(new Blob([bytes]), 'test.pkl'));
}

function hex(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

/** A value as plain JS, for comparisons: dicts become objects, tuples `{ tuple }`, bytes `b:…`. */
function plain(value: PickleValue | undefined): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (value.kind) {
    case 'dict':
      return Object.fromEntries(value.keys.map((k, i) => [String(plain(k)), plain(value.values[i])]));
    case 'list':
      return value.items.map(plain);
    case 'tuple':
      return { tuple: value.items.map(plain) };
    case 'set':
      return { [value.frozen ? 'frozenset' : 'set']: value.items.map(plain) };
    case 'bytes':
      return `b:${value.bytes ? new TextDecoder('latin1').decode(value.bytes) : `<${value.length}>`}`;
    case 'global':
      return `global:${value.module}.${value.name}`;
    default:
      return value.kind;
  }
}

/** What Python's pickle.dumps writes for one object at each protocol (generated with CPython 3.11). */
const PYTHON_PICKLES: Record<string, string> = {
  '0': '286470300a56610a70310a286c70320a49310a6146322e350a615678e90a70330a614e614930310a614930300a612849310a49320a7470340a617356620a70350a635f636f646563730a656e636f64650a70360a285662790a70370a566c6174696e310a70380a7470390a527031300a73566269670a7031310a4c313236373635303630303232383232393430313439363730333230353337364c0a73566e65670a7031320a4c2d313138303539313632303731373431313330333432344c0a73566e0a7031330a492d370a7356770a7031340a4937303030300a7356660a7031350a46696e660a732e',
  '1': '7d71002858010000006171015d7102284b01474004000000000000580300000078c3a971034e4930310a4930300a284b014b02747104655801000000627105635f636f646563730a656e636f64650a71062858020000006279710758060000006c6174696e31710874710952710a5803000000626967710b4c313236373635303630303232383232393430313439363730333230353337364c0a58030000006e6567710c4c2d313138303539313632303731373431313330333432344c0a58010000006e710d4af9ffffff580100000077710e4a70110100580100000066710f477ff0000000000000752e',
  '2': '80027d71002858010000006171015d7102284b01474004000000000000580300000078c3a971034e88894b014b02867104655801000000627105635f636f646563730a656e636f64650a710658020000006279710758060000006c6174696e31710886710952710a5803000000626967710b8a0d0000000000000000000000001058030000006e6567710c8a090000000000000000c058010000006e710d4af9ffffff580100000077710e4a70110100580100000066710f477ff0000000000000752e',
  '3': '80037d71002858010000006171015d7102284b01474004000000000000580300000078c3a971034e88894b014b02867104655801000000627105430262797106580300000062696771078a0d0000000000000000000000001058030000006e656771088a090000000000000000c058010000006e71094af9ffffff580100000077710a4a70110100580100000066710b477ff0000000000000752e',
  '4': '80049575000000000000007d94288c0161945d94284b014740040000000000008c0378c3a9944e88894b014b028694658c01629443026279948c03626967948a0d000000000000000000000000108c036e6567948a090000000000000000c08c016e944af9ffffff8c0177944a701101008c016694477ff0000000000000752e',
  '5': '80059575000000000000007d94288c0161945d94284b014740040000000000008c0378c3a9944e88894b014b028694658c01629443026279948c03626967948a0d000000000000000000000000108c036e6567948a090000000000000000c08c016e944af9ffffff8c0177944a701101008c016694477ff0000000000000752e',
};

describe('interpretPickle: what Python writes, protocols 0 to 5', () => {
  it.each(Object.entries(PYTHON_PICKLES))('protocol %s', async (protocol, bytes) => {
    const result = await run(hex(bytes));
    expect(result.problem).toBeUndefined();
    expect(result.complete).toBe(true);
    expect(result.protocol).toBe(Number(protocol) >= 2 ? Number(protocol) : undefined);
    expect(plain(result.value)).toEqual({
      a: [1, 2.5, 'xé', null, true, false, { tuple: [1, 2] }],
      b: 'b:by',
      big: 2n ** 100n,
      neg: -(2n ** 70n),
      n: -7,
      w: 70000,
      f: Infinity,
    });
    // Protocols 0 to 2 spell bytes as `_codecs.encode(text, 'latin1')`, which is allow-listed.
    expect([...result.imports.keys()]).toEqual(Number(protocol) <= 2 ? ['_codecs.encode'] : []);
    expect(result.calls).toEqual([]);
  });

  it('sets, frozensets and bytearrays (EMPTY_SET, ADDITEMS, FROZENSET, BYTEARRAY8)', async () => {
    const result = await run(hex('8005952c000000000000007d94288c0173948f94284b014b02908c02667394284b0391948c02626194960200000000000000787994752e'));
    expect(plain(result.value)).toEqual({ s: { set: [1, 2] }, fs: { frozenset: [3] }, ba: 'b:xy' });
  });

  it('protocol 0 text: escaped STRING and raw-unicode-escape UNICODE', async () => {
    const unicode = await run(hex('286c70300a56615c75303035636e270a70310a6156636166e9205c75323630330a70320a612e'));
    expect(plain(unicode.value)).toEqual(["a\\n'", 'café ☃']);
    const quoted = await run(buildPickle(OP.STRING, "'a\\nb\\x41\\'c\\xc3\\xa9'\n", OP.STOP));
    expect(quoted.value).toBe("a\nbA'cé");
  });

  it('covers the remaining opcodes: DUP, POP, POP_MARK, DICT, LIST, GET/PUT, BINSTRING, LONG4, BININT2…', async () => {
    const result = await run(
      buildPickle(
        OP.MARK,
        OP.INT,
        '5\n',
        OP.LONG,
        '6L\n',
        OP.DICT,
        OP.PUT,
        '7\n',
        OP.POP,
        OP.MARK,
        OP.NONE,
        OP.POP_MARK,
        OP.MARK,
        OP.GET,
        '7\n',
        OP.DUP,
        OP.LIST,
        OP.MARK,
        OP.SHORT_BINSTRING,
        2,
        'hi',
        OP.BINSTRING,
        u32(2),
        'yo',
        OP.BININT2,
        0x34,
        0x12,
        OP.LONG4,
        u32(2),
        0xff,
        0x7f,
        OP.EMPTY_TUPLE,
        OP.TUPLE3,
        OP.TUPLE2,
        OP.SHORT_BINBYTES,
        1,
        'z',
        OP.BINBYTES,
        u32(1),
        'y',
        OP.BINBYTES8,
        u64(1),
        'x',
        OP.BINUNICODE8,
        u64(1),
        'w',
        OP.FLOAT,
        '-1.5\n',
        OP.TUPLE,
        OP.APPEND,
        OP.STOP,
      ),
    );
    expect(result.problem).toBeUndefined();
    expect(plain(result.value)).toEqual([
      { '5': 6 },
      { '5': 6 },
      { tuple: ['hi', { tuple: ['yo', { tuple: [0x1234, 0x7fff, { tuple: [] }] }] }, 'b:z', 'b:y', 'b:x', 'w', -1.5] },
    ]);
  });

  it('frames, memoize, readonly buffers and protocol 5 are read; NEXT_BUFFER stops', async () => {
    const ok = await run(buildPickle(OP.PROTO, 5, OP.FRAME, u64(4), OP.NONE, OP.MEMOIZE, OP.READONLY_BUFFER, OP.POP, OP.BINGET, 0, OP.STOP));
    expect(ok.problem).toBeUndefined();
    expect(ok.value).toBeNull();
    const buffer = await run(buildPickle(OP.PROTO, 5, OP.NEXT_BUFFER, OP.STOP));
    expect(buffer.problem).toMatch(/NEXT_BUFFER/);
    expect(buffer.complete).toBe(false);
  });

  it('knows every opcode of pickletools', () => {
    expect(OPCODE_NAMES.size).toBe(68);
  });
});

describe('interpretPickle: imports and calls are inert', () => {
  it('GLOBAL, STACK_GLOBAL and INST record imports; REDUCE, NEWOBJ, NEWOBJ_EX, OBJ and INST record calls', async () => {
    const result = await run(
      buildPickle(
        OP.PROTO,
        4,
        OP.MARK,
        OP.GLOBAL,
        'os\nsystem\n',
        OP.SHORT_BINUNICODE,
        2,
        'id',
        OP.TUPLE1,
        OP.REDUCE,
        OP.SHORT_BINUNICODE,
        8,
        'builtins',
        OP.SHORT_BINUNICODE,
        4,
        'eval',
        OP.STACK_GLOBAL,
        OP.EMPTY_TUPLE,
        OP.NEWOBJ,
        OP.GLOBAL,
        '__main__\nCfg\n',
        OP.EMPTY_TUPLE,
        OP.EMPTY_DICT,
        OP.NEWOBJ_EX,
        OP.MARK,
        OP.GLOBAL,
        'subprocess\nPopen\n',
        OP.BININT1,
        1,
        OP.OBJ,
        OP.MARK,
        OP.BININT1,
        2,
        OP.INST,
        'pip\nmain\n',
        OP.LIST,
        OP.STOP,
      ),
    );
    expect(result.problem).toBeUndefined();
    expect([...result.imports.keys()]).toEqual(['os.system', 'builtins.eval', '__main__.Cfg', 'subprocess.Popen', 'pip.main']);
    expect(result.calls.map((c) => [c.opcode, c.description])).toEqual([
      ['REDUCE', "os.system('id')"],
      ['NEWOBJ', 'builtins.eval()'],
      ['NEWOBJ_EX', '__main__.Cfg()'],
      ['OBJ', 'subprocess.Popen(1)'],
      ['INST', 'pip.main(2)'],
    ]);
    expect(isKind(result.value, 'list') && result.value.items.every((item) => isKind(item, 'object') && !item.performed)).toBe(true);
  });

  it('records BUILD on a class or function (setting its attributes)', async () => {
    const result = await run(buildPickle(OP.PROTO, 2, OP.GLOBAL, 'collections\nOrderedDict\n', OP.EMPTY_DICT, OP.BUILD, OP.STOP));
    expect(result.calls.map((c) => c.opcode)).toEqual(['BUILD']);
  });

  it('builds allow-listed data: OrderedDict, torch.Size, set, bytearray, _codecs.encode', async () => {
    const result = await run(
      buildPickle(
        OP.PROTO,
        2,
        OP.MARK,
        OP.GLOBAL,
        'collections\nOrderedDict\n',
        OP.EMPTY_TUPLE,
        OP.REDUCE,
        OP.GLOBAL,
        'torch\nSize\n',
        OP.BININT1,
        2,
        OP.BININT1,
        3,
        OP.TUPLE2,
        OP.TUPLE1,
        OP.REDUCE,
        OP.GLOBAL,
        '__builtin__\nset\n',
        OP.EMPTY_LIST,
        OP.BININT1,
        1,
        OP.APPEND,
        OP.TUPLE1,
        OP.REDUCE,
        OP.GLOBAL,
        '_codecs\nencode\n',
        OP.BINUNICODE,
        u32(2),
        'é',
        OP.SHORT_BINUNICODE,
        6,
        'latin1',
        OP.TUPLE2,
        OP.REDUCE,
        OP.TUPLE,
        OP.STOP,
      ),
    );
    expect(result.calls).toEqual([]);
    expect(plain(result.value)).toEqual({ tuple: [{}, { tuple: [2, 3] }, { set: [1] }, 'b:é'] });
  });

  it('an extension code (EXT1/2/4) makes the scan uncertain: its import cannot be known', async () => {
    for (const ext of [
      [OP.EXT1, 1],
      [OP.EXT2, 1, 0],
      [OP.EXT4, 1, 0, 0, 0],
    ]) {
      const result = await run(buildPickle(OP.PROTO, 2, ...ext, OP.STOP));
      expect(result.complete).toBe(true);
      expect(result.uncertain[0]).toMatch(/extension code 1/);
    }
  });

  it('a persistent id other than a storage is uncertain (protocol 0 PERSID, BINPERSID)', async () => {
    const text = await run(buildPickle(OP.PERSID, 'abc\n', OP.STOP));
    expect(text.uncertain[0]).toMatch(/persistent id 'abc'/);
    const binary = await run(buildPickle(OP.PROTO, 2, OP.BININT1, 3, OP.BINPERSID, OP.STOP));
    expect(binary.uncertain).toHaveLength(1);
  });
});

/** A source of `size` zero bytes after `prefix`, which counts what it hands out and never allocates the rest. */
function hugeSource(prefix: Uint8Array, size: number): ByteSource & { bytesRead: number } {
  return {
    name: 'huge.pkl',
    size,
    bytesRead: 0,
    async read(offset: number, length: number) {
      this.bytesRead += length;
      const out = new Uint8Array(length);
      if (offset < prefix.length) out.set(prefix.subarray(offset, offset + length));
      return out;
    },
  };
}

describe('interpretPickle: bounds', () => {
  it('fails fast on a 4 GB BINUNICODE length, without allocating', async () => {
    const short = await run(buildPickle(OP.PROTO, 2, OP.BINUNICODE, u32(0xffffffff), 'abc'));
    expect(short.problem).toMatch(/BINUNICODE of 4294967295 bytes runs past the end/);
    const source = hugeSource(buildPickle(OP.PROTO, 2, OP.BINUNICODE, u32(0xffffffff)), 8 * 1024 ** 3);
    const long = await interpretPickle(source);
    expect(long.problem).toMatch(new RegExp(`longer than the ${MAX_STRING_BYTES}-byte limit`));
    expect(source.bytesRead).toBeLessThanOrEqual(1024 * 1024);
  });

  it('skips a huge BINBYTES8 unread and keeps only its length', async () => {
    const source = hugeSource(buildPickle(OP.PROTO, 4, OP.BINBYTES8, u64(2 ** 40)), 2 ** 41);
    const result = await interpretPickle(source);
    // After the skipped bytes comes a zero byte, which is no opcode.
    expect(result.problem).toMatch(/unknown opcode 0x00/);
    expect(source.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('a memo index of 2^32 - 1 is stored and read back without allocating; a miss stops the scan', async () => {
    const hit = await run(buildPickle(OP.PROTO, 2, OP.NONE, OP.LONG_BINPUT, u32(0xffffffff), OP.POP, OP.LONG_BINGET, u32(0xffffffff), OP.STOP));
    expect(hit.complete).toBe(true);
    const miss = await run(buildPickle(OP.PROTO, 2, OP.LONG_BINGET, u32(0xfffffffe), OP.STOP));
    expect(miss.problem).toMatch(/memo miss: nothing was stored at 4294967294/);
  });

  it('bounds MARK nesting and the stack', async () => {
    const marks = await run(new Uint8Array(MAX_MARK_DEPTH + 10).fill(OP.MARK));
    expect(marks.problem).toMatch(new RegExp(`more than ${MAX_MARK_DEPTH} nested MARKs`));
    const nones = await run(new Uint8Array(MAX_STACK_DEPTH + 10).fill(OP.NONE));
    expect(nones.problem).toMatch(new RegExp(`more than ${MAX_STACK_DEPTH} values on the stack`));
  });

  it('nests 100,000 lists deep without recursion; naming stops at MAX_NAME_DEPTH', async () => {
    const depth = 100_000;
    const bytes = buildPickle(OP.PROTO, 2, new Uint8Array(depth).fill(OP.EMPTY_LIST), new Uint8Array(depth - 1).fill(OP.APPEND), OP.STOP);
    const result = await run(bytes);
    expect(result.complete).toBe(true);
    const named = collectTensors(result.value);
    expect(named.notes[0]).toMatch(new RegExp(`deeper than ${MAX_NAME_DEPTH}`));
  });

  it('stops on a truncated pickle, an underflow, a missing MARK and a bad STACK_GLOBAL', async () => {
    expect((await run(buildPickle(OP.PROTO, 2, OP.NONE))).problem).toMatch(/ends without STOP/);
    expect((await run(buildPickle(OP.PROTO, 2, OP.BININT))).problem).toMatch(/middle of an opcode/);
    expect((await run(buildPickle(OP.PROTO, 2, OP.TUPLE1))).problem).toMatch(/stack underflow/);
    expect((await run(buildPickle(OP.PROTO, 2, OP.TUPLE))).problem).toMatch(/no MARK/);
    expect((await run(buildPickle(OP.PROTO, 4, OP.NONE, OP.NONE, OP.STACK_GLOBAL))).problem).toMatch(/two strings/);
    expect((await run(buildPickle(OP.PROTO, 9))).problem).toMatch(/unsupported pickle protocol 9/);
    expect((await run(buildPickle(OP.GLOBAL, 'os'))).problem).toMatch(/middle of a line/);
  });

  it('honours cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    const body = new Uint8Array(200_000);
    for (let i = 0; i < body.length; i += 2) body.set([OP.NONE, OP.POP], i);
    await expect(
      interpretPickle(new FileByteSource(new Blob([buildPickle(body, OP.NONE, OP.STOP)]), 'x'), { signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('collectTensors: hostile shapes', () => {
  it('a BUILD state nested in itself ends without overflowing the stack', async () => {
    // obj = __main__.X(); L = [(L, None)]; obj.__setstate__((L, L)); then obj appended into L too.
    const result = await run(
      buildPickle(
        OP.PROTO,
        2,
        OP.GLOBAL,
        '__main__\nX\n',
        OP.EMPTY_TUPLE,
        OP.NEWOBJ,
        OP.BINPUT,
        1,
        OP.EMPTY_LIST,
        OP.BINPUT,
        0,
        OP.BINGET,
        0,
        OP.NONE,
        OP.TUPLE2,
        OP.APPEND,
        OP.BINGET,
        1,
        OP.APPEND,
        OP.POP,
        OP.BINGET,
        0,
        OP.BINGET,
        0,
        OP.TUPLE2,
        OP.BUILD,
        OP.STOP,
      ),
    );
    expect(result.complete).toBe(true);
    expect(collectTensors(result.value).tensors).toEqual([]);
  });
});

describe('interpretPickle: PyTorch 2.x rebuilds', () => {
  it('_rebuild_tensor_v3 on an UntypedStorage takes its dtype from the arguments, inside _rebuild_from_type_v2 and a Parameter', async () => {
    const result = await run(
      buildPickle(
        OP.PROTO,
        2,
        OP.EMPTY_DICT,
        OP.SHORT_BINUNICODE,
        1,
        'p',
        OP.GLOBAL,
        'torch._utils\n_rebuild_parameter_with_state\n',
        OP.MARK,
        OP.GLOBAL,
        'torch._tensor\n_rebuild_from_type_v2\n',
        OP.MARK,
        OP.GLOBAL,
        'torch._utils\n_rebuild_tensor_v3\n',
        OP.GLOBAL,
        'torch\nTensor\n',
        OP.MARK,
        OP.MARK,
        OP.SHORT_BINUNICODE,
        7,
        'storage',
        OP.GLOBAL,
        'torch.storage\nUntypedStorage\n',
        OP.SHORT_BINUNICODE,
        1,
        '0',
        OP.SHORT_BINUNICODE,
        3,
        'cpu',
        OP.BININT1,
        8,
        OP.TUPLE,
        OP.BINPERSID,
        OP.BININT1,
        0,
        OP.BININT1,
        4,
        OP.TUPLE1,
        OP.BININT1,
        1,
        OP.TUPLE1,
        OP.NEWFALSE,
        OP.GLOBAL,
        'collections\nOrderedDict\n',
        OP.EMPTY_TUPLE,
        OP.REDUCE,
        OP.GLOBAL,
        'torch\nuint16\n',
        OP.TUPLE,
        OP.EMPTY_DICT,
        OP.TUPLE,
        OP.REDUCE,
        OP.NEWTRUE,
        OP.GLOBAL,
        'collections\nOrderedDict\n',
        OP.EMPTY_TUPLE,
        OP.REDUCE,
        OP.EMPTY_DICT,
        OP.TUPLE,
        OP.REDUCE,
        OP.SETITEM,
        OP.STOP,
      ),
    );
    expect(result.problem).toBeUndefined();
    expect(result.uncertain).toEqual([]);
    expect(result.calls).toEqual([]);
    const [named] = collectTensors(result.value).tensors;
    expect(named?.name).toBe('p');
    expect(named?.tensor).toMatchObject({ dtype: 'U16', shape: [4], stride: [1], parameter: true, requiresGrad: true });
    expect(named?.tensor.storage).toMatchObject({ className: 'torch.storage.UntypedStorage', dtypeName: 'uint8', numel: 8, key: '0' });
  });

  it('meta tensors are listed without data', async () => {
    const result = await run(
      buildPickle(
        OP.PROTO,
        2,
        OP.GLOBAL,
        'torch._utils\n_rebuild_meta_tensor_no_storage\n',
        OP.MARK,
        OP.GLOBAL,
        'torch\nbfloat16\n',
        OP.BININT1,
        2,
        OP.TUPLE1,
        OP.BININT1,
        1,
        OP.TUPLE1,
        OP.NEWFALSE,
        OP.TUPLE,
        OP.REDUCE,
        OP.STOP,
      ),
    );
    expect(result.problem).toBeUndefined();
    expect(collectTensors(result.value).tensors[0]?.tensor).toMatchObject({ dtype: 'BF16', shape: [2], unreadable: 'a meta tensor: saved without data' });
  });
});
