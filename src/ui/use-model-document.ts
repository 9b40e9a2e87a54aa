import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenProgress } from '../formats/open-group';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import { CancelledError, LoupeError, toLoupeError } from '../model/errors';
import type { HubFileEntry } from '../hub/hub-files';
import type { ZenodoFileEntry } from '../zenodo/open-zenodo-record';
import type { ZenodoRecord } from '../zenodo/zenodo-record';
import type { FileInput, HubFileInput, ZenodoFileInput } from '../workers/parse-protocol';
import type { GraphViewRequest } from '../graph/graph-view-model';
import { getParseClient } from './parse-client-instance';

export type DocState =
  | { state: 'idle' }
  | { state: 'loading'; label: string; progress?: OpenProgress }
  | { state: 'ready'; document: ModelDocument; label: string; files: FileInput[]; hub?: HubContext; zenodo?: ZenodoContext }
  | { state: 'error'; error: LoupeError; label: string; zenodo?: Pick<ZenodoContext, 'endpoint' | 'record'> };

/** A Zenodo document's record: its metadata for the record panel, and where its files are read from. */
export interface ZenodoContext {
  endpoint: string;
  record: ZenodoRecord;
  files: ZenodoFileEntry[];
  /** The description, sanitized as a card is (in the worker). */
  descriptionHtml: string;
  /** What opening cost in bytes received. */
  bytesReceived: number;
}

/** A Hub document's pinned repo: where its files are read from, by Range. */
export interface HubContext {
  endpoint: string;
  repo: string;
  revision: string;
  commit: string;
  token?: string;
  files: HubFileEntry[];
}

export type ComputeStats = (tensor: TensorInfo, options: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<TensorStats>;

export const PARSE_START = 'loupe:parse:start';

/**
 * The document's lifecycle: opening new files cancels the open in flight, progress is reported,
 * and `loupe:parse` is measured from the files being given to the ready document being painted.
 */
export function useModelDocument() {
  const [doc, setDoc] = useState<DocState>({ state: 'idle' });
  const inFlight = useRef<AbortController | null>(null);
  const client = getParseClient;

  const open = useCallback(
    /** `firstView`: the Graph view's first view, asked of the worker with the document (ParseClient.open). */
    async (files: FileInput[], sourceKind: 'local' | 'example' = 'local', firstView?: GraphViewRequest) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      const label = describeFiles(files);
      performance.clearMarks(PARSE_START);
      performance.mark(PARSE_START);
      setDoc({ state: 'loading', label });
      try {
        const document = await client().open(files, {
          sourceKind,
          firstView,
          signal: controller.signal,
          onProgress: (progress) => {
            if (!controller.signal.aborted) setDoc({ state: 'loading', label, progress });
          },
        });
        if (!controller.signal.aborted) setDoc({ state: 'ready', document, label, files });
      } catch (error) {
        if (error instanceof CancelledError || controller.signal.aborted) return;
        setDoc({ state: 'error', error: toLoupeError(error), label });
      }
    },
    [client],
  );

  const cancel = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    setDoc({ state: 'idle' });
  }, []);

  useEffect(() => {
    if (doc.state !== 'ready' && doc.state !== 'error') return;
    // Measure after the browser has painted the result.
    const frame = requestAnimationFrame(() => {
      if (performance.getEntriesByName(PARSE_START, 'mark').length === 0) return;
      if (doc.state === 'ready') performance.measure('loupe:parse', PARSE_START);
      performance.clearMarks(PARSE_START);
    });
    return () => cancelAnimationFrame(frame);
  }, [doc]);

  return { doc, open, cancel };
}

function describeFiles(files: FileInput[]): string {
  if (files.length === 1) return files[0]!.path;
  const top = files[0]?.path.split('/')[0];
  if (top && files.every((f) => f.path.startsWith(`${top}/`))) return `${top}/ (${files.length} files)`;
  return `${files.length} files`;
}

/** The file that holds a tensor of a ready document, as the worker reads it: a local Blob, or a Hub file pinned to its commit. */
export function tensorFile(doc: DocState, tensor: TensorInfo): FileInput | HubFileInput | ZenodoFileInput {
  if (doc.state !== 'ready') throw new LoupeError('io', 'No document is open.');
  let file: FileInput | HubFileInput | ZenodoFileInput | undefined = doc.files.find((f) => f.path === tensor.file);
  if (!file && doc.hub) {
    const entry = doc.hub.files.find((f) => f.path === tensor.file);
    const { endpoint, repo, commit, token } = doc.hub;
    if (entry) file = { path: entry.path, size: entry.lfs?.size ?? entry.size, endpoint, repo, commit, token };
  }
  const zenodoFile = doc.zenodo?.files.find((f) => f.key === tensor.file);
  if (!file && doc.zenodo && zenodoFile) {
    file = { path: zenodoFile.key, size: zenodoFile.size, endpoint: doc.zenodo.endpoint, recordId: doc.zenodo.record.id, contentUrl: zenodoFile.contentUrl };
  }
  if (!file) throw new LoupeError('io', `${tensor.file} is not among the files that are open.`, { file: tensor.file });
  return file;
}

/** Statistics of one tensor of a ready document, computed in the worker from that tensor's bytes (a Blob slice or an HTTP Range). */
export function statsFor(doc: DocState): ComputeStats {
  return async (tensor, options) => {
    const file = tensorFile(doc, tensor);
    return getParseClient().stats(file, tensor, { signal: options.signal, onProgress: (p) => options.onProgress(p.done, p.total) });
  };
}
