/// <reference lib="webworker" />
import { isTokenizerRequest, TokenizerWork, type TokenizerResponse } from './tokenizer-work';

/** The thin worker entry of the tokenizer: one tokenizer per worker, requests answered in order. */
const work = new TokenizerWork();

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isTokenizerRequest(request)) {
    console.error('tokenizer worker: ignored a malformed request', request);
    return;
  }
  let response: TokenizerResponse;
  try {
    response = { type: 'result', id: request.id, value: work.handle(request) };
  } catch (error) {
    response = { type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(response);
});
