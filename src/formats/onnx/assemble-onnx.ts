import type { Diagnostic, ParsedFile, TensorInfo } from '../../model/document';
import type { Graph } from '../../model/graph';
import type { OnnxInitializer, OnnxModel } from './onnx-model';
import { resolveExternalData, type DroppedFile } from './resolve-external-data';

export interface AssembledOnnx {
  tensors: TensorInfo[];
  file: Extract<ParsedFile, { format: 'onnx' }>;
  metadata: Record<string, string>;
  warnings: Diagnostic[];
  /** Paths of the dropped files that hold this model's external data. */
  dataFiles: Set<string>;
}

/**
 * Turns a parsed ONNX model into document parts: initializers and attribute constants become
 * tensors, with external data resolved against the files dropped together (only those: a
 * location that leaves the folder is rejected by resolveExternalData and fails the open).
 */
export function assembleOnnx(model: OnnxModel, modelPath: string, dropped: readonly DroppedFile[]): AssembledOnnx {
  const warnings: Diagnostic[] = [];
  const dataFiles = new Set<string>();
  const missingReported = new Set<string>();
  const tensors: TensorInfo[] = [];

  const place = (init: OnnxInitializer, origin?: string): void => {
    const tensor: TensorInfo = {
      name: init.name,
      dtype: init.dtype,
      shape: init.shape,
      elements: init.elements,
      file: modelPath,
      byteOffset: init.byteOffset,
      byteLength: init.byteLength,
    };
    if (origin) tensor.origin = origin;
    if (init.dataLocation === 'external' && init.external) {
      const resolution = resolveExternalData(init.external, modelPath, dropped, init.byteLength);
      if (resolution.kind === 'rejected') throw resolution.error;
      tensor.file = resolution.path;
      if (resolution.kind === 'resolved') {
        dataFiles.add(resolution.path);
        tensor.byteOffset = resolution.offset;
        tensor.byteLength = resolution.length;
      } else {
        tensor.unreadable = `its external data file ${resolution.path} was not given`;
        if (!missingReported.has(resolution.path)) {
          missingReported.add(resolution.path);
          warnings.push(resolution.diagnostic);
        }
      }
    } else if (init.dataLocation === 'typed' && !['F32', 'F64'].includes(init.dtype)) {
      // int32_data, int64_data and uint64_data are varint-packed: not the raw little-endian bytes stats read.
      tensor.unreadable = 'its values are stored as packed varints (a typed field), not raw bytes';
    } else if (init.dataLocation === 'empty') {
      tensor.unreadable = 'it holds no data';
    } else if (init.sparse) {
      tensor.unreadable = 'it is sparse: only its non-zero values are stored';
    }
    tensors.push(tensor);
  };

  for (const init of model.initializers) place(init);
  for (const constant of model.constants) place(constant, `attribute ${constant.attribute} of node ${constant.node}`);

  const counts = countGraph(model.graph);
  const metadata: Record<string, string> = {
    ir_version: String(model.irVersion),
    opsets: model.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', '),
  };
  if (model.producerName) metadata.producer = `${model.producerName} ${model.producerVersion}`.trim();
  if (model.domain) metadata.domain = model.domain;
  if (model.docString) metadata.doc_string = model.docString;
  for (const [key, value] of Object.entries(model.metadataProps)) metadata[key] = value;

  return {
    tensors,
    metadata,
    warnings,
    dataFiles,
    file: {
      format: 'onnx',
      path: modelPath,
      irVersion: model.irVersion,
      opsets: model.opsets,
      producerName: model.producerName,
      producerVersion: model.producerVersion,
      domain: model.domain,
      modelVersion: model.modelVersion,
      docString: model.docString,
      metadataProps: model.metadataProps,
      nodeCount: counts.nodes,
      subgraphCount: counts.subgraphs,
      functionCount: model.functions.length,
    },
  };
}

/** Nodes in the graph and all its subgraphs, and the number of subgraphs. Iterative: depth is already bounded by the parser, but no recursion is needed. */
export function countGraph(graph: Graph): { nodes: number; subgraphs: number } {
  let nodes = 0;
  let subgraphs = 0;
  const stack: Graph[] = [graph];
  while (stack.length > 0) {
    const g = stack.pop()!;
    nodes += g.nodes.length;
    for (const node of g.nodes) {
      for (const sub of node.subgraphs ?? []) {
        subgraphs++;
        stack.push(sub.graph);
      }
    }
  }
  return { nodes, subgraphs };
}
