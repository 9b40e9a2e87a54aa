import type { ByteSource } from '../model/byte-source';
import { toLoupeError } from '../model/errors';
import { jsonDepth } from './json-depth';

/*
 * The limits on JSON sidecars (config.json, the safetensors index, any later JSON format), in one
 * place. The registry checks them once, when it reads the file, so no file is recognized as a
 * sidecar and then refused by its parser.
 */

/** Largest JSON sidecar read. The largest real safetensors indexes (huge MoEs) are around 60 MB; configs are a few KiB. */
export const MAX_JSON_SIDECAR_BYTES = 64 * 1024 * 1024;
/** JSON sidecars nested deeper than this are refused: no real config or index comes close, and a deep value cannot cross postMessage (structured clone recurses). */
export const MAX_JSON_SIDECAR_DEPTH = 64;

/**
 * A file whose head looks like JSON, read and decoded once by the registry. Formats sniff its
 * `value` and parse from it, so a sidecar is never read or parsed again.
 */
export type JsonSidecar =
  | {
      ok: true;
      /** The decoded text (BOM dropped), for a format that must also check it strictly (duplicate keys, exact integers). */
      text: string;
      /** `JSON.parse(text)`. */
      value: unknown;
    }
  | {
      ok: false;
      problem: 'too-large' | 'not-utf8' | 'too-deep' | 'not-json';
      /** The decoded text, when the bytes were UTF-8 within the size limit. */
      text?: string;
      /** JSON.parse's message, for `not-json`. */
      detail?: string;
    };

const BOM = [0xef, 0xbb, 0xbf] as const;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACE = 0x7b;

/** Whether a file's head looks like a JSON object: `{` after an optional BOM and whitespace. */
export function looksLikeJson(head: Uint8Array): boolean {
  let i = BOM.every((byte, k) => head[k] === byte) ? BOM.length : 0;
  while (i < head.length && WHITESPACE.has(head[i] as number)) i++;
  return head[i] === OPEN_BRACE;
}

/**
 * Reads a JSON sidecar whole, once, within the limits above. A problem with the file itself is
 * returned (the file is then not a sidecar, or its parser says why); I/O errors and cancellation throw.
 */
export async function readJsonSidecar(source: ByteSource, signal?: AbortSignal): Promise<JsonSidecar> {
  if (source.size > MAX_JSON_SIDECAR_BYTES) return { ok: false, problem: 'too-large' };
  let bytes: Uint8Array;
  try {
    bytes = await source.read(0, source.size, signal);
  } catch (error) {
    throw toLoupeError(error, source.name);
  }
  let text: string;
  try {
    // fatal: broken bytes make the file corrupt, not something to show with U+FFFD in it. The decoder drops a BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'not-utf8' };
  }
  if (jsonDepth(text) > MAX_JSON_SIDECAR_DEPTH) return { ok: false, problem: 'too-deep', text };
  try {
    return { ok: true, text, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: 'not-json', text, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Why a file that starts like JSON is not read as a sidecar, as the user is told it. */
export function describeJsonSidecarProblem(problem: Extract<JsonSidecar, { ok: false }>['problem']): string {
  switch (problem) {
    case 'too-large':
      return `a JSON file larger than the ${MAX_JSON_SIDECAR_BYTES}-byte limit for a config or an index`;
    case 'too-deep':
      return `its JSON is nested more than ${MAX_JSON_SIDECAR_DEPTH} levels deep, which no config or index is`;
    case 'not-utf8':
    case 'not-json':
      return 'the file starts like JSON but is not valid JSON';
  }
}
