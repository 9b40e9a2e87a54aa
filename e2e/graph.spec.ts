import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectState } from './helpers';

const TRANSFORMER = join(import.meta.dirname, 'models', 'tiny-transformer', 'model.onnx');
const OCR_DET = join(import.meta.dirname, '..', 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_det_infer.onnx');

async function openGraph(page: Page, file: string) {
  await page.goto('/?view=graph');
  await page.getByTestId('file-input').setInputFiles(file);
  await expectState(page, 'ready');
  const graph = page.getByTestId('graph');
  await expect(graph.locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 });
  return graph;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: false });
}

test('a generated transformer: first view, expand, search, node panel, SVG export', async ({ page }) => {
  const graph = await openGraph(page, TRANSFORMER);
  const total = Number(await graph.getAttribute('data-node-count'));
  expect(total).toBeGreaterThan(500);
  const rendered = Number(await graph.getAttribute('data-rendered-count'));
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThanOrEqual(150);
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:graph:first').length)).toBe(1);
  await shot(page, 'transformer-first-view');

  // Expand the first collapsed scope or folded block in place.
  const collapsible = graph.locator('svg [data-kind="scope"], svg [data-kind="fold"]').first();
  await expect(collapsible).toBeVisible();
  const before = await graph.getAttribute('data-rendered-count');
  // Near its top-left corner: the middle of an expanded scope is one of its children.
  await collapsible.click({ position: { x: 6, y: 6 } });
  await expect(graph).not.toHaveAttribute('data-rendered-count', before!);
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:graph:expand').length)).toBeGreaterThan(0);
  await shot(page, 'transformer-expanded');

  // Search a node deep inside: layer 3's attention softmax.
  await page.keyboard.press('/');
  await expect(page.getByTestId('graph-search')).toBeFocused();
  await page.keyboard.type('/layers.3/attn/Softmax');
  await page.getByTestId('search-hit').first().click();
  await expect(graph).toHaveAttribute('data-scope', /layers\.3/);
  const panel = page.getByTestId('node-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('node-op')).toHaveText('Softmax');
  await expect(panel.locator('[data-testid="node-attribute"][data-name="axis"]')).toBeVisible();
  const nodeId = await panel.getAttribute('data-node-id');
  await expect(graph.locator(`svg [data-node-id="${nodeId}"]`)).toBeVisible();
  await shot(page, 'transformer-search-node-panel');

  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-svg').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.svg$/);
  const path = test.info().outputPath('export.svg');
  await download.saveAs(path);
  const svg = readFileSync(path, 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).not.toMatch(/<script|javascript:|onload=/i);

  // Esc goes back up one scope: the new scope is a strict ancestor of the one shown before.
  await page.getByTestId('node-panel').getByRole('button', { name: 'Close node panel' }).click();
  await expect(page.getByTestId('node-panel')).toHaveCount(0);
  const inner = (await graph.getAttribute('data-scope'))!;
  expect(inner).toMatch(/layers\.3/);
  await page.keyboard.press('Escape');
  await expect(graph).not.toHaveAttribute('data-scope', inner);
  const outer = (await graph.getAttribute('data-scope'))!;
  expect(inner.startsWith(outer) && outer.length < inner.length, `${outer} is above ${inner}`).toBe(true);
});

test('a real OCR model from npm draws, and opens another part from a stub box', async ({ page }) => {
  const graph = await openGraph(page, OCR_DET);
  expect(Number(await graph.getAttribute('data-rendered-count'))).toBeLessThanOrEqual(150);
  await shot(page, 'ocr-first-view');
  // The model is flat (no scopes) and long, so it is drawn in parts; a stub box stands for an edge to
  // another part, and clicking it opens that part.
  const part = graph.getByTestId('section-current');
  const partBefore = await part.textContent();
  const firstBoxBefore = await graph.locator('svg [data-node-id]').first().getAttribute('data-node-id');
  const stub = graph.locator('svg [data-kind="stub"]').first();
  await expect(stub).toBeVisible();
  await stub.click();
  await expect(part).not.toHaveText(partBefore!);
  await expect(graph.locator('svg [data-node-id]').first()).not.toHaveAttribute('data-node-id', firstBoxBefore!);
  await shot(page, 'ocr-other-part');
  // Click an op box: the node panel opens with its attributes.
  await graph.locator('svg [data-node-id]').first().click();
  await expect(page.getByTestId('node-panel')).toBeVisible();
  await shot(page, 'ocr-node-panel');
});

test('a safetensors checkpoint shows its module tree', async ({ page }) => {
  await page.goto('/?view=graph');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  const graph = page.getByTestId('graph');
  await expect(graph).toHaveAttribute('data-kind', 'module-tree');
  await expect(graph.locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 });
  await shot(page, 'module-tree');
});

test('a generated 20,000-node model never draws more than 150 boxes', async ({ page }) => {
  const { writeWideGraphModel } = await import('../bench/onnx-models');
  const path = test.info().outputPath('graph-20k.onnx');
  expect(writeWideGraphModel(path, 40, 500)).toBe(20_000);
  const graph = await openGraph(page, path);
  await expect(graph).toHaveAttribute('data-node-count', '20000');
  // Three expands, each of which must find something to expand and change what is drawn.
  for (let i = 0; i < 3; i++) {
    expect(Number(await graph.getAttribute('data-rendered-count'))).toBeLessThanOrEqual(150);
    const box = graph.locator('svg [data-kind="scope"], svg [data-kind="fold"]').first();
    await expect(box, `expand ${i + 1} of 3`).toBeVisible();
    const before = await graph.getAttribute('data-rendered-count');
    await box.click({ position: { x: 6, y: 6 } });
    await expect(graph).not.toHaveAttribute('data-rendered-count', before!);
  }
  expect(Number(await graph.getAttribute('data-rendered-count'))).toBeLessThanOrEqual(150);
  await shot(page, 'graph-20k');
});
