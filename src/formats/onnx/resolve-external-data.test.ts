import { describe, expect, it } from 'vitest';
import { FormatError } from '../../model/errors';
import { resolveExternalData, type ExternalDataRejection } from './resolve-external-data';

const files = [
  { path: 'models/llm/model.onnx', size: 1000 },
  { path: 'models/llm/model.onnx_data', size: 4096 },
  { path: 'models/llm/weights/part1.bin', size: 100 },
  { path: 'secret.txt', size: 10 },
];
const resolve = (location: string, offset = 0, length?: number, expected?: number) =>
  resolveExternalData({ location, offset, ...(length === undefined ? {} : { length }) }, 'models/llm/model.onnx', files, expected);

describe('resolveExternalData', () => {
  it('resolves a location relative to the model file', () => {
    expect(resolve('model.onnx_data', 1024, 2048)).toEqual({ kind: 'resolved', path: 'models/llm/model.onnx_data', offset: 1024, length: 2048 });
    expect(resolve('./weights//part1.bin', 0, 100)).toEqual({ kind: 'resolved', path: 'models/llm/weights/part1.bin', offset: 0, length: 100 });
    // Windows writers may use backslashes.
    expect(resolve('weights\\part1.bin', 10, 5)).toMatchObject({ kind: 'resolved', path: 'models/llm/weights/part1.bin' });
  });

  it('uses the expected length, else the rest of the file, when the entry has no length', () => {
    expect(resolve('model.onnx_data', 96, undefined, 4000)).toMatchObject({ kind: 'resolved', length: 4000 });
    expect(resolve('model.onnx_data', 96)).toMatchObject({ kind: 'resolved', length: 4000 });
  });

  it('resolves against a model dropped alone', () => {
    expect(resolveExternalData({ location: 'a.bin', offset: 0, length: 1 }, 'model.onnx', [{ path: 'a.bin', size: 1 }])).toMatchObject({
      kind: 'resolved',
      path: 'a.bin',
    });
  });

  it.each<[string, ExternalDataRejection]>([
    ['../../etc/passwd', 'parent-segment'],
    ['a/../../x', 'parent-segment'],
    ['a/../model.onnx_data', 'parent-segment'],
    ['..\\secret.txt', 'parent-segment'],
    ['/abs', 'absolute-path'],
    ['/etc/passwd', 'absolute-path'],
    ['\\abs', 'absolute-path'],
    ['C:\\x', 'drive-path'],
    ['C:/x', 'drive-path'],
    ['c:x', 'drive-path'],
    ['\\\\srv\\x', 'unc-path'],
    ['//srv/x', 'unc-path'],
    ['https://x', 'url'],
    ['file:///etc/passwd', 'url'],
    ['data:application/octet-stream,AAAA', 'url'],
    ['', 'empty'],
    ['.', 'empty'],
    ['a\0b', 'empty'],
  ])('rejects %j (%s)', (location, reason) => {
    const result = resolve(location, 0, 1);
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    expect(result.reason).toBe(reason);
    expect(result.error).toBeInstanceOf(FormatError);
    expect(result.error.file).toBe('models/llm/model.onnx');
  });

  it('rejects ranges outside the data file, and ranges that are not non-negative integers', () => {
    expect(resolve('model.onnx_data', 4000, 97)).toMatchObject({ kind: 'rejected', reason: 'out-of-bounds' });
    expect(resolve('model.onnx_data', 5000)).toMatchObject({ kind: 'rejected', reason: 'bad-range' });
    expect(resolve('model.onnx_data', -1, 1)).toMatchObject({ kind: 'rejected', reason: 'bad-range' });
    expect(resolve('model.onnx_data', 0.5, 1)).toMatchObject({ kind: 'rejected', reason: 'bad-range' });
    expect(resolve('model.onnx_data', 0, -4)).toMatchObject({ kind: 'rejected', reason: 'bad-range' });
    expect(resolve('model.onnx_data', 0, 2 ** 60)).toMatchObject({ kind: 'rejected', reason: 'bad-range' });
    expect(resolve('model.onnx_data', 4096, 0)).toMatchObject({ kind: 'resolved', offset: 4096, length: 0 });
  });

  it('warns, without failing, when the data file was not dropped', () => {
    const result = resolve('model.onnx.data', 0, 4);
    expect(result).toMatchObject({
      kind: 'missing',
      path: 'models/llm/model.onnx.data',
      diagnostic: { severity: 'warning', code: 'external-data-missing', file: 'models/llm/model.onnx' },
    });
  });
});
