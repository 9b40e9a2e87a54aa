import type { DType } from '../../model/dtype';
import { STORAGE_DTYPES } from './scan-imports';

/**
 * torch dtype names (canonical and aliases, as `torch.float32` / `torch.float`) → Loupe's dtype.
 * Quantized integer storages map to their integer representation; sub-byte and complex32 types
 * have no Loupe equivalent and are left out.
 */
const TORCH_DTYPES: Readonly<Record<string, DType>> = {
  float32: 'F32',
  float: 'F32',
  float64: 'F64',
  double: 'F64',
  float16: 'F16',
  half: 'F16',
  bfloat16: 'BF16',
  complex64: 'C64',
  cfloat: 'C64',
  complex128: 'C128',
  cdouble: 'C128',
  bool: 'BOOL',
  uint8: 'U8',
  int8: 'I8',
  int16: 'I16',
  short: 'I16',
  int32: 'I32',
  int: 'I32',
  int64: 'I64',
  long: 'I64',
  uint16: 'U16',
  uint32: 'U32',
  uint64: 'U64',
  float8_e5m2: 'F8_E5M2',
  float8_e4m3fn: 'F8_E4M3',
  float8_e5m2fnuz: 'F8_E5M2FNUZ',
  float8_e4m3fnuz: 'F8_E4M3FNUZ',
  float8_e8m0fnu: 'F8_E8M0',
  qint8: 'I8',
  quint8: 'U8',
  qint32: 'I32',
  quint4x2: 'U8',
  quint2x4: 'U8',
};

/** Loupe's dtype for a torch dtype name (`float32`, `torch.float32`), or undefined. */
export function torchDtype(name: string): DType | undefined {
  const bare = name.startsWith('torch.') ? name.slice('torch.'.length) : name;
  return Object.prototype.hasOwnProperty.call(TORCH_DTYPES, bare) ? TORCH_DTYPES[bare] : undefined;
}

/**
 * The torch dtype name a storage class holds (`FloatStorage` → `float32`), from the class name
 * alone (`torch.FloatStorage`, `torch.cuda.FloatStorage`), or undefined for other classes.
 */
export function storageDtypeName(className: string): string | undefined {
  const name = className.slice(className.lastIndexOf('.') + 1);
  return Object.prototype.hasOwnProperty.call(STORAGE_DTYPES, name) ? STORAGE_DTYPES[name] : undefined;
}
