import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import { buildPickle, u32 } from '../../../test/builders/build-pickle';
import { buildZip } from '../../../test/builders/build-zip';
import { parsePytorch } from './parse-pytorch';
import { PICKLE_OPCODES as OP } from './pickle-opcodes';
import { EXPECTED, fixture, sha256, type ExpectedTensor } from '../../../test/fixtures/pytorch-fixtures';
import { readTensorBytes } from './read-tensor-bytes';

const withTensors = Object.entries(EXPECTED).filter(([, e]) => e.tensors !== undefined);
const hostile = Object.entries(EXPECTED).filter(([, e]) => e.error === undefined && e.tensors === undefined);
/** What scanning a 10 MB run of MARKs may read: it stops at the nesting limit, within its first 1 MiB window (of 10 MB). */
const MARKS_READ_BOUND = 2 * 2 ** 20;

describe('parsePytorch: fixtures written by torch.save and torch.jit.save', () => {
  it.each(withTensors)('%s: container, protocol, verdict and every tensor with its bytes', async (name, expected) => {
    const source = fixture(name);
    const { report, tensors, warnings } = await parsePytorch(source);
    expect(report.container).toBe(expected.container);
    if (expected.protocol !== undefined) expect(report.protocol).toBe(expected.protocol);
    expect(report.verdict).toBe(expected.verdict);
    expect(warnings).toEqual([]);
    const want = expected.tensors as ExpectedTensor[];
    expect(tensors.map((t) => t.name)).toEqual(want.map((t) => t.name));
    expect(report.tensorsRecovered).toBe(want.length);
    for (const [i, tensor] of tensors.entries()) {
      const w = want[i] as ExpectedTensor;
      expect({
        name: tensor.name,
        dtype: tensor.dtype,
        shape: tensor.shape,
        stride: tensor.torch.stride,
        offset: tensor.torch.storageOffset,
        contiguous: tensor.torch.contiguous,
      }).toEqual({
        name: w.name,
        dtype: w.dtype,
        shape: w.shape,
        stride: w.stride,
        offset: w.storageOffset,
        contiguous: w.contiguous,
      });
      expect(tensor.file).toBe(name);
      expect(tensor.unreadable).toBeUndefined();
      expect([...(tensor.torch.sharedWith ?? [])].sort()).toEqual([...(w.sharedWith ?? [])].sort());
      expect(sha256(await readTensorBytes(source, tensor)), tensor.name).toBe(w.sha256);
    }
    for (const imported of expected.imports ?? []) expect(report.imports.map((i) => `${i.module}.${i.name}`)).toContain(imported);
    await source.close();
  });

  it('reads a checkpoint without loading it: only the end records, headers and data.pkl', async () => {
    const numel = 1 << 20;
    const pickle = stateDictPickle(numel);
    const bytes = buildZip([
      { name: 'archive/data.pkl', data: pickle },
      { name: 'archive/data/0', data: new Uint8Array(numel * 4), extra: 20 },
      { name: 'archive/version', data: new TextEncoder().encode('3\n') },
    ]);
    const inner = memory(bytes);
    let bytesRead = 0;
    const source: ByteSource = {
      name: inner.name,
      size: inner.size,
      read: (offset, length, signal) => ((bytesRead += length), inner.read(offset, length, signal)),
    };
    const { report, tensors } = await parsePytorch(source);
    expect(report.verdict).toBe('safe');
    expect(tensors[0]).toMatchObject({ name: 'w', shape: [numel], byteLength: numel * 4 });
    // Local header offset + 30 + name + extra (the extra field read from the local header).
    expect(tensors[0]?.byteOffset).toBe(30 + 'archive/data.pkl'.length + pickle.length + 30 + 'archive/data/0'.length + 20);
    expect(bytesRead).toBeLessThan(200_000);
  });

  it('names nested checkpoints with dots: model.*, optimizer.state.N.*, and skips non-tensor values', async () => {
    const { tensors } = await parsePytorch(fixture('checkpoint.pt'));
    const names = tensors.map((t) => t.name);
    expect(names).toContain('model.fc1.weight');
    expect(names).toContain('optimizer.state.0.exp_avg');
    expect(names).toContain('optimizer.state.0.step');
    expect(names.some((n) => n.startsWith('epoch'))).toBe(false);
  });

  it('marks views: byteLength is the span for non-contiguous tensors and the data for contiguous ones', async () => {
    const { tensors } = await parsePytorch(fixture('views.pt'));
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const transposed = byName.get('transposed');
    expect(transposed?.torch.contiguous).toBe(false);
    expect(transposed?.byteLength).toBe(24 * 4);
    const rows = byName.get('rows');
    expect(rows?.torch.contiguous).toBe(true);
    expect(rows?.byteLength).toBe(12 * 4);
    expect(rows?.byteOffset).toBe((transposed?.byteOffset ?? 0) + 6 * 4);
    const expanded = byName.get('expanded_bf16');
    expect(expanded?.torch.stride).toEqual([1, 0]);
    expect(expanded?.byteLength).toBe(3 * 2);
    expect(byName.get('empty')?.byteLength).toBe(0);
    expect(byName.get('scalar')?.shape).toEqual([]);
  });

  it('strips _parameters/_buffers/_modules from a whole pickled nn.Module, and calls it suspicious', async () => {
    const { report, tensors } = await parsePytorch(fixture('suspicious/whole-module.pt'));
    expect(report.verdict).toBe('suspicious');
    expect(tensors.map((t) => t.name)).toContain('fc1.weight');
    expect(report.calls.map((c) => c.callable)).toContain('__main__.TinyNet');
    expect(report.imports.find((i) => i.module === '__builtin__' && i.name === 'set')?.badge).toBe('safe');
  });

  it('reports TorchScript archives with their members and tensors', async () => {
    const { report, tensors } = await parsePytorch(fixture('torchscript.pt'));
    expect(report.container).toBe('torchscript');
    expect(report.members).toContain('torchscript/code/__torch__.py');
    expect(report.imports.find((i) => i.module === '__torch__')?.badge).toBe('suspicious');
    expect(tensors.map((t) => t.name).sort()).toEqual(['fc.bias', 'fc.weight', 'scale']);
  });
});

describe('parsePytorch: hostile fixtures (raw opcodes, never loaded)', () => {
  it.each(hostile)('%s', async (name, expected) => {
    const { report } = await parsePytorch(fixture(name));
    expect(report.verdict).toBe(expected.verdict);
    expect(report.container).toBe(expected.container);
    for (const imported of expected.imports ?? []) {
      const found = report.imports.find((i) => `${i.module}.${i.name}` === imported);
      expect(found, imported).toBeDefined();
      expect(found?.badge).toBe(expected.verdict === 'unsafe' ? 'unsafe' : 'suspicious');
      expect(found?.reason).toBeTruthy();
      if (expected.verdict === 'unsafe') expect(report.notes[0]).toContain(imported);
    }
    if (expected.bomb) expect(report.notes.join('\n')).toContain(`${expected.bomb} is compressed`);
  });

  it('records the payload call with its arguments, and never performs it', async () => {
    const { report } = await parsePytorch(fixture('hostile/os-system-global.pkl'));
    expect(report.calls).toEqual([
      { callable: 'os.system', opcode: 'REDUCE', description: "os.system('echo pwned')", pickle: 'pickle', offset: expect.any(Number) },
    ]);
  });

  it('resolves STACK_GLOBAL names through the memo', async () => {
    const { report } = await parsePytorch(fixture('hostile/stack-global-memo.pkl'));
    expect(report.calls[0]?.callable).toBe('os.system');
    expect(report.protocol).toBe(4);
  });

  it('still names the import before the garbage, and says where the scan stopped', async () => {
    const { report } = await parsePytorch(fixture('hostile/prefix-then-garbage.pkl'));
    expect(report.notes.join('\n')).toMatch(/stopped: unknown opcode 0xff/);
  });

  it('scans members that data.pkl never references', async () => {
    const hidden = await parsePytorch(fixture('hostile/hidden-storage.pt'));
    expect(hidden.report.imports.find((i) => i.name === 'system')?.foundIn).toEqual(['hidden-storage/data/99']);
    expect(hidden.report.notes.join('\n')).toMatch(/hidden payload/);
    expect(hidden.tensors.map((t) => t.name)).toEqual(['w']);
    const extra = await parsePytorch(fixture('hostile/extra-pickle.pt'));
    expect(extra.report.imports.find((i) => i.name === 'exec')?.foundIn).toEqual(['extra-pickle/extra.pkl']);
  });

  it('rejects a data.pkl whose CRC does not match, naming the member', async () => {
    const error = await parsePytorch(fixture('hostile/bad-crc.pt')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe(EXPECTED['hostile/bad-crc.pt']?.field);
    expect((error as FormatError).message).toMatch(/CRC-32/);
  });
});

/** `{'w': tensor}` as torch.save pickles it: one float32 tensor of `numel` elements on storage '0'. */
function stateDictPickle(numel: number): Uint8Array<ArrayBuffer> {
  return buildPickle(
    OP.PROTO,
    2,
    OP.EMPTY_DICT,
    OP.BINUNICODE,
    u32(1),
    'w',
    OP.GLOBAL,
    'torch._utils\n_rebuild_tensor_v2\n',
    OP.MARK,
    OP.MARK,
    OP.BINUNICODE,
    u32(7),
    'storage',
    OP.GLOBAL,
    'torch\nFloatStorage\n',
    OP.BINUNICODE,
    u32(1),
    '0',
    OP.BINUNICODE,
    u32(3),
    'cpu',
    OP.BININT,
    u32(numel),
    OP.TUPLE,
    OP.BINPERSID,
    OP.BININT1,
    0,
    OP.BININT,
    u32(numel),
    OP.TUPLE1,
    OP.BININT1,
    1,
    OP.TUPLE1,
    OP.NEWFALSE,
    OP.GLOBAL,
    'collections\nOrderedDict\n',
    OP.EMPTY_TUPLE,
    OP.REDUCE,
    OP.TUPLE,
    OP.REDUCE,
    OP.SETITEM,
    OP.STOP,
  );
}

function memory(bytes: Uint8Array<ArrayBuffer>, name = 'model.pt'): FileByteSource {
  return new FileByteSource(new Blob([bytes]), name);
}

describe('parsePytorch: bare pickles', () => {
  it('gives verdict unknown, never safe, for an unknown opcode', async () => {
    const { report } = await parsePytorch(memory(buildPickle(OP.PROTO, 2, OP.EMPTY_DICT, 0xff)));
    expect(report.verdict).toBe('unknown');
    expect(report.notes.join('\n')).toMatch(/unknown opcode 0xff/);
  });

  it('gives verdict unknown for a memo miss', async () => {
    const { report } = await parsePytorch(memory(buildPickle(OP.PROTO, 2, OP.LONG_BINGET, u32(0xffffffff), OP.STOP)));
    expect(report.verdict).toBe('unknown');
    expect(report.notes.join('\n')).toMatch(/memo miss/);
  });

  it('is safe for an allow-listed pickle and lists its tensors as unreadable (a bare pickle has no storages)', async () => {
    const bytes = stateDictPickle(4);
    const { report, tensors } = await parsePytorch(memory(bytes));
    expect(report.verdict).toBe('safe');
    expect(report.container).toBe('pickle');
    expect(tensors).toHaveLength(1);
    expect(tensors[0]).toMatchObject({ name: 'w', dtype: 'F32', shape: [4], unreadable: 'a bare pickle has no storage records' });
  });

  it('scans a second pickle after STOP', async () => {
    const first = buildPickle(OP.PROTO, 2, OP.NONE, OP.STOP);
    const second = buildPickle(OP.PROTO, 2, OP.GLOBAL, 'os\nsystem\n', OP.STOP);
    const { report } = await parsePytorch(memory(buildPickle(first, second)));
    expect(report.verdict).toBe('unsafe');
    expect(report.imports[0]?.foundIn).toEqual(['pickle at byte 4']);
  });

  it('refuses bytes that are no pickle', async () => {
    await expect(parsePytorch(memory(new TextEncoder().encode('\xffhello')))).rejects.toBeInstanceOf(FormatError);
    await expect(parsePytorch(memory(new Uint8Array([0x80])))).rejects.toBeInstanceOf(FormatError);
  });

  it('stops a 10^7-long run of MARKs, reading no byte twice', async () => {
    const inner = memory(new Uint8Array(10_000_000).fill(OP.MARK));
    let bytesRead = 0;
    const source: ByteSource = {
      name: inner.name,
      size: inner.size,
      read: (offset, length, signal) => ((bytesRead += length), inner.read(offset, length, signal)),
    };
    const { report } = await parsePytorch(source);
    expect(report.verdict).toBe('unknown');
    expect(report.notes.join('\n')).toMatch(/nested MARKs/);
    expect(bytesRead).toBeLessThanOrEqual(MARKS_READ_BOUND);
  });
});

describe('parsePytorch: cancellation', () => {
  it('rejects with CancelledError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parsePytorch(fixture('state-dict-zip.pt'), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('stops a long pickle when aborted mid-way', async () => {
    const controller = new AbortController();
    const body = new Uint8Array(2_000_000);
    for (let i = 0; i < body.length; i += 2) body.set([OP.NONE, OP.POP], i);
    const bytes = buildPickle(OP.PROTO, 2, body, OP.NONE, OP.STOP);
    const inner = memory(bytes);
    let reads = 0;
    const source: ByteSource = {
      name: inner.name,
      size: inner.size,
      read: (offset, length, signal) => {
        if (++reads === 2) controller.abort();
        return inner.read(offset, length, signal);
      },
    };
    await expect(parsePytorch(source, controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
