import { DTYPES, type DType } from '../../src/model/dtype';

/** One tensor for layoutTensors: its data is laid out after the previous one's. */
export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

/** Options for buildSafetensors, to produce broken files on purpose. */
export interface BuildOptions {
  /** The u64 to write as the header length instead of the header's real length. */
  headerLength?: bigint;
  /** Spaces appended to the header (counted in its length), as writers pad to 8 bytes. */
  padding?: number;
}

/**
 * Builds safetensors file bytes for tests and examples: the u64 little-endian header length,
 * the header (an object serialized as JSON, a string, or raw bytes), then `data` (bytes, or a
 * count of zero bytes).
 */
export function buildSafetensors(header: object | string | Uint8Array, data: Uint8Array | number = 0, options: BuildOptions = {}): Uint8Array<ArrayBuffer> {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const padding = options.padding ?? 0;
  const dataBytes = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + padding + dataBytes.length);
  new DataView(out.buffer).setBigUint64(0, options.headerLength ?? BigInt(json.length + padding), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + json.length + padding);
  out.set(dataBytes, 8 + json.length + padding);
  return out;
}

/** A header placing `specs` back to back from offset 0, and the total data length it needs. */
export function layoutTensors(specs: TensorSpec[], metadata?: Record<string, string>): { header: Record<string, unknown>; dataLength: number } {
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  let offset = 0;
  for (const spec of specs) {
    const elements = spec.shape.reduce((a, b) => a * b, 1);
    const length = Math.ceil((elements * DTYPES[spec.dtype].bits) / 8);
    header[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  return { header, dataLength: offset };
}
