import type { TensorInfo } from '../../model/document';
import type { ExternalDataRef, Graph, Int64, OnnxFunction, OpsetImport, TensorDataLocation } from '../../model/graph';

/** Everything parseOnnx reads from a ModelProto (onnx.proto, message ModelProto), without tensor data. */
export interface OnnxModel {
  /** ModelProto.ir_version (1). */
  irVersion: number;
  /** ModelProto.opset_import (8). */
  opsets: OpsetImport[];
  /** ModelProto.producer_name (2). */
  producerName: string;
  /** ModelProto.producer_version (3). */
  producerVersion: string;
  /** ModelProto.domain (4). */
  domain: string;
  /** ModelProto.model_version (5). */
  modelVersion: Int64;
  /** ModelProto.doc_string (6). */
  docString: string;
  /** ModelProto.metadata_props (14); a later duplicate key wins. */
  metadataProps: Record<string, string>;
  /** ModelProto.graph (7); an empty graph when absent. */
  graph: Graph;
  /** ModelProto.functions (25). */
  functions: OnnxFunction[];
  /** ModelProto.training_info (20). */
  trainingInfo: OnnxTrainingInfo[];
  /** Every initializer and sparse initializer of every graph (main graph first, then subgraphs as met). */
  initializers: OnnxInitializer[];
  /** Tensors held by node attributes (e.g. Constant's `value`), which some exporters use for all weights. */
  constants: OnnxConstant[];
}

/** An initializer: where its data lies, never the data. */
export interface OnnxInitializer extends TensorInfo {
  /**
   * `raw`: raw_data (9) in the model file; `typed`: a packed repeated field (float_data 4,
   * int32_data 5, string_data 6, int64_data 7, double_data 10, uint64_data 11) in the model file;
   * `external`: another file (`file` is its unresolved location); `empty`: no data.
   * For typed data, byteOffset/byteLength span the field's payload: exactly the packed
   * bytes when the writer packed it (all current writers do).
   */
  dataLocation: TensorDataLocation;
  /** TensorProto.external_data (13), for external data. */
  external?: ExternalDataRef;
  /** From GraphProto.sparse_initializer (15): shape is the dense shape; the data is the non-zero values. */
  sparse?: boolean;
  /** For sparse initializers: how many values are stored. */
  nnz?: number;
  /** TensorProto.segment (3), when the tensor is one segment of a larger one. */
  segment?: { begin: Int64; end: Int64 };
  /** For initializers of subgraphs: the graph's path, e.g. `12/body` (node id, then attribute). */
  graphPath?: string;
}

/** A tensor held by a node attribute. */
export interface OnnxConstant extends OnnxInitializer {
  /** Id of the node that holds it. */
  node: string;
  /** Name of the attribute that holds it. */
  attribute: string;
}

/** TrainingInfoProto. */
export interface OnnxTrainingInfo {
  /** TrainingInfoProto.initialization (1). */
  initialization?: Graph;
  /** TrainingInfoProto.algorithm (2). */
  algorithm?: Graph;
  /** TrainingInfoProto.initialization_binding (3). */
  initializationBinding: Record<string, string>;
  /** TrainingInfoProto.update_binding (4). */
  updateBinding: Record<string, string>;
}
