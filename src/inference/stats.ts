import { summarizeValues, type TensorStats } from '../formats/tensors/tensor-stats';
import { numberAt, toFloat64, type HostTensor } from './tensor';
import { formatNumber, formatShape } from '../model/units';

/** What the outputs panel shows of a tensor: statistics, first values, top-k for logits. */

/**
 * Statistics of an output tensor, by the same engine as a stored tensor's. 64-bit integers are
 * rounded to the nearest double; a string tensor has no numeric values, only its count.
 */
export function tensorStats(tensor: HostTensor): TensorStats {
  if (tensor.dtype === 'string') return { ...summarizeValues([]), count: tensor.data.length };
  return summarizeValues(toFloat64(tensor));
}

/** The first `n` values as text, numbers with 6 significant digits. */
export function firstValues(tensor: HostTensor, n = 12): string[] {
  const count = Math.min(n, tensor.data.length);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (tensor.dtype === 'string') out.push(JSON.stringify((tensor.data as string[])[i]));
    else if (tensor.dtype === 'int64' || tensor.dtype === 'uint64') out.push(String((tensor.data as BigInt64Array)[i]));
    else if (tensor.dtype === 'bool') out.push(tensor.data[i] ? 'true' : 'false');
    else out.push(formatNumber(numberAt(tensor, i)));
  }
  return out;
}

export interface TopKEntry {
  index: number;
  /** The raw value (logit or probability). */
  value: number;
  /** Softmax probability (the value itself when the output already is a distribution). */
  probability: number;
  label?: string;
}

/**
 * Whether an output looks like classification scores: float, [C] or [1, C] with C ≥ 2
 * (or [N, C] where the first row is shown).
 */
export function isClassificationLike(tensor: HostTensor): boolean {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'float16' && tensor.dtype !== 'float64') return false;
  const d = tensor.dims;
  if (d.length === 1) return d[0]! >= 2;
  if (d.length === 2) return d[0] === 1 && d[1]! >= 2;
  return false;
}

/**
 * The k highest scores of the last axis of the first row. Values that already form a
 * distribution (all in [0, 1], summing to 1) are shown as they are; others through a softmax.
 * `labels` is config.json's `id2label` (keys are the class ids as text).
 */
export function topK(tensor: HostTensor, k = 5, labels?: Record<string, unknown>): TopKEntry[] {
  const classes = tensor.dims[tensor.dims.length - 1] ?? tensor.data.length;
  const values = new Float64Array(classes);
  for (let i = 0; i < classes; i++) values[i] = numberAt(tensor, i);
  let sum = 0;
  let isDistribution = true;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) isDistribution = false;
    sum += v;
  }
  if (Math.abs(sum - 1) > 1e-3) isDistribution = false;
  let probabilities: Float64Array;
  if (isDistribution) {
    probabilities = values;
  } else {
    let max = -Infinity;
    for (const v of values) if (v > max) max = v;
    probabilities = values.map((v) => Math.exp(v - max));
    const total = probabilities.reduce((a, b) => a + b, 0);
    probabilities = probabilities.map((p) => p / total);
  }
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, k).map((index) => {
    const label = labels?.[String(index)];
    return { index, value: values[index]!, probability: probabilities[index]!, ...(typeof label === 'string' ? { label } : {}) };
  });
}

export function describeTensor(tensor: HostTensor): string {
  return `${tensor.dtype} ${formatShape(tensor.dims)}`;
}
