import { describe, expect, it } from 'vitest';
import type { ValueInfo } from './engine';
import { defaultRecipe } from './input-recipe';
import { buildFeeds, compareOutputs, describeTensorFiles, summarizeOutputs } from './input-work';
import type { NamedTensor } from './tensor';

/** A float32 .npy file written byte by byte here (version 1.0 header, padded to 64 bytes). */
function npyFloat32(dims: number[], values: number[]): Blob {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = new Uint8Array(total).fill(0x20);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(header.buffer).setUint16(8, total - 10, true);
  header.set(new TextEncoder().encode(dict), 10);
  header[total - 1] = 0x0a;
  return new Blob([header, Float32Array.from(values)]);
}

const image: ValueInfo = { name: 'pixels', isTensor: true, dtype: 'float32', shape: ['batch', 3, 'h', 'w'] };
const ids: ValueInfo = { name: 'input_ids', isTensor: true, dtype: 'int64', shape: [1, 'seq'] };

describe('buildFeeds (in the inference worker)', () => {
  it('builds each input from its recipe, with the shared symbols', async () => {
    const built = await buildFeeds(
      [image, ids],
      { input_ids: { ...defaultRecipe(ids), source: 'tokens', tokens: '101, 7592, 102' } },
      { batch: 1, h: 4, w: 5 },
      7,
    );
    expect(built.errors).toEqual({});
    expect(built.feeds.map((f) => [f.name, f.dtype, f.dims])).toEqual([
      ['pixels', 'float32', [1, 3, 4, 5]],
      ['input_ids', 'int64', [1, 3]],
    ]);
    expect([...(built.feeds[1]!.data as BigInt64Array)]).toEqual([101n, 7592n, 102n]);
  });

  it('says per input why it cannot be built, and builds the others', async () => {
    const seq: ValueInfo = { name: 'history', isTensor: false, typeName: 'seq(tensor(float))' };
    const built = await buildFeeds([image, seq], { pixels: { ...defaultRecipe(image), source: 'file' } }, {}, 0);
    expect(built.feeds).toEqual([]);
    expect(built.errors).toEqual({
      pixels: 'Choose a .npy or .pb file for pixels.',
      history: 'history is not a tensor (a sequence, map or optional); Loupe cannot make one.',
    });
  });

  it('reads a .npy file chosen for an input', async () => {
    const blob = npyFloat32([1, 2], [1.5, -2]);
    const input: ValueInfo = { name: 'x', isTensor: true, dtype: 'float32', shape: [1, 2] };
    const built = await buildFeeds(
      [input],
      { x: { ...defaultRecipe(input), source: 'file', file: { name: 'x.npy', blob, dtype: 'float32', dims: [1, 2] } } },
      {},
      0,
    );
    expect(built.errors).toEqual({});
    expect([...(built.feeds[0]!.data as Float32Array)]).toEqual([1.5, -2]);
  });
});

describe('describeTensorFiles', () => {
  it('says what each file holds, and why a file does not read', async () => {
    const described = await describeTensorFiles([
      { name: 'logits.npy', blob: npyFloat32([2, 2], [1, 2, 3, 4]) },
      { name: 'junk.npy', blob: new Blob([new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0xff])]) },
    ]);
    expect(described.files).toEqual([{ fileName: 'logits.npy', storedName: '', dtype: 'float32', dims: [2, 2] }]);
    expect(described.problems).toHaveLength(1);
    expect(described.problems[0]).toMatch(/^junk\.npy/);
  });
});

describe('outputs in the worker', () => {
  const logits: NamedTensor = { name: 'logits', dtype: 'float32', dims: [1, 3], data: Float32Array.from([0, 2, 1]) };

  it('summarizes an output: statistics, first values, top classes', () => {
    const [summary] = summarizeOutputs([logits]);
    expect(summary).toMatchObject({ name: 'logits', stats: { count: 3, min: 0, max: 2, mean: 1, zeros: 1 }, first: ['0', '2', '1'] });
    expect(summary!.top!.map((t) => t.index)).toEqual([1, 2, 0]);
  });

  it('compares outputs with expected files by output name', async () => {
    const result = await compareOutputs(
      [logits],
      [
        { output: 'logits', name: 'logits.npy', blob: npyFloat32([1, 3], [0, 2, 1.5]) },
        { output: 'missing', name: 'missing.npy', blob: npyFloat32([1], [0]) },
      ],
      { rtol: 0, atol: 0.1 },
    );
    expect(Object.keys(result)).toEqual(['logits']);
    expect(result.logits).toMatchObject({ pass: false, mismatches: 1, maxAbs: 0.5 });
  });
});
