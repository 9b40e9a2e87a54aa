/// <reference lib="webworker" />
import { parseHandlers, preloadOpen } from './parse-handlers';
import { PARSE_PROTOCOL } from './parse-protocol';
import { serveRequests } from './worker-protocol';

/** The thin worker entry: the generic server runs the parse handlers; requests run side by side, each with its own AbortController. */
const serve = serveRequests(PARSE_PROTOCOL, parseHandlers, (message, transfer = []) => self.postMessage(message, transfer));

self.addEventListener('message', (event: MessageEvent<unknown>) => serve(event.data));

preloadOpen();
