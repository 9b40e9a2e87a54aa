import type { ByteSource } from '../../model/byte-source';
import type { ModelConfig } from '../../model/document';
import { FormatError } from '../../model/errors';
import type { FormatModule } from '../format-module';
import { jsonDepth, MAX_JSON_DEPTH } from '../json-depth';

/** Largest config.json Loupe reads. Real ones are a few KiB; anything near this is not a config. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

const BOM = [0xef, 0xbb, 0xbf] as const;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACE = 0x7b;

/**
 * Reads a Hugging Face `config.json`: bounded, strict UTF-8, a JSON object.
 * Only `architectures` and `model_type` are checked here; everything else stays in `raw`
 * for `deriveConfigFacts`, which warns instead of failing on odd values.
 */
export async function parseConfig(source: ByteSource, signal?: AbortSignal): Promise<ModelConfig> {
  const file = source.name;
  if (source.size > MAX_CONFIG_BYTES) {
    throw new FormatError(file, 'size', `${source.size} bytes is more than the ${MAX_CONFIG_BYTES} a config.json may have`);
  }
  const bytes = await source.read(0, source.size, signal);

  let text: string;
  try {
    // fatal: a config with broken bytes is corrupt, not something to show with U+FFFD in it.
    // The decoder drops a leading BOM, which some Windows editors write.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(file, 'encoding', 'not valid UTF-8');
  }

  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new FormatError(file, 'json', `nested more than ${MAX_JSON_DEPTH} levels deep; a config never is`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError(file, 'json', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isPlainObject(json)) {
    throw new FormatError(file, '(root)', `expected a JSON object, found ${describeJsonType(json)}`);
  }

  return { path: file, raw: json, architectures: readArchitectures(file, json), modelType: readModelType(file, json) };
}

/**
 * Whether parsed JSON looks like a model config rather than another JSON sidecar
 * (a safetensors index has `weight_map`; tokenizer configs have neither key below).
 */
export function isModelConfig(json: unknown): boolean {
  if (!isPlainObject(json)) return false;
  if (Object.prototype.hasOwnProperty.call(json, 'weight_map')) return false;
  return Object.prototype.hasOwnProperty.call(json, 'model_type') || Object.prototype.hasOwnProperty.call(json, 'architectures');
}

/** The registry entry for `config.json`. Any JSON object sniffs as one; the registry tells configs apart with `isModelConfig`. */
export const configFormat: FormatModule<ModelConfig> = {
  id: 'config',
  describe: 'a Hugging Face config.json',
  sniff(head) {
    let i = 0;
    if (BOM.every((byte, k) => head[k] === byte)) i = BOM.length;
    while (i < head.length && WHITESPACE.has(head[i] as number)) i++;
    return head[i] === OPEN_BRACE;
  },
  parse: parseConfig,
};

function readArchitectures(file: string, json: Record<string, unknown>): string[] {
  const value = json.architectures;
  // Configs saved from a bare PretrainedConfig write `"architectures": null`.
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FormatError(file, 'architectures', `expected a list of class names, found ${describeJsonType(value)}`);
  const bad = value.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) throw new FormatError(file, `architectures[${bad}]`, `expected a class name, found ${describeJsonType(value[bad])}`);
  return [...(value as string[])];
}

function readModelType(file: string, json: Record<string, unknown>): string | undefined {
  const value = json.model_type;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FormatError(file, 'model_type', `expected a string, found ${describeJsonType(value)}`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
