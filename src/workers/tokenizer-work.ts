import { markSpecialTokens, renderChatTemplate, type ChatMessage, type RenderResult } from '../formats/tokenizer/render-chat-template';
import { createTextTokenizer, type TextTokenizer, type Tokenized } from '../formats/tokenizer/tokenize';

/**
 * The tokenizer workload: build a tokenizer once (a 150k-token vocabulary takes a while), then
 * encode, decode and render templates against it. Pure; the worker entry and the main-thread
 * fallback both run it.
 */
export type TokenizerRequest =
  | { type: 'load'; id: number; file: string; json: string; config: Record<string, unknown> }
  | { type: 'encode'; id: number; text: string; addSpecialTokens: boolean }
  | { type: 'decode'; id: number; ids: number[] }
  | { type: 'tokens-of'; id: number; ids: number[] }
  | { type: 'render'; id: number; source: string; messages: ChatMessage[]; addGenerationPrompt: boolean; specialTokens: Record<string, string>; specials: string[] };

export interface RenderedTemplate {
  result: RenderResult;
  /** The rendered text split into plain runs and special tokens. */
  parts: { text: string; special: boolean }[];
}

export type TokenizerResult = { loaded: true; ms: number } | Tokenized | string | (string | undefined)[] | RenderedTemplate;

export type TokenizerResponse = { type: 'result'; id: number; value: TokenizerResult } | { type: 'error'; id: number; message: string };

export class TokenizerWork {
  private tokenizer?: TextTokenizer;

  handle(request: TokenizerRequest): TokenizerResult {
    switch (request.type) {
      case 'load': {
        const started = performance.now();
        this.tokenizer = createTextTokenizer(request.file, request.json, request.config);
        return { loaded: true, ms: Math.round(performance.now() - started) };
      }
      case 'encode':
        return this.loaded().encode(request.text, request.addSpecialTokens);
      case 'decode':
        return this.loaded().decode(request.ids);
      case 'tokens-of':
        return request.ids.map((id) => this.loaded().tokenOf(id));
      case 'render': {
        const result = renderChatTemplate(request.source, { messages: request.messages, addGenerationPrompt: request.addGenerationPrompt, specialTokens: request.specialTokens });
        return { result, parts: result.ok ? markSpecialTokens(result.text, request.specials) : [] };
      }
    }
  }

  private loaded(): TextTokenizer {
    if (!this.tokenizer) throw new Error('No tokenizer is loaded.');
    return this.tokenizer;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Checks a message from the page where it arrives. */
export function isTokenizerRequest(value: unknown): value is TokenizerRequest {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'load':
      return typeof value.file === 'string' && typeof value.json === 'string' && isRecord(value.config);
    case 'encode':
      return typeof value.text === 'string' && typeof value.addSpecialTokens === 'boolean';
    case 'decode':
    case 'tokens-of':
      return Array.isArray(value.ids) && value.ids.every((id) => Number.isSafeInteger(id));
    case 'render':
      return (
        typeof value.source === 'string' &&
        Array.isArray(value.messages) &&
        value.messages.every((m) => isRecord(m) && typeof m.role === 'string' && typeof m.content === 'string') &&
        typeof value.addGenerationPrompt === 'boolean' &&
        isRecord(value.specialTokens) &&
        Array.isArray(value.specials)
      );
    default:
      return false;
  }
}
