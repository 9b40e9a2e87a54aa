import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenProgress } from '../formats/open-group';
import type { TensorStats } from '../formats/tensors/tensor-stats';
import type { ModelDocument, TensorInfo } from '../model/document';
import { CancelledError, LoupeError, toLoupeError } from '../model/errors';
import { ParseClient } from '../workers/parse-client';
import type { FileInput } from '../workers/parse-protocol';

export type DocState =
  | { state: 'idle' }
  | { state: 'loading'; label: string; progress?: OpenProgress }
  | { state: 'ready'; document: ModelDocument; label: string; files: FileInput[] }
  | { state: 'error'; error: LoupeError; label: string };

export type ComputeStats = (tensor: TensorInfo, options: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<TensorStats>;

const PARSE_START = 'loupe:parse:start';

/**
 * The document's lifecycle: opening new files cancels the open in flight, progress is reported,
 * and `loupe:parse` is measured from the files being given to the ready document being painted.
 */
export function useModelDocument() {
  const [doc, setDoc] = useState<DocState>({ state: 'idle' });
  const clientRef = useRef<ParseClient | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  const client = useCallback(() => (clientRef.current ??= new ParseClient()), []);

  const open = useCallback(
    async (files: FileInput[], sourceKind: 'local' | 'example' = 'local') => {
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

  useEffect(() => () => clientRef.current?.terminate(), []);

  /** Statistics of one tensor of the ready document, computed in the worker. */
  const computeStats: ComputeStats = useCallback(
    (tensor, options) => {
      const file = doc.state === 'ready' ? doc.files.find((f) => f.path === tensor.file) : undefined;
      if (!file) return Promise.reject(new LoupeError('io', `${tensor.file} is not among the files that are open.`, { file: tensor.file }));
      return client().stats(file, tensor, { signal: options.signal, onProgress: (p) => options.onProgress(p.done, p.total) });
    },
    [doc, client],
  );

  return { doc, open, cancel, computeStats };
}

function describeFiles(files: FileInput[]): string {
  if (files.length === 1) return files[0]!.path;
  const top = files[0]?.path.split('/')[0];
  if (top && files.every((f) => f.path.startsWith(`${top}/`))) return `${top}/ (${files.length} files)`;
  return `${files.length} files`;
}
