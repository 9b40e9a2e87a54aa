import { StreamByteSource } from '../bytes/stream-byte-source';
import type { ZenodoConnection } from './fetch-zenodo-record';
import { zenodoErrorFromNetworkFailure, zenodoErrorFromResponse } from './zenodo-error-from';
import type { ZenodoFile, ZenodoRecord } from './zenodo-record';

/**
 * A record file's bytes, read from its API content URL (the one with CORS). That URL ignores Range,
 * so reads stream and hang up (see StreamByteSource); a server that honours Range is read by Range.
 * A 403 becomes ZenodoError 'restricted', a 429 'rate-limited' with the time to retry.
 * `maxStreamBytes` is the file size only when the user asked for the whole file.
 */
export function zenodoByteSource(
  record: Pick<ZenodoRecord, 'id'>,
  file: Pick<ZenodoFile, 'key' | 'size' | 'contentUrl'>,
  connection: ZenodoConnection,
  options: { maxStreamBytes?: number } = {},
): StreamByteSource {
  const context = { endpoint: connection.endpoint, recordId: record.id, file: file.key, online: connection.online };
  return new StreamByteSource(file.contentUrl, file.key, file.size, {
    fetch: connection.fetch,
    maxStreamBytes: options.maxStreamBytes,
    errorFromResponse: (response, url) => zenodoErrorFromResponse(response, url, context),
    errorFromNetwork: (error, url) => zenodoErrorFromNetworkFailure(error, url, context),
  });
}
