import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../model/errors';
import { compareTensors } from './compare';
import { createSession, describeSession, runSession, type OrtApi } from './engine';
import { matchTensorFiles } from './match-files';
import { decodeTensorProto, onnxDataType } from './tensor-proto';
import type { NamedTensor, TensorDType } from './tensor';

const TESTDATA = '/usr/share/libonnx-testdata/data';
const FOLDERS = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];
const SEQUENCE = join(TESTDATA, 'node/test_sequence_insert_at_back/test_data_set_0/input_0.pb');
const OPTIONAL = join(TESTDATA, 'node/test_optional_get_element_sequence/test_data_set_0/input_0.pb');
const OPTIONAL_TENSOR = join(TESTDATA, 'node/test_identity_opt/test_data_set_0/input_0.pb');

/** Encodes a TensorProto with onnx-proto (protobufjs), the reference encoder. */
function encode(fields: onnx.ITensorProto): Uint8Array {
  return onnx.TensorProto.encode(onnx.TensorProto.create(fields)).finish();
}

/** Hand-written protobuf, for the encodings protobufjs does not produce (unpacked repeated scalars). */
function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

describe('decodeTensorProto: typed fields (encoded by onnx-proto)', () => {
  const cases: { dtype: TensorDType; fields: onnx.ITensorProto; values: unknown[] }[] = [
    { dtype: 'float32', fields: { floatData: [1.5, -2, 3.25] }, values: [1.5, -2, 3.25] },
    { dtype: 'float64', fields: { doubleData: [1e300, -0.1] }, values: [1e300, -0.1] },
    { dtype: 'int8', fields: { int32Data: [-128, 0, 127] }, values: [-128, 0, 127] },
    { dtype: 'uint8', fields: { int32Data: [0, 200, 255] }, values: [0, 200, 255] },
    { dtype: 'int16', fields: { int32Data: [-32768, 32767] }, values: [-32768, 32767] },
    { dtype: 'uint16', fields: { int32Data: [0, 65535] }, values: [0, 65535] },
    { dtype: 'int32', fields: { int32Data: [-2147483648, 2147483647] }, values: [-2147483648, 2147483647] },
    { dtype: 'bool', fields: { int32Data: [1, 0, 1] }, values: [1, 0, 1] },
    { dtype: 'float16', fields: { int32Data: [0x3c00, 0xc000] }, values: [0x3c00, 0xc000] },
    { dtype: 'int64', fields: { int64Data: ['-9223372036854775808', '9007199254740993', '-1'] as never }, values: [-(2n ** 63n), 2n ** 53n + 1n, -1n] },
    { dtype: 'uint32', fields: { uint64Data: [0, 4294967295] }, values: [0, 4294967295] },
    { dtype: 'uint64', fields: { uint64Data: ['18446744073709551615', '1'] as never }, values: [2n ** 64n - 1n, 1n] },
    { dtype: 'string', fields: { stringData: [new TextEncoder().encode('héllo'), new Uint8Array()] }, values: ['héllo', ''] },
    // 4-bit types: two elements per byte, one byte per int32_data entry (low nibble first).
    { dtype: 'int4', fields: { int32Data: [0xf1, 0x08] }, values: [1, -1, -8] },
    { dtype: 'uint4', fields: { int32Data: [0xf1, 0x08] }, values: [1, 15, 8] },
  ];

  it.each(cases)('$dtype', ({ dtype, fields, values }) => {
    const bytes = encode({ name: 'x', dataType: onnxDataType(dtype), dims: [values.length], ...fields });
    const t = decodeTensorProto(bytes, 'x.pb');
    expect(t.name).toBe('x');
    expect(t.dtype).toBe(dtype);
    expect(t.dims).toEqual([values.length]);
    expect(Array.isArray(t.data) ? t.data : [...t.data]).toEqual(values);
  });

  it('reads raw_data, little-endian, for every type ORT takes', () => {
    const f = Float32Array.from([1, -2.5, NaN]);
    const t = decodeTensorProto(encode({ dataType: 1, dims: [3], rawData: new Uint8Array(f.buffer) }));
    expect([...t.data]).toEqual([1, -2.5, NaN]);
    const i = BigInt64Array.from([-5n, 2n ** 60n]);
    expect([...decodeTensorProto(encode({ dataType: 7, dims: [1, 2], rawData: new Uint8Array(i.buffer) })).data]).toEqual([-5n, 2n ** 60n]);
    expect([...decodeTensorProto(encode({ dataType: 9, dims: [2], rawData: Uint8Array.from([0, 7]) })).data]).toEqual([0, 1]);
    expect([...decodeTensorProto(encode({ dataType: 22, dims: [3], rawData: Uint8Array.from([0x8f, 0x07]) })).data]).toEqual([-1, -8, 7]);
  });

  it('reads scalars (no dims) and empty tensors', () => {
    expect(decodeTensorProto(encode({ dataType: 1, floatData: [4] }))).toMatchObject({ dims: [], data: Float32Array.from([4]) });
    expect(decodeTensorProto(encode({ dataType: 1, dims: [2, 0] }))).toMatchObject({ dims: [2, 0], data: new Float32Array(0) });
  });

  it('reads unpacked repeated fields as well as packed ones', () => {
    // dims 1 (unpacked varints) = 2, data_type 2 = INT64, int64_data 7 (unpacked) = -3, 4
    const bytes = Uint8Array.from([0x08, 2, 0x10, 7, 0x38, ...varint(-3n), 0x38, ...varint(4)]);
    const t = decodeTensorProto(bytes);
    expect(t.dims).toEqual([2]);
    expect([...t.data]).toEqual([-3n, 4n]);
  });

  it('refuses what it cannot feed, in words that name the file and the field', () => {
    expect(() => decodeTensorProto(encode({ dataType: 16, dims: [1], rawData: new Uint8Array(2) }), 'bf.pb')).toThrow(
      /bf\.pb: data_type: BFLOAT16 is not an element type/,
    );
    expect(() => decodeTensorProto(encode({ dataType: 1, dims: [4], floatData: [1, 2] }), 'short.pb')).toThrow(
      /short\.pb: data: the shape \[4\] needs 4 values of FLOAT, the file has 2/,
    );
    expect(() => decodeTensorProto(encode({ dataType: 1, dims: [4], rawData: new Uint8Array(8) }), 'raw.pb')).toThrow(FormatError);
    expect(() =>
      decodeTensorProto(
        encode({ dataType: 1, dims: [1], dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: 'w.bin' }] }),
        'ext.pb',
      ),
    ).toThrow(/ext\.pb: external_data/);
    expect(() => decodeTensorProto(Uint8Array.from([0x0a, 0x05, 0x61]), 'cut.pb')).toThrow(/cut\.pb/);
  });

  it('tells a SequenceProto or an OptionalProto from a TensorProto (conformance files)', () => {
    expect(() => decodeTensorProto(readFileSync(SEQUENCE), 'seq.pb')).toThrow(/seq\.pb: TensorProto: .*not a TensorProto/);
    expect(() => decodeTensorProto(readFileSync(OPTIONAL), 'opt.pb')).toThrow(/opt\.pb: TensorProto: .*not a TensorProto/);
    // An OptionalProto whose name reads as plausible dims and whose other fields read as a tensor's.
    expect(() => decodeTensorProto(readFileSync(OPTIONAL_TENSOR), 'opt.pb')).toThrow(
      /opt\.pb: TensorProto: its dims \[.*\] read as the text "opt_in", a name: .*not a TensorProto/,
    );
  });
});

function cases(): { name: string; dir: string; inputs: string[]; outputs: string[] }[] {
  return FOLDERS.flatMap((folder) => {
    const base = join(TESTDATA, folder);
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .sort()
      .flatMap((name) => {
        const set = join(base, name, 'test_data_set_0');
        if (!existsSync(join(base, name, 'model.onnx')) || !existsSync(set)) return [];
        const files = readdirSync(set).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
        return [
          {
            name: `${folder}/${name}`,
            dir: join(base, name),
            inputs: files.filter((f) => f.startsWith('input_')).map((f) => join(set, f)),
            outputs: files.filter((f) => f.startsWith('output_')).map((f) => join(set, f)),
          },
        ];
      });
  });
}

/**
 * The cases where onnxruntime-node, fed the decoded inputs, does not give the decoded expected outputs:
 * random operators and a few known ORT differences. A ratchet: any change, either way, fails until this
 * list is updated (a case fixed is taken off; a new mismatch is a decoder bug until shown otherwise).
 */
const KNOWN_MISMATCHES: string[] = [
  // Random: the expected values come from another generator.
  'node/test_bernoulli',
  'node/test_bernoulli_double',
  'node/test_bernoulli_double_expanded',
  'node/test_bernoulli_expanded',
  'node/test_bernoulli_seed',
  'node/test_bernoulli_seed_expanded',
  'node/test_training_dropout',
  'node/test_training_dropout_default',
  'node/test_training_dropout_default_mask',
  'node/test_training_dropout_mask',
  // Float to string: ORT prints floats with other digits than the suite.
  'node/test_cast_FLOAT_to_STRING',
  'node/test_castlike_FLOAT_to_STRING',
  'node/test_castlike_FLOAT_to_STRING_expanded',
  // Known ORT differences.
  'node/test_dft',
  'node/test_dft_axis',
  'node/test_dft_inverse',
  'node/test_maxunpool_export_with_output_shape',
  'node/test_resize_downsample_scales_cubic_align_corners',
  'node/test_resize_downsample_scales_linear_align_corners',
  'node/test_stft',
  'node/test_stft_with_window',
];
/** How many cases onnxruntime-node cannot create a session for (missing kernels, training ops): also a ratchet. */
const KNOWN_CANNOT_RUN = 68;

describe('decodeTensorProto: the ONNX conformance suite, against onnxruntime-node', () => {
  it('decodes every test_data_set_0 input and output; onnxruntime-node fed the decoded inputs gives the decoded outputs', async () => {
    if (!existsSync(TESTDATA)) throw new Error(`${TESTDATA} is missing: run \`apt-get install libonnx-testdata\` (CI installs it)`);
    const api = ort as unknown as OrtApi;
    const dtypes = new Set<string>();
    let compared = 0;
    const mismatches: string[] = [];
    const cannotRun: string[] = [];
    for (const c of cases()) {
      let session;
      try {
        ({ session } = await createSession(api, readFileSync(join(c.dir, 'model.onnx')), { extra: { logSeverityLevel: 4 } }));
      } catch {
        cannotRun.push(c.name); // an operator onnxruntime-node lacks: nothing to compare with
        continue;
      }
      try {
        const { inputs, outputs } = describeSession(session);
        if (![...inputs, ...outputs].every((v) => v.isTensor)) continue; // sequences, maps, optionals
        const decodedInputs = c.inputs.map((path, i) => {
          const tensor = decodeTensorProto(readFileSync(path), path);
          return { fileName: `input_${i}.pb`, storedName: tensor.name, tensor };
        });
        const expected = c.outputs.map((path) => decodeTensorProto(readFileSync(path), path));
        for (const t of [...decodedInputs.map((d) => d.tensor), ...expected]) dtypes.add(t.dtype);
        const { matched } = matchTensorFiles(
          inputs.map((i) => i.name),
          decodedInputs,
          'input',
        );
        const feeds: NamedTensor[] = [...matched].map(([name, f]) => ({ ...f.tensor, name }));
        let result;
        try {
          result = await runSession(api, session, feeds);
        } catch {
          mismatches.push(`${c.name} (run fails)`);
          continue;
        }
        for (const [i, e] of expected.entries()) {
          const actual = result.outputs.find((o) => o.name === e.name) ?? result.outputs[i]!;
          const comparison = compareTensors(actual, e);
          compared++;
          if (!comparison.pass) mismatches.push(c.name);
          // Even where the values disagree, the shapes and types must agree.
          expect(actual.dims, c.name).toEqual(e.dims);
        }
      } finally {
        await session.release();
      }
    }
    expect(compared).toBeGreaterThan(900);
    expect([...new Set(mismatches)].sort(), 'cases whose outputs differ (a ratchet: update KNOWN_MISMATCHES)').toEqual([...KNOWN_MISMATCHES].sort());
    expect(cannotRun.length, 'cases onnxruntime-node cannot create a session for').toBe(KNOWN_CANNOT_RUN);
    for (const dtype of ['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string']) {
      expect(dtypes, `a .pb file of ${dtype}`).toContain(dtype);
    }
  }, 120_000);
});
