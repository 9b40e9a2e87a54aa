import type { ChatMessage } from '../formats/tokenizer/render-chat-template';
import type { Tokenized } from '../formats/tokenizer/tokenize';
import { LoupeError } from '../model/errors';
import { TOKENIZER_PROTOCOL, tokenizerHandlers, type RenderedTemplate, type TokenizerMap } from './tokenizer-work';
import { WorkerClient } from './worker-client';

/**
 * The page's side of the tokenizer worker: a big vocabulary is built and used off the main thread.
 * When no worker can start, the generic client runs the same handlers on the main thread.
 */
export class TokenizerClient {
  #client = new WorkerClient<TokenizerMap, never>({
    protocol: TOKENIZER_PROTOCOL,
    factory: () => new Worker(new URL('./tokenizer.worker.ts', import.meta.url), { type: 'module', name: 'loupe-tokenizer' }),
    mainThread: async () => tokenizerHandlers(),
    cancel: 'message',
    retryHint: 'Reopen the model to load the tokenizer again.',
  });

  load(body: TokenizerMap['load']['request']): Promise<{ loaded: true; ms: number }> {
    return this.#client.call('load', body);
  }

  encode(text: string, addSpecialTokens = true): Promise<Tokenized> {
    return this.#client.call('encode', { text, addSpecialTokens });
  }

  decode(ids: number[]): Promise<string> {
    return this.#client.call('decode', { ids });
  }

  tokensOf(ids: number[]): Promise<(string | undefined)[]> {
    return this.#client.call('tokens-of', { ids });
  }

  render(
    source: string,
    messages: ChatMessage[],
    addGenerationPrompt: boolean,
    specialTokens: Record<string, string>,
    specials: string[],
  ): Promise<RenderedTemplate> {
    return this.#client.call('render', { source, messages, addGenerationPrompt, specialTokens, specials });
  }

  dispose(): void {
    this.#client.terminate(new LoupeError('cancelled', 'The tokenizer was closed.'));
  }
}
