import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { OpenProgress } from '../formats/open-group';
import { LoupeError, toLoupeError } from '../model/errors';
import { fetchZenodoRecord } from '../zenodo/fetch-zenodo-record';
import { parseZenodoInput } from '../zenodo/parse-zenodo-input';
import { zenodoRetryOptions } from '../zenodo/zenodo-error';
import { getParseClient } from './parse-client-instance';
import type { DocState } from './use-model-document';

const ZENODO_START = 'loupe:zenodo:start';

/**
 * Opens a Zenodo record through react-query, keyed by endpoint and record id like Hub opens: the
 * record is one request (here), its files are opened in the parse worker with the record passed
 * along (one request per file). A restricted record still shows its metadata beside the error.
 * A short 429 is retried once after Retry-After; a long one says when to try again.
 */
export function useZenodoDocument(given: string | null, configuredEndpoint: string): DocState | null {
  const [progress, setProgress] = useState<OpenProgress | undefined>();
  const startedFor = useRef<string | null>(null);
  const input = given === null ? undefined : parseZenodoInput(given, { endpoint: configuredEndpoint });
  const endpoint = input?.kind === 'record' && input.endpoint !== undefined ? input.endpoint : configuredEndpoint;
  const recordId = input?.kind === 'record' ? input.recordId : undefined;

  const recordQuery = useQuery({
    queryKey: ['zenodo-record', endpoint, recordId],
    enabled: recordId !== undefined,
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    ...zenodoRetryOptions,
    queryFn: ({ signal }) => fetchZenodoRecord(recordId!, { endpoint, signal, online: navigator.onLine }),
  });
  const record = recordQuery.data;
  const openQuery = useQuery({
    queryKey: ['zenodo-open', endpoint, record?.id],
    enabled: record !== undefined,
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    ...zenodoRetryOptions,
    queryFn: ({ signal }) =>
      getParseClient().openZenodo({ endpoint, recordId: record!.id, record, online: navigator.onLine }, { signal, onProgress: setProgress }),
  });

  // loupe:zenodo:open runs from the record being given to the ready document being painted; a cached open is not measured.
  const key = recordId === undefined ? null : `${endpoint} ${recordId}`;
  const cached = openQuery.isSuccess;
  useEffect(() => {
    if (!key || startedFor.current === key) return;
    startedFor.current = key;
    performance.clearMarks(ZENODO_START);
    if (!cached) performance.mark(ZENODO_START);
  }, [key, cached]);
  useEffect(() => {
    if (!openQuery.isSuccess) return;
    const frame = requestAnimationFrame(() => {
      if (performance.getEntriesByName(ZENODO_START, 'mark').length === 0) return;
      performance.measure('loupe:zenodo:open', ZENODO_START);
      performance.clearMarks(ZENODO_START);
    });
    return () => cancelAnimationFrame(frame);
  }, [openQuery.isSuccess, openQuery.data]);

  if (given === null || input === undefined) return null;
  const label = record ? `Zenodo ${record.id}` : `Zenodo ${recordId ?? given}`;
  if (input.kind !== 'record') {
    const message = input.kind === 'invalid' ? input.message : `"${given}" is not a Zenodo record id, DOI or link.`;
    return { state: 'error', error: new LoupeError('unsupported', message), label };
  }
  if (openQuery.isSuccess) {
    const { document, files, descriptionHtml, bytesReceived } = openQuery.data;
    return { state: 'ready', document, label, files: [], zenodo: { endpoint, record: openQuery.data.record, files, descriptionHtml, bytesReceived } };
  }
  const failed = recordQuery.isError ? recordQuery.error : openQuery.isError ? openQuery.error : undefined;
  if (failed) return { state: 'error', error: toLoupeError(failed), label, ...(record ? { zenodo: { endpoint, record } } : {}) };
  const reason = openQuery.failureCount > 0 ? openQuery.failureReason : recordQuery.failureCount > 0 ? recordQuery.failureReason : undefined;
  const retrying = reason ? ` (retrying after: ${toLoupeError(reason).message})` : '';
  return { state: 'loading', label: `${label}${retrying}`, progress };
}
