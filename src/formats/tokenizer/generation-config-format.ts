import { FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';
import { has, isRecord, optionalNumber, readJsonObject, tokenIds } from './json-object';
import { lintTokenizerGroup } from './lint-tokenizer-group';
import { tokenizerFactsOf, type GenerationFacts } from './tokenizer-facts';

const GENERATION_KEYS = [
  'do_sample',
  'temperature',
  'top_p',
  'top_k',
  'max_new_tokens',
  'max_length',
  'eos_token_id',
  'bos_token_id',
  'pad_token_id',
  'num_beams',
  'repetition_penalty',
  '_from_model_config',
];

/** A generation config: generation keys, and none of a model config's or a tokenizer's. */
export function isGenerationConfig(json: unknown): boolean {
  return (
    isRecord(json) &&
    GENERATION_KEYS.some((k) => has(json, k)) &&
    !['model_type', 'architectures', 'model', 'tokenizer_class', 'hidden_size'].some((k) => has(json, k))
  );
}

function ids(file: string, json: Record<string, unknown>, key: string): number[] | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  const list = tokenIds(value);
  if (!list) throw new FormatError(file, key, 'expected a token id or a list of token ids');
  return list;
}

export function parseGenerationConfig(file: string, json: Record<string, unknown>): GenerationFacts {
  const facts: GenerationFacts = { file };
  const bos = ids(file, json, 'bos_token_id');
  const eos = ids(file, json, 'eos_token_id');
  const pad = ids(file, json, 'pad_token_id');
  if (bos) facts.bosTokenId = bos;
  if (eos) facts.eosTokenId = eos;
  if (pad) facts.padTokenId = pad;
  if (typeof json.do_sample === 'boolean') facts.doSample = json.do_sample;
  const numbers: [keyof GenerationFacts, string][] = [
    ['temperature', 'temperature'],
    ['topP', 'top_p'],
    ['topK', 'top_k'],
    ['maxNewTokens', 'max_new_tokens'],
    ['maxLength', 'max_length'],
    ['repetitionPenalty', 'repetition_penalty'],
  ];
  for (const [field, key] of numbers) {
    const value = optionalNumber(json[key]);
    if (value !== undefined) (facts as unknown as Record<string, number>)[field] = value;
  }
  return facts;
}

/** The registry entry for `generation_config.json`. */
export const generationConfigFormat: FormatModule<GenerationFacts> = {
  id: 'generation-config',
  label: 'generation_config.json',
  describe: 'its chat template and generation defaults (chat_template.jinja, generation_config.json)',
  readme: {
    input: '`generation_config.json`',
    reads:
      'the generation defaults (sampling, temperature, top-p, top-k, max new tokens) and the stop ids, checked against the tokenizer and the chat template',
  },
  extensions: ['generation_config.json'],
  role: 'sidecar',
  json: true,
  sniff: (_head, _source, json) => isGenerationConfig(json),
  async parse(source, signal, sidecar) {
    const { value } = await readJsonObject(source, 'generation_config.json', signal, sidecar);
    return parseGenerationConfig(source.name, value);
  },
  contribute(parsed, source, draft) {
    tokenizerFactsOf(draft.document).generation ??= parsed;
    draft.document.files.push({ format: 'generation-config', path: source.name });
  },
  finish: lintTokenizerGroup,
};
