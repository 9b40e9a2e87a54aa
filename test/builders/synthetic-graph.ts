import type { TensorInfo } from '../../src/model/document';
import type { Graph, Node, ValueInfo } from '../../src/model/graph';

/**
 * Synthetic graphs for tests and benchmarks: ONNX-exporter-shaped names without a real model.
 */

/** A node with just what scope trees and views read. The namespace is left empty: it comes from the name. */
export function syntheticNode(id: string, name: string, opType: string, inputs: string[], outputs: string[]): Node {
  return { id, name, opType, domain: '', namespace: '', inputs, outputs, attributes: [] };
}

/** A graph around the given nodes. */
export function syntheticGraph(nodes: Node[], parts: Partial<Omit<Graph, 'nodes'>> = {}): Graph {
  return {
    name: 'main',
    nodes,
    inputs: [],
    outputs: [],
    valueInfo: [],
    initializers: [],
    sparseInitializers: [],
    quantizationAnnotations: [],
    ...parts,
  };
}

/** A float tensor type for a value. */
export function floatValue(name: string, shape: (number | string)[]): ValueInfo {
  return { name, type: { kind: 'tensor', elemType: 'F32', shape } };
}

/**
 * `blocks` residual blocks of 4 ops as torch names them (`/block7/MatMul`, `Add`, `Relu`, `Add_1`,
 * the last adding the block's input back). Node ids are the block number and the op's letter:
 * `7m`, `7a`, `7r`, `7y`.
 */
export function residualMlpGraph(blocks: number): Graph {
  const nodes: Node[] = [];
  let x = 'x';
  for (let b = 0; b < blocks; b++) {
    const s = `/block${b}`;
    nodes.push(syntheticNode(`${b}m`, `${s}/MatMul`, 'MatMul', [x, `W${b}`], [`${s}/m`]));
    nodes.push(syntheticNode(`${b}a`, `${s}/Add`, 'Add', [`${s}/m`, `B${b}`], [`${s}/a`]));
    nodes.push(syntheticNode(`${b}r`, `${s}/Relu`, 'Relu', [`${s}/a`], [`${s}/r`]));
    nodes.push(syntheticNode(`${b}y`, `${s}/Add_1`, 'Add', [`${s}/r`, x], [`${s}/y`]));
    x = `${s}/y`;
  }
  return syntheticGraph(nodes, { inputs: [floatValue('x', [16])], outputs: [floatValue(x, [16])] });
}

const ATTENTION_OPS = ['MatMul', 'Add', 'Reshape', 'Transpose', 'Mul', 'Softmax', 'Concat', 'Slice', 'Gather', 'Unsqueeze', 'Shape', 'Cast'];
const MLP_OPS = ['MatMul', 'Sigmoid', 'Mul', 'Add', 'Reshape', 'Cast'];

/**
 * A decoder-only transformer as Optimum exports it: `/model/embed_tokens/Gather`,
 * `layers` × (input_layernorm, self_attn with q/k/v/o projections and rotary_emb, post-attention
 * norm, mlp, two residual Adds), `/model/norm`, `/lm_head/MatMul`, with KV-cache inputs and
 * outputs. `nodesPerLayer` is approximate (at least 60).
 */
export function syntheticTransformer(layers: number, nodesPerLayer = 500): { graph: Graph; initializers: Map<string, TensorInfo> } {
  const nodes: Node[] = [];
  const initializers = new Map<string, TensorInfo>();
  const hidden = 64;
  const weight = (name: string, shape: number[]) => {
    const elements = shape.reduce((a, b) => a * b, 1);
    initializers.set(name, { name, dtype: 'F32', shape, elements, file: 'model.onnx', byteOffset: 0, byteLength: elements * 4 });
    return name;
  };
  const op = (name: string, opType: string, inputs: string[]) => {
    const output = `${name}_output_0`;
    nodes.push(syntheticNode(String(nodes.length), name, opType, inputs, [output]));
    return output;
  };
  const chain = (scope: string, ops: string[], count: number, input: string) => {
    let x = input;
    for (let k = 0; k < count; k++) {
      const opType = ops[k % ops.length]!;
      x = op(`/${scope}/${opType}_${k}`, opType, [x]);
    }
    return x;
  };
  const inputs: ValueInfo[] = [floatValue('input_ids', ['batch', 'seq'])];
  const outputs: ValueInfo[] = [floatValue('logits', ['batch', 'seq', 1000])];

  let x = op('/model/embed_tokens/Gather', 'Gather', [weight('model.embed_tokens.weight', [1000, hidden]), 'input_ids']);
  const fixed = 4 * 1 + 10 + 10 + 2 + 20;
  const attentionCount = Math.max(10, Math.floor((nodesPerLayer - fixed) / 2));
  const mlpCount = Math.max(10, nodesPerLayer - fixed - attentionCount);
  for (let l = 0; l < layers; l++) {
    const base = `model/layers.${l}`;
    inputs.push(floatValue(`past_key_values.${l}.key`, ['batch', 8, 'past', 8]), floatValue(`past_key_values.${l}.value`, ['batch', 8, 'past', 8]));
    const residual = x;
    x = chain(`${base}/input_layernorm`, ['Pow', 'ReduceMean', 'Add', 'Sqrt', 'Div', 'Mul'], 10, x);
    const normed = x;
    const q = op(`/${base}/self_attn/q_proj/MatMul`, 'MatMul', [normed, weight(`model.layers.${l}.self_attn.q_proj.weight`, [hidden, hidden])]);
    const k = op(`/${base}/self_attn/k_proj/MatMul`, 'MatMul', [normed, weight(`model.layers.${l}.self_attn.k_proj.weight`, [hidden, hidden])]);
    const v = op(`/${base}/self_attn/v_proj/MatMul`, 'MatMul', [normed, weight(`model.layers.${l}.self_attn.v_proj.weight`, [hidden, hidden])]);
    const rope = chain(`${base}/self_attn/rotary_emb`, ['Range', 'Mul', 'Cos', 'Sin', 'Concat'], 20, q);
    const keyOut = op(`/${base}/self_attn/Concat_key`, 'Concat', [`past_key_values.${l}.key`, k]);
    const valueOut = op(`/${base}/self_attn/Concat_value`, 'Concat', [`past_key_values.${l}.value`, v]);
    outputs.push(floatValue(`present.${l}.key`, ['batch', 8, 'total', 8]), floatValue(`present.${l}.value`, ['batch', 8, 'total', 8]));
    const scores = op(`/${base}/self_attn/MatMul_scores`, 'MatMul', [rope, keyOut]);
    let a = chain(`${base}/self_attn`, ATTENTION_OPS, attentionCount - 3, scores);
    a = op(`/${base}/self_attn/MatMul_context`, 'MatMul', [a, valueOut]);
    a = op(`/${base}/self_attn/o_proj/MatMul`, 'MatMul', [a, weight(`model.layers.${l}.self_attn.o_proj.weight`, [hidden, hidden])]);
    x = op(`/${base}/Add`, 'Add', [residual, a]);
    const residual2 = x;
    x = chain(`${base}/post_attention_layernorm`, ['Pow', 'ReduceMean', 'Add', 'Sqrt', 'Div', 'Mul'], 10, x);
    x = op(`/${base}/mlp/gate_proj/MatMul`, 'MatMul', [x, weight(`model.layers.${l}.mlp.gate_proj.weight`, [hidden, 4 * hidden])]);
    x = chain(`${base}/mlp`, MLP_OPS, mlpCount - 1, x);
    x = op(`/${base}/Add_1`, 'Add', [residual2, x]);
    // The cache outputs leave the graph: pass them through Identity nodes named like the outputs.
    op(`/${base}/self_attn/Identity_key`, 'Identity', [keyOut]);
    nodes[nodes.length - 1]!.outputs = [`present.${l}.key`];
    op(`/${base}/self_attn/Identity_value`, 'Identity', [valueOut]);
    nodes[nodes.length - 1]!.outputs = [`present.${l}.value`];
  }
  x = chain('model/norm', ['Pow', 'ReduceMean', 'Add', 'Sqrt', 'Div', 'Mul'], 6, x);
  op('/lm_head/MatMul', 'MatMul', [x, weight('lm_head.weight', [hidden, 1000])]);
  nodes[nodes.length - 1]!.outputs = ['logits'];
  const graph = syntheticGraph(nodes, { inputs, outputs, initializers: [...initializers.keys()] });
  return { graph, initializers };
}
