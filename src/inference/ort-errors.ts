import { LoupeError, type ErrorCode } from '../model/errors';

/**
 * ONNX Runtime's errors in plain words. ORT reports C++ status messages wrapped in its own
 * prefixes ("Can't create a session. ERROR_CODE: 9, ERROR_MESSAGE: …", "[ONNXRuntimeError] : 2 :
 * INVALID_ARGUMENT : …", "failed to call OrtRun(). …"), with source paths and C++ names inside.
 * This keeps the substance, names the node when ORT does, and says what kind of problem it is.
 */

export type OrtErrorKind =
  /** The file is not a valid ONNX model (protobuf or graph errors). */
  | 'invalid-model'
  /** The model uses an operator, type or feature this runtime does not implement. */
  | 'unsupported'
  /** The inputs do not fit the model (names, types, shapes). */
  | 'invalid-input'
  /** Out of memory. */
  | 'memory'
  /** Anything else that failed while running. */
  | 'runtime';

export interface OrtErrorDescription {
  kind: OrtErrorKind;
  /** One or two sentences for people. */
  message: string;
  /** The node ORT named, when it named one. */
  node?: { name: string; opType?: string };
  /** ORT's message with the wrappers removed, for the details. */
  detail: string;
}

/** ORT status codes (onnxruntime_c_api.h, OrtErrorCode). */
const ORT_CODES: Record<number, string> = {
  1: 'FAIL',
  2: 'INVALID_ARGUMENT',
  3: 'NO_SUCHFILE',
  4: 'NO_MODEL',
  5: 'ENGINE_ERROR',
  6: 'RUNTIME_EXCEPTION',
  7: 'INVALID_PROTOBUF',
  8: 'MODEL_LOADED',
  9: 'NOT_IMPLEMENTED',
  10: 'INVALID_GRAPH',
  11: 'EP_FAIL',
};

/** Removes ORT's wrappers, source locations and C++ qualified names; returns the code name when given. */
export function stripOrtMessage(raw: string): { code?: string; text: string } {
  let text = raw.trim();
  let code: string | undefined;
  // onnxruntime-web: "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: …" / "failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: …"
  const web = /ERROR_CODE:\s*(\d+),\s*ERROR_MESSAGE:\s*([\s\S]*)$/.exec(text);
  if (web) {
    code = ORT_CODES[Number(web[1])];
    text = web[2]!.trim();
  }
  // onnxruntime-node / C API: "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : …"
  const node = /^\[ONNXRuntimeError\]\s*:\s*(\d+)\s*:\s*([A-Z_]+)\s*:\s*([\s\S]*)$/.exec(text);
  if (node) {
    code = node[2];
    text = node[3]!.trim();
  }
  text = text
    // "/onnxruntime_src/onnxruntime/core/providers/cpu/rnn/rnn.h:48 onnxruntime::RNN<T>::RNN(const onnxruntime::OpKernelInfo&) [with T = float] "
    .replace(/(?:\/[\w.+-]+)+\.(?:cc|h|cpp|hpp|c):\d+\s+(?:[\w:~<>,*&\s]+\([^)]*\)(?:\s*const)?(?:\s*\[(?:with )?[^\]]*=[^\]]*\])?\s*)?/g, '')
    .replace(/onnxruntime::[\w:]+(?:<[^>]*>)?::<lambda\(\)>\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { code, text };
}

/** Finds the node ORT names: "while running Conv node. Name:'conv_1'", "node with name 'n0'", "Node (n0)". */
export function findNode(text: string): OrtErrorDescription['node'] {
  const running = /while running (\w+) node\. Name:\s*'([^']*)'/.exec(text);
  if (running) return { opType: running[1], name: running[2] || '(unnamed)' };
  const impl = /implementation for (\w+)\(\d+\) node with name '([^']*)'/.exec(text);
  if (impl) return { opType: impl[1], name: impl[2] || '(unnamed)' };
  const nodeParen = /\bNode \(([^)]+)\)(?: Op \((\w+)\))?/.exec(text);
  if (nodeParen) return { name: nodeParen[1]!, opType: nodeParen[2] };
  const named = /\bnode (?:named |with name )'([^']+)'/i.exec(text);
  if (named) return { name: named[1]! };
  return undefined;
}

function nodeWords(node: OrtErrorDescription['node']): string {
  if (!node) return '';
  if (node.name === '(unnamed)') return ` at an unnamed ${node.opType ?? ''} node`.replace('  ', ' ');
  return ` at node '${node.name}'${node.opType ? ` (${node.opType})` : ''}`;
}

/**
 * Describes an error thrown by ORT while creating a session (`phase: 'session'`) or running one
 * (`phase: 'run'`).
 */
export function describeOrtError(error: unknown, phase: 'session' | 'run'): OrtErrorDescription {
  const raw = error instanceof Error ? error.message : String(error);
  if (/out of memory|Cannot enlarge memory|could not allocate memory|memory access out of bounds|Array buffer allocation failed/i.test(raw)) {
    return {
      kind: 'memory',
      message: `ONNX Runtime ran out of memory while ${phase === 'session' ? 'loading the model' : 'running it'}. WebAssembly has at most 4 GB; try smaller inputs or a smaller model.`,
      detail: raw,
    };
  }
  const { code, text } = stripOrtMessage(raw);
  const node = findNode(text);
  const at = nodeWords(node);
  const lead = phase === 'session' ? 'ONNX Runtime could not load the model' : 'The run failed';
  const clean = text
    .replace(/^(Fatal error|Exception during initialization|Load model from [^ ]* failed):\s*/i, '')
    .replace(/^Non-zero status code returned while running \w+ node\. Name:\s*'[^']*' Status Message:\s*/, '');

  const implementation = /Could not find an implementation for (\w+)\((\d+)\)/.exec(text);
  if (implementation) {
    return {
      kind: 'unsupported',
      message: `${lead}: this runtime has no kernel for ${implementation[1]} (opset ${implementation[2]}) with these types${at}.`,
      node,
      detail: text,
    };
  }
  const unregistered = /(\S+:)?(\w+)\((-?\d+)\) is not a registered function\/op/.exec(text);
  if (unregistered) {
    return {
      kind: 'unsupported',
      message: `${lead}: the operator ${unregistered[1] ?? ''}${unregistered[2]} is not one this runtime knows${at}.`,
      node,
      detail: text,
    };
  }
  if (/Unsupported data type|not supported|NOT_IMPLEMENTED|not implemented/i.test(text) || code === 'NOT_IMPLEMENTED') {
    return { kind: 'unsupported', message: `${lead}${at}: ${clean}`, node, detail: text };
  }
  if (code === 'INVALID_PROTOBUF' || /protobuf parsing failed/i.test(text)) {
    return { kind: 'invalid-model', message: `${lead}: the file is not a valid ONNX model (its protobuf could not be read).`, detail: text };
  }
  if (code === 'INVALID_GRAPH' || code === 'NO_MODEL' || /invalid model|This is an invalid model/i.test(text)) {
    return { kind: 'invalid-model', message: `${lead}: the model is invalid${at}: ${clean.replace(/^This is an invalid model\.\s*/, '')}`, node, detail: text };
  }
  const missing = /input '([^']+)' is missing in 'feeds'/.exec(text);
  if (missing) return { kind: 'invalid-input', message: `The input ${missing[1]} was not given.`, detail: text };
  const dims = /Got invalid dimensions for input: (\S+) for the following indices\s*(.*?)\s*Please fix/.exec(text);
  if (dims) {
    return {
      kind: 'invalid-input',
      message: `The input ${dims[1]} has the wrong shape: ${dims[2]!.replace(/index: (\d+) Got: (\d+) Expected: (\d+)/g, 'dimension $1 is $2 but the model needs $3')}.`,
      detail: text,
    };
  }
  const type = /Unexpected input data type\. Actual: \((\S+)\)\s*,\s*expected: \((\S+)\)/.exec(text);
  if (type) return { kind: 'invalid-input', message: `An input has the type ${type[1]} where the model needs ${type[2]}.`, detail: text };
  if (code === 'INVALID_ARGUMENT' && phase === 'run') {
    return { kind: 'invalid-input', message: `${lead}${at}: ${clean}`, node, detail: text };
  }
  return { kind: phase === 'session' ? 'invalid-model' : 'runtime', message: `${lead}${at}: ${clean}`, node, detail: text };
}

/** ErrorCode for each kind: the model or the inputs break rules ('format'), or the runtime cannot ('unsupported'). */
const ERROR_CODES: Record<OrtErrorKind, ErrorCode> = {
  'invalid-model': 'format',
  unsupported: 'unsupported',
  'invalid-input': 'format',
  memory: 'internal',
  runtime: 'internal',
};

/** An inference failure: a LoupeError that also says its kind, the node ORT named and ORT's own words. */
export class InferenceError extends LoupeError {
  readonly kind: OrtErrorKind;
  readonly node?: string;
  readonly detail?: string;

  constructor(kind: OrtErrorKind, message: string, options: { node?: string; detail?: string; cause?: unknown } = {}) {
    super(ERROR_CODES[kind], message, { cause: options.cause, field: options.node ? `node ${options.node}` : undefined });
    this.name = 'InferenceError';
    this.kind = kind;
    this.node = options.node;
    this.detail = options.detail;
  }

  static fromOrt(error: unknown, phase: 'session' | 'run'): InferenceError {
    if (error instanceof InferenceError) return error;
    const d = describeOrtError(error, phase);
    return new InferenceError(d.kind, d.message, { node: d.node?.name, detail: d.detail, cause: error });
  }
}
