import type { ModelConfig } from '../../model/document';
import type { FormatModule } from '../format-module';
import { deriveConfigFacts } from './derive-config-facts';
import { estimateParameters } from './estimate-parameters';
import { explainCountDifference } from './explain-count-difference';
import { isModelConfig, parseConfig } from './parse-config';

/** The registry entry for `config.json`: a JSON object with `model_type` or `architectures` (and no `weight_map`). */
export const configFormat: FormatModule<ModelConfig> = {
  id: 'config',
  label: 'config.json',
  describe: 'a Hugging Face config.json',
  readme: {
    input: '`config.json`',
    reads:
      'architectures, `model_type`, the key sizes, the parameter count the config implies (Llama, Mistral, Qwen2, Gemma, Phi-3, GPT-2, BERT, Mixtral…) beside the count from the weights, and why they differ',
  },
  extensions: ['config.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isModelConfig(json),
  parse: parseConfig,
  contribute(config, source, draft) {
    draft.document.config = config;
    draft.document.files.push({ format: 'config', path: source.name });
  },
  finish(draft) {
    const { config, tensors, parameters, warnings } = draft.document;
    if (!config) return;
    config.facts = deriveConfigFacts(config.raw, warnings);
    config.estimate = estimateParameters(config.raw);
    // With a shard missing, the weights' count is partial: comparing it would explain a difference that is not there.
    if (config.estimate.estimate && tensors.length > 0 && !warnings.some((w) => w.code === 'shard-missing')) {
      config.countDifference = explainCountDifference(config.estimate.estimate, config.facts, parameters.total, tensors);
    }
  },
};
