import type { ValueType } from '../../graph/build-scope-tree';
import { describeOp } from '../../graph/op-descriptions';
import type { TensorInfo } from '../../model/document';
import type { Attribute, Graph, Node, OnnxFunction, OnnxText } from '../../model/graph';
import { formatShape } from '../../model/units';

/** A local function's body as a graph, so that it can be entered like a subgraph. */
export function functionGraph(fn: OnnxFunction): Graph {
  const unknown = (name: string) => ({ name, type: { kind: 'unknown' as const } });
  return {
    name: `${fn.domain}.${fn.name}`,
    nodes: fn.nodes,
    inputs: fn.inputs.map(unknown),
    outputs: fn.outputs.map(unknown),
    valueInfo: fn.valueInfo,
    initializers: [],
    sparseInitializers: [],
    quantizationAnnotations: [],
  };
}

function text(value: OnnxText): string {
  return typeof value === 'string' ? value : `0x${value.hex}${value.byteLength > value.hex.length / 2 ? '…' : ''} (${value.byteLength} bytes)`;
}

function list<T>(values: T[], show: (v: T) => string, max = 16): string {
  const head = values.slice(0, max).map(show).join(', ');
  return `[${head}${values.length > max ? `, … ${values.length - max} more` : ''}]`;
}

/** One line per attribute; tensor-valued ones are summarized (dtype, dims, the first values). */
export function attributeSummary(attribute: Attribute): string {
  switch (attribute.type) {
    case 'float':
    case 'int':
      return String(attribute.value);
    case 'string':
      return JSON.stringify(text(attribute.value));
    case 'floats':
    case 'ints':
      return list(attribute.value as (number | string)[], String);
    case 'strings':
      return list(attribute.value, (v) => JSON.stringify(text(v)));
    case 'tensor': {
      const t = attribute.value;
      if (!t) return 'tensor (no value)';
      const values = t.values ? ` = ${list(t.values, (v) => (typeof v === 'object' ? text(v) : String(v)), 8)}` : '';
      return `${t.dtype}${formatShape(t.dims)}${values}`;
    }
    case 'tensors':
      return `${attribute.value.length} tensors`;
    case 'graph':
      return attribute.value ? `graph ${attribute.value.name}` : 'graph (none)';
    case 'graphs':
      return `${attribute.value.length} graphs`;
    case 'sparse_tensor':
      return attribute.value ? `sparse ${formatShape(attribute.value.dims)}` : 'sparse tensor (none)';
    case 'sparse_tensors':
      return `${attribute.value.length} sparse tensors`;
    case 'type_proto':
    case 'type_protos':
      return attribute.type;
    case 'undefined':
      return attribute.refAttrName ? `= caller's ${attribute.refAttrName}` : '(undefined)';
  }
}

/**
 * What a folded constant input holds: a `Constant`'s value attribute (dtype, dims, the values when
 * few), or the initializer an `Identity` passes on. `source` is a Constant's node index or an initializer's name.
 */
export function foldedConstantSummary(nodes: readonly Node[], initializers: Map<string, TensorInfo>, source: number | string): string {
  if (typeof source === 'string') {
    const init = initializers.get(source);
    return init ? `Identity of initializer ${source}: ${init.dtype}${formatShape(init.shape)}` : `Identity of initializer ${source}`;
  }
  const value = nodes[source]?.attributes.find((a) => a.name.startsWith('value') || a.name === 'sparse_value');
  return value ? `Constant ${attributeSummary(value)}` : 'Constant';
}

/** The node panel: op and domain, name, attributes, inputs and outputs with types, initializers, subgraphs. */
export function NodePanel({
  node,
  valueTypes,
  constants = new Map(),
  graphNodes = [],
  initializers,
  onClose,
  onEnterSubgraph,
  onShowTensor,
  functions = [],
}: {
  functions?: OnnxFunction[];
  node: Node;
  /** The types of the node's inputs and outputs, from the whole graph (computed in the parse worker). */
  valueTypes: ReadonlyMap<string, ValueType>;
  /** Inputs folded into this node (Constants, Identities of initializers) → their source (see GraphNodeDetails.constants). */
  constants?: ReadonlyMap<string, number | string>;
  /** The graph's nodes, to read a folded Constant's value. */
  graphNodes?: readonly Node[];
  initializers: Map<string, TensorInfo>;
  onClose: () => void;
  onEnterSubgraph: (graph: Graph, label: string) => void;
  onShowTensor: (name: string) => void;
}) {
  const description = describeOp(node.opType, node.domain);
  const valueRow = (name: string, role: string) => {
    const init = initializers.get(name);
    const type = valueTypes.get(name);
    const source = role === 'input' ? constants.get(name) : undefined;
    const constant = source === undefined ? undefined : foldedConstantSummary(graphNodes, initializers, source);
    return (
      <tr key={`${role}:${name}`} data-testid={`node-${role}`} data-name={name} data-constant={constant === undefined ? undefined : 'folded'}>
        <td className="mono ellipsis" title={name}>
          {name || <span className="muted">(omitted)</span>}
        </td>
        <td className="mono">
          {type ? `${type.dtype ?? ''}${type.shape ? formatShape(type.shape) : ''}` : init ? `${init.dtype}${formatShape(init.shape)}` : ''}
        </td>
        <td>
          {constant !== undefined && (
            <span className="mono folded-constant" data-testid="node-constant" title="Drawn on this node instead of as a box of its own">
              ◆ {constant}
            </span>
          )}
          {init && (
            <button type="button" className="linkish" onClick={() => onShowTensor(name)} title="Open in the Tensors view, with statistics">
              initializer
            </button>
          )}
        </td>
      </tr>
    );
  };
  return (
    <aside className="side-panel panel node-panel" data-testid="node-panel" data-node-id={node.id}>
      <header className="side-head">
        <h2>
          <span data-testid="node-op">{node.opType}</span>
          {node.domain && <span className="muted"> ({node.domain})</span>}
        </h2>
        <button type="button" className="icon" onClick={onClose} aria-label="Close node panel">
          ×
        </button>
      </header>
      <p className="mono ellipsis" title={node.name}>
        {node.name || <span className="muted">(unnamed node {node.id})</span>}
      </p>
      {description && <p className="muted">{description}</p>}
      {node.attributes.length > 0 && (
        <>
          <h3>Attributes</h3>
          <table className="grid" data-testid="node-attributes">
            <tbody>
              {node.attributes.map((a) => (
                <tr key={a.name} data-testid="node-attribute" data-name={a.name}>
                  <td className="mono">{a.name}</td>
                  <td className="mono attr-value">{attributeSummary(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Inputs</h3>
      <table className="grid io-table">
        <tbody>{node.inputs.map((n) => valueRow(n, 'input'))}</tbody>
      </table>
      <h3>Outputs</h3>
      <table className="grid io-table">
        <tbody>{node.outputs.map((n) => valueRow(n, 'output'))}</tbody>
      </table>
      {functions
        .filter((f) => f.name === node.opType && f.domain === node.domain && (f.overload ?? '') === (node.overload ?? ''))
        .map((f) => (
          <p key={`${f.domain}.${f.name}`}>
            Local function{' '}
            <button
              type="button"
              className="linkish"
              data-testid="enter-function"
              onClick={() => onEnterSubgraph(functionGraph(f), `function ${f.domain}.${f.name}`)}
            >
              {f.domain}.{f.name}: {f.nodes.length} nodes
            </button>
          </p>
        ))}
      {(node.subgraphs?.length ?? 0) > 0 && (
        <>
          <h3>Subgraphs</h3>
          <ul>
            {node.subgraphs!.map((s, i) => (
              <li key={i}>
                <button
                  type="button"
                  className="linkish"
                  data-testid="enter-subgraph"
                  onClick={() => onEnterSubgraph(s.graph, `${node.name || node.opType} › ${s.attribute}${s.listIndex !== undefined ? `[${s.listIndex}]` : ''}`)}
                >
                  {s.attribute}
                  {s.listIndex !== undefined ? `[${s.listIndex}]` : ''}: {s.graph.nodes.length} nodes
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
