import type { ByteSource } from '../../model/byte-source';
import type { FormatModule } from '../format-module';
import { assembleOnnx } from './assemble-onnx';
import type { OnnxModel } from './onnx-model';
import { parseOnnx } from './parse-onnx';

/** Highest ir_version accepted when sniffing (IR 11 is current; leave room for a few more). */
const MAX_SNIFF_IR_VERSION = 32;
/** How many leading fields the sniffer checks. */
const SNIFF_FIELDS = 3;

/**
 * ModelProto fields and their wire types (onnx.proto, message ModelProto): ir_version 1,
 * producer_name 2, producer_version 3, domain 4, model_version 5, doc_string 6, graph 7,
 * opset_import 8, metadata_props 14, training_info 20, functions 25, configuration 26.
 */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 0],
  [6, 2],
  [7, 2],
  [8, 2],
  [14, 2],
  [20, 2],
  [25, 2],
  [26, 2],
]);
/** Fields that hold text, whose bytes must be printable UTF-8 as far as the head shows them. */
const TEXT_FIELDS = new Set([2, 3, 4]);

/**
 * Whether the head looks like a ModelProto. Every writer emits fields in number order, so a
 * model starts with ir_version (0x08) and a small version; then each following field in the
 * head must be a ModelProto field with its wire type and a length that fits the file.
 */
export function sniffOnnx(head: Uint8Array, size: number): boolean {
  if (head[0] !== 0x08) return false;
  let pos = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = head[pos++];
      if (byte === undefined) return undefined;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  for (let fields = 0; fields < SNIFF_FIELDS && pos < head.length; fields++) {
    const tag = varint();
    if (tag === undefined) return fields > 0;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (MODEL_FIELDS.get(field) !== wire) return false;
    const value = varint();
    if (value === undefined) return fields > 0;
    if (field === 1 && (fields !== 0 || value < 1 || value > MAX_SNIFF_IR_VERSION)) return false;
    if (wire !== 2) continue;
    if (pos + value > size) return false;
    if (TEXT_FIELDS.has(field) && !printable(head.subarray(pos, Math.min(pos + value, head.length)))) return false;
    pos += value;
  }
  return true;
}

/** No control characters other than tab and newlines (UTF-8 continuation bytes are fine). */
function printable(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  return true;
}

/** The ONNX format: a ModelProto, parsed without reading tensor data. */
export const onnxFormat: FormatModule<OnnxModel> = {
  id: 'onnx',
  label: 'ONNX',
  describe: 'ONNX models (.onnx, with their external data files)',
  readme: {
    input: '`*.onnx`',
    reads:
      'the protobuf, streamed in chunks; `raw_data` is skipped by its length and only its position recorded, so a 1 GB model reads kilobytes. External data (`*.onnx.data`) is resolved only against the files dropped with it',
  },
  extensions: ['.onnx'],
  role: 'model',
  sniff(head: Uint8Array, source: ByteSource): boolean {
    return sniffOnnx(head, source.size);
  },
  parse(source: ByteSource, signal?: AbortSignal): Promise<OnnxModel> {
    return parseOnnx(source, signal);
  },
  contribute(model, source, draft) {
    // External data is looked up among the files given together, and only there.
    const assembled = assembleOnnx(model, source.name, draft.group);
    draft.addTensors(assembled.tensors);
    for (const path of assembled.dataFiles) draft.claim(path, 'onnx-data');
    draft.document.warnings.push(...assembled.warnings);
    draft.document.files.push(assembled.file);
    (draft.document.graphs ??= []).push(model.graph);
    (draft.document.functions ??= []).push(...model.functions);
    draft.addMetadata(source.name, assembled.metadata);
  },
};
