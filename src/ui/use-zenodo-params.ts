import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_ZENODO_ENDPOINT, normalizeZenodoEndpoint } from '../zenodo/zenodo-endpoint';

/** The Zenodo endpoint: `?zenodo-endpoint=` wins, then the build's VITE_ZENODO_ENDPOINT, then zenodo.org. */
export function zenodoEndpointFromUrl(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('zenodo-endpoint');
  try {
    return normalizeZenodoEndpoint(fromUrl ?? (import.meta.env.VITE_ZENODO_ENDPOINT as string | undefined) ?? DEFAULT_ZENODO_ENDPOINT);
  } catch {
    return DEFAULT_ZENODO_ENDPOINT;
  }
}

/** `?zenodo=`: a record id, a DOI or a record URL, as the user gave it (so the address can be shared). */
function read(): string | null {
  return new URLSearchParams(window.location.search).get('zenodo');
}

/** The Zenodo record being looked at lives in the URL, like a Hub repo: `?zenodo=ID_OR_DOI_OR_URL&zenodo-endpoint=URL`. */
export function useZenodoParams(): [string | null, (next: string | null) => void, string, (endpoint: string) => void] {
  const [record, setRecord] = useState<string | null>(read);
  const [endpoint, setEndpointState] = useState<string>(zenodoEndpointFromUrl);
  useEffect(() => {
    const onPop = () => {
      setRecord(read());
      setEndpointState(zenodoEndpointFromUrl());
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((next: string | null) => {
    const url = new URL(window.location.href);
    url.searchParams.delete('zenodo');
    if (next) url.searchParams.set('zenodo', next);
    window.history.pushState(null, '', url);
    setRecord(next);
  }, []);
  const setEndpoint = useCallback((value: string) => {
    const url = new URL(window.location.href);
    const normalized = normalizeZenodoEndpoint(value);
    if (normalized === DEFAULT_ZENODO_ENDPOINT) url.searchParams.delete('zenodo-endpoint');
    else url.searchParams.set('zenodo-endpoint', normalized);
    window.history.replaceState(null, '', url);
    setEndpointState(normalized);
  }, []);
  return [record, update, endpoint, setEndpoint];
}
