import type { ParameterCount, TensorInfo } from '../model/document';

/** Exact parameter count: the sum of element counts, in total and per dtype, with bytes per dtype. */
export function countParameters(tensors: readonly TensorInfo[]): ParameterCount {
  const result: ParameterCount = { total: 0, byDtype: {}, bytesByDtype: {} };
  for (const tensor of tensors) {
    result.total += tensor.elements;
    result.byDtype[tensor.dtype] = (result.byDtype[tensor.dtype] ?? 0) + tensor.elements;
    result.bytesByDtype[tensor.dtype] = (result.bytesByDtype[tensor.dtype] ?? 0) + tensor.byteLength;
  }
  return result;
}
