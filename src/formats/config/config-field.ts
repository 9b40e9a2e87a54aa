import { isRecord } from '../../model/is-record';

/**
 * Reading single fields of an untrusted config object. A value that is absent or `null`
 * counts as absent: transformers writes `null` for "use the default" (GPT-2's `n_inner`).
 * A present value of the wrong kind is reported through `onInvalid` and otherwise ignored,
 * so one odd key never hides the rest of the config.
 */

/** Longest bad value quoted in a warning. */
const MAX_PREVIEW_CHARS = 40;

/** Called with the field name and why its value was ignored. */
export type InvalidFieldHandler = (field: string, problem: string) => void;

/** A count or size: a non-negative safe integer, or undefined. */
export function integerField(object: Record<string, unknown>, key: string, onInvalid?: InvalidFieldHandler, prefix = ''): number | undefined {
  const value = ownValue(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  onInvalid?.(prefix + key, `expected a non-negative whole number, found ${preview(value)}`);
  return undefined;
}

export function booleanField(object: Record<string, unknown>, key: string, onInvalid?: InvalidFieldHandler, prefix = ''): boolean | undefined {
  const value = ownValue(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  onInvalid?.(prefix + key, `expected true or false, found ${preview(value)}`);
  return undefined;
}

export function stringField(object: Record<string, unknown>, key: string, onInvalid?: InvalidFieldHandler, prefix = ''): string | undefined {
  const value = ownValue(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  onInvalid?.(prefix + key, `expected a string, found ${preview(value)}`);
  return undefined;
}

/** A list of non-negative integers (e.g. Qwen2-MoE's `mlp_only_layers`); undefined when absent or malformed. */
export function integerListField(object: Record<string, unknown>, key: string, onInvalid?: InvalidFieldHandler): number[] | undefined {
  const value = ownValue(object, key);
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0)) return value as number[];
  onInvalid?.(key, 'expected a list of non-negative whole numbers');
  return undefined;
}

/** A nested object such as `text_config`; undefined unless it is a plain object. */
export function objectField(object: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = ownValue(object, key);
  return isRecord(value) ? value : undefined;
}

// Own properties only: a config key named like an Object.prototype member must not resolve to it.
function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** A short rendering of a bad value for a warning; a hostile config may hold megabytes in one string. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > MAX_PREVIEW_CHARS ? `${text.slice(0, MAX_PREVIEW_CHARS)}…` : text;
}
