import { describe, expect, it } from 'vitest';
import { cardFixture } from '../../test/fixtures/card-fixtures';
import type { Diagnostic } from '../model/diagnostic';
import { parseCardMetadata } from './parse-card-metadata';
import { MAX_MODEL_INDEX_LINTS, modelIndexTable, validateCardMetadata } from './validate-card-metadata';

/** Lints for metadata given as YAML, so cases read like the cards they stand for. */
function lint(yaml: string): Diagnostic[] {
  const { data, error } = parseCardMetadata(yaml);
  if (!data) throw new Error(error?.message);
  return validateCardMetadata(data);
}

function codes(yaml: string): string[] {
  return lint(yaml).map((l) => l.code);
}

function find(yaml: string, code: string): Diagnostic | undefined {
  return lint(yaml).find((l) => l.code === code);
}

const COMPLETE = 'license: mit\nlanguage: en\nlibrary_name: transformers\npipeline_tag: fill-mask\n';

describe('validateCardMetadata: realistic cards', () => {
  it('finds no errors in a bert-base-uncased-like card', () => {
    const { data } = parseCardMetadata(cardFixture('bert').frontMatter ?? '');
    const lints = validateCardMetadata(data ?? {});
    expect(lints.filter((l) => l.severity !== 'info')).toEqual([]);
    expect(lints.map((l) => l.code).sort()).toEqual(['library-missing', 'pipeline-tag-missing']);
  });

  it('finds nothing at all in a Llama-like gated card with model-index', () => {
    const { data } = parseCardMetadata(cardFixture('llama').frontMatter ?? '');
    expect(validateCardMetadata(data ?? {})).toEqual([]);
  });

  it('asks a minimal card for its language, library and task', () => {
    const { data } = parseCardMetadata(cardFixture('minimal').frontMatter ?? '');
    expect(validateCardMetadata(data ?? {}).map((l) => [l.severity, l.code])).toEqual([
      ['info', 'language-missing'],
      ['info', 'library-missing'],
      ['info', 'pipeline-tag-missing'],
    ]);
  });
});

describe('license', () => {
  it('accepts the Hub ids', () => {
    for (const id of ['apache-2.0', 'mit', 'openrail', 'llama3.1', 'cc-by-4.0', 'gemma', 'openrail++']) {
      expect(codes(`${COMPLETE}license: ${id}\n`.replace('license: mit\n', ''))).toEqual([]);
    }
  });

  it('warns when missing', () => {
    expect(find('language: en\n', 'license-missing')).toMatchObject({ severity: 'warning', field: 'license' });
  });

  it('rejects an unknown id and suggests the Hub spelling', () => {
    expect(find('license: Apache-2.0\n', 'license-unknown')).toMatchObject({ severity: 'error', field: 'license' });
    expect(find('license: Apache-2.0\n', 'license-unknown')?.message).toMatch(/Write `apache-2.0`/);
    expect(find('license: Apache 2.0\n', 'license-unknown')?.message).toMatch(/Write `apache-2.0`/);
    expect(find('license: my-own-license\n', 'license-unknown')?.message).toMatch(/`other` with `license_name` and `license_link`/);
  });

  it('rejects a list of licenses', () => {
    expect(find('license: [mit, apache-2.0]\n', 'license-type')).toMatchObject({ severity: 'error', message: expect.stringMatching(/not a list/) });
  });

  it('requires license_name and license_link with other', () => {
    expect(codes('license: other\n')).toEqual(expect.arrayContaining(['license-name-missing', 'license-link-missing']));
    expect(codes('license: other\nlicense_name: my-license\nlicense_link: LICENSE.md\n')).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^license-/)]),
    );
    expect(codes('license: other\nlicense_name: my-license\nlicense_link: https://example.com/license\n').filter((c) => c.startsWith('license'))).toEqual([]);
  });

  it('checks the form of license_name and license_link', () => {
    expect(find('license: other\nlicense_name: My License\nlicense_link: LICENSE\n', 'license-name-format')?.severity).toBe('warning');
    expect(find('license: other\nlicense_name: x\nlicense_link: javascript:alert(1)\n', 'license-link-format')?.severity).toBe('warning');
  });

  it('notes license_name without other, and license: unknown', () => {
    expect(find('license: mit\nlicense_name: x\n', 'license-extra')).toMatchObject({ severity: 'info', field: 'license_name' });
    expect(find('license: unknown\n', 'license-unknown-value')?.severity).toBe('info');
  });
});

describe('language', () => {
  it('accepts ISO 639-1 codes, lists of them, and the Hub special values', () => {
    expect(codes('license: mit\nlanguage: [en, fr, zh]\n').filter((c) => c.startsWith('language'))).toEqual([]);
    expect(codes('license: mit\nlanguage: [multilingual, code]\n').filter((c) => c.startsWith('language'))).toEqual([]);
  });

  it('warns about upper case, and about region or script forms, naming the base code', () => {
    expect(find('language: EN\n', 'language-case')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/`en`/) });
    expect(find('language: [en, en-US]\n', 'language-region')).toMatchObject({
      severity: 'warning',
      field: 'language[1]',
      message: expect.stringMatching(/`en`/),
    });
    expect(find('language: zh_Hans\n', 'language-region')?.field).toBe('language');
  });

  it('notes three-letter codes, which it cannot check', () => {
    expect(find('language: [eng]\n', 'language-iso-639-3')?.severity).toBe('info');
  });

  it('rejects names and unknown codes', () => {
    expect(find('language: English\n', 'language-unknown')).toMatchObject({ severity: 'error' });
    expect(find('language: [xx]\n', 'language-unknown')?.field).toBe('language[0]');
    expect(find('language: [en, 42]\n', 'language-type')?.field).toBe('language[1]');
    expect(find('language: {en: 1}\n', 'language-type')?.severity).toBe('error');
  });
});

describe('library_name and pipeline_tag', () => {
  it('accept ids from @huggingface/tasks', () => {
    expect(codes('license: mit\nlanguage: en\nlibrary_name: sentence-transformers\npipeline_tag: sentence-similarity\n')).toEqual([]);
    expect(codes('license: mit\nlanguage: en\nlibrary_name: diffusers\npipeline_tag: text-to-image\n')).toEqual([]);
  });

  it('fix the case of a known library', () => {
    expect(find('library_name: Transformers\n', 'library-case')?.message).toMatch(/`transformers`/);
  });

  it('explain that a file format is not a library', () => {
    expect(find('library_name: onnx\n', 'library-format')?.severity).toBe('info');
    expect(find('library_name: gguf\n', 'library-format')?.severity).toBe('info');
  });

  it('warn about an unknown library and reject a non-string', () => {
    expect(find('library_name: my-lib\n', 'library-unknown')?.severity).toBe('warning');
    expect(find('library_name: [transformers]\n', 'library-type')?.severity).toBe('error');
  });

  it('reject an unknown task, suggesting the id', () => {
    expect(find('pipeline_tag: Text Generation\n', 'pipeline-tag-unknown')).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/Write `text-generation`/),
    });
    expect(find('pipeline_tag: chatbot\n', 'pipeline-tag-unknown')?.message).toMatch(/huggingface.co\/tasks/);
    expect(find('pipeline_tag: 3\n', 'pipeline-tag-type')?.severity).toBe('error');
  });

  it('warn about text2text-generation', () => {
    expect(find('pipeline_tag: text2text-generation\n', 'pipeline-tag-deprecated')?.severity).toBe('warning');
  });
});

describe('tags, datasets and base_model', () => {
  it('want tags and datasets as lists of strings', () => {
    expect(find('tags: llama\n', 'tags-not-list')?.severity).toBe('warning');
    expect(find('tags: [a, 2024]\n', 'tags-type')).toMatchObject({ severity: 'error', field: 'tags[1]' });
    expect(find('tags: {a: b}\n', 'tags-type')?.field).toBe('tags');
    expect(find('datasets: squad\n', 'datasets-not-list')?.severity).toBe('warning');
  });

  it('want dataset ids, not URLs', () => {
    expect(find('datasets: [https://huggingface.co/datasets/rajpurkar/squad]\n', 'datasets-url')?.message).toMatch(/`rajpurkar\/squad`/);
    expect(find('datasets: ["my data set!"]\n', 'datasets-id')?.severity).toBe('warning');
    expect(codes('datasets: [squad, HuggingFaceFW/fineweb]\n').filter((c) => c.startsWith('datasets'))).toEqual([]);
  });

  it('want base_model as repo ids', () => {
    expect(codes('base_model: meta-llama/Llama-3.1-8B\n').filter((c) => c.startsWith('base-model'))).toEqual([]);
    expect(codes('base_model: [mistralai/Mistral-7B-v0.1, Qwen/Qwen2.5-7B]\nbase_model_relation: merge\n').filter((c) => c.startsWith('base-model'))).toEqual(
      [],
    );
    expect(find('base_model: https://huggingface.co/meta-llama/Llama-3.1-8B\n', 'base-model-url')).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/`meta-llama\/Llama-3.1-8B`/),
    });
    expect(find('base_model: gpt2\n', 'base-model-no-org')?.severity).toBe('warning');
    expect(find('base_model: [a/b, "not a repo id"]\n', 'base-model-id')?.field).toBe('base_model[1]');
    expect(find('base_model: org--x/y\n', 'base-model-id')?.severity).toBe('error');
    expect(find('base_model: 7\n', 'base-model-type')?.severity).toBe('error');
  });

  it('want base_model_relation from the Hub list, with a base_model', () => {
    for (const relation of ['adapter', 'merge', 'quantized', 'finetune']) {
      expect(codes(`base_model: a/b\nbase_model_relation: ${relation}\n`).filter((c) => c.startsWith('base-model'))).toEqual([]);
    }
    expect(find('base_model: a/b\nbase_model_relation: distilled\n', 'base-model-relation')?.severity).toBe('error');
    expect(find('base_model_relation: finetune\n', 'base-model-relation-alone')?.severity).toBe('warning');
  });
});

describe('model-index', () => {
  const fields = (yaml: string): string[] =>
    lint(yaml)
      .filter((l) => l.code === 'model-index' && l.severity === 'error')
      .map((l) => l.field ?? '');

  it('requires name, results, task.type, dataset type and name, metric type and value, at their paths', () => {
    const yaml = `model-index:
- results:
  - task: {name: Text Generation}
    dataset: {type: cais/mmlu}
    metrics:
    - {type: acc, value: 69.4}
    - {type: acc_norm}
    - {value: 3}
  - metrics: []
`;
    expect(fields(yaml)).toEqual([
      'model-index[0].name',
      'model-index[0].results[0].task.type',
      'model-index[0].results[0].dataset.name',
      'model-index[0].results[0].metrics[1].value',
      'model-index[0].results[0].metrics[2].type',
      'model-index[0].results[1].task',
      'model-index[0].results[1].dataset',
      'model-index[0].results[1].metrics',
    ]);
  });

  it('rejects wrong shapes', () => {
    expect(fields('model-index: {name: x}\n')).toEqual(['model-index']);
    expect(fields('model-index:\n- name: x\n')).toEqual(['model-index[0].results']);
    expect(fields('model-index:\n- name: x\n  results: [3]\n')).toEqual(['model-index[0].results[0]']);
    expect(
      fields('model-index:\n- name: x\n  results:\n  - task: {type: fill-mask}\n    dataset: {type: a, name: b}\n    metrics: [{type: acc, value: [1]}]\n'),
    ).toEqual(['model-index[0].results[0].metrics[0].value']);
  });

  it('warns about a task type that is not a Hub task', () => {
    const yaml = 'model-index:\n- name: x\n  results:\n  - task: {type: chat}\n    dataset: {type: a, name: b}\n    metrics: [{type: acc, value: 1}]\n';
    expect(find(yaml, 'model-index')).toMatchObject({ severity: 'warning', field: 'model-index[0].results[0].task.type' });
  });

  it('caps the number of problems reported', () => {
    const entries = Array.from({ length: 200 }, () => '- results: []').join('\n');
    const lints = lint(`model-index:\n${entries}\n`).filter((l) => l.code === 'model-index');
    expect(lints).toHaveLength(MAX_MODEL_INDEX_LINTS + 1);
    expect(lints.at(-1)?.message).toMatch(/and 150 more/);
  });
});

describe('modelIndexTable', () => {
  it('gives one row per metric, with names where given and dataset config and split', () => {
    const { data } = parseCardMetadata(cardFixture('llama').frontMatter ?? '');
    expect(modelIndexTable(data)).toEqual([
      { model: 'Llama-3.1-8B-Instruct', task: 'Text Generation', dataset: 'MMLU (all, test)', metric: 'macro_avg/acc', value: 69.4 },
      { model: 'Llama-3.1-8B-Instruct', task: 'Text Generation', dataset: 'MMLU (all, test)', metric: 'macro_avg/acc_char (CoT)', value: 73 },
      { model: 'Llama-3.1-8B-Instruct', task: 'text-generation', dataset: 'HumanEval', metric: 'pass@1', value: 72.6 },
    ]);
  });

  it('skips malformed entries and has nothing without model-index', () => {
    expect(modelIndexTable(undefined)).toEqual([]);
    expect(modelIndexTable({ 'model-index': 'x' })).toEqual([]);
    const data = {
      'model-index': [
        { name: 'm', results: [{ task: { type: 't' }, dataset: { type: 'd' }, metrics: [{ type: 'acc' }, null, { type: 'f1', value: '0.9' }] }, 7] },
        null,
      ],
    };
    expect(modelIndexTable(data)).toEqual([{ model: 'm', task: 't', dataset: 'd', metric: 'f1', value: '0.9' }]);
  });
});
