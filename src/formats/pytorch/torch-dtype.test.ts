import { describe, expect, it } from 'vitest';
import { STORAGE_DTYPES } from './scan-imports';
import { storageDtypeName, torchDtype } from './torch-dtype';

describe('torch dtypes', () => {
  it('maps every torch name with a Loupe dtype, with or without the torch. prefix', () => {
    const cases: [string, string][] = [
      ['float32', 'F32'],
      ['float', 'F32'],
      ['torch.float16', 'F16'],
      ['half', 'F16'],
      ['bfloat16', 'BF16'],
      ['torch.int64', 'I64'],
      ['long', 'I64'],
      ['bool', 'BOOL'],
      ['complex64', 'C64'],
      ['float8_e4m3fn', 'F8_E4M3'],
      ['qint8', 'I8'],
    ];
    for (const [name, dtype] of cases) expect(torchDtype(name), name).toBe(dtype);
    expect(torchDtype('complex32')).toBeUndefined();
    expect(torchDtype('__proto__')).toBeUndefined();
  });

  it('reads every storage class as a torch dtype that maps to a Loupe dtype', () => {
    for (const storage of Object.keys(STORAGE_DTYPES)) {
      const name = storageDtypeName(`torch.${storage}`);
      expect(name, storage).toBeDefined();
      expect(torchDtype(name!), `${storage} (${name})`).toBeDefined();
    }
    expect(storageDtypeName('torch.cuda.HalfStorage')).toBe('float16');
    expect(storageDtypeName('torch.Tensor')).toBeUndefined();
  });
});
