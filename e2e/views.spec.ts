import { expect, test } from '@playwright/test';
import { EXAMPLE_PARAMS, expectState } from './helpers';

test('views are reachable through the tabs and through ?view=', async ({ page }) => {
  await page.goto('/?view=tensors');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  const table = page.getByTestId('tensor-table');
  await expect(table).toHaveAttribute('data-total', '21');
  await expect(page.getByTestId('tensor-row').first()).toBeVisible();

  await page.getByTestId('tensor-filter').fill('/layers\\.1\\..*proj/');
  await expect(page.getByTestId('tensor-shown')).toHaveAttribute('data-value', '7');

  await page.getByTestId('tab-card').click();
  await expect(page).toHaveURL(/view=card/);
  await expect(page.getByTestId('card-rendered')).toContainText('tiny-llama (Loupe example)');

  await page.getByTestId('tab-graph').click();
  await expect(page.getByTestId('graph')).toBeVisible();

  await page.getByTestId('tab-overview').click();
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));

  await page.goBack();
  await expect(page.getByTestId('graph')).toBeVisible();
});

test('the page is cross-origin isolated and has a dark theme', async ({ page }) => {
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByRole('button', { name: /Switch to/ }).click();
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(after).not.toBe(before);
  expect(['light', 'dark']).toContain(after);
});
