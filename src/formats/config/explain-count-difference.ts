import type { ConfigFacts, ParameterEstimate } from '../../model/config-facts';
import { formatInteger } from '../../model/units';

/** What the explanation needs of a tensor; `TensorInfo` fits as is. */
export interface CountedTensor {
  name: string;
  elements: number;
  /** safetensors dtype name (`I32`, `U8`, `F16`…), when known. */
  dtype?: string;
}

/**
 * Tensors that checkpoints persist but that are buffers, not parameters. Each pattern matches
 * the end of a tensor name at a module boundary.
 */
const BUFFERS: { pattern: RegExp; what: string }[] = [
  // modeling_llama.py and kin: older checkpoints saved LlamaRotaryEmbedding.inv_freq per layer.
  { pattern: /(^|\.)rotary_emb\.inv_freq$/, what: 'rotary inverse frequencies (rotary_emb.inv_freq)' },
  { pattern: /(^|\.)rotary_emb\.(cos|sin)_cached$/, what: 'cached rotary tables (rotary_emb.cos_cached / sin_cached)' },
  // modeling_bert.py registers embeddings.position_ids; checkpoints before transformers 4.31 saved it.
  { pattern: /(^|\.)position_ids$/, what: 'position index buffers (position_ids)' },
  { pattern: /(^|\.)token_type_ids$/, what: 'token type buffers (token_type_ids)' },
  // modeling_gpt2.py: attn.masked_bias is a scalar constant.
  { pattern: /(^|\.)attn\.masked_bias$/, what: 'GPT-2 attention constants (attn.masked_bias)' },
];

/** GPT-2's causal mask, `attn.bias`, is a 1×1×n_positions×n_positions buffer; a real bias of that name would be a vector. */
const GPT2_MASK = /(^|\.)attn\.bias$/;

/** GPTQ and AWQ: packed integer weights with per-group zeros and scales (auto-gptq, autoawq layouts). */
const GPTQ_AWQ = /(^|\.)(qweight|qzeros|scales|g_idx)$/;
/** bitsandbytes: 4-bit weights are packed into U8 with absmax/quant_map state; 8-bit keeps SCB and weight_format. */
const BITSANDBYTES = /(^|\.)weight\.(absmax|quant_map|nested_absmax|nested_quant_map|quant_state\..+)$|(^|\.)(SCB|weight_format)$/;

/** Heads that task-specific classes add on top of the base model the estimate counts. */
const TASK_HEADS = /^(cls|classifier|score|qa_outputs|pre_classifier)\./;

/**
 * Plausible reasons why the parameter count from the weights (`weightCount`, elements of every
 * tensor) differs from the count implied by the config. Each reason is a plain sentence; one
 * that accounts for the whole difference says so. Returns [] when the counts agree, and a single
 * "no known cause" sentence when none of the checks applies.
 */
export function explainCountDifference(estimate: ParameterEstimate, facts: ConfigFacts, weightCount: number, tensors: readonly CountedTensor[]): string[] {
  const difference = weightCount - estimate.total;
  if (difference === 0) return [];
  const reasons: string[] = [];
  const whole = (count: number): string => (count === difference ? ', which accounts for the whole difference' : '');

  // Tied embeddings: the config says whether lm_head shares the embedding; the file shows whether it was saved.
  const headTensor = tensors.find((tensor) => /(^|\.)lm_head\.weight$/.test(tensor.name));
  const embeddingSize = facts.vocabSize !== undefined && facts.hiddenSize !== undefined ? facts.vocabSize * facts.hiddenSize : undefined;
  if (facts.tieWordEmbeddings === true && headTensor) {
    reasons.push(
      `The weights include ${headTensor.name} (${format(headTensor.elements)} elements) although the config ties it to the token embedding: the file stores the shared matrix a second time, or the head is not actually tied${whole(headTensor.elements)}.`,
    );
  } else if (facts.tieWordEmbeddings === false && !headTensor && tensors.length > 0 && embeddingSize !== undefined) {
    reasons.push(
      `The weights have no lm_head.weight although the config does not tie it to the token embedding: the file may hold the base model without its LM head, or rely on tying after all (vocab × hidden = ${format(embeddingSize)})${whole(-embeddingSize)}.`,
    );
  } else if (embeddingSize !== undefined && Math.abs(difference) === embeddingSize) {
    reasons.push(
      `The difference is exactly vocab × hidden (${format(embeddingSize)}): one embedding-sized matrix, such as an LM head, is saved or missing unlike the config says.`,
    );
  }

  // Buffers saved with the weights.
  const buffers = new Map<string, { tensors: number; elements: number }>();
  for (const tensor of tensors) {
    let what = BUFFERS.find(({ pattern }) => pattern.test(tensor.name))?.what;
    if (!what && GPT2_MASK.test(tensor.name) && isCausalMask(tensor, facts)) what = 'GPT-2 causal masks (attn.bias)';
    if (!what) continue;
    const entry = buffers.get(what) ?? { tensors: 0, elements: 0 };
    entry.tensors++;
    entry.elements += tensor.elements;
    buffers.set(what, entry);
  }
  if (buffers.size > 0) {
    const parts = [...buffers].map(([what, { tensors: count, elements }]) => `${count} × ${what}, ${format(elements)} elements`);
    const elements = [...buffers.values()].reduce((sum, entry) => sum + entry.elements, 0);
    reasons.push(`The weights include buffers that are not parameters: ${parts.join('; ')}${whole(elements)}.`);
  }

  // Quantized checkpoints: packed integers hold several weights per element, and add scales and zeros.
  const gptq = tensors.filter((tensor) => GPTQ_AWQ.test(tensor.name));
  if (gptq.length > 0) {
    const packed = gptq.filter((tensor) => tensor.name.endsWith('qweight') && (tensor.dtype === undefined || tensor.dtype === 'I32'));
    reasons.push(
      `The weights are quantized GPTQ/AWQ-style (${gptq.length} qweight/qzeros/scales/g_idx tensors${packed.length > 0 ? `; ${packed.length} packed qweight tensors` : ''}): each packed integer holds several weights, and the scales and zeros add elements of their own, so the element count is not the parameter count.`,
    );
  }
  const bnb = tensors.filter((tensor) => BITSANDBYTES.test(tensor.name));
  if (bnb.length > 0) {
    const packed = tensors.filter((tensor) => tensor.dtype === 'U8' && tensor.name.endsWith('.weight')).length;
    reasons.push(
      `The weights are quantized with bitsandbytes (${bnb.length} absmax/quant_map/quant_state tensors${packed > 0 ? `; ${packed} U8 weights, two 4-bit values per byte` : ''}): packed weights count fewer elements than parameters, and the quantization state adds some.`,
    );
  }

  // Task heads and a missing pooler: the estimate counts the base model.
  const heads = tensors.filter((tensor) => TASK_HEADS.test(tensor.name));
  if (heads.length > 0) {
    const elements = heads.reduce((sum, tensor) => sum + tensor.elements, 0);
    const prefixes = [...new Set(heads.map((tensor) => `${tensor.name.split('.')[0]}.*`))].join(', ');
    reasons.push(`The weights include task heads (${prefixes}, ${format(elements)} elements) that the base-model estimate does not count${whole(elements)}.`);
  }
  const pooler = estimate.breakdown.find((part) => part.name === 'pooler');
  if (pooler && pooler.count > 0 && tensors.length > 0 && !tensors.some((tensor) => /(^|\.)pooler\./.test(tensor.name))) {
    reasons.push(
      `The weights have no pooler (BertForMaskedLM and similar are built without one), which the estimate counts as ${format(pooler.count)}${whole(-pooler.count)}.`,
    );
  }

  if (reasons.length === 0) {
    const percent = estimate.total > 0 ? Math.abs(difference / estimate.total) * 100 : undefined;
    const relative = percent === undefined ? '' : ` (${percent < 0.01 ? 'under 0.01' : percent.toFixed(2)}%)`;
    reasons.push(
      `No known cause found: the weights have ${format(Math.abs(difference))} ${difference > 0 ? 'more' : 'fewer'} parameters than the config implies${relative}.`,
    );
  }
  return reasons;
}

/** GPT-2's mask is n_positions² elements; when the size is unknown, trust the name only in a GPT-2 config. */
function isCausalMask(tensor: CountedTensor, facts: ConfigFacts): boolean {
  if (facts.maxPositions !== undefined) return tensor.elements === facts.maxPositions * facts.maxPositions;
  return facts.family === 'gpt2';
}

function format(count: number): string {
  return formatInteger(count);
}
