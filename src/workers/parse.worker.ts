/// <reference lib="webworker" />
import { toLoupeError } from '../model/errors';
import { compareFileValues, computeFileStats, convertFile, md5File, openHub, openZenodo, parseFiles } from './parse-files';
import { cardWork, draftWork } from './card-work';
import { isParseRequest, type ParseResponse } from './parse-protocol';

/** The thin worker entry: validate, run the pure workload, answer. One AbortController per open. */
const inFlight = new Map<number, AbortController>();

function post(message: ParseResponse): void {
  self.postMessage(message);
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isParseRequest(request)) {
    console.error('parse worker: ignored a malformed request', request);
    return;
  }
  if (request.type === 'cancel') {
    inFlight.get(request.id)?.abort();
    return;
  }
  const controller = new AbortController();
  inFlight.set(request.id, controller);
  const { id } = request;
  const progress = (p: { done: number; total: number; file: string }) => post({ type: 'progress', id, ...p });
  let work: Promise<ParseResponse>;
  switch (request.type) {
    case 'open':
      work = parseFiles(request.files, request.sourceKind, controller.signal, progress).then((document) => ({ type: 'result', id, document }));
      break;
    case 'open-hub':
      work = openHub(request.request, controller.signal, progress).then((result) => ({ type: 'hub-result', id, result }));
      break;
    case 'open-zenodo':
      work = openZenodo(request.request, controller.signal, progress).then((result) => ({ type: 'zenodo-result', id, result }));
      break;
    case 'convert':
      work = convertFile(request.file, controller.signal, (done, total) => progress({ done, total, file: request.file.path })).then(({ blob, name }) => ({
        type: 'convert-result',
        id,
        blob,
        name,
      }));
      break;
    case 'md5':
      work = md5File(request.file, controller.signal, (done, total) => progress({ done, total, file: request.file.path })).then((md5) => ({ type: 'md5-result', id, md5 }));
      break;
    case 'card':
      work = Promise.resolve().then(() => ({ type: 'card-result', id, result: cardWork(request.request) }));
      break;
    case 'draft-card':
      work = Promise.resolve().then(() => ({ type: 'draft-result', id, text: draftWork(request.document) }));
      break;
    case 'compare-values':
      work = compareFileValues(request.a, request.b, controller.signal, (done, total) => progress({ done, total, file: request.a.tensor.name })).then((result) => ({
        type: 'compare-result',
        id,
        result,
      }));
      break;
    case 'stats':
      work = computeFileStats(request.file, request.tensor, controller.signal, (done, total) => progress({ done, total, file: request.file.path })).then(
        (stats) => ({ type: 'stats-result', id, stats }),
      );
      break;
  }
  work
    .then(post)
    .catch((error: unknown) => post({ type: 'error', id, error: toLoupeError(error).toJSON() }))
    .finally(() => inFlight.delete(id));
});
