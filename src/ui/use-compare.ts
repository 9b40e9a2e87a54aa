import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { parseCompareTarget } from '../compare/parse-compare-target';
import { CancelledError, LoupeError, toLoupeError } from '../model/errors';
import type { FileInput } from '../workers/parse-protocol';
import { getParseClient } from './parse-client-instance';
import { useHubDocument } from './use-hub-document';
import type { HubParams } from './use-hub-params';
import { tensorFile, type DocState } from './use-model-document';
import type { ValueComparison } from '../compare/compare-values';
import type { TensorInfo } from '../model/document';

/** Compares two tensors' values in the worker, each streamed from its own byte range. */
export type ComputeValues = (
  a: TensorInfo,
  b: TensorInfo,
  options: { signal: AbortSignal; onProgress: (done: number, total: number) => void },
) => Promise<ValueComparison>;

/** For a tensor of a GGUF file, the file's byte order, so the worker decodes its ggml blocks. */
function ggmlOf(doc: DocState, tensor: TensorInfo): { littleEndian: boolean } | undefined {
  if (doc.state !== 'ready') return undefined;
  const file = doc.document.files.find((f) => f.path === tensor.file);
  return file?.format === 'gguf' ? { littleEndian: file.littleEndian } : undefined;
}

/** Value comparison between a tensor of model A and one of model B, wherever each model's files are. */
export function valuesFor(a: DocState, b: DocState | null): ComputeValues {
  return async (ta, tb, options) => {
    if (!b) throw new LoupeError('io', 'No second model is open.');
    const sideA = { file: tensorFile(a, ta), tensor: ta, ggml: ggmlOf(a, ta) };
    const sideB = { file: tensorFile(b, tb), tensor: tb, ggml: ggmlOf(b, tb) };
    return getParseClient().compareValues(sideA, sideB, { signal: options.signal, onProgress: (p) => options.onProgress(p.done, p.total) });
  };
}

/** Marked when the second model is given; `loupe:diff` is measured from it to the summary being shown. */
export const DIFF_START = 'loupe:diff:start';

function markDiffStart(): void {
  performance.clearMarks(DIFF_START);
  performance.clearMeasures('loupe:diff');
  performance.mark(DIFF_START);
}

function readParam(): string | null {
  return new URLSearchParams(window.location.search).get('compare');
}

export interface Comparing {
  /** The second model; null when nothing is being compared. */
  doc: DocState | null;
  /** `?compare=` as written, when the second model is a Hub repo. */
  param: string | null;
  /** Compares with a Hub repo or revision (`ORG/NAME`, `ORG/NAME@REV`, `@REV`); kept in the URL. */
  compareWith: (value: string) => void;
  /** Compares with local files. */
  compareFiles: (files: FileInput[]) => void;
  stop: () => void;
}

/**
 * The second model of a comparison: a Hub repo or revision named by `?compare=` (so the
 * comparison can be shared), or files given from this machine.
 */
export function useCompare(base: HubParams | null, endpoint: string, token: string, tokenVersion: number): Comparing {
  const [param, setParam] = useState<string | null>(readParam);
  const [local, setLocal] = useState<DocState | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => {
    // A comparison in the URL on load starts when the page does.
    if (readParam()) markDiffStart();
    const onPop = () => setParam(readParam());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const writeParam = useCallback((value: string | null) => {
    const url = new URL(window.location.href);
    if (value) url.searchParams.set('compare', value);
    else url.searchParams.delete('compare');
    window.history.pushState(null, '', url);
    setParam(value);
  }, []);

  const target = useMemo(() => (param ? parseCompareTarget(param, base?.repo, endpoint) : null), [param, base?.repo, endpoint]);
  const hubParams: HubParams | null = useMemo(() => (target?.repo !== undefined ? { repo: target.repo, revision: target.revision } : null), [target]);
  const hubDoc = useHubDocument(hubParams, endpoint, token, tokenVersion, false);

  const compareWith = useCallback(
    (value: string) => {
      inFlight.current?.abort();
      setLocal(null);
      markDiffStart();
      writeParam(value.trim());
    },
    [writeParam],
  );

  const compareFiles = useCallback(
    async (files: FileInput[]) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      if (readParam()) writeParam(null);
      markDiffStart();
      const label = files.length === 1 ? files[0]!.path : `${files[0]?.path.split('/')[0] ?? ''} (${files.length} files)`;
      setLocal({ state: 'loading', label });
      try {
        const document = await getParseClient().open(files, {
          signal: controller.signal,
          onProgress: (progress) => !controller.signal.aborted && setLocal({ state: 'loading', label, progress }),
        });
        if (!controller.signal.aborted) setLocal({ state: 'ready', document, label, files });
      } catch (error) {
        if (error instanceof CancelledError || controller.signal.aborted) return;
        setLocal({ state: 'error', error: toLoupeError(error), label });
      }
    },
    [writeParam],
  );

  const stop = useCallback(() => {
    inFlight.current?.abort();
    setLocal(null);
    if (readParam()) writeParam(null);
  }, [writeParam]);

  let doc: DocState | null = local;
  if (target?.error) doc = { state: 'error', error: new LoupeError('unsupported', target.error), label: param ?? '' };
  else if (hubDoc) doc = hubDoc;
  return { doc, param, compareWith, compareFiles: (files) => void compareFiles(files), stop };
}
