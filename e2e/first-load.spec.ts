import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { EXAMPLE_FILES, expectState } from './helpers';

const TRANSFORMER = join(import.meta.dirname, 'models', 'tiny-transformer', 'model.onnx');

/** The scripts and WebAssembly the page (and its workers) fetched so far, by file name. */
async function fetched(page: Page): Promise<string[]> {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop() ?? ''));
}

/** Waits for the network to be idle and the page to have an idle moment (when the app starts its parse worker). */
async function idle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(undefined), { timeout: 2000 })));
  await page.waitForLoadState('networkidle');
}

const MERMAID = /^mermaid\.core-/;
const ORT = /^ort[-.].*\.(wasm|mjs)$/;

test('the first page load fetches neither mermaid nor ONNX Runtime, and starts the parse worker when idle', async ({ page }) => {
  await page.goto('/');
  await idle(page);
  const files = await fetched(page);
  expect(files.filter((f) => MERMAID.test(f) || ORT.test(f) || f.startsWith('elk-'))).toEqual([]);
  expect(files.some((f) => f.startsWith('parse.worker-'))).toBe(true);

  // Weights without a graph, looked at in the Overview: still no mermaid.
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  await idle(page);
  expect((await fetched(page)).filter((f) => MERMAID.test(f))).toEqual([]);
});

test('the Graph view loads mermaid before any file is given, and an ONNX model given on the Overview loads it while parsing', async ({ page }) => {
  await page.goto('/?view=graph');
  await idle(page);
  const files = await fetched(page);
  expect(files.filter((f) => MERMAID.test(f))).toHaveLength(1);
  // Loupe's own layout draws the views: neither mermaid's dagre nor ELK (466 KB gzip) loads for them.
  expect(files.filter((f) => f.startsWith('loupe-layout-'))).toHaveLength(1);
  expect(files.filter((f) => f.startsWith('dagre-'))).toEqual([]);
  expect(files.filter((f) => f.startsWith('elk-'))).toEqual([]);

  const other = await page.context().newPage();
  await other.goto('/');
  await idle(other);
  await other.getByTestId('file-input').setInputFiles(TRANSFORMER);
  await expectState(other, 'ready');
  await expect.poll(async () => (await fetched(other)).filter((f) => MERMAID.test(f)).length).toBe(1);
});
