import { elementCount, type HostTensor, type TensorDType } from './tensor';
import { castValues } from './generate';
import { formatShape } from '../model/units';

/**
 * Tensors typed in by hand: pasted JSON and lists of token ids. Errors are plain sentences that
 * say what was wrong and where.
 */

/**
 * Parses pasted JSON into a tensor of `dtype`:
 * - nested arrays: the shape is read from the nesting (it must be rectangular);
 * - a flat array: the shape is `dims` when given and the counts agree, else [n];
 * - a number: a scalar;
 * - an object `{ "dims": [...], "data": [...] }`.
 * 64-bit integers may be written as strings to keep them exact.
 */
export function parseJsonTensor(text: string, dtype: TensorDType, dims?: readonly number[]): HostTensor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`This is not JSON: ${(error as Error).message}`, { cause: error });
  }
  let shape: number[] | undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (!Array.isArray(record.data)) throw new TypeError('A JSON object needs a "data" array (and optionally "dims").');
    if (record.dims !== undefined) {
      if (!Array.isArray(record.dims) || !record.dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
        throw new TypeError('"dims" must be an array of sizes.');
      shape = record.dims as number[];
    }
    value = record.data;
  }
  const flat: unknown[] = [];
  const nested = Array.isArray(value) ? nestedShape(value, flat) : (flat.push(value), []);
  if (!shape) {
    if (nested.length === 1 && dims && dims.length !== 1 && elementCount(dims) === flat.length) shape = [...dims];
    else shape = nested;
  }
  if (elementCount(shape) !== flat.length)
    throw new RangeError(`The shape ${formatShape(shape)} needs ${elementCount(shape)} values; the JSON has ${flat.length}.`);
  return { dtype, dims: shape, data: toData(flat, dtype) };
}

/** The shape of rectangular nested arrays; flattens the leaves into `out`. */
function nestedShape(value: unknown[], out: unknown[]): number[] {
  const shape: number[] = [value.length];
  if (value.length > 0 && Array.isArray(value[0])) {
    let inner: number[] | undefined;
    for (const [i, item] of value.entries()) {
      if (!Array.isArray(item)) throw new TypeError(`The arrays are not rectangular: item ${i} is not an array.`);
      const s = nestedShape(item, out);
      if (inner && (s.length !== inner.length || s.some((d, j) => d !== inner![j]))) {
        throw new TypeError(`The arrays are not rectangular: item ${i} has shape ${formatShape(s)}, item 0 has ${formatShape(inner)}.`);
      }
      inner = s;
    }
    shape.push(...inner!);
  } else {
    for (const [i, item] of value.entries()) {
      if (Array.isArray(item)) throw new TypeError(`The arrays are not rectangular: item ${i} is an array among values.`);
      out.push(item);
    }
  }
  return shape;
}

function toData(values: unknown[], dtype: TensorDType): HostTensor['data'] {
  if (dtype === 'string') return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (dtype === 'int64' || dtype === 'uint64') {
    const data = dtype === 'int64' ? new BigInt64Array(values.length) : new BigUint64Array(values.length);
    values.forEach((v, i) => {
      data[i] = toBigInt(v, i);
    });
    return data;
  }
  const numbers = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (typeof v === 'boolean') numbers[i] = v ? 1 : 0;
    else if (typeof v === 'number') numbers[i] = v;
    else if (v === null) numbers[i] = NaN;
    else if (typeof v === 'string' && (/^[-+]?nan$/i.test(v.trim()) || (v.trim() !== '' && !Number.isNaN(parseLoose(v))))) numbers[i] = parseLoose(v);
    else throw new TypeError(`Value ${i} (${JSON.stringify(v)}) is not a number.`);
  });
  return castValues(numbers, dtype);
}

function parseLoose(v: string): number {
  const t = v.trim().toLowerCase();
  if (/^[-+]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  return Number(t);
}

function toBigInt(v: unknown, i: number): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return BigInt(v.trim());
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`Value ${i} (${JSON.stringify(v)}) is not an integer.`);
}

/**
 * Parses a list of token ids ("101, 2023, 102", "[101 2023 102]") into an integer tensor shaped for
 * an input of `rank` dims: [n] for rank 1, [1, n] for rank 2, [1, …, 1, n] above.
 */
export function parseTokenIds(text: string, dtype: 'int64' | 'int32' | 'uint64' | 'uint32' = 'int64', rank = 2): HostTensor {
  const parts = text
    .replace(/[[\](){}]/g, ' ')
    .split(/[\s,;]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) throw new RangeError('Type at least one token id.');
  const ids = parts.map((p, i) => {
    if (!/^[-+]?\d+$/.test(p)) throw new TypeError(`Token ${i + 1} (${p}) is not a whole number.`);
    return BigInt(p);
  });
  const dims = rank <= 1 ? [ids.length] : [...new Array<number>(rank - 1).fill(1), ids.length];
  if (dtype === 'int64') return { dtype, dims, data: BigInt64Array.from(ids) };
  if (dtype === 'uint64') return { dtype, dims, data: BigUint64Array.from(ids) };
  const numbers = ids.map(Number);
  return { dtype, dims, data: dtype === 'int32' ? Int32Array.from(numbers) : Uint32Array.from(numbers) };
}
