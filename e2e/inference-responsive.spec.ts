import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import onnxProto from 'onnx-proto';

/**
 * Inference work off the main thread: a model whose input is 1×3×2000×2000 (12 million float32
 * values). Generating that input, running the model and summarizing its 12-million-value output
 * must not freeze the page: the inference worker does all of it, and the page only moves buffers.
 * Measured with the Long Tasks API while the run goes on.
 */

const { onnx } = onnxProto;
const DIMS = [1, 3, 2000, 2000];
/**
 * The longest main-thread task allowed during the run. When the page generated the input and
 * summarized the output itself, the tasks took about 1,900 ms and 500 ms (2 loaded cores); now
 * they stay well under this, with room for a loaded machine.
 */
const MAX_TASK_MS = 200;

test('a 1×3×2000×2000 input is generated, run and summarized without freezing the page', async ({ page }, testInfo) => {
  const tensor = (name: string) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: DIMS.map((d) => ({ dimValue: d })) } } },
  });
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'loupe-e2e',
    graph: { name: 'g', node: [{ name: 'copy', opType: 'Identity', input: ['x'], output: ['y'] }], input: [tensor('x')], output: [tensor('y')] },
  }).finish();
  const path = testInfo.outputPath('big-input.onnx');
  writeFileSync(path, model);

  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('tab-inference').click();
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  await expect(page.locator('[data-testid="input-editor"][data-name="x"]').getByTestId('fill-mode')).toHaveValue('normal');

  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  await page.getByTestId('run-inference').click();
  const output = page.getByTestId('inference-output');
  await expect(output).toHaveAttribute('data-runs', '1', { timeout: 60_000 });
  await expect(output).toHaveAttribute('data-state', 'done');
  const out = page.locator('[data-testid="output-tensor"][data-name="y"]');
  await expect(out).toHaveAttribute('data-shape', DIMS.join(','));
  // The summary was computed (in the worker) over all 12 million values.
  await expect(out.getByText('12,000,000 values')).toBeVisible();
  await expect(out.getByTestId('output-stats')).toContainText(/min -\d/);

  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  testInfo.annotations.push({ type: 'long tasks (ms)', description: longTasks.map((d) => Math.round(d)).join(', ') || 'none' });
  expect(Math.max(0, ...longTasks), `main-thread tasks during the run: ${longTasks.map((d) => Math.round(d)).join(', ')} ms`).toBeLessThan(MAX_TASK_MS);
});
