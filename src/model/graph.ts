import type { Dim } from './document';
import type { DType } from './dtype';

/**
 * The computation graph of a model, as ONNX defines it (onnx.proto). Plain data, so it
 * crosses the worker boundary as is. Field numbers in the comments are onnx.proto's.
 */

/** A 64-bit integer: a number when it is a safe integer, else its decimal string. */
export type Int64 = number | string;

/** Bytes that are not decoded as text: not UTF-8, or too long to decode. */
export interface OnnxBytes {
  /** Hex of the first bytes (a preview; all of them when short). */
  hex: string;
  /** Length of the whole value in bytes. */
  byteLength: number;
  /** Absolute offset of the value in the model file. */
  byteOffset: number;
}

/** An ONNX `bytes` value: the text when it is UTF-8, else a hex preview. */
export type OnnxText = string | OnnxBytes;

/** A graph (GraphProto). */
export interface Graph {
  /** GraphProto.name (2). */
  name: string;
  /** GraphProto.node (1), in file order (ONNX requires topological order). */
  nodes: Node[];
  /** GraphProto.input (11). */
  inputs: ValueInfo[];
  /** GraphProto.output (12). */
  outputs: ValueInfo[];
  /** GraphProto.value_info (13): types of intermediate values. */
  valueInfo: ValueInfo[];
  /** Names of GraphProto.initializer (5); their details are in the model's tensor list. */
  initializers: string[];
  /** Names of GraphProto.sparse_initializer (15). */
  sparseInitializers: string[];
  /** GraphProto.quantization_annotation (14). */
  quantizationAnnotations: QuantizationAnnotation[];
  /** GraphProto.doc_string (10). */
  docString?: string;
  /** GraphProto.metadata_props (16). */
  metadataProps?: Record<string, string>;
}

/** TensorAnnotation: which tensors hold a tensor's quantization parameters. */
export interface QuantizationAnnotation {
  /** TensorAnnotation.tensor_name (1). */
  tensorName: string;
  /** TensorAnnotation.quant_parameter_tensor_names (2), e.g. `SCALE_TENSOR` → a tensor name. */
  quantParameterTensorNames: Record<string, string>;
}

/** A node (NodeProto). */
export interface Node {
  /** Stable unique id: the index path, e.g. `12`, or `12/body/3` for node 3 of node 12's `body`. */
  id: string;
  /** NodeProto.name (3); may be empty. */
  name: string;
  /** NodeProto.op_type (4). */
  opType: string;
  /** NodeProto.domain (7); empty for the default ONNX domain. */
  domain: string;
  /** The scope the exporter put in the name: `/model/layers.3/self_attn/MatMul` → `model/layers.3/self_attn`; empty if none. */
  namespace: string;
  /** NodeProto.input (1); an empty name is an omitted optional input. */
  inputs: string[];
  /** NodeProto.output (2). */
  outputs: string[];
  /** NodeProto.attribute (5). */
  attributes: Attribute[];
  /** Graphs held by GRAPH and GRAPHS attributes, in attribute order. */
  subgraphs?: Subgraph[];
  /** NodeProto.overload (8): picks a model-local function overload. */
  overload?: string;
  /** NodeProto.doc_string (6). */
  docString?: string;
  /** NodeProto.metadata_props (9). */
  metadataProps?: Record<string, string>;
}

/** A graph held by a node's attribute (e.g. If's `then_branch`, Loop's `body`). */
export interface Subgraph {
  /** Name of the attribute that holds it. */
  attribute: string;
  /** Position in a GRAPHS attribute's list; absent for a GRAPH attribute. */
  listIndex?: number;
  graph: Graph;
}

/** The names of AttributeProto.AttributeType, lowercased. */
export type AttributeType =
  | 'float'
  | 'int'
  | 'string'
  | 'tensor'
  | 'graph'
  | 'floats'
  | 'ints'
  | 'strings'
  | 'tensors'
  | 'graphs'
  | 'sparse_tensor'
  | 'sparse_tensors'
  | 'type_proto'
  | 'type_protos'
  | 'undefined';

/** An attribute's value, discriminated by its type (AttributeProto.type, 20). */
export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: Int64 }
  | { type: 'string'; value: OnnxText }
  /** The singular message types are null when the file omits the value (e.g. with ref_attr_name). */
  | { type: 'tensor'; value: TensorSummary | null }
  | { type: 'graph'; value: SubgraphRef | null }
  | { type: 'sparse_tensor'; value: SparseTensorSummary | null }
  | { type: 'type_proto'; value: TypeInfo | null }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: Int64[] }
  | { type: 'strings'; value: OnnxText[] }
  | { type: 'tensors'; value: TensorSummary[] }
  | { type: 'graphs'; value: SubgraphRef[] }
  | { type: 'sparse_tensors'; value: SparseTensorSummary[] }
  | { type: 'type_protos'; value: TypeInfo[] }
  /** No type and no value (or a type code this version does not know). */
  | { type: 'undefined'; value: null };

/** The fields every attribute has besides its value. */
export interface AttributeBase {
  /** AttributeProto.name (1). */
  name: string;
  /** AttributeProto.ref_attr_name (21): inside a function, the caller's attribute this one stands for. */
  refAttrName?: string;
  /** AttributeProto.doc_string (13). */
  docString?: string;
}

/** An attribute (AttributeProto): name, type and value. Narrow on `type`. */
export type Attribute = AttributeBase & AttributeValue;

/** Points at one of the node's `subgraphs`. */
export interface SubgraphRef {
  /** Index into Node.subgraphs. */
  index: number;
  /** The graph's name. */
  name: string;
  /** How many nodes the graph has (not counting nested subgraphs). */
  nodeCount: number;
}

/** Where a tensor's data lies: raw_data, a typed repeated field, an external file, or nowhere. */
export type TensorDataLocation = 'raw' | 'typed' | 'external' | 'empty';

/** TensorProto.external_data (13) when data_location (14) is EXTERNAL. */
export interface ExternalDataRef {
  /** Path of the data file, relative to the model file. Untrusted: resolve it with a checked resolver. */
  location: string;
  /** Byte offset in the data file (0 when absent). */
  offset: number;
  /** Byte length, when given. */
  length?: number;
  /** SHA-1 digest of the data, when given. */
  checksum?: string;
}

/** A scalar of a small tensor: numbers, booleans, int64 beyond 2^53 as decimal strings, and text. */
export type TensorValue = number | boolean | OnnxText;

/** A tensor held in an attribute (TensorProto), without its data except a few values. */
export interface TensorSummary {
  /** TensorProto.name (8), when set. */
  name?: string;
  /** TensorProto.data_type (2). */
  dtype: DType;
  /** TensorProto.dims (1). */
  dims: number[];
  /** Product of the dims. */
  elements: number;
  /** The values, for small tensors (a few elements) of a decodable type. */
  values?: TensorValue[];
  dataLocation: TensorDataLocation;
  /** Absolute offset of the data in the model file (raw and typed data). */
  byteOffset?: number;
  /** Length of the data in the model file (raw and typed data). */
  byteLength?: number;
  /** Where the data lies, for external data. */
  external?: ExternalDataRef;
}

/** A sparse tensor (SparseTensorProto) in an attribute. */
export interface SparseTensorSummary {
  /** Dense dims, SparseTensorProto.dims (3). */
  dims: number[];
  /** The non-zero values, SparseTensorProto.values (1). */
  values: TensorSummary;
  /** Their indices, SparseTensorProto.indices (2); absent when the file has none. */
  indices?: TensorSummary;
}

/** A named value's declared type (ValueInfoProto). */
export interface ValueInfo {
  /** ValueInfoProto.name (1). */
  name: string;
  /** ValueInfoProto.type (2); `unknown` when absent. */
  type: TypeInfo;
  /** ValueInfoProto.doc_string (3). */
  docString?: string;
  /** ValueInfoProto.metadata_props (4). */
  metadataProps?: Record<string, string>;
}

/** An element type: a known DType, `UNDEFINED` (code 0), or a code this version does not know. */
export type ElemType = DType | 'UNDEFINED' | number;

/** A type (TypeProto), discriminated by which member of its `value` oneof is set. */
export type TypeInfo = (
  | { kind: 'tensor'; elemType: ElemType; shape?: Dim[] }
  | { kind: 'sparse_tensor'; elemType: ElemType; shape?: Dim[] }
  | { kind: 'sequence'; elemType: TypeInfo }
  | { kind: 'map'; keyType: ElemType; valueType: TypeInfo }
  | { kind: 'optional'; elemType: TypeInfo }
  | { kind: 'opaque'; domain: string; name: string }
  /** No member of the oneof is set (or one this version does not know). */
  | { kind: 'unknown' }
) & {
  /** TypeProto.denotation (6). */
  denotation?: string;
};

/** An operator set the model or function imports (OperatorSetIdProto). */
export interface OpsetImport {
  /** OperatorSetIdProto.domain (1); empty for the default ONNX domain. */
  domain: string;
  /** OperatorSetIdProto.version (2). */
  version: number;
}

/** A model-local function (FunctionProto). */
export interface OnnxFunction {
  /** FunctionProto.name (1): the op_type nodes call it by. */
  name: string;
  /** FunctionProto.domain (10). */
  domain: string;
  /** FunctionProto.overload (13). */
  overload?: string;
  /** FunctionProto.input (4). */
  inputs: string[];
  /** FunctionProto.output (5). */
  outputs: string[];
  /** FunctionProto.attribute (6): attribute names without defaults. */
  attributes: string[];
  /** FunctionProto.attribute_proto (11): attributes with default values. */
  attributeDefaults: Attribute[];
  /** Graphs held by GRAPH and GRAPHS defaults in `attributeDefaults`. */
  subgraphs?: Subgraph[];
  /** FunctionProto.node (7). */
  nodes: Node[];
  /** FunctionProto.opset_import (9). */
  opsets: OpsetImport[];
  /** FunctionProto.value_info (12). */
  valueInfo: ValueInfo[];
  /** FunctionProto.doc_string (8). */
  docString?: string;
  /** FunctionProto.metadata_props (14). */
  metadataProps?: Record<string, string>;
}
