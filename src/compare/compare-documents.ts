import type { ModelDocument } from '../model/document';
import { compareCardMetadata, type CardFieldDifference } from './compare-card-metadata';
import { compareKeyValues, type KeyDifference } from './compare-configs';
import { compareOnnx, type OnnxComparison } from './compare-onnx';
import { compareTensors, type TensorComparison } from './compare-tensors';
import { summarizeDiff, type DiffSummary } from './summarize-diff';

/** Everything two models' headers say about how they differ. Plain data. */
export interface ModelComparison extends TensorComparison {
  summary: DiffSummary;
  /** config.json key by key; empty when neither has one or they agree. */
  config: KeyDifference[];
  /** Flat metadata (safetensors `__metadata__`, ONNX and GGUF key/values) key by key. */
  metadata: KeyDifference[];
  card: CardFieldDifference[];
  onnx?: OnnxComparison;
}

/** The architecture a document's names follow: the config's `model_type`, else GGUF's `general.architecture`. */
export function architectureOf(document: ModelDocument): string | undefined {
  return document.config?.modelType ?? document.metadata['general.architecture'];
}

/** Compares two models by their headers only: no weight byte is read. */
export function compareDocuments(a: ModelDocument, b: ModelDocument): ModelComparison {
  const tensors = compareTensors({ tensors: a.tensors, architecture: architectureOf(a) }, { tensors: b.tensors, architecture: architectureOf(b) });
  return {
    ...tensors,
    summary: summarizeDiff(tensors.rows),
    config: compareKeyValues(a.config?.raw, b.config?.raw),
    metadata: compareKeyValues(a.metadata, b.metadata),
    card: compareCardMetadata(a.card, b.card),
    onnx: compareOnnx(a, b),
  };
}
