import type { ByteSource } from '../../model/byte-source';
import { FormatError } from '../../model/errors';
import type { Graph } from '../../model/graph';
import { append, enter, leave, readEntry, readString, takeString, record, safeInt, type DecodeContext } from './decode-context';
import { decodeFunction, decodeGraph, decodeOpset } from './decode-graph';
import type { OnnxModel, OnnxTrainingInfo } from './onnx-model';
import { FIELD_HEADER_BYTES, pull, WIRE_VARINT, WireReader, type Pull } from './wire-reader';

export type { OnnxConstant, OnnxInitializer, OnnxModel, OnnxTrainingInfo } from './onnx-model';

/**
 * Parses an ONNX model (a ModelProto, onnx.proto) from a ByteSource, reading it in windows
 * and skipping tensor data, so a model larger than memory still opens. Throws FormatError
 * naming the file and the field; CancelledError when `signal` aborts.
 */
export async function parseOnnx(source: ByteSource, signal?: AbortSignal): Promise<OnnxModel> {
  if (source.size === 0) throw new FormatError(source.name, 'ModelProto', 'the file is empty');
  const reader = new WireReader(source);
  const ctx: DecodeContext = { reader, depth: 0, subgraphDepth: 0, initializers: [], constants: [] };
  return pull(reader, decodeModel(ctx, source.size), signal);
}

function emptyGraph(): Graph {
  return { name: '', nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: [], sparseInitializers: [], quantizationAnnotations: [] };
}

/** ModelProto (onnx.proto, message ModelProto). */
function* decodeModel(ctx: DecodeContext, end: number): Pull<OnnxModel> {
  const r = ctx.reader;
  const model: OnnxModel = {
    irVersion: 0,
    opsets: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadataProps: {},
    graph: emptyGraph(),
    functions: [],
    trainingInfo: [],
    initializers: ctx.initializers,
    constants: ctx.constants,
  };
  const metadata = new Map<string, string>();
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    switch (r.tag(end)) {
      case 1: // ir_version: int64
        model.irVersion = safeInt(ctx, end, 'ir_version');
        break;
      case 8: // opset_import: repeated OperatorSetIdProto
        append(ctx, model.opsets, yield* decodeOpset(ctx, end, 'opset_import', model.opsets.length), 'opset_import');
        break;
      case 2: // producer_name
        model.producerName = takeString(ctx, end, 'producer_name') ?? (yield* readString(ctx, end, 'producer_name'));
        break;
      case 3: // producer_version
        model.producerVersion = takeString(ctx, end, 'producer_version') ?? (yield* readString(ctx, end, 'producer_version'));
        break;
      case 4: // domain
        model.domain = takeString(ctx, end, 'domain') ?? (yield* readString(ctx, end, 'domain'));
        break;
      case 5: // model_version: int64
        r.expect(WIRE_VARINT, 'model_version');
        model.modelVersion = r.int64(end);
        break;
      case 6: // doc_string
        model.docString = takeString(ctx, end, 'doc_string') ?? (yield* readString(ctx, end, 'doc_string'));
        break;
      case 7: {
        // graph: GraphProto
        const subEnd = enter(ctx, end, 'graph');
        model.graph = yield* decodeGraph(ctx, subEnd, '');
        leave(ctx, subEnd);
        break;
      }
      case 14: // metadata_props: repeated StringStringEntryProto
        yield* readEntry(ctx, end, 'metadata_props', metadata, metadata.size);
        break;
      case 20: {
        // training_info: repeated TrainingInfoProto
        const index = model.trainingInfo.length;
        append(ctx, model.trainingInfo, yield* decodeTrainingInfo(ctx, end, index), 'training_info');
        break;
      }
      case 25: {
        // functions: repeated FunctionProto
        const index = model.functions.length;
        const subEnd = enter(ctx, end, 'functions', index);
        append(ctx, model.functions, yield* decodeFunction(ctx, subEnd, index), 'functions');
        leave(ctx, subEnd, index);
        break;
      }
      default:
        // configuration (26) and anything newer
        r.skip(end);
    }
  }
  model.metadataProps = record(metadata);
  return model;
}

/** TrainingInfoProto: initialization (1), algorithm (2), initialization_binding (3), update_binding (4). */
function* decodeTrainingInfo(ctx: DecodeContext, end: number, index: number): Pull<OnnxTrainingInfo> {
  const r = ctx.reader;
  const subEnd = enter(ctx, end, 'training_info', index);
  const initializationBinding = new Map<string, string>();
  const updateBinding = new Map<string, string>();
  const info: OnnxTrainingInfo = { initializationBinding: {}, updateBinding: {} };
  while (r.pos < subEnd) {
    if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
    const field = r.tag(subEnd);
    switch (field) {
      case 1:
      case 2: {
        const name = field === 1 ? 'initialization' : 'algorithm';
        const graphEnd = enter(ctx, subEnd, name);
        info[name] = yield* decodeGraph(ctx, graphEnd, `training${index}/${name}`);
        leave(ctx, graphEnd);
        break;
      }
      case 3:
        yield* readEntry(ctx, subEnd, 'initialization_binding', initializationBinding, initializationBinding.size);
        break;
      case 4:
        yield* readEntry(ctx, subEnd, 'update_binding', updateBinding, updateBinding.size);
        break;
      default:
        r.skip(subEnd);
    }
  }
  leave(ctx, subEnd, index);
  info.initializationBinding = record(initializationBinding);
  info.updateBinding = record(updateBinding);
  return info;
}
