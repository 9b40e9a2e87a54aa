import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { ModelDocument } from '../../model/document';
import { FormatError } from '../../model/errors';
import { openGroup } from '../open-group';
import { FORMATS } from '../registry';
import { ggufFormat } from '../gguf/gguf-format';
import { LLAMA3_TEMPLATE, tinyLlamaGguf } from '../../../test/fixtures/gguf-fixtures';
import {
  chatTemplate,
  consistentRepo,
  endTurnRepo,
  namedTemplates,
  repoFiles,
  RISKY_TEMPLATE,
  vocabulary,
  type TokenizerRepo,
} from '../../../test/fixtures/tokenizer-fixtures';
import { describeTemplateFailure, renderChatTemplate, SAMPLE_CONVERSATION, markSpecialTokens } from './render-chat-template';
import { createTextTokenizer } from './tokenize';
import { TOKENIZER_LINT_CODES } from './lint-tokenizer';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'public', 'examples', 'tiny-llama');

function file(name: string, bytes: Uint8Array<ArrayBuffer> | string): FileByteSource {
  return new FileByteSource(new Blob([bytes]), name);
}

/** Opens a repo's tokenizer files with the example's weights (512 × 64 embedding). */
async function open(repo: Partial<TokenizerRepo>, extra: FileByteSource[] = []): Promise<ModelDocument> {
  const weights = file('model.safetensors', new Uint8Array(readFileSync(join(EXAMPLE, 'model.safetensors'))));
  return openGroup([weights, ...repoFiles(repo).map(([name, bytes]) => file(name, bytes)), ...extra]);
}

const lintCodes = (document: ModelDocument) => document.warnings.filter((w) => TOKENIZER_LINT_CODES.has(w.code)).map((w) => w.code);

describe('tokenizer files', () => {
  it('opens each file as its format and gathers the facts', async () => {
    const document = await open(consistentRepo());
    expect(document.formats).toEqual(['safetensors', 'config', 'tokenizer-json', 'tokenizer-config', 'generation-config', 'special-tokens-map']);
    const tokenizer = document.tokenizer!;
    expect(tokenizer.models).toHaveLength(1);
    expect(tokenizer.models[0]).toMatchObject({
      type: 'WordLevel',
      vocabSize: 512,
      modelVocabSize: 512,
      normalizer: 'Sequence(NFC, Lowercase)',
      preTokenizer: 'Whitespace',
      decoder: 'WordPiece',
    });
    expect(tokenizer.models[0]!.addedTokens.slice(0, 3)).toEqual([
      { id: 0, content: '<unk>', special: true },
      { id: 1, content: '<s>', special: true },
      { id: 2, content: '</s>', special: true },
    ]);
    expect(tokenizer.config).toMatchObject({
      tokenizerClass: 'PreTrainedTokenizerFast',
      specialTokens: { bos: '<s>', eos: '</s>', unk: '<unk>' },
      modelMaxLength: 1024,
    });
    expect(tokenizer.generation).toEqual({
      file: 'generation_config.json',
      bosTokenId: [1],
      eosTokenId: [2],
      doSample: true,
      temperature: 0.7,
      topP: 0.9,
      maxNewTokens: 32,
    });
    expect(tokenizer.specialTokensMap?.specialTokens).toEqual({ bos: '<s>', eos: '</s>', unk: '<unk>' });
    expect(tokenizer.templates.map((t) => [t.file, t.name])).toEqual([['tokenizer_config.json', 'default']]);
  });

  it('is silent on a consistent model', async () => {
    const document = await open(consistentRepo());
    expect(document.warnings).toEqual([]);
  });

  it('reads named templates and a chat_template.jinja', async () => {
    const repo = consistentRepo();
    repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], chat_template: namedTemplates() };
    const document = await open(repo, [file('chat_template.jinja', chatTemplate('</s>'))]);
    expect(document.tokenizer!.templates.map((t) => [t.file, t.name])).toEqual([
      ['tokenizer_config.json', 'default'],
      ['tokenizer_config.json', 'tool_use'],
      ['tokenizer_config.json', 'rag'],
      ['chat_template.jinja', 'default'],
    ]);
    expect(lintCodes(document)).toEqual([]);
  });

  it('names the file and the field of a malformed token', async () => {
    const repo = consistentRepo();
    repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], eos_token: 42 };
    const error = await open(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({ file: 'tokenizer_config.json', field: 'eos_token' });
  });
});

describe('tokenization', () => {
  const words = vocabulary(512);
  const json = JSON.stringify(consistentRepo()['tokenizer.json']);

  it.each([
    ['Hello world', ['hello', 'world']],
    ['What is the capital of France?', ['what', 'is', 'the', 'capital', 'of', 'france', '?']],
    ['<s>paris, rome</s>', ['<s>', 'paris', ',', 'rome', '</s>']],
  ])('gives the ids the vocabulary gives, by hand and by the library: %s', (text, expected) => {
    const ours = createTextTokenizer('tokenizer.json', json).encode(text);
    // Oracle 1: the words looked up by hand in the vocabulary (id = position).
    expect(ours.ids).toEqual(expected.map((w) => words.indexOf(w)));
    expect(expected.every((w) => words.includes(w))).toBe(true);
    // Oracle 2: the library itself on the same tokenizer.json.
    expect(ours.ids).toEqual(new Tokenizer(JSON.parse(json) as object, {}).encode(text).ids);
    expect(ours.tokens).toEqual(expected);
  });

  it('gives an unknown word the unknown id, and decodes', () => {
    const tokenizer = createTextTokenizer('tokenizer.json', json, { unk_token: '<unk>' });
    expect(tokenizer.encode('hello zebra').ids).toEqual([words.indexOf('hello'), 0]);
    expect(tokenizer.decode([words.indexOf('hello'), words.indexOf('world')])).toBe('hello world');
  });

  it('refuses a tokenizer.json the library cannot build, naming the file', () => {
    expect(() => createTextTokenizer('t/tokenizer.json', '{"model":{"type":"Nope","vocab":{}}}')).toThrow(FormatError);
  });
});

describe('chat templates', () => {
  it('renders the sample conversation with the generation prompt', () => {
    const rendered = renderChatTemplate(chatTemplate('<|end|>'), { messages: SAMPLE_CONVERSATION, addGenerationPrompt: true });
    expect(rendered).toEqual({
      ok: true,
      text:
        '<|system|>You are a helpful assistant.<|end|><|user|>What is the capital of France?<|end|>' +
        '<|assistant|>The capital of France is Paris.<|end|><|user|>And of Italy?<|end|><|assistant|>',
    });
  });

  it('marks the special tokens, longest first', () => {
    expect(markSpecialTokens('<|user|>hi<|end|>', ['<|end|>', '<|user|>', '<|'])).toEqual([
      { text: '<|user|>', special: true },
      { text: 'hi', special: false },
      { text: '<|end|>', special: true },
    ]);
  });
});

describe('the tokenizer consistency lint', () => {
  const base = () => consistentRepo();

  it("says that the template's turn terminator is not a stop id, and that EOS differs (the issue's repo)", async () => {
    const document = await open(endTurnRepo());
    expect(lintCodes(document).sort()).toEqual(['template-terminator-not-stop', 'tokenizer-special-id-mismatch']);
    const stop = document.warnings.find((w) => w.code === 'template-terminator-not-stop')!;
    expect(stop).toMatchObject({ severity: 'error', file: 'tokenizer_config.json, generation_config.json' });
    expect(stop.message).toContain('<|end|> (id 3)');
    const eos = document.warnings.find((w) => w.code === 'tokenizer-special-id-mismatch')!;
    expect(eos.message).toBe(
      'The EOS token differs between files (config.json: 2; generation_config.json: 2; tokenizer_config.json: <|end|> = 3; special_tokens_map.json: </s> = 2): generation may never stop, or stop early.',
    );
  });

  it('fires on a PAD id that differs', async () => {
    const repo = base();
    repo['config.json'] = { ...repo['config.json'], pad_token_id: 0 };
    repo['generation_config.json'] = { ...repo['generation_config.json'], pad_token_id: 2 };
    const document = await open(repo);
    expect(lintCodes(document)).toEqual(['tokenizer-special-id-mismatch']);
    expect(document.warnings[0]).toMatchObject({ severity: 'warning', field: 'pad_token_id', file: 'config.json, generation_config.json' });
  });

  it('fires on a vocabulary larger than the embedding and config.vocab_size', async () => {
    const repo = base();
    repo['tokenizer.json'] = consistentRepo(600)['tokenizer.json'];
    const document = await open(repo);
    const found = document.warnings.filter((w) => w.code === 'tokenizer-vocab-size-mismatch');
    expect(found.map((w) => [w.severity, w.file])).toEqual([
      ['error', 'tokenizer.json, config.json'],
      ['error', 'tokenizer.json, model.safetensors'],
    ]);
    expect(found[1]!.message).toContain('model.embed_tokens.weight is 512');
  });

  it('fires on a special token missing from the vocabulary', async () => {
    const repo = base();
    repo['special_tokens_map.json'] = { ...repo['special_tokens_map.json'], additional_special_tokens: ['<|tool|>'] };
    const document = await open(repo);
    expect(lintCodes(document)).toEqual(['tokenizer-special-token-missing']);
    expect(document.warnings[0]!.message).toContain('<|tool|>');
  });

  it('fires on model_max_length beyond max_position_embeddings', async () => {
    const repo = base();
    repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], model_max_length: 4096 };
    const document = await open(repo);
    expect(lintCodes(document)).toEqual(['tokenizer-max-length-exceeds-positions']);
  });

  it('fires on a template that fails to render, naming the template', async () => {
    const repo = base();
    repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], chat_template: [...namedTemplates(), { name: 'broken', template: '{% for %}' }] };
    const document = await open(repo);
    expect(lintCodes(document)).toEqual(['template-render-failed']);
    expect(document.warnings[0]).toMatchObject({ severity: 'error', file: 'tokenizer_config.json', field: 'chat_template.broken' });
  });

  it('fires on a GGUF template that differs from the repo', async () => {
    const document = await open(base());
    // A GGUF module fills the same facts; here they are set as it would.
    const { lintTokenizer } = await import('./lint-tokenizer');
    const tokenizer = {
      ...document.tokenizer!,
      templates: [
        ...document.tokenizer!.templates,
        { file: 'model.gguf', origin: 'gguf' as const, name: 'default', source: "{% for message in messages %}{{ message['content'] }}</s>{% endfor %}" },
      ],
    };
    expect(lintTokenizer({ tokenizer }).diagnostics.map((d) => d.code)).toEqual(['template-gguf-differs']);
    expect(lintTokenizer({ tokenizer: document.tokenizer! }).diagnostics).toEqual([]);
  });

  it('flags every risk of the risky template, each on its line', async () => {
    const repo = base();
    repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], chat_template: RISKY_TEMPLATE.replaceAll('<|end|>', '</s>') };
    const document = await open(repo);
    const flags = document.tokenizer!.flags['tokenizer_config.json#default']!;
    expect(flags.map((f) => [f.code, f.line])).toEqual([
      ['template-content-condition', 2],
      ['template-system-injection', 3],
      ['template-url', 4],
      ['template-invisible-unicode', 6],
    ]);
    expect(document.warnings.filter((w) => w.code.startsWith('template-')).map((w) => w.field)).toEqual([
      'chat_template:2',
      'chat_template:3',
      'chat_template:4',
      'chat_template:6',
    ]);
    expect(flags[3]!.message).toContain('U+200B');
  });

  it('flags a very long template and Jinja beyond a chat template', async () => {
    const { flagTemplateRisks, MAX_PLAIN_TEMPLATE_CHARS } = await import('./template-risks');
    const long = `${chatTemplate()}\n{# ${'x'.repeat(MAX_PLAIN_TEMPLATE_CHARS)} #}`;
    expect(flagTemplateRisks(long).map((f) => [f.code, f.line])).toEqual([['template-long', 1]]);
    expect(flagTemplateRisks("{% include 'other.jinja' %}\n{{ messages.__class__ }}").map((f) => [f.code, f.line])).toEqual([
      ['template-jinja-feature', 1],
      ['template-jinja-feature', 2],
    ]);
    expect(flagTemplateRisks(chatTemplate())).toEqual([]);
  });
});

describe('a GGUF through the same module', () => {
  const withGguf = [...FORMATS, ggufFormat];
  const gguf = () => {
    const fixture = tinyLlamaGguf();
    return new FileByteSource(new Blob([fixture.bytes as Uint8Array<ArrayBuffer>]), fixture.name);
  };

  it('fills the tokenizer facts from its keys, and is silent alone', async () => {
    const document = await openGroup([gguf()], { formats: withGguf });
    expect(document.tokenizer!.models).toEqual([
      expect.objectContaining({
        origin: 'gguf',
        type: 'gpt2',
        vocabSize: 256,
        merges: 3,
        specialIds: { bos: 1, eos: 2, pad: 3, unk: 0 },
        preTokenizer: 'llama-bpe',
      }),
    ]);
    expect(document.tokenizer!.templates.map((t) => [t.origin, t.source])).toEqual([['gguf', LLAMA3_TEMPLATE]]);
    expect(lintCodes(document)).toEqual([]);
  });

  it("says when its embedded template differs from the repo's", async () => {
    const repo = consistentRepo(256);
    const files = repoFiles({ 'tokenizer_config.json': repo['tokenizer_config.json'] }).map(([name, bytes]) => file(name, bytes));
    const document = await openGroup([gguf(), ...files], { formats: withGguf });
    expect(lintCodes(document)).toEqual(['template-gguf-differs']);
    expect(document.warnings.find((w) => w.code === 'template-gguf-differs')!.file).toBe('tiny-llama-Q8_0.gguf, tokenizer_config.json');
  });
});

describe('renderChatTemplate failures', () => {
  it('says whether a template does not parse or raises, and never evaluates JavaScript', () => {
    const unparsed = renderChatTemplate('{% for m in messages %}{{ m.content }}', { messages: SAMPLE_CONVERSATION, addGenerationPrompt: true });
    expect(unparsed).toMatchObject({ ok: false, stage: 'parse' });
    expect(!unparsed.ok && describeTemplateFailure(unparsed)).toMatch(/^The chat template does not parse: /);
    const raised = renderChatTemplate("{{ raise_exception('System role not supported') }}", { messages: SAMPLE_CONVERSATION, addGenerationPrompt: true });
    expect(raised).toEqual({ ok: false, stage: 'render', error: 'System role not supported' });
    expect(!raised.ok && describeTemplateFailure(raised)).toBe('The chat template fails to render: System role not supported');
    expect(renderChatTemplate("{{ messages.constructor.constructor('return 1')() }}", { messages: SAMPLE_CONVERSATION, addGenerationPrompt: true }).ok).toBe(
      false,
    );
  });
});
