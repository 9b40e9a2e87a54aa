// Test fixtures: realistic public-style cards and a document builder. Imported by tests only.
import { splitFrontMatter } from '../formats/card/card-format';
import type { ModelCard, ModelConfig, ModelDocument } from '../model/document';
import bert from './fixtures/bert-base-uncased.md?raw';
import llama from './fixtures/llama-gated.md?raw';
import minimal from './fixtures/minimal.md?raw';
import template from './fixtures/template-unfilled.md?raw';

const CARDS = { bert, llama, minimal, template };

/** A fixture card as the card format parses it: front matter split from the body. */
export function cardFixture(name: keyof typeof CARDS, text: string = CARDS[name]): ModelCard {
  return { path: 'README.md', ...splitFrontMatter(text) };
}

/** The raw text of a fixture card. */
export function cardFixtureText(name: keyof typeof CARDS): string {
  return CARDS[name];
}

/** A config as the config format reads it. */
export function configFixture(architectures: string[], modelType?: string, raw: Record<string, unknown> = {}): ModelConfig {
  return { path: 'config.json', raw: { architectures, model_type: modelType, ...raw }, architectures, modelType };
}

/** A ModelDocument with nothing in it but what the test gives; file names become `source.files`. */
export function documentFixture(overrides: Partial<ModelDocument> & { fileNames?: string[] } = {}): ModelDocument {
  const { fileNames = [], ...rest } = overrides;
  return {
    source: { kind: 'local', files: fileNames.map((path) => ({ path, size: 1000 })) },
    formats: [],
    tensors: [],
    parameters: { total: 0, byDtype: {}, bytesByDtype: {} },
    files: [],
    metadata: {},
    warnings: [],
    ...rest,
  };
}
