import type { OpenProgress } from '../formats/open-group';
import type { Handlers } from './worker-protocol';
import { compareFileValues, computeFileStats, convertFile, md5File, openHub, openZenodo, parseFiles } from './parse-files';
import type { Kept, ParseMap } from './parse-protocol';
import { cardWork, draftWork } from './card-work';
import { GraphViewCache } from '../graph/graph-view-model';
import { describeTemplateFailure, renderChatTemplate, SAMPLE_CONVERSATION } from '../formats/tokenizer/render-chat-template';

/** Scope trees of the graphs the page shows, kept between requests so that an expand or a search does not rebuild them. */
const graphs = new GraphViewCache();

function kept<T>(value: T | undefined): Kept<T> {
  return value === undefined ? { kept: false } : { kept: true, value };
}

/** The parse workload, one pure function per request: the worker serves them, and the main thread runs them when no worker starts. */
export const parseHandlers: Handlers<ParseMap, OpenProgress> = {
  open: (request, { signal, progress }) => parseFiles(request.files, request.sourceKind, signal, progress),
  'open-hub': (request, { signal, progress }) => openHub(request.request, signal, progress),
  'open-zenodo': (request, { signal, progress }) => openZenodo(request.request, signal, progress),
  stats: (request, { signal, progress }) =>
    computeFileStats(request.file, request.tensor, signal, (done, total) => progress({ done, total, file: request.file.path })),
  convert: (request, { signal, progress }) => convertFile(request.file, signal, (done, total) => progress({ done, total, file: request.file.path })),
  md5: (request, { signal, progress }) => md5File(request.file, signal, (done, total) => progress({ done, total, file: request.file.path })),
  card: (request) => cardWork(request.request),
  'draft-card': (request) => draftWork(request.document),
  'chat-template': (request) => {
    const result = renderChatTemplate(request.template, {
      messages: SAMPLE_CONVERSATION,
      addGenerationPrompt: true,
      specialTokens: { bos: request.tokens.bos, eos: request.tokens.eos },
    });
    return result.ok ? result : { ok: false, error: describeTemplateFailure(result) };
  },
  'compare-values': (request, { signal, progress }) =>
    compareFileValues(request.a, request.b, signal, (done, total) => progress({ done, total, file: request.a.tensor.name })),
  'graph-load': (request) => {
    graphs.load(request.key, request.graph, request.initializers);
    return null;
  },
  'graph-view': (request) => kept(graphs.view(request.key, request.view)),
  'graph-search': (request) => kept(graphs.search(request.key, request.query, request.limit)),
  'graph-node': (request) => {
    if (!graphs.tree(request.key)) return { kept: false };
    return { kept: true, value: graphs.node(request.key, request.nodeId) ?? null };
  },
};
