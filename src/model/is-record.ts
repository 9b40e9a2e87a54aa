/**
 * Whether a value is a JSON-style object (not null, not an array): the first check on any
 * untrusted value (parsed JSON or YAML, a worker message) before its fields are read.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
