import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../model/document';
import { cardFixture, configFixture, documentFixture } from '../../test/fixtures/card-fixtures';
import { draftCard, MORE_INFORMATION_NEEDED } from './draft-card';
import { lintCard } from './lint-card';
import { splitFrontMatter } from '../formats/card/card-format';
import { parseCardMetadata } from './parse-card-metadata';
import { renderCard } from './render-card';

function llamaDocument(overrides: Partial<ModelDocument> = {}): ModelDocument {
  const config = configFixture(['LlamaForCausalLM'], 'llama', { torch_dtype: 'bfloat16' });
  config.facts = {
    architectures: ['LlamaForCausalLM'],
    modelType: 'llama',
    family: 'llama',
    hiddenSize: 4096,
    numLayers: 32,
    numHeads: 32,
    numKvHeads: 8,
    vocabSize: 128256,
    maxPositions: 131072,
    dtype: 'bfloat16',
    fromTextConfig: false,
  };
  return documentFixture({
    source: {
      kind: 'hub',
      repo: { id: 'org/my-llama', revision: 'main' },
      files: [
        { path: 'config.json', size: 826 },
        { path: 'model-00001-of-00002.safetensors', size: 9_976_576_152 },
        { path: 'model-00002-of-00002.safetensors', size: 6_084_621_960 },
      ],
    },
    formats: ['safetensors', 'safetensors-index', 'config'],
    parameters: { total: 8_030_261_248, byDtype: { BF16: 8_030_261_248 }, bytesByDtype: { BF16: 16_060_522_496 } },
    config,
    ...overrides,
  });
}

describe('draftCard', () => {
  it('writes valid metadata with the library and task the files suggest', () => {
    const draft = draftCard(llamaDocument());
    const { frontMatter } = splitFrontMatter(draft);
    const { data, error } = parseCardMetadata(frontMatter ?? '');
    expect(error).toBeUndefined();
    expect(data).toEqual({ library_name: 'transformers', pipeline_tag: 'text-generation', tags: ['llama'] });
    expect(frontMatter).toMatch(/^# license: apache-2.0 {2}# pick the id/m);
  });

  it('fills in what Loupe knows and marks the rest', () => {
    const draft = draftCard(llamaDocument());
    expect(draft).toContain('# Model Card for org/my-llama');
    expect(draft).toContain('- **Architecture:** `LlamaForCausalLM`');
    expect(draft).toContain('- **Parameters:** 8.03B (8,030,261,248), counted from the weights');
    expect(draft).toContain('- **Weights:** `BF16` 8.03B (16.1 GB), in safetensors');
    expect(draft).toContain('| Layers | 32 |');
    expect(draft).toContain('- `model-00001-of-00002.safetensors` (9.98 GB)');
    expect(draft).toContain('pipe = pipeline("text-generation", model="org/my-llama")');
    expect(draft).toContain(MORE_INFORMATION_NEEDED);
  });

  it('has every required template section, and lints without errors', () => {
    const draft = draftCard(llamaDocument());
    const { frontMatter, body } = splitFrontMatter(draft);
    const lints = lintCard({ path: 'README.md', frontMatter, body }, llamaDocument());
    expect(lints.filter((l) => l.severity === 'error')).toEqual([]);
    expect(lints.filter((l) => l.code === 'section-missing')).toEqual([]);
    expect(lints.filter((l) => l.code === 'pipeline-tag-architecture' || l.code === 'parameters-mismatch' || l.code === 'library-files')).toEqual([]);
    expect(lints.some((l) => l.code === 'section-placeholder')).toBe(true);
  });

  it('keeps the metadata of an existing card and copies its evaluation results', () => {
    const draft = draftCard(llamaDocument({ card: cardFixture('llama') }));
    const { data } = parseCardMetadata(splitFrontMatter(draft).frontMatter ?? '');
    expect(data).toMatchObject({ license: 'llama3.1', base_model: 'meta-llama/Llama-3.1-8B', library_name: 'transformers' });
    expect(draft).not.toContain('# license:');
    expect(draft).toContain('| Text Generation | MMLU (all, test) | macro\\_avg/acc | 69.4 |');
  });

  it('keeps untrusted names as text', () => {
    const doc = documentFixture({
      source: {
        kind: 'local',
        files: [
          { path: 'evil/<img src=x onerror=alert(1)>.safetensors', size: 10 },
          { path: 'evil/`x`</code><script>', size: 1 },
        ],
      },
      formats: ['safetensors'],
      config: configFixture(['<script>alert(1)</script>ForCausalLM'], '"><svg onload=alert(1)>'),
    });
    const draft = draftCard(doc);
    const { frontMatter, body } = splitFrontMatter(draft);
    expect(parseCardMetadata(frontMatter ?? '').error).toBeUndefined();
    const { html, removed } = renderCard(body, { allowRemoteImages: false });
    expect(removed).toEqual([]);
    expect(html).not.toMatch(/<script|<svg|<img/i);
    expect(html).toContain('&#x3C;img src=x onerror=alert(1)>.safetensors');
  });

  it('lists the inputs and outputs of an ONNX graph', () => {
    const tensor = (elemType: 'F32' | 'I64', shape: (number | string)[]) => ({ kind: 'tensor' as const, elemType, shape });
    const graph = {
      name: 'main',
      nodes: [],
      inputs: [
        { name: 'pixel_values', type: tensor('F32', ['batch', 3, 224, 224]) },
        { name: 'weight', type: tensor('F32', [10]) },
      ],
      outputs: [{ name: 'logits', type: tensor('F32', ['batch', 1000]) }],
      valueInfo: [],
      initializers: ['weight'],
      sparseInitializers: [],
      quantizationAnnotations: [],
    };
    const draft = draftCard(documentFixture({ formats: ['onnx'], graphs: [graph], fileNames: ['model.onnx'] }));
    expect(draft).toContain('| input | pixel\\_values | F32 batch × 3 × 224 × 224 |');
    expect(draft).toContain('| output | logits | F32 batch × 1000 |');
    expect(draft).not.toContain('| weight |');
    // ONNX is a format the Hub detects, not a library_name.
    expect(draft).not.toContain('library_name');
  });

  it('drafts something for an empty document', () => {
    const draft = draftCard(documentFixture());
    expect(draft).toContain('# Model Card for this model');
    expect(splitFrontMatter(draft).frontMatter).toBeDefined();
  });
});
