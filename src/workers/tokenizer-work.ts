import { markSpecialTokens, renderChatTemplate, type ChatMessage, type RenderResult } from '../formats/tokenizer/render-chat-template';
import { createTextTokenizer, type TextTokenizer, type Tokenized } from '../formats/tokenizer/tokenize';
import { LoupeError } from '../model/errors';
import { isRecord } from '../model/is-record';
import { isId, type Handlers, type WorkerProtocol, type WorkerRequest } from './worker-protocol';

/**
 * The tokenizer workload: build a tokenizer once (a 150k-token vocabulary takes a while), then
 * encode, decode and render templates against it. Pure; the worker entry and the main-thread
 * fallback both run it, through the generic worker client (worker-client.ts).
 */
export type TokenizerMap = {
  load: { request: { file: string; json: string; config: Record<string, unknown> }; response: { loaded: true; ms: number } };
  encode: { request: { text: string; addSpecialTokens: boolean }; response: Tokenized };
  decode: { request: { ids: number[] }; response: string };
  'tokens-of': { request: { ids: number[] }; response: (string | undefined)[] };
  render: {
    request: { source: string; messages: ChatMessage[]; addGenerationPrompt: boolean; specialTokens: Record<string, string>; specials: string[] };
    response: RenderedTemplate;
  };
};

export type TokenizerRequest = WorkerRequest<TokenizerMap>;

export interface RenderedTemplate {
  result: RenderResult;
  /** The rendered text split into plain runs and special tokens. */
  parts: { text: string; special: boolean }[];
}

/** One tokenizer per worker (or per main-thread fallback): `load` builds it, the rest use it. */
export function tokenizerHandlers(): Handlers<TokenizerMap, never> {
  let tokenizer: TextTokenizer | undefined;
  const loaded = (): TextTokenizer => {
    if (!tokenizer) throw new LoupeError('internal', 'No tokenizer is loaded.');
    return tokenizer;
  };
  return {
    load: (request) => {
      const started = performance.now();
      tokenizer = createTextTokenizer(request.file, request.json, request.config);
      return { loaded: true, ms: Math.round(performance.now() - started) };
    },
    encode: (request) => loaded().encode(request.text, request.addSpecialTokens),
    decode: (request) => loaded().decode(request.ids),
    'tokens-of': (request) => request.ids.map((id) => loaded().tokenOf(id)),
    render: (request) => {
      const result = renderChatTemplate(request.source, {
        messages: request.messages,
        addGenerationPrompt: request.addGenerationPrompt,
        specialTokens: request.specialTokens,
      });
      return { result, parts: result.ok ? markSpecialTokens(result.text, request.specials) : [] };
    },
  };
}

const isIds = (value: unknown): value is number[] => Array.isArray(value) && value.every((id) => Number.isSafeInteger(id));

/** Checks a message from the page where it arrives. */
export function isTokenizerRequest(value: unknown): value is TokenizerRequest {
  if (!isRecord(value) || !isId(value.id)) return false;
  switch (value.type) {
    case 'load':
      return typeof value.file === 'string' && typeof value.json === 'string' && isRecord(value.config);
    case 'encode':
      return typeof value.text === 'string' && typeof value.addSpecialTokens === 'boolean';
    case 'decode':
    case 'tokens-of':
      return isIds(value.ids);
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

export const TOKENIZER_PROTOCOL: WorkerProtocol<TokenizerMap, never> = {
  name: 'tokenizer',
  isRequest: isTokenizerRequest,
  isProgress: (_value: unknown): _value is never => false,
  isResponse: {
    load: (value): value is { loaded: true; ms: number } => isRecord(value) && value.loaded === true && typeof value.ms === 'number',
    encode: (value): value is Tokenized => isRecord(value) && isIds(value.ids) && Array.isArray(value.tokens),
    decode: (value): value is string => typeof value === 'string',
    'tokens-of': (value): value is (string | undefined)[] => Array.isArray(value) && value.every((t) => t === undefined || t === null || typeof t === 'string'),
    render: (value): value is RenderedTemplate => isRecord(value) && isRecord(value.result) && Array.isArray(value.parts),
  },
  fromWire: (error) => LoupeError.fromJSON(error),
};
