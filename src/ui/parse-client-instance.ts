import { ParseClient } from '../workers/parse-client';

let client: ParseClient | undefined;

/** The page's one parse worker client: local opens, Hub opens and tensor statistics share it. */
export function getParseClient(): ParseClient {
  client ??= new ParseClient();
  return client;
}
