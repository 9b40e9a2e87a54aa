import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { OpenProgress } from '../formats/open-group';
import { hubRetryOptions } from '../hub/hub-error';
import { toLoupeError } from '../model/errors';
import { getParseClient } from './parse-client-instance';
import type { DocState } from './use-model-document';
import type { HubParams } from './use-hub-params';

const HUB_START = 'loupe:hub:start';

/**
 * Opens a Hub repo through react-query, in the parse worker. The query key is the endpoint, repo,
 * revision and file (never the token; `tokenVersion` changes when the token does), so reopening
 * the same repo is served from the cache with no request. Transient failures (429, 5xx, network)
 * are retried as the server asks; permanent ones are not. `measure` is off for the second model
 * of a comparison, which has its own measure (loupe:diff).
 */
export function useHubDocument(params: HubParams | null, endpoint: string, token: string, tokenVersion: number, measure = true): DocState | null {
  const [progress, setProgress] = useState<OpenProgress | undefined>();
  const startedFor = useRef<string | null>(null);
  const key = params ? `${endpoint} ${params.repo}@${params.revision ?? ''}:${params.file ?? ''}#${tokenVersion}` : null;

  const query = useQuery({
    queryKey: ['hub-open', endpoint, params?.repo, params?.revision ?? null, params?.file ?? null, tokenVersion],
    enabled: params !== null,
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    ...hubRetryOptions,
    queryFn: async ({ signal }) => {
      const p = params!;
      const paths = p.file ? [p.file] : undefined;
      return getParseClient().openHub(
        { endpoint, repo: p.repo, revision: p.revision, token: token || undefined, paths, online: navigator.onLine },
        { signal, onProgress: setProgress },
      );
    },
  });

  // loupe:hub:open runs from the repo being given to the ready document being painted.
  // A repo served from the cache is not a new open, so it is not measured.
  const cached = query.isSuccess;
  useEffect(() => {
    if (!measure || !key || startedFor.current === key) return;
    startedFor.current = key;
    performance.clearMarks(HUB_START);
    if (!cached) performance.mark(HUB_START);
  }, [key, cached, measure]);
  useEffect(() => {
    if (!measure || !query.isSuccess) return;
    const frame = requestAnimationFrame(() => {
      if (performance.getEntriesByName(HUB_START, 'mark').length === 0) return;
      performance.measure('loupe:hub:open', HUB_START);
      performance.clearMarks(HUB_START);
    });
    return () => cancelAnimationFrame(frame);
  }, [query.isSuccess, query.data, measure]);

  if (!params) return null;
  const label = `${params.repo}${params.revision ? `@${params.revision}` : ''}${params.file ? ` · ${params.file}` : ''}`;
  if (query.isSuccess) {
    const { document, repo, files } = query.data;
    return {
      state: 'ready',
      document,
      label,
      files: [],
      hub: { endpoint, repo: repo.repo, revision: repo.revision, commit: repo.commit, token: token || undefined, files },
    };
  }
  if (query.isError) return { state: 'error', error: toLoupeError(query.error), label };
  const retrying = query.failureCount > 0 ? ` (retrying after: ${toLoupeError(query.failureReason).message})` : '';
  return { state: 'loading', label: `${label}${retrying}`, progress };
}
