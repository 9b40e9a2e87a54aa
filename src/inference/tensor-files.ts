import { FormatError } from '../model/errors';
import { decodeNpy } from './npy';
import { decodeTensorProto } from './tensor-proto';
import type { NamedTensor } from './tensor';

/**
 * Reads a tensor file by its kind: NumPy `.npy`, or an ONNX TensorProto `.pb`. The kind is told
 * by the bytes (the .npy magic), so a misnamed file still reads. The name is the TensorProto's,
 * or empty for .npy.
 */
export function decodeTensorFile(bytes: Uint8Array, fileName: string): NamedTensor {
  const npy = bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55 && bytes[3] === 0x4d && bytes[4] === 0x50 && bytes[5] === 0x59;
  if (npy) return { name: '', ...decodeNpy(bytes, fileName) };
  if (/\.npz$/i.test(fileName)) throw new FormatError(fileName, 'file', '.npz archives hold several arrays; save each as .npy');
  return decodeTensorProto(bytes, fileName);
}
