// Generates the bench's ONNX models (never committed). Tensor data is written as holes in a
// sparse file, so a 1 GB model takes no time or disk to make. Field numbers are onnx.proto's.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ProtoWriter } from '../test/builders/proto-writer';

type Segment = Uint8Array | { zeros: number };

function length(segments: Segment[]): number {
  return segments.reduce((n, s) => n + (s instanceof Uint8Array ? s.length : s.zeros), 0);
}

function varint(value: number): Uint8Array {
  return new ProtoWriter().varint(value).finish();
}

/** A length-delimited field whose payload is a list of segments (some of them holes). */
function field(number: number, payload: Segment[]): Segment[] {
  return [varint(number * 8 + 2), varint(length(payload)), ...payload];
}

const FLOAT = 1;

function valueInfo(name: string, dims: (number | string)[]): Uint8Array {
  return new ProtoWriter()
    .string(1, name)
    .message(2, (type) =>
      type.message(1, (tensor) =>
        tensor.int(1, FLOAT).message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }),
      ),
    )
    .finish();
}

function node(name: string, op: string, inputs: string[], outputs: string[]): Uint8Array {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  return w.string(3, name).string(4, op).finish();
}

/** An initializer whose raw_data (9) is `bytes` long and left as a hole. */
function initializer(name: string, dims: number[]): Segment[] {
  const head = new ProtoWriter();
  for (const d of dims) head.int(1, d);
  head.int(2, FLOAT).string(8, name);
  const bytes = dims.reduce((a, b) => a * b, 1) * 4;
  return [head.finish(), ...field(9, [{ zeros: bytes }])];
}

function model(graph: Segment[]): Segment[] {
  const head = new ProtoWriter()
    .int(1, 8)
    .string(2, 'loupe-bench')
    .message(8, (opset) => opset.string(1, '').int(2, 17))
    .finish();
  return [head, ...field(7, graph)];
}

function write(path: string, segments: Segment[]): number {
  const fd = openSync(path, 'w');
  let position = 0;
  try {
    for (const s of segments) {
      if (s instanceof Uint8Array) {
        writeSync(fd, s, 0, s.length, position);
        position += s.length;
      } else {
        position += s.zeros;
      }
    }
    // A trailing hole needs the file extended to its full size.
    writeSync(fd, new Uint8Array(0), 0, 0, position);
  } finally {
    closeSync(fd);
  }
  return position;
}

/** A chain of MatMuls whose weights total about `gigabytes` GB, inline as raw_data. */
export function writeInlineWeightsModel(path: string, gigabytes = 1): number {
  const side = 1600;
  const count = Math.round((gigabytes * 1e9) / (side * side * 4));
  const graph: Segment[] = [];
  let previous = 'x';
  for (let i = 0; i < count; i++) {
    graph.push(...field(1, [node(`/model/layers.${i}/MatMul`, 'MatMul', [previous, `w${i}`], [`h${i}`])]));
    previous = `h${i}`;
  }
  graph.push(...field(2, [new TextEncoder().encode('inline-weights')]));
  for (let i = 0; i < count; i++) graph.push(...field(5, initializer(`w${i}`, [side, side])));
  graph.push(...field(11, [valueInfo('x', ['batch', side])]), ...field(12, [valueInfo(previous, ['batch', side])]));
  const segments = model(graph);
  write(path, segments);
  return count;
}

/**
 * A transformer-shaped graph of `layers` × `perLayer` nodes, with scoped names
 * (`/model/layers.3/self_attn/MatMul_7`), as exporters write them. Tiny initializers.
 */
export function writeWideGraphModel(path: string, layers: number, perLayer: number): number {
  const graph: Segment[] = [];
  const scopes = ['self_attn/q_proj', 'self_attn/k_proj', 'self_attn/v_proj', 'self_attn', 'mlp/up_proj', 'mlp/down_proj', 'mlp', 'input_layernorm'];
  const ops = ['MatMul', 'Add', 'Mul', 'Softmax', 'Reshape', 'Transpose', 'Sigmoid', 'ReduceMean'];
  let previous = 'x';
  let n = 0;
  for (let layer = 0; layer < layers; layer++) {
    const layerInput = previous;
    for (let k = 0; k < perLayer; k++) {
      const scope = scopes[k % scopes.length]!;
      const op = ops[(k * 7) % ops.length]!;
      const output = `t${n}`;
      // A residual edge back to the layer input every 16 nodes keeps the graph from being a plain chain.
      const inputs = k % 16 === 15 ? [previous, layerInput] : [previous];
      graph.push(...field(1, [node(`/model/layers.${layer}/${scope}/${op}_${k}`, op, inputs, [output])]));
      previous = output;
      n++;
    }
  }
  graph.push(...field(2, [new TextEncoder().encode('wide-graph')]));
  graph.push(...field(5, initializer('scale', [16])));
  graph.push(...field(11, [valueInfo('x', ['batch', 'sequence', 64])]), ...field(12, [valueInfo(previous, ['batch', 'sequence', 64])]));
  write(path, model(graph));
  return n;
}

/** A Constant node holding one float: attribute `value` (5), a TensorProto (type TENSOR = 4). */
function constantNode(name: string, output: string, value: number): Uint8Array {
  return new ProtoWriter()
    .string(2, output)
    .string(3, name)
    .string(4, 'Constant')
    .message(5, (a) =>
      a
        .string(1, 'value')
        .message(5, (t) => t.int(2, FLOAT).float(4, value))
        .int(20, 4),
    )
    .finish();
}

/**
 * An MLP of `blocks` residual blocks of 4 ops each (`/block7/MatMul`, `Add`, `Relu`, `Add_1`), so
 * `blocks` × 4 op nodes. With `foldables`, each block also reads its weight through an `Identity`
 * and its bias from a `Constant`, as torch exports write them: nodes a view folds into their consumers.
 */
export function writeResidualMlpModel(path: string, blocks: number, foldables = false): number {
  const graph: Segment[] = [];
  const weights: Segment[] = [];
  let previous = 'x';
  let n = 0;
  for (let b = 0; b < blocks; b++) {
    const scope = `/block${b}`;
    let weight = `block${b}.weight`;
    let bias = `block${b}.bias`;
    weights.push(...field(5, initializer(weight, [16, 16])));
    if (foldables) {
      graph.push(...field(1, [node(`${scope}/Identity`, 'Identity', [weight], [`${scope}/w`])]));
      graph.push(...field(1, [constantNode(`${scope}/Constant`, `${scope}/b`, 0.5)]));
      weight = `${scope}/w`;
      bias = `${scope}/b`;
      n += 2;
    } else {
      weights.push(...field(5, initializer(bias, [16])));
    }
    graph.push(...field(1, [node(`${scope}/MatMul`, 'MatMul', [previous, weight], [`${scope}/m`])]));
    graph.push(...field(1, [node(`${scope}/Add`, 'Add', [`${scope}/m`, bias], [`${scope}/a`])]));
    graph.push(...field(1, [node(`${scope}/Relu`, 'Relu', [`${scope}/a`], [`${scope}/r`])]));
    graph.push(...field(1, [node(`${scope}/Add_1`, 'Add', [`${scope}/r`, previous], [`${scope}/y`])]));
    previous = `${scope}/y`;
    n += 4;
  }
  graph.push(...field(2, [new TextEncoder().encode('residual-mlp')]), ...weights);
  graph.push(...field(11, [valueInfo('x', ['batch', 16])]), ...field(12, [valueInfo(previous, ['batch', 16])]));
  write(path, model(graph));
  return n;
}

/** A flat chain of `count` Relu nodes with no scopes (`Relu_7`), so a view cuts it into parts. */
export function writeChainModel(path: string, count: number): number {
  const graph: Segment[] = [];
  let previous = 'x';
  for (let i = 0; i < count; i++) {
    graph.push(...field(1, [node(`Relu_${i}`, 'Relu', [previous], [`t${i}`])]));
    previous = `t${i}`;
  }
  graph.push(...field(2, [new TextEncoder().encode('chain')]));
  graph.push(...field(11, [valueInfo('x', ['batch', 16])]), ...field(12, [valueInfo(previous, ['batch', 16])]));
  write(path, model(graph));
  return count;
}

/** `branches` Relus side by side, all reading `x`, joined by one Concat: a diagram far wider than tall. */
export function writeFanModel(path: string, branches: number): number {
  const graph: Segment[] = [];
  const outputs: string[] = [];
  for (let i = 0; i < branches; i++) {
    graph.push(...field(1, [node(`Relu_${i}`, 'Relu', ['x'], [`t${i}`])]));
    outputs.push(`t${i}`);
  }
  graph.push(...field(1, [node('Concat', 'Concat', outputs, ['y'])]));
  graph.push(...field(2, [new TextEncoder().encode('fan')]));
  graph.push(...field(11, [valueInfo('x', ['batch', 16])]), ...field(12, [valueInfo('y', ['batch', 16 * branches])]));
  write(path, model(graph));
  return branches + 1;
}
