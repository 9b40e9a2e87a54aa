import { useMemo } from 'react';
import type { ModelDocument, ParsedFile } from '../../model/document';
import type { ValueInfo } from '../../model/graph';
import { describeType, opHistogram } from '../../graph/describe-graph';
import { formatInteger } from '../../model/units';

/** ONNX model facts: signature, opsets, producer, ops. */
export function OnnxPanel({ document }: { document: ModelDocument }) {
  const graph = document.graphs?.[0];
  const file = document.files.find((f): f is Extract<ParsedFile, { format: 'onnx' }> => f.format === 'onnx');
  const histogram = useMemo(() => (graph ? opHistogram(graph) : []), [graph]);
  if (!graph || !file) return null;
  const peak = histogram[0]?.[1] ?? 1;
  const initializerNames = new Set(graph.initializers);
  // Old exporters list initializers among the inputs too; they are not inputs a caller feeds.
  const inputs = graph.inputs.filter((i) => !initializerNames.has(i.name));
  return (
    <div className="columns">
      <section className="panel" data-testid="onnx-panel">
        <h2>ONNX model ({file.path})</h2>
        <dl className="kv">
          <div>
            <dt>ir_version</dt>
            <dd data-testid="ir-version">{file.irVersion}</dd>
          </div>
          <div>
            <dt>opsets</dt>
            <dd className="mono">{file.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}</dd>
          </div>
          <div>
            <dt>producer</dt>
            <dd>{`${file.producerName} ${file.producerVersion}`.trim() || '–'}</dd>
          </div>
          <div>
            <dt>nodes</dt>
            <dd data-testid="node-count" data-value={file.nodeCount}>
              {formatInteger(file.nodeCount)}
            </dd>
          </div>
          <div>
            <dt>subgraphs</dt>
            <dd data-testid="subgraph-count" data-value={file.subgraphCount}>
              {file.subgraphCount}
            </dd>
          </div>
          <div>
            <dt>functions</dt>
            <dd data-testid="function-count" data-value={file.functionCount}>
              {file.functionCount}
            </dd>
          </div>
        </dl>
        <h3>Inputs</h3>
        <Signature values={inputs} testId="model-input" />
        <h3>Outputs</h3>
        <Signature values={graph.outputs} testId="model-output" />
      </section>
      <section className="panel" data-testid="op-histogram">
        <h2>Operators</h2>
        <table className="grid">
          <tbody>
            {histogram.map(([op, count]) => (
              <tr key={op} data-op={op} data-count={count}>
                <td className="mono">{op}</td>
                <td className="num">{count}</td>
                <td style={{ width: '50%' }}>
                  <span className="share-bar" style={{ width: `${(100 * count) / peak}%` }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function Signature({ values, testId }: { values: ValueInfo[]; testId: string }) {
  if (values.length === 0) return <p className="muted">none</p>;
  return (
    <table className="grid">
      <tbody>
        {values.map((v) => (
          <tr key={v.name} data-testid={testId} data-name={v.name} data-type={describeType(v.type)}>
            <td className="mono">{v.name}</td>
            <td className="mono">{describeType(v.type)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
