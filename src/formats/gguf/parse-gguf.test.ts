import { describe, expect, it } from 'vitest';
import { FormatError } from '../../model/errors';
import type { ByteSource } from '../../model/byte-source';
import { kv, writeGguf, type GgufSpec, type WriterEntry, type WriterTensor } from '../../../test/builders/gguf-writer';
import { largeTokenizerGguf, LARGE_VOCABULARY, tinyLlamaGguf, tinyLlamaSplit, tinyLoraGguf, type GgufFixture } from '../../../test/fixtures/gguf-fixtures';
import { BoundedSource } from '../../../test/fuzz/fuzz-helpers';
import { referenceGguf } from '../../../test/node/gguf-oracle';
import { MAX_CHUNK_BYTES } from './header-reader';
import { MAX_ARRAY_NESTING, MAX_DIMS } from './gguf-limits';
import { parseGgufHeader, type GgufHeader, type GgufValue } from './parse-gguf';

function source(bytes: Uint8Array, name = 'model.gguf'): BoundedSource {
  return new BoundedSource(bytes, name);
}

async function parse(fixture: GgufFixture): Promise<GgufHeader> {
  return parseGgufHeader(source(fixture.bytes, fixture.name));
}

/** Counts every byte a parse reads, and where. */
class CountingSource implements ByteSource {
  readonly reads: [number, number][] = [];
  constructor(readonly inner: ByteSource) {}
  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return this.inner.read(offset, length, signal);
  }
  get total(): number {
    return this.reads.reduce((n, [, length]) => n + length, 0);
  }
}

const fixtures = (): GgufFixture[] => [
  tinyLlamaGguf(),
  tinyLlamaGguf({ version: 2 }),
  tinyLlamaGguf({ littleEndian: false }),
  ...tinyLlamaSplit(),
  tinyLoraGguf(),
  largeTokenizerGguf(64 * 1024),
  { name: 'every-type.gguf', bytes: writeGguf({ metadata: everyValueType() }) },
];

/** One key per value type, plus nested arrays. */
function everyValueType(): WriterEntry[] {
  return [
    { key: 't.uint8', type: 'uint8', value: 255 },
    { key: 't.int8', type: 'int8', value: -128 },
    { key: 't.uint16', type: 'uint16', value: 65535 },
    { key: 't.int16', type: 'int16', value: -32768 },
    { key: 't.uint32', type: 'uint32', value: 4294967295 },
    { key: 't.int32', type: 'int32', value: -2147483648 },
    { key: 't.float32', type: 'float32', value: 0.5 },
    { key: 't.bool', type: 'bool', value: true },
    { key: 't.string', type: 'string', value: 'héllo ✓ 𝄞' },
    { key: 't.uint64', type: 'uint64', value: 2n ** 64n - 1n },
    { key: 't.int64', type: 'int64', value: -(2n ** 63n) },
    { key: 't.float64', type: 'float64', value: Math.PI },
    kv.arr('t.array.bool', 'bool', [true, false]),
    kv.arr('t.array.empty', 'uint8', []),
    { key: 't.array.nested', type: 'array', elementType: 'array', nested: ['int32'], value: [[1, 2], [], [-3]] },
  ];
}

describe('parseGgufHeader', () => {
  it.each(fixtures().map((f) => [f.name, f] as const))('matches @huggingface/gguf on %s', async (_name, fixture) => {
    const header = await parse(fixture);
    const reference = await referenceGguf(fixture.bytes, fixture.name);
    const { version, tensor_count, kv_count, ...referenceMetadata } = reference.metadata as unknown as Record<string, GgufValue>;
    expect(version).toBe(header.version);
    expect(tensor_count).toBe(BigInt(header.tensors.length));
    expect(kv_count).toBe(BigInt(header.metadata.length));
    expect(Object.fromEntries(header.metadata.map((e) => [e.key, e.value]))).toEqual(referenceMetadata);
    expect(header.tensors.map((t) => ({ name: t.name, n_dims: t.dims.length, shape: t.dims.map(BigInt), dtype: t.typeId, offset: BigInt(t.offset) }))).toEqual(
      reference.tensorInfos,
    );
    expect(header.parameterCount).toBe(reference.parameterCount);
    expect(header.littleEndian).toBe(reference.littleEndian);
    if (header.tensors.length > 0) expect(BigInt(header.dataStart)).toBe(reference.tensorDataOffset);
    expect(header.tensorInfoRange).toEqual(reference.tensorInfoByteRange);
  });

  it('reads every value type exactly', async () => {
    const header = await parse({ name: 'every-type.gguf', bytes: writeGguf({ metadata: everyValueType() }) });
    const values = Object.fromEntries(header.metadata.map((e) => [e.key, e.value]));
    expect(values).toEqual({
      't.uint8': 255,
      't.int8': -128,
      't.uint16': 65535,
      't.int16': -32768,
      't.uint32': 4294967295,
      't.int32': -2147483648,
      't.float32': 0.5,
      't.bool': true,
      't.string': 'héllo ✓ 𝄞',
      't.uint64': 2n ** 64n - 1n,
      't.int64': -(2n ** 63n),
      't.float64': Math.PI,
      't.array.bool': [true, false],
      't.array.empty': [],
      't.array.nested': [[1, 2], [], [-3]],
    });
    const nested = header.metadata.find((e) => e.key === 't.array.nested')!;
    expect(nested.type).toBe('array');
    expect(nested.elementType).toBe('array');
    // type (4) + count (8) + three inner arrays of 12 bytes each + three int32s.
    expect(nested.byteLength).toBe(12 + 3 * 12 + 3 * 4);
  });

  it('reads a big-endian file as the same model as the little-endian one', async () => {
    const little = await parse(tinyLlamaGguf());
    const big = await parse(tinyLlamaGguf({ littleEndian: false }));
    expect(big.littleEndian).toBe(false);
    expect(little.littleEndian).toBe(true);
    expect(big.metadata).toEqual(little.metadata);
    expect(big.tensors).toEqual(little.tensors);
  });

  it('gives ggml dims innermost first and the PyTorch shape outermost first', async () => {
    const header = await parse(tinyLlamaGguf());
    const embedding = header.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(embedding.dims).toEqual([64, 256]);
    expect(embedding.shape).toEqual([256, 64]);
    expect(embedding.type).toBe('Q8_0');
    // 256 rows of 64 Q8_0 elements: 2 blocks of 34 bytes each.
    expect(embedding.byteLength).toBe(256 * 2 * 34);
    for (const tensor of header.tensors) expect((tensor.byteOffset - header.dataStart) % 32).toBe(0);
  });

  it('reads only the header of a file with a 150k-token tokenizer, never its tensor data', async () => {
    const fixture = largeTokenizerGguf(16 * 1024 * 1024);
    const counting = new CountingSource(source(fixture.bytes, fixture.name));
    const header = await parseGgufHeader(counting);
    expect(header.metadata.find((e) => e.key === 'tokenizer.ggml.tokens')!.value).toHaveLength(LARGE_VOCABULARY);
    expect(header.dataStart).toBeGreaterThan(5_000_000);
    // No byte is read twice, and reading stops within one chunk of the header's end.
    const sorted = counting.reads.slice(1).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBe(sorted[i - 1]![0] + sorted[i - 1]![1]);
    expect(counting.total).toBe(header.bytesRead);
    expect(counting.total).toBeLessThanOrEqual(header.dataStart + MAX_CHUNK_BYTES);
    const lastByteRead = Math.max(...counting.reads.map(([offset, length]) => offset + length));
    expect(lastByteRead).toBeLessThan(fixture.bytes.length - 8 * 1024 * 1024);
  });

  it('reads a small file in one chunk', async () => {
    const fixture = tinyLlamaGguf();
    const counting = new CountingSource(source(fixture.bytes, fixture.name));
    await parseGgufHeader(counting);
    expect(counting.reads).toHaveLength(2);
    expect(counting.total).toBeLessThanOrEqual(fixture.bytes.length + 8);
  });
});

/** The minimal valid file the hostile cases break one field of. */
function base(overrides: Partial<GgufSpec> = {}): GgufSpec {
  return {
    metadata: [kv.str('general.architecture', 'llama'), kv.u32('general.alignment', 32)],
    tensors: [
      { name: 'a.weight', type: 'F32', dims: [8, 2] },
      { name: 'b.weight', type: 'Q8_0', dims: [32] },
    ],
    ...overrides,
  };
}

const tensor = (overrides: Partial<WriterTensor>): WriterTensor => ({ name: 'x.weight', type: 'F32', dims: [8], ...overrides });
const bad = new Uint8Array([0x61, 0xff, 0xfe]);

/** Each hostile header: the bytes, and the field its FormatError must name. */
const HOSTILE: [string, () => Uint8Array, string | RegExp][] = [
  ['bad magic', () => writeGguf(base({ magic: new TextEncoder().encode('GGML') })), 'magic'],
  ['unknown version 4', () => writeGguf(base({ version: 4 })), 'version'],
  ['version 1', () => writeGguf(base({ version: 1 })), 'version'],
  ['unknown big-endian version', () => writeGguf(base({ version: 7, littleEndian: false })), 'version'],
  ['a tensor count of 2^62', () => writeGguf(base({ tensorCount: 2n ** 62n })), 'tensor_count'],
  ['a metadata count of 2^62', () => writeGguf(base({ metadataCount: 2n ** 62n })), 'metadata_kv_count'],
  ['a tensor count the file cannot hold', () => writeGguf(base({ tensorCount: 100_000n })), 'tensor_count'],
  ['a string length of 2^40', () => writeGguf(base({ metadata: [{ key: 'k', type: 'string', raw: (w) => w.u64(2n ** 40n) }] })), 'metadata["k"]'],
  ['a string length past the end', () => writeGguf(base({ metadata: [{ key: 'k', type: 'string', raw: (w) => w.u64(1_000_000) }] })), 'metadata["k"]'],
  ['an array length of 2^40', () => writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw: (w) => w.u32(0).u64(2n ** 40n) }] })), 'metadata["k"]'],
  ['an array length past the end', () => writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw: (w) => w.u32(10).u64(500_000) }] })), 'metadata["k"]'],
  [
    'arrays nested too deep',
    () => {
      // MAX_ARRAY_NESTING + 1 levels of one-element arrays.
      const raw = (w: Parameters<NonNullable<WriterEntry['raw']>>[0]): void => {
        for (let level = 0; level < MAX_ARRAY_NESTING + 1; level++) w.u32(9).u64(1);
        w.u32(0).u64(0);
      };
      return writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw }] }));
    },
    /^metadata\["k"\](\[0\])+$/,
  ],
  ['an unknown value type', () => writeGguf(base({ metadata: [{ key: 'k', type: 13, raw: (w) => w.u8(0) }] })), 'metadata["k"].type'],
  ['an unknown array element type', () => writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw: (w) => w.u32(99).u64(1) }] })), 'metadata["k"].type'],
  ['a bool that is 2', () => writeGguf(base({ metadata: [{ key: 'k', type: 'bool', raw: (w) => w.u8(2) }] })), 'metadata["k"]'],
  [
    'a bool array holding 2',
    () => writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw: (w) => w.u32(7).u64(3).u8(1).u8(0).u8(2) }] })),
    'metadata["k"][2]',
  ],
  ['duplicate keys', () => writeGguf(base({ metadata: [kv.u32('k', 1), kv.u32('k', 2)] })), 'metadata["k"]'],
  ['an empty key', () => writeGguf(base({ metadata: [kv.u32('', 1)] })), 'metadata[0].key'],
  ['a key that is not UTF-8', () => writeGguf(base({ metadata: [{ key: bad, type: 'uint8', value: 1 }] })), 'metadata[0].key'],
  ['a string value that is not UTF-8', () => writeGguf(base({ metadata: [{ key: 'k', type: 'string', raw: (w) => w.str(bad) }] })), 'metadata["k"]'],
  [
    'a token that is not UTF-8',
    () => writeGguf(base({ metadata: [{ key: 'k', type: 'array', raw: (w) => w.u32(8).u64(2).str('ok').str(bad) }] })),
    'metadata["k"][1]',
  ],
  ['a tensor name that is not UTF-8', () => writeGguf(base({ tensors: [tensor({ name: bad })] })), 'tensors[0].name'],
  ['a tensor name over 64 bytes', () => writeGguf(base({ tensors: [tensor({ name: 'n'.repeat(65) })] })), 'tensors[0].name'],
  ['an unknown ggml type', () => writeGguf(base({ tensors: [tensor({ type: 99 })] })), 'tensors["x.weight"].type'],
  ['a removed ggml type (Q4_2)', () => writeGguf(base({ tensors: [tensor({ type: 4 })] })), 'tensors["x.weight"].type'],
  ['duplicate tensor names', () => writeGguf(base({ tensors: [tensor({}), tensor({})] })), 'tensors["x.weight"]'],
  [`more than ${MAX_DIMS} dims`, () => writeGguf(base({ tensors: [tensor({ dims: [8, 1, 1, 1, 1] })] })), 'tensors["x.weight"].n_dims'],
  ['a dim above 2^32', () => writeGguf(base({ tensors: [tensor({ dims: [8, 2n ** 33n], data: new Uint8Array(0) })] })), 'tensors["x.weight"].dims[1]'],
  [
    'dims whose product overflows',
    () => writeGguf(base({ tensors: [tensor({ dims: [2 ** 31, 2 ** 31, 2 ** 31], data: new Uint8Array(0) })] })),
    'tensors["x.weight"].dims',
  ],
  ['a row not a multiple of the block size', () => writeGguf(base({ tensors: [tensor({ type: 'Q8_0', dims: [33, 2] })] })), 'tensors["x.weight"].dims[0]'],
  ['alignment 0', () => writeGguf(base({ metadata: [kv.u32('general.alignment', 0)] })), 'metadata["general.alignment"]'],
  ['alignment not a multiple of 8', () => writeGguf(base({ metadata: [kv.u32('general.alignment', 12)], alignment: 12 })), 'metadata["general.alignment"]'],
  ['alignment of the wrong type', () => writeGguf(base({ metadata: [kv.u64('general.alignment', 32n)] })), 'metadata["general.alignment"]'],
  ['an unaligned offset', () => writeGguf(base({ tensors: [tensor({ offset: 16 })] })), 'tensors["x.weight"].offset'],
  ['an offset past the end', () => writeGguf(base({ tensors: [tensor({ offset: 2n ** 40n })] })), 'tensors["x.weight"].offset'],
  ['an offset of 2^64 - 32', () => writeGguf(base({ tensors: [tensor({ offset: 2n ** 64n - 32n })] })), 'tensors["x.weight"].offset'],
  ['overlapping tensors', () => writeGguf(base({ tensors: [tensor({ name: 'a', dims: [16] }), tensor({ name: 'b', offset: 32 })] })), 'tensors["b"].offset'],
  ['a parameter count beyond the file', () => writeGguf(base({ tensors: [tensor({ dims: [2 ** 26, 2 ** 26], data: new Uint8Array(0) })] })), 'tensors'],
];

describe('hostile GGUF headers', () => {
  it.each(HOSTILE)('%s gives a FormatError naming the file and field', async (_name, build, field) => {
    const error = await parseGgufHeader(source(build(), 'hostile.gguf')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    const formatError = error as FormatError;
    expect(formatError.file).toBe('hostile.gguf');
    if (typeof field === 'string') expect(formatError.field).toBe(field);
    else expect(formatError.field).toMatch(field);
  });

  it('refuses a file truncated inside the metadata, naming the field', async () => {
    const { bytes } = tinyLlamaGguf();
    // Cut 200 bytes into the token list, which is longer than that.
    const key = Buffer.from(bytes).indexOf('tokenizer.ggml.tokens');
    const cut = bytes.slice(0, key + 200);
    const header = await parseGgufHeader(source(bytes));
    expect(header.metadata.find((e) => e.key === 'tokenizer.ggml.tokens')!.byteLength).toBeGreaterThan(200);
    await expect(parseGgufHeader(source(cut, 'cut.gguf'))).rejects.toMatchObject({
      file: 'cut.gguf',
      field: expect.stringMatching(/^metadata\["tokenizer\.ggml\.tokens"\]/),
    });
  });

  it('refuses a file truncated inside the data, naming the tensor', async () => {
    const { bytes } = tinyLlamaGguf();
    const cut = bytes.slice(0, bytes.length - 10);
    await expect(parseGgufHeader(source(cut, 'cut.gguf'))).rejects.toMatchObject({
      file: 'cut.gguf',
      field: 'tensors["output.weight"]',
      message: expect.stringContaining('past the end'),
    });
  });

  it('says a big-endian file with a bad version was read as big-endian', async () => {
    await expect(parseGgufHeader(source(writeGguf(base({ version: 7, littleEndian: false }))))).rejects.toThrow(/version 7 \(read as big-endian\)/);
  });

  it('accepts every valid base case', async () => {
    const header = await parseGgufHeader(source(writeGguf(base())));
    expect(header.tensors.map((t) => t.name)).toEqual(['a.weight', 'b.weight']);
  });
});
