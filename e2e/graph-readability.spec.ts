import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeChainModel, writeFanModel, writeResidualMlpModel } from '../bench/onnx-models';
import { expectState } from './helpers';

const TRANSFORMER = join(import.meta.dirname, 'models', 'tiny-transformer', 'model.onnx');
// Exported by torch from modules named as Hugging Face's (scripts/make-onnx-fixtures.py).
const BERT = join(import.meta.dirname, 'models', 'tiny-bert', 'model.onnx');
const LLAMA = join(import.meta.dirname, 'models', 'tiny-llama-onnx', 'model.onnx');
/** The label of a box drawn for a node that should have been folded into its consumer (ConstantOfShape computes, and stays). */
const FOLDABLE = /^(Constant(?!OfShape)|Identity)/;

async function openGraph(page: Page, file: string) {
  await page.goto('/?view=graph');
  await page.getByTestId('file-input').setInputFiles(file);
  await expectState(page, 'ready');
  const graph = page.getByTestId('graph');
  await expect(graph.locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 });
  return graph;
}

/** The text of every op box drawn. */
async function opBoxTexts(page: Page): Promise<string[]> {
  return page
    .getByTestId('graph')
    .locator('svg [data-kind="op"]')
    .evaluateAll((nodes) => nodes.map((n) => (n.textContent ?? '').trim()));
}

/** Finds a node by its full name and opens its node panel (and the scope it lives in). */
async function openNode(page: Page, name: string) {
  await page.keyboard.press('/');
  await page.keyboard.type(name);
  await page.getByTestId('search-hit').first().click();
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByText(name, { exact: true })).toBeVisible();
  return panel;
}

/** The on-screen font size of every box label, in px: its font size times the SVG's screen pixels per unit. */
async function labelPixels(page: Page): Promise<number[]> {
  return page
    .getByTestId('graph')
    .locator('svg')
    .first()
    .evaluate((svg: SVGSVGElement) => {
      const unit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('[data-box-id] text')].map((label) => parseFloat(getComputedStyle(label).fontSize) * unit);
    });
}

/**
 * The drawing's faults, as the browser renders it: boxes that overlap, labels that spill out of
 * their box or sit off its centre (the layout measures text on a canvas; this checks it against
 * the rendered text), and
 * subgraph titles or labels that show an entity escape instead of its character.
 */
async function drawingFaults(page: Page): Promise<string[]> {
  return page
    .getByTestId('graph')
    .locator('svg')
    .first()
    .evaluate((svg) => {
      const faults: string[] = [];
      const boxes = [...svg.querySelectorAll('g.node')].map((node) => ({ node, rect: node.firstElementChild!.getBoundingClientRect() }));
      for (let i = 0; i < boxes.length; i++) {
        const a = boxes[i]!.rect;
        for (let j = i + 1; j < boxes.length; j++) {
          const b = boxes[j]!.rect;
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) faults.push(`boxes ${i} and ${j} overlap`);
        }
        const text = boxes[i]!.node.querySelector('text')!.getBoundingClientRect();
        if (text.left < a.left || text.right > a.right || text.top < a.top || text.bottom > a.bottom)
          faults.push(`the label of "${boxes[i]!.node.textContent}" spills out`);
        if (Math.abs(text.left + text.right - a.left - a.right) > 6 || Math.abs(text.top + text.bottom - a.top - a.bottom) > 6)
          faults.push(`the label of "${boxes[i]!.node.textContent}" is off centre`);
      }
      for (const text of svg.querySelectorAll('text')) if (/#\d+;|ﬂ°/.test(text.textContent ?? '')) faults.push(`"${text.textContent}" shows an escape`);
      return faults;
    });
}

/** Opens a torch export on the Graph view and checks its first view: no folded node drawn as a box, every label at 11 px or more, nothing overlapping. */
async function openTorchExport(page: Page, file: string, nodeCount: number) {
  const graph = await openGraph(page, file);
  await expect(graph).toHaveAttribute('data-node-count', String(nodeCount));
  const texts = await opBoxTexts(page);
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.filter((t) => FOLDABLE.test(t))).toEqual([]);
  const sizes = await labelPixels(page);
  expect(sizes.length).toBeGreaterThan(0);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
  expect(await drawingFaults(page)).toEqual([]);
  return graph;
}

test('a 100-node MLP of 25 residual blocks draws all 100 op boxes on first view', async ({ page }) => {
  const path = test.info().outputPath('mlp-100.onnx');
  expect(writeResidualMlpModel(path, 25)).toBe(100);
  const graph = await openGraph(page, path);
  await expect(graph).toHaveAttribute('data-node-count', '100');
  await expect(graph.locator('svg [data-kind="op"]')).toHaveCount(100);
  expect(Number(await graph.getAttribute('data-rendered-count'))).toBeLessThanOrEqual(150);
  await page.screenshot({ path: test.info().outputPath('mlp-100.png') });
  // However long or wide the diagram, the first view keeps its labels readable.
  const sizes = await labelPixels(page);
  expect(sizes.length).toBeGreaterThanOrEqual(100);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
  expect(await drawingFaults(page)).toEqual([]);
  // Each block is a subgraph titled with its name and counts, its characters intact.
  await expect(graph.locator('svg [data-box-id="scope:block0"] .cluster-label')).toHaveText(/^block0.*4 ops · .* params/);
});

test('a view too wide to fit legibly is fitted to the height, labels at 11 px or more, and pans horizontally', async ({ page }) => {
  const path = test.info().outputPath('fan-50.onnx');
  expect(writeFanModel(path, 50)).toBe(51);
  const graph = await openGraph(page, path);
  await expect(graph.locator('svg [data-kind="op"]')).toHaveCount(51);
  const sizes = await labelPixels(page);
  expect(sizes.length).toBeGreaterThanOrEqual(51);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
  // Wider than its frame: the rest is reached by panning.
  const [svgWidth, frameWidth] = await graph
    .locator('svg')
    .first()
    .evaluate((svg) => [svg.getBoundingClientRect().width, svg.parentElement!.clientWidth]);
  expect(svgWidth).toBeGreaterThan(frameWidth!);
  await page.screenshot({ path: test.info().outputPath('fan-50.png') });
});

test('Constants and initializer Identities are drawn on their consumers, and listed in its node panel', async ({ page }) => {
  const path = test.info().outputPath('mlp-foldables.onnx');
  // 25 blocks × (4 ops + an Identity of the weight + a Constant bias).
  expect(writeResidualMlpModel(path, 25, true)).toBe(150);
  const graph = await openGraph(page, path);
  await expect(graph).toHaveAttribute('data-node-count', '150');
  await expect(graph.locator('svg [data-kind="op"]')).toHaveCount(100);
  const texts = await opBoxTexts(page);
  expect(texts.filter((t) => FOLDABLE.test(t))).toEqual([]);
  expect(texts.filter((t) => t.includes('◆ 1 constant'))).toHaveLength(50);

  await graph
    .locator('svg [data-kind="op"]', { hasText: /^MatMul/ })
    .first()
    .click();
  const panel = page.getByTestId('node-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('node-constant')).toHaveText('◆ Identity of initializer block0.weight: F32[16, 16]');
  await page.getByRole('button', { name: 'Close node panel' }).click();
  await graph.locator('svg [data-kind="op"]', { hasText: /^Add◆/ }).first().click();
  await expect(panel.getByTestId('node-constant')).toHaveText('◆ Constant F32[] = [0.5]');
});

test('the torch-exported transformer first view has no Constant or Identity box', async ({ page }) => {
  await openTorchExport(page, TRANSFORMER, 537);
});

test('the torch-exported tiny BERT draws no Constant or Identity box, and their consumers list them', async ({ page }) => {
  const graph = await openTorchExport(page, BERT, 215);

  // The extended attention mask is (1 - mask) × min: its Sub takes the Constant 1.
  const sub = graph.locator('svg [data-kind="op"]', { hasText: /^Sub◆ 1 constant$/ });
  await expect(sub).toHaveCount(1);
  await sub.click();
  const panel = page.getByTestId('node-panel');
  await expect(panel.getByTestId('node-constant')).toHaveText('◆ Constant F32[] = [1]');
  await page.getByRole('button', { name: 'Close node panel' }).click();

  // Every LayerNorm's weight is all ones and bias all zeros, as the embeddings' are: the exporter keeps
  // one initializer of each and passes it on to the others by an Identity.
  await openNode(page, '/encoder/layer.0/attention/output/LayerNorm/LayerNormalization');
  await expect(panel.getByTestId('node-constant')).toHaveText([
    '◆ Identity of initializer embeddings.LayerNorm.weight: F32[32]',
    '◆ Identity of initializer embeddings.LayerNorm.bias: F32[32]',
  ]);
  const nodeId = await panel.getAttribute('data-node-id');
  await expect(graph.locator(`svg [data-node-id="${nodeId}"]`)).toHaveText('LayerNormalization◆ 2 constants');
  expect((await opBoxTexts(page)).filter((t) => FOLDABLE.test(t))).toEqual([]);
});

test('the torch-exported tiny Llama draws no Constant or Identity box, and their consumers list them', async ({ page }) => {
  const graph = await openTorchExport(page, LLAMA, 1159);

  // `model` holds 110 items, too many to draw in place: a click opens it, and the breadcrumb leads back.
  await graph.locator('svg [data-kind="scope"]', { hasText: /^model/ }).click();
  await expect(graph).toHaveAttribute('data-scope', 'model');
  await page.getByRole('navigation', { name: 'Scope' }).getByRole('button', { name: 'torch_jit', exact: true }).click();
  await expect(graph).toHaveAttribute('data-scope', '');

  // Every RMSNorm's weight is all ones: the exporter passes layer 0's on to the others by an Identity.
  const panel = await openNode(page, '/model/layers.0/post_attention_layernorm/Mul_1');
  await expect(panel.getByTestId('node-constant')).toHaveText('◆ Identity of initializer model.layers.0.input_layernorm.weight: F32[32]');
  // The long initializer name wraps inside the panel instead of pushing the text off screen.
  const [constantBox, panelBox] = [await panel.getByTestId('node-constant').boundingBox(), await panel.boundingBox()];
  expect(constantBox!.x + constantBox!.width).toBeLessThanOrEqual(panelBox!.x + panelBox!.width);
  await expect(graph).toHaveAttribute('data-scope', 'model/layers.0/post_attention_layernorm');
  // The norm's nine ops, its four Constants (2, epsilon, 1, and the Identity) drawn on them.
  expect(await opBoxTexts(page)).toEqual([
    'Cast',
    'Pow◆ 1 constant',
    'ReduceMean',
    'Add◆ 1 constant',
    'Sqrt',
    'Div◆ 1 constant',
    'Mul',
    'CastCast_1',
    'MulMul_1◆ 1 constant',
  ]);
  await page.getByRole('button', { name: 'Close node panel' }).click();
  await graph.locator('svg [data-kind="op"]', { hasText: /^Pow/ }).click();
  await expect(panel.getByTestId('node-constant')).toHaveText('◆ Constant F32[] = [2]');
  await page.getByRole('button', { name: 'Close node panel' }).click();

  // The model scope's own ops build the causal mask and the positions from shapes, with a Constant
  // for nearly every axis and index; none of them is drawn.
  await page.getByRole('navigation', { name: 'Scope' }).getByRole('button', { name: 'model', exact: true }).click();
  await expect(graph).toHaveAttribute('data-scope', 'model');
  const modelTexts = await opBoxTexts(page);
  expect(modelTexts.filter((t) => t.includes('◆')).length).toBeGreaterThan(10);
  expect(modelTexts.filter((t) => FOLDABLE.test(t))).toEqual([]);
  expect(modelTexts).toContain('ConstantOfShape');
});

test('the parts of a 20,001-node chain page with buttons, a jump box and the [ and ] keys', async ({ page }) => {
  const path = test.info().outputPath('chain-20k.onnx');
  expect(writeChainModel(path, 20_001)).toBe(20_001);
  const graph = await openGraph(page, path);
  const current = graph.getByTestId('section-current');
  // 20,001 items in parts of 60.
  await expect(current).toHaveText('part 1 of 334');
  await expect(graph.getByTestId('section-range')).toHaveText('1–60 of 20001: Relu_0 … Relu_59');
  await expect(graph.getByTestId('section-previous')).toBeDisabled();
  await expect(graph.getByRole('tab')).toHaveCount(0);

  await page.keyboard.press(']');
  await expect(current).toHaveText('part 2 of 334');
  await expect(graph.locator('svg [data-kind="op"]').first()).toContainText('Relu_60');
  await page.keyboard.press('[');
  await expect(current).toHaveText('part 1 of 334');
  await graph.getByTestId('section-next').click();
  await expect(current).toHaveText('part 2 of 334');
  await graph.getByTestId('section-previous').click();
  await expect(current).toHaveText('part 1 of 334');

  await graph.getByTestId('section-jump').fill('42');
  await graph.getByTestId('section-jump').press('Enter');
  await expect(current).toHaveText('part 42 of 334');
  await expect(graph.getByTestId('section-range')).toHaveText('2461–2520 of 20001: Relu_2460 … Relu_2519');
  // Keys typed into the jump box are not paging keys.
  await graph.getByTestId('section-jump').press(']');
  await expect(current).toHaveText('part 42 of 334');
  await graph.getByTestId('section-jump').fill('9999');
  await graph.getByTestId('section-jump').press('Enter');
  await expect(current).toHaveText('part 334 of 334');
  await expect(graph.getByTestId('section-next')).toBeDisabled();
});

test('keyboard only: Tab reaches the boxes in reading order, arrows follow edges, Enter collapses a scope and opens a node', async ({ page }) => {
  const path = test.info().outputPath('mlp-keys.onnx');
  writeResidualMlpModel(path, 25);
  const graph = await openGraph(page, path);
  // The keyboard entry (one box in the tab order) is chosen once the first view is painted.
  await expect(graph.locator('svg [data-box-id][tabindex="0"]')).toHaveCount(1);
  const focusedBox = () => page.evaluate(() => document.activeElement?.getAttribute('data-box-id') ?? null);
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await focusedBox()) !== null;
  }
  expect(reached).toBe(true);
  // Reading order starts at the top: the graph input, then the first block, then its first op.
  expect(await focusedBox()).toBe('input:x');
  await page.keyboard.press('Tab');
  expect(await focusedBox()).toBe('scope:block0');
  await page.keyboard.press('Tab');
  expect(await focusedBox()).toMatch(/^node:/);
  await expect(page.locator(':focus')).toHaveAttribute('data-node-id', /.+/);
  await expect(page.locator(':focus')).toContainText('MatMul');

  // Downstream along the edges: MatMul → Add → Relu; upstream back to Add.
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(':focus')).toContainText(/^Add/);
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(':focus')).toContainText(/^Relu/);
  await page.keyboard.press('ArrowUp');
  await expect(page.locator(':focus')).toContainText(/^Add/);

  // Enter on an op opens its node panel.
  const nodeId = await page.locator(':focus').getAttribute('data-node-id');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-panel')).toHaveAttribute('data-node-id', nodeId!);
  await expect(page.getByTestId('node-op')).toHaveText('Add');

  // Back to the first block with arrows, and Enter collapses it; focus stays on it.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  expect(await focusedBox()).toBe('input:x');
  await page.keyboard.press('Tab');
  expect(await focusedBox()).toBe('scope:block0');
  const before = await graph.getAttribute('data-rendered-count');
  await page.keyboard.press('Enter');
  await expect(graph).toHaveAttribute('data-rendered-count', String(Number(before) - 4));
  await expect.poll(focusedBox).toBe('scope:block0');
  await expect(graph.locator('[data-box-id="scope:block0"]')).toHaveAttribute('data-kind', 'scope');
});
