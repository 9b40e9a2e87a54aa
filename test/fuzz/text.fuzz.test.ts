import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { cardFormat } from '../../src/formats/card/card-format';
import { parseConfig } from '../../src/formats/config/parse-config';
import { deriveConfigFacts } from '../../src/formats/config/derive-config-facts';
import { estimateParameters } from '../../src/formats/config/estimate-parameters';
import type { Diagnostic } from '../../src/model/document';
import { check, FUZZ_SEED, fuzzMutations, runs, seeds, TEST_TIMEOUT_MS, tally, type Parse } from './fuzz-helpers';

const configs = seeds('public/examples/tiny-llama/config.json', 'e2e/models/pytorch/tiny-bin/config.json', 'e2e/hostile/config-absurd-numbers.json');
const cards = seeds('public/examples/tiny-llama/README.md', 'e2e/hostile/card-yaml-alias-bomb.md', 'e2e/hostile/card-mermaid.md');

/** parseConfig, then what openGroup derives from it (facts, estimate), which must warn, never throw. */
const parseAndDerive: Parse = async (source, signal) => {
  const config = await parseConfig(source, signal);
  const warnings: Diagnostic[] = [];
  deriveConfigFacts(config.raw, warnings);
  estimateParameters(config.raw);
  return config;
};

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

describe('config and card fuzz', () => {
  it('mutated config.json gives a config or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(configs, parseAndDerive, runs(1500));
  });

  it('any JSON object as config.json: facts and estimate never throw', { timeout: TEST_TIMEOUT_MS }, async () => {
    const keys = fc.constantFrom(
      'architectures',
      'model_type',
      'hidden_size',
      'num_hidden_layers',
      'num_attention_heads',
      'num_key_value_heads',
      'intermediate_size',
      'vocab_size',
      'max_position_embeddings',
      'torch_dtype',
      'tie_word_embeddings',
      'text_config',
      'head_dim',
      'num_experts',
      '__proto__',
      'constructor',
    );
    const value = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(1e308),
      fc.constant(-1),
      fc.constant(2 ** 53),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, value, { maxKeys: 14 }), async (raw) => {
        const bytes = new TextEncoder().encode(JSON.stringify(raw));
        await check({ name: 'config.json', bytes }, bytes, parseAndDerive);
      }),
      { seed: FUZZ_SEED, numRuns: runs(1500) },
    );
  });

  it('mutated cards give a card or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(cards, (source, signal) => cardFormat.parse(source, signal), runs(1000));
  });
});
