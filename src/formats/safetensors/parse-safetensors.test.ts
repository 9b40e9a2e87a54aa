import { describe, it, expect } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { DTYPES } from '../../model/dtype';
import { CancelledError, FormatError } from '../../model/errors';
import { buildSafetensors, layoutTensors } from '../../../test/builders/build-safetensors';
import { MAX_HEADER_LENGTH, MAX_NAME_LENGTH, MAX_TENSORS, parseSafetensors, SAFETENSORS_DTYPES } from './parse-safetensors';

const NAME = 'model.safetensors';

function sourceOf(bytes: Uint8Array<ArrayBuffer>, name = NAME): FileByteSource {
  return new FileByteSource(new Blob([bytes]), name);
}

function parse(bytes: Uint8Array<ArrayBuffer>) {
  return parseSafetensors(sourceOf(bytes));
}

async function expectFormatError(bytes: Uint8Array<ArrayBuffer>, field: string | RegExp, message?: RegExp): Promise<FormatError> {
  const error: unknown = await parse(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  const formatError = error as FormatError;
  expect(formatError.file).toBe(NAME);
  if (typeof field === 'string') expect(formatError.field).toBe(field);
  else expect(formatError.field).toMatch(field);
  if (message) expect(formatError.message).toMatch(message);
  return formatError;
}

/** One F32 tensor `a` of shape [n] with matching offsets. */
function f32(n: number, start = 0): { dtype: string; shape: number[]; data_offsets: number[] } {
  return { dtype: 'F32', shape: [n], data_offsets: [start, start + 4 * n] };
}

/** A file whose u64 header length is `length`, followed by `rest` bytes. */
function withLength(length: bigint, rest: number[] | Uint8Array = []): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(8 + rest.length);
  new DataView(out.buffer).setBigUint64(0, length, true);
  out.set(rest, 8);
  return out;
}

const ascii = (text: string) => [...new TextEncoder().encode(text)];

describe('parseSafetensors: header length', () => {
  it('rejects a file shorter than the 8-byte length', async () => {
    await expectFormatError(new Uint8Array([1, 0, 0]), 'header length', /too short/);
  });

  it('rejects lengths below 2', async () => {
    await expectFormatError(withLength(0n, ascii('{}')), 'header length', /too small/);
    await expectFormatError(withLength(1n, ascii('{}')), 'header length', /too small/);
  });

  it('rejects lengths above MAX_HEADER_LENGTH', async () => {
    await expectFormatError(withLength(BigInt(MAX_HEADER_LENGTH + 1), ascii('{}')), 'header length', /larger than/);
  });

  it('compares u64 lengths above 2^53 exactly', async () => {
    // 2^53 + 1 rounds to 2^53 as a double; the message must show the exact value.
    await expectFormatError(withLength(2n ** 53n + 1n, ascii('{}')), 'header length', /9007199254740993 bytes/);
    await expectFormatError(withLength(2n ** 64n - 1n, ascii('{}')), 'header length', /18446744073709551615 bytes/);
  });

  it('rejects a length running past the end of the file', async () => {
    await expectFormatError(buildSafetensors('{}', 0, { headerLength: 3n }), 'header length', /past the end/);
  });
});

describe('parseSafetensors: header text', () => {
  it('rejects invalid UTF-8', async () => {
    await expectFormatError(buildSafetensors(new Uint8Array([0x7b, 0xff, 0x7d])), 'header', /UTF-8/);
    // An encoded surrogate (CESU-style) is not valid UTF-8 either.
    await expectFormatError(buildSafetensors(new Uint8Array([0x7b, 0xed, 0xa0, 0x80, 0x7d])), 'header', /UTF-8/);
  });

  it('rejects a header that does not start with {', async () => {
    await expectFormatError(buildSafetensors('[]'), 'header', /start with/);
    await expectFormatError(buildSafetensors(' {}'), 'header', /start with/);
    await expectFormatError(buildSafetensors('\ufeff{}'), 'header', /start with/);
    await expectFormatError(buildSafetensors('"x"'), 'header', /start with/);
  });

  it('rejects text that is not JSON', async () => {
    await expectFormatError(buildSafetensors('{nope}'), 'header', /invalid JSON/);
    await expectFormatError(buildSafetensors('{"a":}'), 'tensors["a"]', /invalid JSON/);
    await expectFormatError(buildSafetensors('{}x'), 'header', /after the JSON value/);
    await expectFormatError(buildSafetensors('{}\0'), 'header', /after the JSON value/);
    await expectFormatError(buildSafetensors('{"a":{"dtype":"F32",}}'), 'tensors["a"]', /string key/);
    await expectFormatError(buildSafetensors('{"a\\x":1}'), 'header', /escape/);
    await expectFormatError(buildSafetensors('{"\\ud800":1}'), 'header', /surrogate/);
    await expectFormatError(buildSafetensors('{"a":{"shape":[1e999]}}'), 'tensors["a"].shape[0]', /expected an integer/);
  });

  it('rejects duplicate keys at every level', async () => {
    const entry = JSON.stringify(f32(1));
    await expectFormatError(buildSafetensors(`{"a":${entry},"a":${entry}}`, 4), 'tensors["a"]', /duplicate key/);
    await expectFormatError(buildSafetensors('{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}', 4), 'tensors["a"].dtype', /duplicate key/);
    await expectFormatError(buildSafetensors('{"__metadata__":{"k":"1","k":"2"}}'), '__metadata__["k"]', /duplicate key/);
    await expectFormatError(buildSafetensors('{"__metadata__":{},"__metadata__":{}}'), '__metadata__', /duplicate key/);
  });

  it('rejects nesting deeper than MAX_SAFETENSORS_JSON_DEPTH', async () => {
    const deep = '['.repeat(20) + ']'.repeat(20);
    await expectFormatError(buildSafetensors(`{"a":{"shape":${deep}}}`), /^tensors\["a"\]\.shape(\[0\])+$/, /nested deeper than 8/);
    // Hostile nesting fails fast instead of overflowing the stack.
    const hostile = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    await expectFormatError(buildSafetensors(`{"a":${hostile}}`), /^tensors\["a"\]/, /nested deeper/);
  });
});

describe('parseSafetensors: __metadata__', () => {
  it('must be an object of strings', async () => {
    await expectFormatError(buildSafetensors({ __metadata__: 'x' }), '__metadata__', /object of strings/);
    await expectFormatError(buildSafetensors({ __metadata__: ['x'] }), '__metadata__', /object of strings/);
    await expectFormatError(buildSafetensors({ __metadata__: { k: 1 } }), '__metadata__["k"]', /must be a string/);
    await expectFormatError(buildSafetensors({ __metadata__: { k: { nested: 'x' } } }), '__metadata__["k"]', /must be a string/);
  });

  it('accepts null as no metadata, as the reference (an Option) does', async () => {
    const header = await parse(buildSafetensors({ __metadata__: null }));
    expect(header.metadata).toBeUndefined();
    expect(header.tensors).toEqual([]);
  });

  it('keeps a __proto__ key as a plain key', async () => {
    const header = await parse(buildSafetensors('{"__metadata__":{"__proto__":"x","format":"pt"}}'));
    expect(Object.getPrototypeOf(header.metadata)).toBe(Object.prototype);
    expect(Object.keys(header.metadata ?? {})).toEqual(['__proto__', 'format']);
    expect(header.metadata?.['format']).toBe('pt');
  });
});

describe('parseSafetensors: tensor entries', () => {
  it('rejects an entry that is not an object', async () => {
    await expectFormatError(buildSafetensors({ a: [1] }), 'tensors["a"]', /must be an object/);
    await expectFormatError(buildSafetensors({ a: 'F32' }), 'tensors["a"]', /must be an object/);
  });

  it('rejects a missing dtype, shape or data_offsets', async () => {
    await expectFormatError(buildSafetensors({ a: { shape: [1], data_offsets: [0, 4] } }, 4), 'tensors["a"].dtype', /missing/);
    await expectFormatError(buildSafetensors({ a: { dtype: 'F32', data_offsets: [0, 4] } }, 4), 'tensors["a"].shape', /missing/);
    await expectFormatError(buildSafetensors({ a: { dtype: 'F32', shape: [1] } }, 4), 'tensors["a"].data_offsets', /missing/);
  });

  it('rejects extra fields', async () => {
    await expectFormatError(buildSafetensors({ a: { ...f32(1), offsets: [0, 4] } }, 4), 'tensors["a"].offsets', /unknown field/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), 'x y': 1 } }, 4), 'tensors["a"]["x y"]', /unknown field/);
  });

  it('rejects wrong types', async () => {
    await expectFormatError(buildSafetensors({ a: { ...f32(1), dtype: 32 } }, 4), 'tensors["a"].dtype', /must be a string/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), shape: 1 } }, 4), 'tensors["a"].shape', /must be an array/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), shape: ['1'] } }, 4), 'tensors["a"].shape[0]', /non-negative integer/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), data_offsets: '0,4' } }, 4), 'tensors["a"].data_offsets', /two integers/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), data_offsets: [0] } }, 4), 'tensors["a"].data_offsets', /two integers/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), data_offsets: [0, 4, 8] } }, 4), 'tensors["a"].data_offsets', /two integers/);
    await expectFormatError(buildSafetensors({ a: { ...f32(1), data_offsets: [null, 4] } }, 4), 'tensors["a"].data_offsets[0]', /non-negative integer/);
  });

  it('rejects unknown dtypes, including Loupe-internal ones', async () => {
    for (const dtype of ['F128', 'f32', 'U4', 'I4', 'STRING', 'C128', '']) {
      await expectFormatError(buildSafetensors({ a: { dtype, shape: [2], data_offsets: [0, 1] } }, 1), 'tensors["a"].dtype', /unknown dtype/);
    }
  });

  it('rejects dims that are not non-negative safe integers', async () => {
    const shaped = (shape: string) => buildSafetensors(`{"a":{"dtype":"U8","shape":${shape},"data_offsets":[0,1]}}`, 1);
    await expectFormatError(shaped('[-1]'), 'tensors["a"].shape[0]', /found -1/);
    // serde reads dims as usize, which refuses floats even when whole.
    await expectFormatError(shaped('[1.0]'), 'tensors["a"].shape[0]', /expected an integer, found 1.0/);
    await expectFormatError(shaped('[1e0]'), 'tensors["a"].shape[0]', /expected an integer, found 1e0/);
    // -0 is an integer literal, read as 0.
    const zero = await parse(buildSafetensors('{"a":{"dtype":"U8","shape":[-0],"data_offsets":[0,-0]}}'));
    expect(Object.is(zero.tensors[0]?.shape[0], 0)).toBe(true);
    await expectFormatError(shaped('[1, 9007199254740992]'), 'tensors["a"].shape[1]', /larger than 2\^53/);
    await expectFormatError(shaped('[18446744073709551617]'), 'tensors["a"].shape[0]', /18446744073709551617 is larger/);
    await expectFormatError(shaped('[true]'), 'tensors["a"].shape[0]', /non-negative integer/);
  });

  it('rejects offsets that are not non-negative safe integers', async () => {
    const offsets = (text: string) => buildSafetensors(`{"a":{"dtype":"U8","shape":[1],"data_offsets":${text}}}`, 1);
    await expectFormatError(offsets('[-1, 0]'), 'tensors["a"].data_offsets[0]', /non-negative/);
    await expectFormatError(offsets('[0, 1.0]'), 'tensors["a"].data_offsets[1]', /expected an integer/);
    await expectFormatError(offsets('[0, 9007199254740993]'), 'tensors["a"].data_offsets[1]', /9007199254740993 is larger than 2\^53/);
  });

  it('bounds the tensor count', async () => {
    const entries: string[] = [];
    for (let i = 0; i <= MAX_TENSORS; i++) entries.push(`"t${i}":0`);
    await expectFormatError(buildSafetensors(`{${entries.join(',')}}`), 'header', /more than the 1000000 limit/);
  });

  it('bounds the name length', async () => {
    const name = 'n'.repeat(MAX_NAME_LENGTH + 1);
    await expectFormatError(buildSafetensors({ [name]: f32(1) }, 4), /^tensors\["n{200}…"\]$/, /longer than 65536/);
    const ok = 'n'.repeat(MAX_NAME_LENGTH);
    expect((await parse(buildSafetensors({ [ok]: f32(1) }, 4))).tensors[0]?.name).toBe(ok);
  });
});

describe('parseSafetensors: sizes', () => {
  it('rejects a byte length that does not match shape and dtype', async () => {
    await expectFormatError(
      buildSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4),
      'tensors["a"].data_offsets',
      /spans 4 bytes.*needs 8/,
    );
    await expectFormatError(buildSafetensors({ a: { dtype: 'BF16', shape: [2, 3], data_offsets: [0, 6] } }, 6), 'tensors["a"].data_offsets', /needs 12/);
    await expectFormatError(buildSafetensors({ a: { dtype: 'U8', shape: [], data_offsets: [0, 0] } }), 'tensors["a"].data_offsets', /needs 1/);
  });

  it('rejects sub-byte tensors that do not fill whole bytes', async () => {
    await expectFormatError(buildSafetensors({ a: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, 2), 'tensors["a"].shape', /do not fill whole bytes/);
    await expectFormatError(
      buildSafetensors({ a: { dtype: 'F6_E2M3', shape: [2], data_offsets: [0, 2] } }, 2),
      'tensors["a"].shape',
      /do not fill whole bytes/,
    );
    await expectFormatError(
      buildSafetensors({ a: { dtype: 'F6_E3M2', shape: [1, 6], data_offsets: [0, 5] } }, 5),
      'tensors["a"].shape',
      /do not fill whole bytes/,
    );
  });

  it('computes element counts with checked arithmetic', async () => {
    // 2^30 * 2^30 * 2^30 overflows a double's exact range; the check must not be fooled by rounding.
    const big = 2 ** 30;
    await expectFormatError(buildSafetensors({ a: { dtype: 'U8', shape: [big, big, big], data_offsets: [0, 1] } }, 1), 'tensors["a"].shape', /more than 2\^53/);
    // 2^52 F64 elements are 2^55 bytes: counted exactly past 2^53, and reported as such.
    await expectFormatError(
      buildSafetensors({ a: { dtype: 'F64', shape: [2 ** 52], data_offsets: [0, 8] } }, 8),
      'tensors["a"].data_offsets',
      /needs 36028797018963968$/,
    );
    await expectFormatError(
      buildSafetensors({ a: { dtype: 'F6_E2M3', shape: [2 ** 51 + 1], data_offsets: [0, 8] } }, 8),
      'tensors["a"].shape',
      /do not fill whole bytes/,
    );
    // A zero dim makes any other dims empty, as in the reference.
    const header = await parse(buildSafetensors({ a: { dtype: 'F64', shape: [big, 0, big], data_offsets: [0, 0] } }));
    expect(header.tensors[0]?.elements).toBe(0);
  });
});

describe('parseSafetensors: offsets', () => {
  it('requires the first tensor to start at 0', async () => {
    await expectFormatError(buildSafetensors({ a: f32(1, 4) }, 8), 'tensors["a"].data_offsets', /must begin at 0/);
  });

  it('rejects gaps between tensors', async () => {
    await expectFormatError(buildSafetensors({ a: f32(1, 0), b: f32(1, 8) }, 12), 'tensors["b"].data_offsets', /gap.*previous ends at 4/);
  });

  it('rejects overlapping tensors', async () => {
    await expectFormatError(buildSafetensors({ a: f32(2, 0), b: f32(2, 4) }, 12), 'tensors["b"].data_offsets', /overlaps/);
    // Two tensors over the same bytes.
    await expectFormatError(buildSafetensors({ a: f32(1, 0), b: f32(1, 0) }, 4), /^tensors\["[ab]"\]\.data_offsets$/, /overlaps/);
  });

  it('rejects backwards offsets', async () => {
    await expectFormatError(buildSafetensors({ a: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, 4), 'tensors["a"].data_offsets', /before begin/);
  });

  it('rejects data ending before or after the end of the file', async () => {
    await expectFormatError(buildSafetensors({ a: f32(2) }, 4), 'tensors["a"].data_offsets', /past the 4 data bytes/);
    await expectFormatError(buildSafetensors({ a: f32(1) }, 5), 'data', /1 trailing bytes/);
    await expectFormatError(buildSafetensors({ __metadata__: { k: 'v' } }, 3), 'data', /3 trailing bytes/);
  });

  it('sorts by offset, whatever the header order', async () => {
    const header = await parse(buildSafetensors({ c: f32(1, 8), a: f32(1, 4), b: f32(1, 0) }, 12));
    expect(header.tensors.map((t) => t.name)).toEqual(['b', 'a', 'c']);
  });
});

describe('parseSafetensors: valid files', () => {
  it('reads every safetensors dtype', async () => {
    const specs = [...SAFETENSORS_DTYPES].map((dtype) => ({ name: `t.${dtype}`, dtype, shape: [2, 4] }));
    const { header, dataLength } = layoutTensors(specs);
    const file = buildSafetensors(header, dataLength);
    const parsed = await parse(file);
    const n = file.length - 8 - dataLength;
    expect(parsed.headerLength).toBe(n);
    expect(parsed.tensors).toHaveLength(SAFETENSORS_DTYPES.size);
    let offset = 8 + n;
    for (const [i, tensor] of parsed.tensors.entries()) {
      const dtype = specs[i]!.dtype;
      expect(tensor).toEqual({ name: `t.${dtype}`, dtype, shape: [2, 4], elements: 8, file: NAME, byteOffset: offset, byteLength: DTYPES[dtype].bits });
      offset += tensor.byteLength;
    }
    expect(offset).toBe(file.length);
  });

  it('accepts unaligned offsets', async () => {
    const header = await parse(
      buildSafetensors({ a: { dtype: 'U8', shape: [3], data_offsets: [0, 3] }, b: f32(1, 3), c: { dtype: 'F64', shape: [1], data_offsets: [7, 15] } }, 15),
    );
    expect(header.tensors.map((t) => t.byteOffset - 8 - header.headerLength)).toEqual([0, 3, 7]);
  });

  it('accepts empty tensors, several at one offset, and rank-0 scalars', async () => {
    const header = await parse(
      buildSafetensors(
        {
          e1: { dtype: 'F32', shape: [0], data_offsets: [0, 0] },
          e2: { dtype: 'BF16', shape: [3, 0, 2], data_offsets: [0, 0] },
          s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
          e3: { dtype: 'F4', shape: [0], data_offsets: [4, 4] },
        },
        4,
      ),
    );
    expect(header.tensors.map((t) => [t.name, t.elements, t.byteLength])).toEqual([
      ['e1', 0, 0],
      ['e2', 0, 0],
      ['s', 1, 4],
      ['e3', 0, 0],
    ]);
    expect(header.tensors[2]?.shape).toEqual([]);
  });

  it('accepts a file with only metadata, or nothing at all', async () => {
    const meta = await parse(buildSafetensors({ __metadata__: { format: 'pt' } }));
    expect(meta).toEqual({ headerLength: '{"__metadata__":{"format":"pt"}}'.length, metadata: { format: 'pt' }, tensors: [] });
    const empty = await parse(buildSafetensors('{}'));
    expect(empty).toEqual({ headerLength: 2, tensors: [] });
  });

  it('accepts the space padding writers add, and JSON whitespace inside', async () => {
    const file = buildSafetensors('{ "a" : {"dtype":"U8",\n"shape":[ 1 ],\t"data_offsets":[0,1]}\r}', 1, { padding: 5 });
    const header = await parse(file);
    expect(header.headerLength).toBe(file.length - 9);
    expect(header.tensors[0]?.byteOffset).toBe(file.length - 1);
  });

  it('decodes escaped and non-ASCII names, and __proto__ as a name', async () => {
    const header = await parse(
      buildSafetensors(
        '{"caf\\u00e9.\\ud83d\\ude00\\n":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"ж":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}',
        3,
      ),
    );
    expect(header.tensors.map((t) => t.name)).toEqual(['café.😀\n', '__proto__', 'ж']);
  });

  it('parses a 100,000-tensor header in two reads (timed in npm run bench)', async () => {
    const specs = Array.from({ length: 100_000 }, (_, i) => ({ name: `model.layers.${i}.mlp.weight`, dtype: 'BF16' as const, shape: [4, 2] }));
    const { header, dataLength } = layoutTensors(specs, { format: 'pt' });
    const file = buildSafetensors(header, dataLength);
    const inner = sourceOf(file);
    const reads: [number, number][] = [];
    const parsed = await parseSafetensors({
      name: inner.name,
      size: inner.size,
      read: (offset, length, signal) => (reads.push([offset, length]), inner.read(offset, length, signal)),
    });
    expect(parsed.tensors).toHaveLength(100_000);
    expect(parsed.tensors[99_999]?.name).toBe('model.layers.99999.mlp.weight');
    // The length, then the header once: no tensor data, no second pass.
    expect(reads).toEqual([
      [0, 8],
      [8, parsed.headerLength],
    ]);
  });

  it('reads only the length and the header, never tensor data', async () => {
    const { header, dataLength } = layoutTensors([
      { name: 'a', dtype: 'F32', shape: [1024, 256] },
      { name: 'b', dtype: 'F16', shape: [77] },
    ]);
    const file = buildSafetensors(header, dataLength);
    const inner = sourceOf(file);
    const reads: [number, number][] = [];
    const recording: ByteSource = {
      name: inner.name,
      size: inner.size,
      read(offset, length, signal) {
        reads.push([offset, length]);
        return inner.read(offset, length, signal);
      },
    };
    const parsed = await parseSafetensors(recording);
    expect(reads).toEqual([
      [0, 8],
      [8, parsed.headerLength],
    ]);
  });

  it('rejects with CancelledError when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parseSafetensors(sourceOf(buildSafetensors('{}')), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
