import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_ENDPOINT, normalizeEndpoint } from '../hub/endpoint';

/** A Hub repo to open, as the URL says it: `?repo=ORG/NAME&revision=REV&file=PATH&endpoint=URL`. */
export interface HubParams {
  repo: string;
  revision?: string;
  file?: string;
}

/** The endpoint: `?endpoint=` wins, then the build's VITE_HUB_ENDPOINT, then the public Hub. */
export function endpointFromUrl(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('endpoint');
  try {
    return normalizeEndpoint(fromUrl ?? (import.meta.env.VITE_HUB_ENDPOINT as string | undefined) ?? DEFAULT_ENDPOINT);
  } catch {
    return DEFAULT_ENDPOINT;
  }
}

function read(): HubParams | null {
  const params = new URLSearchParams(window.location.search);
  const repo = params.get('repo');
  if (!repo) return null;
  return { repo, revision: params.get('revision') ?? undefined, file: params.get('file') ?? undefined };
}

/** The Hub state lives in the URL, so a view of a repo can be shared and reloaded. */
export function useHubParams(): [HubParams | null, (next: HubParams | null) => void, string, (endpoint: string) => void] {
  const [params, setParams] = useState<HubParams | null>(read);
  const [endpoint, setEndpointState] = useState<string>(endpointFromUrl);
  useEffect(() => {
    const onPop = () => {
      setParams(read());
      setEndpointState(endpointFromUrl());
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((next: HubParams | null) => {
    const url = new URL(window.location.href);
    for (const key of ['repo', 'revision', 'file']) url.searchParams.delete(key);
    if (next) {
      url.searchParams.set('repo', next.repo);
      if (next.revision) url.searchParams.set('revision', next.revision);
      if (next.file) url.searchParams.set('file', next.file);
    }
    window.history.pushState(null, '', url);
    setParams(next);
  }, []);
  const setEndpoint = useCallback((value: string) => {
    const url = new URL(window.location.href);
    const normalized = normalizeEndpoint(value);
    if (normalized === normalizeEndpoint(DEFAULT_ENDPOINT)) url.searchParams.delete('endpoint');
    else url.searchParams.set('endpoint', normalized);
    window.history.replaceState(null, '', url);
    setEndpointState(normalized);
  }, []);
  return [params, update, endpoint, setEndpoint];
}
