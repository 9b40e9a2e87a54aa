import type { OpenProgress } from '../formats/open-group';
import type { Handlers } from './worker-protocol';
import type { ParseMap } from './parse-protocol';
import { compareFileValues, computeFileStats, convertFile, openHub, parseFiles } from './parse-files';
import { cardWork, draftWork } from './card-work';

/** The parse workload, one pure function per request: the worker serves them, and the main thread runs them when no worker starts. */
export const parseHandlers: Handlers<ParseMap, OpenProgress> = {
  open: (request, { signal, progress }) => parseFiles(request.files, request.sourceKind, signal, progress),
  'open-hub': (request, { signal, progress }) => openHub(request.request, signal, progress),
  stats: (request, { signal, progress }) => computeFileStats(request.file, request.tensor, signal, (done, total) => progress({ done, total, file: request.file.path })),
  convert: (request, { signal, progress }) => convertFile(request.file, signal, (done, total) => progress({ done, total, file: request.file.path })),
  card: (request) => cardWork(request.request),
  'draft-card': (request) => draftWork(request.document),
  'compare-values': (request, { signal, progress }) => compareFileValues(request.a, request.b, signal, (done, total) => progress({ done, total, file: request.a.tensor.name })),
};
