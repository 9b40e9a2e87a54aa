import { describe, expect, it } from 'vitest';
import { chatTemplate, consistentRepo, vocabulary } from '../../test/fixtures/tokenizer-fixtures';
import { SAMPLE_CONVERSATION } from '../formats/tokenizer/render-chat-template';
import { isTokenizerRequest, tokenizerHandlers, type TokenizerRequest } from './tokenizer-work';
import { runHandler } from './worker-protocol';

/** The handlers as the worker runs them: one tokenizer shared by the requests. */
function workload() {
  const handlers = tokenizerHandlers();
  const context = { signal: new AbortController().signal, progress: () => {}, transfer: () => {} };
  return { handle: (request: TokenizerRequest) => runHandler(handlers, request, context) };
}

describe('the tokenizer workload', () => {
  const repo = consistentRepo();
  const words = vocabulary(512);

  it('builds once, then encodes, decodes and names tokens', async () => {
    const work = workload();
    await expect(work.handle({ type: 'encode', id: 1, text: 'hello', addSpecialTokens: true })).rejects.toThrow('No tokenizer is loaded.');
    expect(
      await work.handle({ type: 'load', id: 2, file: 'tokenizer.json', json: JSON.stringify(repo['tokenizer.json']), config: repo['tokenizer_config.json'] }),
    ).toMatchObject({ loaded: true });
    expect(await work.handle({ type: 'encode', id: 3, text: 'Rome, Italy', addSpecialTokens: true })).toEqual({
      ids: ['rome', ',', 'italy'].map((w) => words.indexOf(w)),
      tokens: ['rome', ',', 'italy'],
    });
    expect(await work.handle({ type: 'tokens-of', id: 4, ids: [1, 2, 9999] })).toEqual(['<s>', '</s>', undefined]);
  });

  it('renders a template with its special tokens marked', async () => {
    const rendered = await workload().handle({
      type: 'render',
      id: 1,
      source: chatTemplate('</s>'),
      messages: SAMPLE_CONVERSATION.slice(1, 2),
      addGenerationPrompt: true,
      specialTokens: {},
      specials: ['</s>', '<|user|>', '<|assistant|>'],
    });
    expect(rendered).toEqual({
      result: { ok: true, text: '<|user|>What is the capital of France?</s><|assistant|>' },
      parts: [
        { text: '<|user|>', special: true },
        { text: 'What is the capital of France?', special: false },
        { text: '</s>', special: true },
        { text: '<|assistant|>', special: true },
      ],
    });
  });

  it('checks requests where they arrive', () => {
    expect(isTokenizerRequest({ type: 'decode', id: 1, ids: [1, 2] })).toBe(true);
    expect(isTokenizerRequest({ type: 'decode', id: 1, ids: [1.5] })).toBe(false);
    expect(
      isTokenizerRequest({ type: 'render', id: 1, source: 'x', messages: [{ role: 'user' }], addGenerationPrompt: true, specialTokens: {}, specials: [] }),
    ).toBe(false);
    expect(isTokenizerRequest({ type: 'eval', id: 1 })).toBe(false);
  });
});
