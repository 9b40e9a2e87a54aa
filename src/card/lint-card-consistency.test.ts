import { describe, expect, it } from 'vitest';
import { pipelinesForArchitecture, guessPipelineTag } from './architecture-pipelines';
import { cardFixture, configFixture, documentFixture } from '../../test/fixtures/card-fixtures';
import { guessLibraryName } from './guess-library-name';
import { lintCardConsistency, statedParameterCounts } from './lint-card-consistency';
import { parseCardMetadata } from './parse-card-metadata';

const weights = (total: number) => ({ total, byDtype: { F32: total }, bytesByDtype: { F32: total * 4 } });

describe('statedParameterCounts', () => {
  it('reads the ways cards state a size', () => {
    const values = (text: string) => statedParameterCounts(text).map((c) => c.value);
    expect(values('a 7B parameters model')).toEqual([7e9]);
    expect(values('GPT-2 small has 124M params.')).toEqual([124e6]);
    expect(values('with 1.3 billion parameters')).toEqual([1.3e9]);
    expect(values('a 70B-parameter model')).toEqual([70e9]);
    expect(values('47B total parameters, 13B active parameters')).toEqual([47e9, 13e9]);
    expect(values('It has 110,000,000 parameters.')).toEqual([110e6]);
    expect(values('4.2M trainable params')).toEqual([4.2e6]);
    expect(values('350 parameters, Llama-2-7b, 7B tokens, v1.3 params')).toEqual([]);
  });

  it('widens the tolerance for coarse numbers', () => {
    expect(statedParameterCounts('7B parameters')[0]?.tolerance).toBe(0.1);
    expect(statedParameterCounts('1B parameters')[0]?.tolerance).toBe(0.5);
    expect(statedParameterCounts('1.3 billion parameters')[0]?.tolerance).toBe(0.1);
  });

  it('stays linear on long runs of spaces and digits', () => {
    // No clock here: a backtracking (quadratic or worse) step on this input would run for minutes, and the test's timeout fails it. Timings are in npm run bench.
    expect(statedParameterCounts(`1${' '.repeat(200_000)}x ${'9'.repeat(200_000)}`)).toEqual([]);
  });
});

describe('pipelinesForArchitecture', () => {
  it('maps class suffixes and families to tasks', () => {
    expect(pipelinesForArchitecture('LlamaForCausalLM')).toContain('text-generation');
    expect(pipelinesForArchitecture('GPT2LMHeadModel')).toContain('text-generation');
    expect(pipelinesForArchitecture('BertForSequenceClassification')).toContain('text-classification');
    expect(pipelinesForArchitecture('BertForTokenClassification')).toEqual(['token-classification']);
    expect(pipelinesForArchitecture('RobertaForQuestionAnswering')).toContain('question-answering');
    expect(pipelinesForArchitecture('BertForMaskedLM')).toContain('fill-mask');
    expect(pipelinesForArchitecture('ViTForImageClassification')).toContain('image-classification');
    expect(pipelinesForArchitecture('WhisperForConditionalGeneration')).toEqual(['automatic-speech-recognition']);
    expect(pipelinesForArchitecture('T5ForConditionalGeneration', 't5')).toContain('translation');
    expect(pipelinesForArchitecture('LlavaForConditionalGeneration', 'llava')).toContain('image-text-to-text');
    expect(pipelinesForArchitecture('FooForConditionalGeneration', 'foo')).toBeUndefined();
    expect(pipelinesForArchitecture('BertModel')).toBeUndefined();
  });

  it('guesses the first fitting task', () => {
    expect(guessPipelineTag(['BertModel', 'BertForMaskedLM'])).toBe('fill-mask');
    expect(guessPipelineTag(['BertModel'])).toBeUndefined();
  });
});

describe('guessLibraryName', () => {
  it('reads the library from its marker files', () => {
    expect(guessLibraryName(['adapter_config.json', 'adapter_model.safetensors'])).toBe('peft');
    expect(guessLibraryName(['modules.json', 'config.json'], { architectures: ['BertModel'] })).toBe('sentence-transformers');
    expect(guessLibraryName(['model_index.json', 'unet/config.json'])).toBe('diffusers');
    expect(guessLibraryName(['config.json'], { architectures: ['BertModel'], modelType: 'bert' })).toBe('transformers');
    expect(guessLibraryName(['model.gguf'])).toBeUndefined();
  });
});

describe('lintCardConsistency', () => {
  const llama = configFixture(['LlamaForCausalLM'], 'llama');

  it('finds nothing wrong in a Llama-like card over matching files', () => {
    const card = cardFixture('llama');
    const { data } = parseCardMetadata(card.frontMatter ?? '');
    const doc = documentFixture({ config: llama, parameters: weights(8_030_261_248), fileNames: ['config.json', 'model-00001-of-00004.safetensors'] });
    expect(lintCardConsistency(data, card.body, doc)).toEqual([]);
  });

  it('flags a pipeline_tag that does not fit the architecture', () => {
    const cases: [string, string, string][] = [
      ['LlamaForCausalLM', 'llama', 'text-classification'],
      ['BertForSequenceClassification', 'bert', 'text-generation'],
      ['BertForTokenClassification', 'bert', 'fill-mask'],
      ['BertForQuestionAnswering', 'bert', 'token-classification'],
      ['BertForMaskedLM', 'bert', 'text-generation'],
      ['ViTForImageClassification', 'vit', 'object-detection'],
      ['WhisperForConditionalGeneration', 'whisper', 'text-to-speech'],
    ];
    for (const [architecture, modelType, tag] of cases) {
      const doc = documentFixture({ config: configFixture([architecture], modelType) });
      const lints = lintCardConsistency({ pipeline_tag: tag, library_name: 'transformers' }, undefined, doc);
      expect(lints, `${architecture} / ${tag}`).toEqual([
        expect.objectContaining({ code: 'pipeline-tag-architecture', severity: 'warning', field: 'pipeline_tag' }),
      ]);
      expect(lints[0]?.message).toContain(architecture);
    }
  });

  it('accepts a fitting pipeline_tag, and says nothing for architectures it cannot place', () => {
    const doc = (a: string, t?: string) => documentFixture({ config: configFixture([a], t) });
    const library_name = 'transformers';
    expect(
      lintCardConsistency({ pipeline_tag: 'automatic-speech-recognition', library_name }, undefined, doc('WhisperForConditionalGeneration', 'whisper')),
    ).toEqual([]);
    expect(lintCardConsistency({ pipeline_tag: 'zero-shot-classification', library_name }, undefined, doc('BartForSequenceClassification', 'bart'))).toEqual(
      [],
    );
    expect(lintCardConsistency({ pipeline_tag: 'sentence-similarity', library_name }, undefined, doc('BertModel', 'bert'))).toEqual([]);
  });

  it('suggests a pipeline_tag and a library when the card has none', () => {
    const doc = documentFixture({ config: llama, fileNames: ['config.json', 'model.safetensors'] });
    expect(lintCardConsistency({}, undefined, doc).map((l) => [l.code, l.message])).toEqual([
      ['pipeline-tag-suggest', 'No `pipeline_tag`; `LlamaForCausalLM` suggests `text-generation`.'],
      ['library-suggest', 'No `library_name`; the files suggest `transformers`.'],
    ]);
  });

  it('flags a stated parameter count the weights contradict by more than ~10%', () => {
    const doc = documentFixture({ parameters: weights(124_439_808) });
    const lints = lintCardConsistency({}, 'This is a 7B parameters model.', doc);
    expect(lints).toEqual([expect.objectContaining({ code: 'parameters-mismatch', severity: 'warning' })]);
    expect(lints[0]?.message).toBe('The card says “7B parameters”, but the weights hold 124M (124,439,808) parameters.');
    expect(lintCardConsistency({}, 'GPT-2 small: 124M params.', doc)).toEqual([]);
    expect(lintCardConsistency({}, 'GPT-2 small: 110M params.', doc)).toHaveLength(1);
  });

  it('agrees when any stated count fits, and ignores counts in code', () => {
    const doc = documentFixture({ parameters: weights(6_738_415_616) });
    expect(lintCardConsistency({}, 'Unlike the 70B model, this one has 7B parameters.', doc)).toEqual([]);
    expect(lintCardConsistency({}, 'Sizes:\n\n```\n70B parameters\n```\n', doc)).toEqual([]);
    // A bert-base-like card says 110M; the weights hold 109.5M.
    expect(lintCardConsistency({}, cardFixture('bert').body, documentFixture({ parameters: weights(109_514_298) }))).toEqual([]);
  });

  it('uses the config estimate without weights, and skips quantized or partial weights', () => {
    const estimated = documentFixture({ config: { ...llama, estimate: { estimate: { total: 6_738_415_616, breakdown: [], notes: [] } } } });
    const metadata = { pipeline_tag: 'text-generation', library_name: 'transformers' };
    expect(lintCardConsistency(metadata, '13B parameters', estimated)[0]?.message).toMatch(/config.json implies 6.74B/);
    const quantized = documentFixture({ config: configFixture(['LlamaForCausalLM'], 'llama', { quantization_config: { bits: 4 } }), parameters: weights(1e9) });
    expect(lintCardConsistency(metadata, '7B parameters', quantized)).toEqual([]);
    const partial = documentFixture({ parameters: weights(1e9), warnings: [{ severity: 'warning', code: 'shard-missing', message: 'x' }] });
    expect(lintCardConsistency({}, '7B parameters', partial)).toEqual([]);
  });

  it('flags a library_name whose files are missing', () => {
    const cases: [string, string[], RegExp][] = [
      ['transformers', ['model.safetensors'], /config\.json/],
      ['onnx', ['model.safetensors', 'config.json'], /\.onnx/],
      ['transformers.js', ['config.json'], /\.onnx/],
      ['gguf', ['model.safetensors'], /\.gguf/],
      ['peft', ['model.safetensors'], /adapter_config\.json/],
      ['sentence-transformers', ['config.json', 'model.safetensors'], /modules\.json/],
    ];
    for (const [library, fileNames, needs] of cases) {
      const lints = lintCardConsistency({ library_name: library }, undefined, documentFixture({ fileNames }));
      expect(lints, library).toEqual([expect.objectContaining({ code: 'library-files', severity: 'warning', field: 'library_name' })]);
      expect(lints[0]?.message).toMatch(needs);
    }
    expect(lintCardConsistency({ library_name: 'transformers' }, undefined, documentFixture({ fileNames: ['sub/config.json', 'model.safetensors'] }))).toEqual(
      [],
    );
    expect(lintCardConsistency({ library_name: 'onnx' }, undefined, documentFixture({ fileNames: ['onnx/model.onnx'] }))).toEqual([]);
    // Without any files there is nothing to contradict.
    expect(lintCardConsistency({ library_name: 'transformers' }, undefined, documentFixture())).toEqual([]);
  });
});
