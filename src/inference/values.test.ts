import { describe, expect, it } from 'vitest';
import { cropRect, IMAGE_PRESETS, rgbaToTensor } from './image';
import { matchTensorFiles } from './match-files';
import { externalDataFiles, onnxModelPaths } from './model-files';
import { parseJsonTensor, parseTokenIds } from './parse-values';
import { chooseBackend, resolveThreads } from './runtime-options';
import { firstValues, isClassificationLike, tensorStats, topK } from './stats';
import { float16ToNumber, numberToFloat16, packInt4, unpackInt4 } from './tensor';
import { quantile, summarize } from './timing';

describe('parseJsonTensor', () => {
  it('reads the shape from nested arrays', () => {
    expect(parseJsonTensor('[[1, 2, 3], [4, 5, 6]]', 'float32')).toMatchObject({ dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(parseJsonTensor('7', 'int32')).toMatchObject({ dims: [], data: Int32Array.from([7]) });
  });

  it('shapes a flat list like the input when the counts agree', () => {
    expect(parseJsonTensor('[1, 2, 3, 4]', 'float32', [1, 2, 2]).dims).toEqual([1, 2, 2]);
    expect(parseJsonTensor('[1, 2, 3]', 'float32', [1, 2, 2]).dims).toEqual([3]);
  });

  it('takes {dims, data}, int64 as strings, and NaN/Infinity as strings', () => {
    const t = parseJsonTensor('{"dims": [2], "data": ["9007199254740993", -1]}', 'int64');
    expect([...t.data]).toEqual([9007199254740993n, -1n]);
    expect([...parseJsonTensor('["nan", "-inf", 1.5]', 'float64').data]).toEqual([NaN, -Infinity, 1.5]);
  });

  it('says what is wrong', () => {
    expect(() => parseJsonTensor('[1, 2', 'float32')).toThrow(/not JSON/);
    expect(() => parseJsonTensor('[[1, 2], [3]]', 'float32')).toThrow(/not rectangular: item 1 has shape \[1\], item 0 has \[2\]/);
    expect(() => parseJsonTensor('{"dims": [3], "data": [1]}', 'float32')).toThrow(/needs 3 values; the JSON has 1/);
    expect(() => parseJsonTensor('["a"]', 'float32')).toThrow(/Value 0 \("a"\) is not a number/);
    expect(() => parseJsonTensor('[1.5]', 'int64')).toThrow(/not an integer/);
  });
});

describe('parseTokenIds', () => {
  it('reads ids separated by commas, spaces or in brackets, shaped [1, n]', () => {
    const t = parseTokenIds('[101, 7592 2088,102]');
    expect(t).toMatchObject({ dtype: 'int64', dims: [1, 4] });
    expect([...t.data]).toEqual([101n, 7592n, 2088n, 102n]);
    expect(parseTokenIds('1 2', 'int32', 1)).toMatchObject({ dims: [2], data: Int32Array.from([1, 2]) });
    expect(() => parseTokenIds('1, x')).toThrow(/Token 2 \(x\)/);
    expect(() => parseTokenIds('  ')).toThrow(/at least one/);
  });
});

describe('stats and top-k', () => {
  it('summarizes values, counting NaN, infinities and zeros apart', () => {
    const s = tensorStats({ dtype: 'float32', dims: [6], data: Float32Array.from([1, 2, 3, NaN, Infinity, 0]) });
    expect(s).toMatchObject({ count: 6, finite: 4, min: 0, max: 3, nans: 1, infs: 1, zeros: 1 });
    expect(s.mean).toBeCloseTo(1.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25));
    expect(firstValues({ dtype: 'int64', dims: [2], data: BigInt64Array.from([2n ** 62n, -1n]) })).toEqual(['4611686018427387904', '-1']);
    expect(firstValues({ dtype: 'float16', dims: [1], data: Uint16Array.from([0x3555]) })).toEqual(['0.333252']);
  });

  it('ranks logits with softmax probabilities and labels from id2label', () => {
    const logits = { dtype: 'float32' as const, dims: [1, 3], data: Float32Array.from([1, 3, 2]) };
    expect(isClassificationLike(logits)).toBe(true);
    const top = topK(logits, 2, { '0': 'cat', '1': 'dog', '2': 'bird' });
    expect(top.map((t) => [t.index, t.label])).toEqual([
      [1, 'dog'],
      [2, 'bird'],
    ]);
    expect(top[0]!.probability).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(3) + Math.exp(2)));
    // Already a distribution: shown as is.
    const probs = topK({ dtype: 'float32', dims: [2], data: Float32Array.from([0.25, 0.75]) }, 1);
    expect(probs[0]).toMatchObject({ index: 1, probability: 0.75 });
    expect(isClassificationLike({ dtype: 'float32', dims: [1, 1, 8, 8], data: new Float32Array(64) })).toBe(false);
  });
});

describe('image to tensor', () => {
  it('normalizes per channel into NCHW, in RGB or BGR order', () => {
    // 2×1 pixels: red, then blue.
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 255]);
    const unit = rgbaToTensor(rgba, 2, 1, { channels: 3, layout: 'nchw', dtype: 'float32', normalization: IMAGE_PRESETS.unit!.normalization });
    expect(unit.dims).toEqual([1, 3, 1, 2]);
    expect([...unit.data]).toEqual([1, 0, 0, 0, 0, 1]);
    const bgr = rgbaToTensor(rgba, 2, 1, {
      channels: 3,
      layout: 'nchw',
      dtype: 'float32',
      normalization: { ...IMAGE_PRESETS.unit!.normalization, channelOrder: 'bgr' },
    });
    expect([...bgr.data]).toEqual([0, 1, 0, 0, 1, 0]);
    const imagenet = rgbaToTensor(rgba, 2, 1, { channels: 3, layout: 'nhwc', dtype: 'float64', normalization: IMAGE_PRESETS.imagenet!.normalization });
    expect(imagenet.dims).toEqual([1, 1, 2, 3]);
    expect(imagenet.data[0]).toBeCloseTo((1 - 0.485) / 0.229);
    expect(imagenet.data[1]).toBeCloseTo((0 - 0.456) / 0.224);
  });

  it('crops the centre with the target aspect ratio', () => {
    expect(cropRect(400, 200, 100, 100, 'crop')).toEqual({ sx: 100, sy: 0, sw: 200, sh: 200 });
    expect(cropRect(400, 200, 100, 100, 'stretch')).toEqual({ sx: 0, sy: 0, sw: 400, sh: 200 });
  });
});

describe('files', () => {
  it('finds ONNX models by extension or by what the parser recognized', () => {
    const files = [{ path: 'm/model.onnx' }, { path: 'm/config.json' }, { path: 'm/weird' }];
    expect(onnxModelPaths(files)).toEqual(['m/model.onnx']);
    expect(onnxModelPaths(files, { formats: ['onnx'], source: { files: [{ path: 'm/weird', format: 'onnx' }] }, tensors: [] })).toEqual([
      'm/model.onnx',
      'm/weird',
    ]);
  });

  it('passes external data by its path relative to the model', () => {
    const files = [{ path: 'm/model.onnx' }, { path: 'm/model.onnx_data' }, { path: 'm/weights/w.bin' }, { path: 'm/config.json' }, { path: 'other/x.bin' }];
    expect(externalDataFiles('m/model.onnx', files).map((f) => f.path)).toEqual(['model.onnx_data', 'weights/w.bin']);
    const document = { formats: ['onnx'], source: { files: [] }, tensors: [{ file: 'm/model.onnx' }, { file: 'm/weights/w.bin' }] };
    expect(externalDataFiles('m/model.onnx', files, document).map((f) => f.path)).toEqual(['weights/w.bin']);
    expect(externalDataFiles('model.onnx', [{ path: 'model.onnx' }])).toEqual([]);
  });

  it('matches tensor files to names by stored name, file name, input_N, then order', () => {
    const names = ['x', 'y/z', 'w'];
    const files = [{ fileName: 'input_2.pb', storedName: '' }, { fileName: 'anything.pb', storedName: 'x' }, { fileName: 'y_z.npy' }];
    const { matched, unmatched } = matchTensorFiles(names, files, 'input');
    expect(matched.get('x')?.fileName).toBe('anything.pb');
    expect(matched.get('y/z')?.fileName).toBe('y_z.npy');
    expect(matched.get('w')?.fileName).toBe('input_2.pb');
    expect(unmatched).toEqual([]);
    expect(
      matchTensorFiles(['a', 'b'], [{ fileName: 'p.npy' }, { fileName: 'q.npy' }, { fileName: 'r.npy' }], 'output').unmatched.map((f) => f.fileName),
    ).toEqual(['r.npy']);
  });
});

describe('runtime options', () => {
  it('uses every core up to 8, and one thread without cross-origin isolation', () => {
    expect(resolveThreads(0, 2, true)).toEqual({ threads: 2 });
    expect(resolveThreads(0, 32, true)).toEqual({ threads: 8 });
    expect(resolveThreads(3, 2, true)).toEqual({ threads: 3 });
    expect(resolveThreads(0, 16, false).threads).toBe(1);
    expect(resolveThreads(0, 16, false).note).toMatch(/cross-origin isolated/);
  });

  it('picks WebGPU only with an adapter, and says why not when it was asked for', () => {
    expect(chooseBackend('auto', true)).toEqual({ backend: 'webgpu' });
    expect(chooseBackend('auto', false)).toEqual({ backend: 'wasm' });
    expect(chooseBackend('wasm', true)).toEqual({ backend: 'wasm' });
    expect(chooseBackend('webgpu', false, 'the browser gave no WebGPU adapter').fallback).toMatch(
      /WebGPU was asked for, but the browser gave no WebGPU adapter/,
    );
  });
});

describe('helpers', () => {
  it('converts half floats both ways, rounding to nearest even', () => {
    for (const [bits, value] of [
      [0x3c00, 1],
      [0xc000, -2],
      [0x7bff, 65504],
      [0x0001, 2 ** -24],
      [0x0400, 2 ** -14],
      [0x7c00, Infinity],
      [0x8000, -0],
    ] as const) {
      expect(float16ToNumber(bits)).toBe(value);
      expect(numberToFloat16(value)).toBe(bits);
    }
    expect(Number.isNaN(float16ToNumber(numberToFloat16(NaN)))).toBe(true);
    expect(numberToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie: to even
    expect(numberToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16(65520)).toBe(0x7c00);
  });

  it('packs and unpacks 4-bit values, low nibble first', () => {
    const packed = packInt4(Int8Array.from([1, -1, -8]));
    expect([...packed]).toEqual([0xf1, 0x08]);
    expect([...unpackInt4(packed, 3, true)]).toEqual([1, -1, -8]);
    expect([...unpackInt4(packed, 3, false)]).toEqual([1, 15, 8]);
  });

  it('summarizes timings with interpolated percentiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(summarize([5, 1, 3])).toMatchObject({ count: 3, min: 1, p50: 3, max: 5, mean: 3 });
    expect(summarize([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).p90).toBe(91);
  });
});
