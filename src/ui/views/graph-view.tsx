import type { ModelDocument } from '../../model/document';

/** The computation graph. Safetensors checkpoints have none; ONNX graphs are drawn here. */
export function GraphView({ document }: { document: ModelDocument }) {
  return (
    <div className="graph-view" data-testid="graph" data-node-count={0} data-rendered-count={0}>
      <p className="empty">
        {document.formats.includes('onnx')
          ? 'This ONNX model has a graph; drawing it is not available in this version yet.'
          : 'This model has no computation graph: safetensors files hold weights only. Open an ONNX model to see a graph.'}
      </p>
    </div>
  );
}
