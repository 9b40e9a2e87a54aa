import type { ValueInfo } from './engine';
import { castValues, fillTensor, inputSeed, type FillOptions } from './generate';
import { parseJsonTensor, parseTokenIds } from './parse-values';
import { isBigIntDType, toFloat64, type HostTensor, type NamedTensor, type TensorDType } from './tensor';
import { formatShape } from '../model/units';

/**
 * Where an input's values come from, as the input editor holds it. `buildInput` turns it into
 * the tensor that is fed: the same spec and seed always give the same tensor.
 */
export type InputSource =
  | { kind: 'fill'; fill: Omit<FillOptions, 'seed'> }
  | { kind: 'json'; text: string }
  | { kind: 'tokens'; text: string }
  /** A tensor read from a file (.npy, .pb) or made from an image. */
  | { kind: 'tensor'; tensor: HostTensor; origin: string };

export interface BuiltInput {
  tensor: NamedTensor;
  /** Conversions made on the way (e.g. float64 file values cast to float32). */
  notes: string[];
}

/**
 * Builds the tensor for input `index` of the model. `dims` are the concrete dims for fills
 * (resolveDims); `seed` is the editor's seed, varied per input (inputSeed).
 */
export function buildInput(info: ValueInfo, index: number, source: InputSource, dims: number[], seed: number): BuiltInput {
  const dtype: TensorDType = info.dtype ?? 'float32';
  const notes: string[] = [];
  let tensor: HostTensor;
  switch (source.kind) {
    case 'fill':
      tensor = fillTensor(dtype, dims, { ...source.fill, seed: inputSeed(seed, index) });
      break;
    case 'json':
      tensor = parseJsonTensor(source.text, dtype, dims);
      break;
    case 'tokens': {
      const integer = dtype === 'int64' || dtype === 'int32' || dtype === 'uint64' || dtype === 'uint32';
      if (!integer) throw new TypeError(`${info.name} is ${dtype}; token ids go into integer inputs.`);
      tensor = parseTokenIds(source.text, dtype, info.shape?.length ?? 2);
      break;
    }
    case 'tensor':
      tensor = source.tensor;
      if (tensor.dtype !== dtype) {
        notes.push(`${source.origin} holds ${tensor.dtype}; converted to ${dtype}`);
        tensor = convertTensor(tensor, dtype);
      }
      break;
  }
  return { tensor: { dtype: tensor.dtype, dims: tensor.dims, data: tensor.data, name: info.name }, notes };
}

/** Converts between element types by value (integers are rounded and clamped, 64-bit integers kept exact). */
export function convertTensor(tensor: HostTensor, dtype: TensorDType): HostTensor {
  if (tensor.dtype === dtype) return tensor;
  if (tensor.dtype === 'string' || dtype === 'string') {
    if (dtype === 'string') return { dtype, dims: tensor.dims, data: Array.from(toFloat64(tensor), String) };
    throw new TypeError(`strings cannot be converted to ${dtype}`);
  }
  if (isBigIntDType(tensor.dtype) && isBigIntDType(dtype)) {
    const source = tensor.data as BigInt64Array | BigUint64Array;
    const data = dtype === 'int64' ? BigInt64Array.from(source, (v) => BigInt.asIntN(64, v)) : BigUint64Array.from(source, (v) => BigInt.asUintN(64, v));
    return { dtype, dims: tensor.dims, data };
  }
  return { dtype, dims: tensor.dims, data: castValues(toFloat64(tensor), dtype) };
}

export function describeSource(source: InputSource): string {
  switch (source.kind) {
    case 'fill':
      return `${source.fill.mode} fill`;
    case 'json':
      return 'JSON';
    case 'tokens':
      return 'token ids';
    case 'tensor':
      return `${source.origin} ${formatShape(source.tensor.dims)}`;
  }
}
