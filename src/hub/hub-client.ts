/**
 * Loupe's Hub client: the public API of src/hub. Pure async functions taking an AbortSignal,
 * ready for React Query:
 *
 *   const input = parseRepoInput(text, { endpoint });
 *   useQuery({ queryKey: ['hub', endpoint, repo, revision], queryFn: ({ signal }) => resolveRepo({ endpoint, repo, revision, token, signal }), ...hubRetryOptions });
 *   useQuery({ queryKey: ['hub-open', endpoint, resolved.repo, resolved.commit], queryFn: ({ signal }) => openHubRepo({ endpoint, repo, resolved, token, signal }), ...hubRetryOptions });
 *
 * The token is only ever sent to the endpoint's origin, never to the CDN that LFS files are
 * served from: see hubRequest in hub-fetch.ts.
 */
export { DEFAULT_ENDPOINT, normalizeEndpoint, isPublicHub } from './endpoint';
export { HubError, isRetryable, retryDelay, hubRetryOptions, parseRetryAfter, MAX_RETRY_DELAY_MS, type HubErrorKind, type HubErrorDetails } from './hub-error';
export { hubRequest, createHubFetch, type HubConnection, type HubRequestInit, type HubResponse } from './hub-fetch';
export { HubFileSource, hubByteSource, resolveUrl, type HubFileSourceOptions } from './hub-file-source';
export { describeHubFiles, guessFileKind, isPickleFile, pickHubFiles, type HubFileEntry, type HubFileKind, type HubFilePick } from './hub-files';
export { openHubRepo, DEFAULT_CONCURRENCY, type HubOpenProgress, type HubOpenResult, type OpenHubRepoOptions } from './open-hub-repo';
export { parseRepoInput, isValidRepoId, type RepoInput, type ParseRepoInputOptions } from './parse-repo-input';
export { resolveRepo, hubConnection, normalizeToken, MAX_LISTED_FILES, type HubCallOptions, type HubFile, type ResolvedRepo } from './resolve-repo';
