import type { ChatMessage } from '../formats/tokenizer/render-chat-template';
import type { Tokenized } from '../formats/tokenizer/tokenize';
import { TokenizerWork, type RenderedTemplate, type TokenizerRequest, type TokenizerResponse, type TokenizerResult } from './tokenizer-work';

type Body<T extends TokenizerRequest['type']> = Omit<Extract<TokenizerRequest, { type: T }>, 'id' | 'type'>;

/**
 * The page's side of the tokenizer worker: a big vocabulary is built and used off the main thread.
 * When no worker can start, the same workload runs on the main thread.
 */
export class TokenizerClient {
  private worker?: Worker;
  private fallback?: TokenizerWork;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: TokenizerResult) => void; reject: (error: Error) => void }>();

  constructor() {
    try {
      this.worker = new Worker(new URL('./tokenizer.worker.ts', import.meta.url), { type: 'module', name: 'loupe-tokenizer' });
      this.worker.addEventListener('message', (event: MessageEvent<TokenizerResponse>) => {
        const pending = this.pending.get(event.data.id);
        if (!pending) return;
        this.pending.delete(event.data.id);
        if (event.data.type === 'result') pending.resolve(event.data.value);
        else pending.reject(new Error(event.data.message));
      });
      this.worker.addEventListener('error', () => {
        for (const p of this.pending.values()) p.reject(new Error('The tokenizer worker stopped.'));
        this.pending.clear();
      });
    } catch {
      this.fallback = new TokenizerWork();
    }
  }

  private send(request: TokenizerRequest): Promise<TokenizerResult> {
    if (this.fallback) {
      const work = this.fallback;
      return Promise.resolve().then(() => work.handle(request));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker!.postMessage(request);
    });
  }

  load(body: Body<'load'>): Promise<{ loaded: true; ms: number }> {
    return this.send({ type: 'load', id: this.nextId++, ...body }) as Promise<{ loaded: true; ms: number }>;
  }

  encode(text: string, addSpecialTokens = true): Promise<Tokenized> {
    return this.send({ type: 'encode', id: this.nextId++, text, addSpecialTokens }) as Promise<Tokenized>;
  }

  decode(ids: number[]): Promise<string> {
    return this.send({ type: 'decode', id: this.nextId++, ids }) as Promise<string>;
  }

  tokensOf(ids: number[]): Promise<(string | undefined)[]> {
    return this.send({ type: 'tokens-of', id: this.nextId++, ids }) as Promise<(string | undefined)[]>;
  }

  render(source: string, messages: ChatMessage[], addGenerationPrompt: boolean, specialTokens: Record<string, string>, specials: string[]): Promise<RenderedTemplate> {
    return this.send({ type: 'render', id: this.nextId++, source, messages, addGenerationPrompt, specialTokens, specials }) as Promise<RenderedTemplate>;
  }

  dispose(): void {
    this.worker?.terminate();
    for (const p of this.pending.values()) p.reject(new Error('The tokenizer was closed.'));
    this.pending.clear();
  }
}
