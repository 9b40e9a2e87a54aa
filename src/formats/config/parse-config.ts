import type { ByteSource } from '../../model/byte-source';
import type { ModelConfig } from '../../model/document';
import { CancelledError, FormatError } from '../../model/errors';
import { MAX_JSON_SIDECAR_BYTES, MAX_JSON_SIDECAR_DEPTH, readJsonSidecar, type JsonSidecar } from '../json-sidecar';
import { isRecord } from '../../model/is-record';

/**
 * Reads a Hugging Face `config.json`: bounded (the JSON sidecar limits), strict UTF-8, a JSON object.
 * Only `architectures` and `model_type` are checked here; everything else stays in `raw`
 * for `deriveConfigFacts`, which warns instead of failing on odd values. `sidecar` is the file as
 * the registry already read and parsed it; without it the file is read here.
 */
export async function parseConfig(source: ByteSource, signal?: AbortSignal, sidecar?: JsonSidecar): Promise<ModelConfig> {
  const file = source.name;
  if (signal?.aborted) throw new CancelledError();
  const read = sidecar ?? (await readJsonSidecar(source, signal));
  if (!read.ok) {
    switch (read.problem) {
      case 'too-large':
        throw new FormatError(file, 'size', `${source.size} bytes is more than the ${MAX_JSON_SIDECAR_BYTES} a config.json may have`);
      case 'not-utf8':
        throw new FormatError(file, 'encoding', 'not valid UTF-8');
      case 'too-deep':
        throw new FormatError(file, 'json', `nested more than ${MAX_JSON_SIDECAR_DEPTH} levels deep; a config never is`);
      case 'not-json':
        throw new FormatError(file, 'json', `not valid JSON (${read.detail ?? 'unreadable'})`);
    }
  }
  const json = read.value;
  if (!isRecord(json)) {
    throw new FormatError(file, '(root)', `expected a JSON object, found ${describeJsonType(json)}`);
  }

  return { path: file, raw: json, architectures: readArchitectures(file, json), modelType: readModelType(file, json) };
}

/**
 * Whether parsed JSON looks like a model config rather than another JSON sidecar
 * (a safetensors index has `weight_map`; tokenizer configs have neither key below).
 */
export function isModelConfig(json: unknown): boolean {
  if (!isRecord(json)) return false;
  if (Object.prototype.hasOwnProperty.call(json, 'weight_map')) return false;
  return Object.prototype.hasOwnProperty.call(json, 'model_type') || Object.prototype.hasOwnProperty.call(json, 'architectures');
}

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

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
