import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { FormatError } from '../../model/errors';
import { buildPickle, u32 } from '../../../test/builders/build-pickle';
import { buildZip, type ZipEntrySpec } from '../../../test/builders/build-zip';
import { crc32 } from './crc32';
import { parsePytorch } from './parse-pytorch';
import { PICKLE_OPCODES as OP } from './pickle-opcodes';
import { listZipMembers, MAX_COMPRESSION_RATIO } from './read-torch-zip';

/** `{'w': tensor}` with a float32 tensor of `shape` on storage '0' holding `numel` elements. */
function statePickle(numel: number, shape = numel): Uint8Array<ArrayBuffer> {
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
    u32(shape),
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

function open(entries: ZipEntrySpec[]) {
  return parsePytorch(new FileByteSource(new Blob([buildZip(entries)]), 'model.pt'));
}

async function formatError(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

const floats = (n: number) => new Uint8Array(new Float32Array(n).fill(1.5).buffer);

describe('torch.save zip archives', () => {
  it('lists members with data offsets from the local headers', async () => {
    const zip = buildZip([
      { name: 'a/data.pkl', data: statePickle(2) },
      { name: 'a/data/0', data: floats(2), extra: 36 },
    ]);
    const members = await listZipMembers(new FileByteSource(new Blob([zip]), 'm.pt'));
    expect(members.map((m) => m.name)).toEqual(['a/data.pkl', 'a/data/0']);
    const storage = members[1];
    expect(storage?.dataOffset).toBe((storage?.localOffset ?? 0) + 30 + 'a/data/0'.length + 36);
    expect(storage?.head).toEqual(floats(2).subarray(0, 8));
  });

  it('reads a deflated data.pkl (checking its CRC), but not tensors from deflated storages', async () => {
    const pickle = statePickle(4);
    const { report, tensors } = await open([
      { name: 'a/data.pkl', data: deflateRawSync(pickle), method: 8, uncompressedSize: pickle.length, crc: crc32(pickle) },
      { name: 'a/data/0', data: deflateRawSync(floats(4)), method: 8, uncompressedSize: 16, crc: crc32(floats(4)) },
    ]);
    expect(report.verdict).toBe('safe');
    expect(tensors[0]?.unreadable).toMatch(/compressed in the zip/);
    const bad = await formatError(open([{ name: 'a/data.pkl', data: deflateRawSync(pickle), method: 8, uncompressedSize: pickle.length, crc: 1234 }]));
    expect(bad.field).toBe('a/data.pkl');
    expect(bad.message).toMatch(/CRC-32/);
  });

  it('a compressed member declaring 1 GiB is a zip bomb: verdict unsafe, never inflated', async () => {
    const small = deflateRawSync(new Uint8Array(1024));
    const { report, tensors } = await open([
      { name: 'a/data.pkl', data: statePickle(1) },
      { name: 'a/data/0', data: floats(1) },
      { name: 'a/data/1', data: small, method: 8, uncompressedSize: 2 ** 30 },
    ]);
    expect(report.verdict).toBe('unsafe');
    expect(report.notes.join('\n')).toMatch(/a\/data\/1 is compressed \d+ to 1 .* a zip bomb/);
    expect(tensors[0]?.unreadable).toBeUndefined();
    // As data.pkl itself, it cannot be scanned at all.
    const error = await formatError(open([{ name: 'a/data.pkl', data: small, method: 8, uncompressedSize: small.length * (MAX_COMPRESSION_RATIO + 1) }]));
    expect(error.message).toMatch(/zip bomb/);
  });

  it('refuses archives torch would not read, naming the member', async () => {
    expect((await formatError(open([{ name: 'data.pkl', data: statePickle(1) }]))).message).toMatch(/not inside a folder/);
    expect((await formatError(open([{ name: 'a/version', data: new Uint8Array(1) }]))).field).toBe('a/data.pkl');
    const twice = await formatError(
      open([
        { name: 'a/data.pkl', data: statePickle(1) },
        { name: 'a/data.pkl', data: statePickle(1) },
      ]),
    );
    expect(twice.message).toMatch(/appears twice/);
    const mismatch = await formatError(open([{ name: 'a/data.pkl', data: statePickle(1), localMethod: 8 }]));
    expect(mismatch.message).toMatch(/compression method 8/);
    const notZip = new Uint8Array(100);
    notZip.set([0x50, 0x4b, 0x03, 0x04]);
    expect((await formatError(parsePytorch(new FileByteSource(new Blob([notZip]), 'x.pt')))).field).toBe('zip');
  });

  it('a view past the end of its storage is unreadable, with a warning', async () => {
    const { tensors, warnings } = await open([
      { name: 'a/data.pkl', data: statePickle(4, 4) },
      { name: 'a/data/0', data: floats(2) },
    ]);
    expect(tensors[0]?.unreadable).toMatch(/runs past its storage/);
    expect(warnings.map((w) => w.code)).toEqual(['tensor-outside-storage']);
  });

  it('big-endian storages are flagged and not read', async () => {
    const { tensors, warnings } = await open([
      { name: 'a/data.pkl', data: statePickle(1) },
      { name: 'a/byteorder', data: new TextEncoder().encode('big') },
      { name: 'a/data/0', data: floats(1) },
    ]);
    expect(tensors[0]?.unreadable).toMatch(/big-endian/);
    expect(warnings.map((w) => w.code)).toEqual(['big-endian']);
  });

  it('members outside the archive folder make it suspicious; a missing storage makes the tensor unreadable', async () => {
    const { report, tensors } = await open([
      { name: 'a/data.pkl', data: statePickle(1) },
      { name: 'b/notes.txt', data: new Uint8Array(3) },
    ]);
    expect(report.verdict).toBe('suspicious');
    expect(tensors[0]?.unreadable).toMatch(/a\/data\/0 is missing/);
  });

  it('finds hidden payloads in deflated members and protocol 0 text, not in code or storages', async () => {
    const payload = buildPickle(OP.PROTO, 2, OP.GLOBAL, 'os\nsystem\n', OP.STOP);
    const deflated = await open([
      { name: 'a/data.pkl', data: statePickle(1) },
      { name: 'a/data/0', data: floats(1) },
      { name: 'a/data/7', data: deflateRawSync(payload), method: 8, uncompressedSize: payload.length, crc: crc32(payload) },
    ]);
    expect(deflated.report.verdict).toBe('unsafe');
    expect(deflated.report.imports[0]?.foundIn).toEqual(['a/data/7']);
    const text = await open([
      { name: 'a/data.pkl', data: statePickle(1) },
      { name: 'a/data/0', data: floats(1) },
      { name: 'a/notes', data: new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.") },
      { name: 'a/readme', data: new TextEncoder().encode('class Net:\n  pass\n') },
    ]);
    expect(text.report.verdict).toBe('unsafe');
    expect(text.report.calls[0]?.description).toBe("os.system('id')");
    expect(text.report.notes.join('\n')).not.toMatch(/a\/readme/);
  });
});
