import type { ModelDocument } from '../../model/document';

/** In-page inference runs ONNX models only. */
export function InferenceView({ document }: { document: ModelDocument }) {
  return (
    <div className="inference-view">
      <p className="empty">
        {document.formats.includes('onnx')
          ? 'Running ONNX models in the page is not available in this version yet.'
          : 'Inference runs ONNX models. This model has no ONNX file.'}
      </p>
    </div>
  );
}
