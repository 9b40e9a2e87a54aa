/// <reference lib="webworker" />
import { serveRequests } from './worker-protocol';
import { TOKENIZER_PROTOCOL, tokenizerHandlers } from './tokenizer-work';

/** The thin worker entry of the tokenizer: one tokenizer per worker, requests answered in order. */
const serve = serveRequests(TOKENIZER_PROTOCOL, tokenizerHandlers(), (message, transfer = []) => self.postMessage(message, transfer), { serial: true });

self.addEventListener('message', (event: MessageEvent<unknown>) => serve(event.data));
