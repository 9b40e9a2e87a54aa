import type { ValueInfo } from './engine';
import type { NamedTensor } from './tensor';

/**
 * Text mode for language models whose ONNX takes the whole sequence: feeds from token ids,
 * the next-token distribution from the logits, and the choice of the next token. Pure.
 */

/** Inputs a sequence model may take besides `input_ids`, which Loupe fills from the ids. */
const FILLED = new Set(['input_ids', 'attention_mask', 'position_ids', 'token_type_ids']);

/** Why the model cannot run in text mode (no `input_ids`, or inputs such as a KV cache), or undefined when it can. */
export function textModeProblem(inputs: readonly ValueInfo[]): string | undefined {
  if (!inputs.some((i) => i.name === 'input_ids')) return 'the model has no input_ids input';
  const other = inputs.filter((i) => !FILLED.has(i.name)).map((i) => i.name);
  if (other.length > 0)
    return `text mode runs models that take the whole sequence; this one also needs ${other.slice(0, 3).join(', ')}${other.length > 3 ? '…' : ''} (a KV cache?)`;
  return undefined;
}

/** The feeds for one sequence: ids, a mask of ones, positions 0…n−1, token types 0, in each input's integer type. */
export function feedsForIds(inputs: readonly ValueInfo[], ids: readonly number[]): NamedTensor[] {
  const n = ids.length;
  const values: Record<string, (i: number) => number> = { input_ids: (i) => ids[i]!, attention_mask: () => 1, position_ids: (i) => i, token_type_ids: () => 0 };
  return inputs
    .filter((input) => FILLED.has(input.name))
    .map((input) => {
      const at = values[input.name]!;
      const dims = [1, n];
      if (input.dtype === 'int32') return { name: input.name, dtype: 'int32', dims, data: Int32Array.from({ length: n }, (_, i) => at(i)) };
      return { name: input.name, dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, i) => BigInt(at(i))) };
    });
}

export interface NextToken {
  id: number;
  probability: number;
}

/** The last position's logits of a `[1, n, vocab]` (or `[1, vocab]`) float output. */
export function lastLogits(logits: NamedTensor): Float32Array {
  if (logits.dtype !== 'float32' && logits.dtype !== 'float64') throw new Error(`${logits.name} is ${logits.dtype}, not float logits`);
  const vocab = logits.dims[logits.dims.length - 1];
  if (vocab === undefined || vocab === 0) throw new Error(`${logits.name} has no vocabulary axis`);
  const data = logits.data as Float32Array | Float64Array;
  return Float32Array.from(data.subarray(data.length - vocab));
}

/** Softmax probabilities (with the temperature), computed stably from the largest logit. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp((logits[i]! - max) / temperature);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** The k most probable ids, most probable first (ties by lower id). */
export function topK(probabilities: ArrayLike<number>, k: number): NextToken[] {
  const ids = Array.from({ length: probabilities.length }, (_, i) => i);
  ids.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return ids.slice(0, k).map((id) => ({ id, probability: probabilities[id]! }));
}

export interface Sampling {
  greedy: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  /** A source of uniform [0, 1) numbers (seeded in tests). */
  random: () => number;
}

/** The next id: the arg-max, or a draw from the top-k / top-p nucleus at the temperature. */
export function chooseNext(logits: ArrayLike<number>, sampling: Sampling): number {
  if (sampling.greedy) return topK(logits, 1)[0]!.id;
  const probabilities = softmax(logits, sampling.temperature && sampling.temperature > 0 ? sampling.temperature : 1);
  let candidates = topK(probabilities, sampling.topK && sampling.topK > 0 ? sampling.topK : probabilities.length);
  if (sampling.topP !== undefined && sampling.topP < 1) {
    let mass = 0;
    const kept: NextToken[] = [];
    for (const c of candidates) {
      kept.push(c);
      mass += c.probability;
      if (mass >= sampling.topP) break;
    }
    candidates = kept;
  }
  const total = candidates.reduce((a, c) => a + c.probability, 0);
  let r = sampling.random() * total;
  for (const c of candidates) if ((r -= c.probability) < 0) return c.id;
  return candidates[candidates.length - 1]!.id;
}
