import type {
  Attribute,
  AttributeBase,
  AttributeValue,
  Graph,
  Int64,
  Node,
  OnnxFunction,
  OnnxText,
  OpsetImport,
  QuantizationAnnotation,
  SparseTensorSummary,
  Subgraph,
  SubgraphRef,
  TensorSummary,
  TypeInfo,
  ValueInfo,
} from '../../model/graph';
import {
  append,
  enter,
  leave,
  MAX_ELEMENTS,
  MAX_SUBGRAPH_DEPTH,
  packed,
  readEntry,
  readString,
  takeString,
  readText,
  record,
  safeInt,
  type DecodeContext,
} from './decode-context';
import { decodeSparseTensor, decodeTensor, product, sparseSummary, tensorSummary, type DecodedTensor } from './decode-tensor';
import { decodeType } from './decode-type';
import type { OnnxConstant, OnnxInitializer } from './onnx-model';
import { FIELD_HEADER_BYTES, MAX_VARINT_BYTES, WIRE_FIXED32, WIRE_LEN, WIRE_VARINT, type Pull } from './wire-reader';

/**
 * Decodes a GraphProto (onnx.proto, message GraphProto). `path` names the graph for node
 * ids and initializers: '' for the main graph, `12/body` for node 12's `body`.
 */
export function* decodeGraph(ctx: DecodeContext, end: number, path: string): Pull<Graph> {
  const r = ctx.reader;
  const graph: Graph = { name: '', nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: [], sparseInitializers: [], quantizationAnnotations: [] };
  const prefix = path ? `${path}/` : '';
  let metadata: Map<string, string> | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: {
        // node: repeated NodeProto
        const index = graph.nodes.length;
        const subEnd = enter(ctx, end, 'node', index);
        append(ctx, graph.nodes, yield* decodeNode(ctx, subEnd, `${prefix}${index}`), 'node');
        leave(ctx, subEnd, index);
        break;
      }
      case 2: // name
        graph.name = takeString(ctx, end, 'name') ?? (yield* readString(ctx, end, 'name'));
        break;
      case 5: {
        // initializer: repeated TensorProto
        const index = graph.initializers.length;
        const subEnd = enter(ctx, end, 'initializer', index);
        const tensor = yield* decodeTensor(ctx, subEnd, false);
        leave(ctx, subEnd, index);
        append(ctx, graph.initializers, tensor.name, 'initializer');
        ctx.initializers.push(initializerOf(ctx, tensor, path));
        break;
      }
      case 15: {
        // sparse_initializer: repeated SparseTensorProto
        const index = graph.sparseInitializers.length;
        const subEnd = enter(ctx, end, 'sparse_initializer', index);
        const sparse = yield* decodeSparseTensor(ctx, subEnd, false);
        if (!sparse.values) throw r.error('sparse initializer without values');
        leave(ctx, subEnd, index);
        const initializer = initializerOf(ctx, sparse.values, path);
        initializer.shape = sparse.dims;
        initializer.elements = product(ctx, sparse.dims, 'dims');
        initializer.sparse = true;
        initializer.nnz = sparse.values.elements;
        append(ctx, graph.sparseInitializers, initializer.name, 'sparse_initializer');
        ctx.initializers.push(initializer);
        break;
      }
      case 10: // doc_string
        graph.docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 11: // input: repeated ValueInfoProto
        append(ctx, graph.inputs, yield* decodeValueInfo(ctx, end, 'input', graph.inputs.length), 'input');
        break;
      case 12: // output
        append(ctx, graph.outputs, yield* decodeValueInfo(ctx, end, 'output', graph.outputs.length), 'output');
        break;
      case 13: // value_info
        append(ctx, graph.valueInfo, yield* decodeValueInfo(ctx, end, 'value_info', graph.valueInfo.length), 'value_info');
        break;
      case 14: {
        // quantization_annotation: repeated TensorAnnotation { tensor_name = 1; repeated StringStringEntryProto quant_parameter_tensor_names = 2; }
        const index = graph.quantizationAnnotations.length;
        const subEnd = enter(ctx, end, 'quantization_annotation', index);
        let tensorName = '';
        const names = new Map<string, string>();
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          const field = r.tag(subEnd);
          if (field === 1) tensorName = takeString(ctx, subEnd, 'tensor_name') ?? (yield* readString(ctx, subEnd, 'tensor_name'));
          else if (field === 2) yield* readEntry(ctx, subEnd, 'quant_parameter_tensor_names', names, names.size);
          else r.skip(subEnd);
        }
        leave(ctx, subEnd, index);
        const annotation: QuantizationAnnotation = { tensorName, quantParameterTensorNames: record(names) };
        append(ctx, graph.quantizationAnnotations, annotation, 'quantization_annotation');
        break;
      }
      case 16: // metadata_props (ONNX 1.16)
        metadata ??= new Map();
        yield* readEntry(ctx, end, 'metadata_props', metadata, metadata.size);
        break;
      default:
        r.skip(end);
    }
  }
  if (metadata) graph.metadataProps = record(metadata);
  return graph;
}

/** A tensor as an initializer: where its data lies, in the model file or an external one. */
function initializerOf(ctx: DecodeContext, tensor: DecodedTensor, graphPath: string): OnnxInitializer {
  const initializer: OnnxInitializer = {
    name: tensor.name,
    dtype: tensor.dtype,
    shape: tensor.dims,
    elements: tensor.elements,
    file: tensor.external ? tensor.external.location : ctx.reader.name,
    byteOffset: tensor.byteOffset,
    byteLength: tensor.byteLength,
    dataLocation: tensor.dataLocation,
  };
  if (tensor.external) initializer.external = tensor.external;
  if (tensor.segment) initializer.segment = tensor.segment;
  if (graphPath) initializer.graphPath = graphPath;
  return initializer;
}

/** ValueInfoProto: name (1), type (2), doc_string (3), metadata_props (4). */
function* decodeValueInfo(ctx: DecodeContext, end: number, field: string, index: number): Pull<ValueInfo> {
  const r = ctx.reader;
  const subEnd = enter(ctx, end, field, index);
  const info: ValueInfo = { name: '', type: { kind: 'unknown' } };
  let metadata: Map<string, string> | undefined;
  while (r.pos < subEnd) {
    if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
    switch (r.tag(subEnd)) {
      case 1:
        info.name = takeString(ctx, subEnd, 'name') ?? (yield* readString(ctx, subEnd, 'name'));
        break;
      case 2: {
        const typeEnd = enter(ctx, subEnd, 'type');
        info.type = yield* decodeType(ctx, typeEnd);
        leave(ctx, typeEnd);
        break;
      }
      case 3:
        info.docString = takeString(ctx, subEnd, 'doc_string') ?? (yield* readString(ctx, subEnd, 'doc_string'));
        break;
      case 4:
        metadata ??= new Map();
        yield* readEntry(ctx, subEnd, 'metadata_props', metadata, metadata.size);
        break;
      default:
        r.skip(subEnd);
    }
  }
  leave(ctx, subEnd, index);
  if (metadata) info.metadataProps = record(metadata);
  return info;
}

/**
 * The scope an exporter wrote into a node name: everything before the last `/`, without the
 * leading one. `/model/layers.3/self_attn/MatMul` → `model/layers.3/self_attn`.
 */
export function nodeNamespace(name: string): string {
  const last = name.lastIndexOf('/');
  if (last <= 0) return '';
  return name.slice(name.startsWith('/') ? 1 : 0, last);
}

/** NodeProto (onnx.proto, message NodeProto). */
export function* decodeNode(ctx: DecodeContext, end: number, id: string): Pull<Node> {
  const r = ctx.reader;
  const node: Node = { id, name: '', opType: '', domain: '', namespace: '', inputs: [], outputs: [], attributes: [] };
  const subgraphs: Subgraph[] = [];
  let metadata: Map<string, string> | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: // input: repeated string
        append(ctx, node.inputs, takeString(ctx, end, 'input') ?? (yield* readString(ctx, end, 'input')), 'input');
        break;
      case 2: // output
        append(ctx, node.outputs, takeString(ctx, end, 'output') ?? (yield* readString(ctx, end, 'output')), 'output');
        break;
      case 3: // name
        node.name = takeString(ctx, end, 'name') ?? (yield* readString(ctx, end, 'name'));
        break;
      case 4: // op_type
        node.opType = takeString(ctx, end, 'op_type') ?? (yield* readString(ctx, end, 'op_type'));
        break;
      case 7: // domain
        node.domain = takeString(ctx, end, 'domain') ?? (yield* readString(ctx, end, 'domain'));
        break;
      case 8: // overload (ONNX 1.16)
        node.overload = takeString(ctx, end, 'overload') ?? (yield* readString(ctx, end, 'overload'));
        break;
      case 5: {
        // attribute: repeated AttributeProto
        const index = node.attributes.length;
        const subEnd = enter(ctx, end, 'attribute', index);
        append(ctx, node.attributes, yield* decodeAttribute(ctx, subEnd, id, index, subgraphs), 'attribute');
        leave(ctx, subEnd, index);
        break;
      }
      case 6: // doc_string
        node.docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 9: // metadata_props (ONNX 1.16)
        metadata ??= new Map();
        yield* readEntry(ctx, end, 'metadata_props', metadata, metadata.size);
        break;
      default:
        // device_configurations (10) and anything newer
        r.skip(end);
    }
  }
  node.namespace = nodeNamespace(node.name);
  if (subgraphs.length) node.subgraphs = subgraphs;
  if (metadata) node.metadataProps = record(metadata);
  collectConstants(ctx, node);
  return node;
}

/** Records the tensors of a node's attributes, which hold the weights of some exports. */
function collectConstants(ctx: DecodeContext, node: Node): void {
  for (const attribute of node.attributes) {
    if (attribute.type === 'tensor' && attribute.value) {
      const fallback = node.opType === 'Constant' && node.outputs[0] ? node.outputs[0] : `${node.name || node.id}:${attribute.name}`;
      ctx.constants.push(constantOf(ctx, attribute.value, fallback, node.id, attribute.name));
    } else if (attribute.type === 'tensors') {
      attribute.value.forEach((tensor, i) => {
        ctx.constants.push(constantOf(ctx, tensor, `${node.name || node.id}:${attribute.name}[${i}]`, node.id, attribute.name));
      });
    }
  }
}

function constantOf(ctx: DecodeContext, tensor: TensorSummary, fallbackName: string, nodeId: string, attribute: string): OnnxConstant {
  const constant: OnnxConstant = {
    name: tensor.name || fallbackName,
    dtype: tensor.dtype,
    shape: tensor.dims,
    elements: tensor.elements,
    file: tensor.external ? tensor.external.location : ctx.reader.name,
    byteOffset: tensor.external ? tensor.external.offset : (tensor.byteOffset ?? 0),
    byteLength: tensor.external ? (tensor.external.length ?? 0) : (tensor.byteLength ?? 0),
    dataLocation: tensor.dataLocation,
    node: nodeId,
    attribute,
  };
  if (tensor.external) constant.external = tensor.external;
  const slash = nodeId.lastIndexOf('/');
  if (slash > 0) constant.graphPath = nodeId.slice(0, slash);
  return constant;
}

/** AttributeProto.AttributeType codes (onnx.proto) by name. */
const ATTRIBUTE_TYPES: Record<number, Attribute['type']> = {
  0: 'undefined',
  1: 'float',
  2: 'int',
  3: 'string',
  4: 'tensor',
  5: 'graph',
  6: 'floats',
  7: 'ints',
  8: 'strings',
  9: 'tensors',
  10: 'graphs',
  11: 'sparse_tensor',
  12: 'sparse_tensors',
  13: 'type_proto',
  14: 'type_protos',
};

/** The value fields of an AttributeProto as read. */
interface AttributeFields {
  f?: number;
  i?: Int64;
  s?: OnnxText;
  t?: TensorSummary;
  g?: SubgraphRef;
  sparseTensor?: SparseTensorSummary;
  tp?: TypeInfo;
  floats?: number[];
  ints?: Int64[];
  strings?: OnnxText[];
  tensors?: TensorSummary[];
  graphs?: SubgraphRef[];
  sparseTensors?: SparseTensorSummary[];
  typeProtos?: TypeInfo[];
}

/** AttributeProto (onnx.proto, message AttributeProto). Graphs it holds go to `subgraphs`. */
function* decodeAttribute(ctx: DecodeContext, end: number, nodeId: string, index: number, subgraphs: Subgraph[]): Pull<Attribute> {
  const r = ctx.reader;
  const base: AttributeBase = { name: '' };
  let typeCode: number | undefined;
  const v: AttributeFields = {};
  // Subgraph paths use the attribute name, which writers put first (field 1).
  const graphPath = (): string => `${nodeId}/${base.name || `#${index}`}`;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: // name
        base.name = takeString(ctx, end, 'name') ?? (yield* readString(ctx, end, 'name'));
        break;
      case 21: // ref_attr_name
        base.refAttrName = takeString(ctx, end, 'ref_attr_name') ?? (yield* readString(ctx, end, 'ref_attr_name'));
        break;
      case 13: // doc_string
        base.docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 20: // type: AttributeType
        r.expect(WIRE_VARINT, 'type');
        typeCode = r.int32(end);
        break;
      case 2: // f: float
        r.expect(WIRE_FIXED32, 'f');
        v.f = r.float32(end);
        break;
      case 3: // i: int64
        r.expect(WIRE_VARINT, 'i');
        v.i = r.int64(end);
        break;
      case 4: // s: bytes
        v.s = yield* readText(ctx, end, 's');
        break;
      case 5: // t: TensorProto
        v.t = yield* attributeTensor(ctx, end, 't', -1);
        break;
      case 6: // g: GraphProto
        v.g = yield* attributeGraph(ctx, end, 'g', -1, graphPath(), base, subgraphs);
        break;
      case 22: // sparse_tensor: SparseTensorProto
        v.sparseTensor = yield* attributeSparse(ctx, end, 'sparse_tensor', -1);
        break;
      case 14: {
        // tp: TypeProto
        const subEnd = enter(ctx, end, 'tp');
        v.tp = yield* decodeType(ctx, subEnd);
        leave(ctx, subEnd);
        break;
      }
      case 7: {
        // floats: repeated float, packed or not
        const list = (v.floats ??= []);
        if (r.wire === WIRE_LEN) {
          const listEnd = yield* packed(ctx, end, 'floats', MAX_ELEMENTS * 4);
          while (r.pos < listEnd) append(ctx, list, r.float32(listEnd), 'floats');
        } else {
          r.expect(WIRE_FIXED32, 'floats');
          append(ctx, list, r.float32(end), 'floats');
        }
        break;
      }
      case 8: {
        // ints: repeated int64, packed or not
        const list = (v.ints ??= []);
        if (r.wire === WIRE_LEN) {
          const listEnd = yield* packed(ctx, end, 'ints', MAX_ELEMENTS * MAX_VARINT_BYTES);
          while (r.pos < listEnd) append(ctx, list, r.int64(listEnd), 'ints');
        } else {
          r.expect(WIRE_VARINT, 'ints');
          append(ctx, list, r.int64(end), 'ints');
        }
        break;
      }
      case 9: {
        // strings: repeated bytes
        const list = (v.strings ??= []);
        append(ctx, list, yield* readText(ctx, end, 'strings'), 'strings');
        break;
      }
      case 10: {
        // tensors: repeated TensorProto
        const list = (v.tensors ??= []);
        append(ctx, list, yield* attributeTensor(ctx, end, 'tensors', list.length), 'tensors');
        break;
      }
      case 11: {
        // graphs: repeated GraphProto
        const list = (v.graphs ??= []);
        const k = list.length;
        append(ctx, list, yield* attributeGraph(ctx, end, 'graphs', k, `${graphPath()}[${k}]`, base, subgraphs), 'graphs');
        break;
      }
      case 23: {
        // sparse_tensors: repeated SparseTensorProto
        const list = (v.sparseTensors ??= []);
        append(ctx, list, yield* attributeSparse(ctx, end, 'sparse_tensors', list.length), 'sparse_tensors');
        break;
      }
      case 15: {
        // type_protos: repeated TypeProto
        const list = (v.typeProtos ??= []);
        const k = list.length;
        const subEnd = enter(ctx, end, 'type_protos', k);
        append(ctx, list, yield* decodeType(ctx, subEnd), 'type_protos');
        leave(ctx, subEnd, k);
        break;
      }
      default:
        r.skip(end);
    }
  }
  return { ...base, ...attributeValue(typeCode, v) };
}

/** The value for the declared type; IR version 1 files have no type, so it is inferred from the field set. */
function attributeValue(typeCode: number | undefined, v: AttributeFields): AttributeValue {
  let type: Attribute['type'] = (typeCode !== undefined ? ATTRIBUTE_TYPES[typeCode] : undefined) ?? 'undefined';
  if (typeCode === undefined || typeCode === 0) type = inferType(v);
  switch (type) {
    case 'float':
      return { type, value: v.f ?? 0 };
    case 'int':
      return { type, value: v.i ?? 0 };
    case 'string':
      return { type, value: v.s ?? '' };
    case 'tensor':
      return { type, value: v.t ?? null };
    case 'graph':
      return { type, value: v.g ?? null };
    case 'sparse_tensor':
      return { type, value: v.sparseTensor ?? null };
    case 'type_proto':
      return { type, value: v.tp ?? null };
    case 'floats':
      return { type, value: v.floats ?? [] };
    case 'ints':
      return { type, value: v.ints ?? [] };
    case 'strings':
      return { type, value: v.strings ?? [] };
    case 'tensors':
      return { type, value: v.tensors ?? [] };
    case 'graphs':
      return { type, value: v.graphs ?? [] };
    case 'sparse_tensors':
      return { type, value: v.sparseTensors ?? [] };
    case 'type_protos':
      return { type, value: v.typeProtos ?? [] };
    default:
      return { type: 'undefined', value: null };
  }
}

function inferType(v: AttributeFields): Attribute['type'] {
  if (v.f !== undefined) return 'float';
  if (v.i !== undefined) return 'int';
  if (v.s !== undefined) return 'string';
  if (v.t) return 'tensor';
  if (v.g) return 'graph';
  if (v.sparseTensor) return 'sparse_tensor';
  if (v.tp) return 'type_proto';
  if (v.floats) return 'floats';
  if (v.ints) return 'ints';
  if (v.strings) return 'strings';
  if (v.tensors) return 'tensors';
  if (v.graphs) return 'graphs';
  if (v.sparseTensors) return 'sparse_tensors';
  if (v.typeProtos) return 'type_protos';
  return 'undefined';
}

function* attributeTensor(ctx: DecodeContext, end: number, field: string, index: number): Pull<TensorSummary> {
  const subEnd = enter(ctx, end, field, index);
  const tensor = yield* decodeTensor(ctx, subEnd, true);
  leave(ctx, subEnd, index);
  return tensorSummary(tensor);
}

function* attributeSparse(ctx: DecodeContext, end: number, field: string, index: number): Pull<SparseTensorSummary> {
  const subEnd = enter(ctx, end, field, index);
  const sparse = yield* decodeSparseTensor(ctx, subEnd, true);
  leave(ctx, subEnd, index);
  return sparseSummary(ctx, sparse, field);
}

/** A graph in an attribute: decoded into `subgraphs`, referenced from the attribute's value. */
function* attributeGraph(
  ctx: DecodeContext,
  end: number,
  field: string,
  listIndex: number,
  path: string,
  base: AttributeBase,
  subgraphs: Subgraph[],
): Pull<SubgraphRef> {
  const r = ctx.reader;
  const subEnd = enter(ctx, end, field, listIndex);
  if (ctx.subgraphDepth >= MAX_SUBGRAPH_DEPTH) throw r.error(`subgraphs nested deeper than ${MAX_SUBGRAPH_DEPTH}`);
  ctx.subgraphDepth++;
  const graph = yield* decodeGraph(ctx, subEnd, path);
  ctx.subgraphDepth--;
  leave(ctx, subEnd, listIndex);
  const subgraph: Subgraph = { attribute: base.name, graph };
  if (listIndex >= 0) subgraph.listIndex = listIndex;
  const index = subgraphs.length;
  subgraphs.push(subgraph);
  return { index, name: graph.name, nodeCount: graph.nodes.length };
}

/** OperatorSetIdProto: domain (1), version (2). */
export function* decodeOpset(ctx: DecodeContext, end: number, field: string, index: number): Pull<OpsetImport> {
  const r = ctx.reader;
  const subEnd = enter(ctx, end, field, index);
  const opset: OpsetImport = { domain: '', version: 0 };
  while (r.pos < subEnd) {
    if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
    const member = r.tag(subEnd);
    if (member === 1) opset.domain = takeString(ctx, subEnd, 'domain') ?? (yield* readString(ctx, subEnd, 'domain'));
    else if (member === 2) opset.version = safeInt(ctx, subEnd, 'version');
    else r.skip(subEnd);
  }
  leave(ctx, subEnd, index);
  return opset;
}

/** FunctionProto (onnx.proto, message FunctionProto). Node ids are `f<index>/<node>`. */
export function* decodeFunction(ctx: DecodeContext, end: number, functionIndex: number): Pull<OnnxFunction> {
  const r = ctx.reader;
  const fn: OnnxFunction = { name: '', domain: '', inputs: [], outputs: [], attributes: [], attributeDefaults: [], nodes: [], opsets: [], valueInfo: [] };
  const id = `f${functionIndex}`;
  const subgraphs: Subgraph[] = [];
  let metadata: Map<string, string> | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: // name
        fn.name = takeString(ctx, end, 'name') ?? (yield* readString(ctx, end, 'name'));
        break;
      case 4: // input
        append(ctx, fn.inputs, takeString(ctx, end, 'input') ?? (yield* readString(ctx, end, 'input')), 'input');
        break;
      case 5: // output
        append(ctx, fn.outputs, takeString(ctx, end, 'output') ?? (yield* readString(ctx, end, 'output')), 'output');
        break;
      case 6: // attribute: names
        append(ctx, fn.attributes, takeString(ctx, end, 'attribute') ?? (yield* readString(ctx, end, 'attribute')), 'attribute');
        break;
      case 11: {
        // attribute_proto: attributes with defaults (ONNX 1.13)
        const index = fn.attributeDefaults.length;
        const subEnd = enter(ctx, end, 'attribute_proto', index);
        const attribute = yield* decodeAttribute(ctx, subEnd, `${id}/attribute_proto`, index, subgraphs);
        leave(ctx, subEnd, index);
        append(ctx, fn.attributeDefaults, attribute, 'attribute_proto');
        break;
      }
      case 7: {
        // node
        const index = fn.nodes.length;
        const subEnd = enter(ctx, end, 'node', index);
        append(ctx, fn.nodes, yield* decodeNode(ctx, subEnd, `${id}/${index}`), 'node');
        leave(ctx, subEnd, index);
        break;
      }
      case 8: // doc_string
        fn.docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 9: // opset_import
        append(ctx, fn.opsets, yield* decodeOpset(ctx, end, 'opset_import', fn.opsets.length), 'opset_import');
        break;
      case 10: // domain
        fn.domain = takeString(ctx, end, 'domain') ?? (yield* readString(ctx, end, 'domain'));
        break;
      case 12: // value_info (ONNX 1.16)
        append(ctx, fn.valueInfo, yield* decodeValueInfo(ctx, end, 'value_info', fn.valueInfo.length), 'value_info');
        break;
      case 13: // overload (ONNX 1.16)
        fn.overload = takeString(ctx, end, 'overload') ?? (yield* readString(ctx, end, 'overload'));
        break;
      case 14: // metadata_props (ONNX 1.16)
        metadata ??= new Map();
        yield* readEntry(ctx, end, 'metadata_props', metadata, metadata.size);
        break;
      default:
        r.skip(end);
    }
  }
  if (subgraphs.length) fn.subgraphs = subgraphs;
  if (metadata) fn.metadataProps = record(metadata);
  return fn;
}
