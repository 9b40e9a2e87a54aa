import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectState } from './helpers';

const MODELS = join(import.meta.dirname, 'models');
const EXTERNAL = join(MODELS, 'external-data');

test('an ONNX model with its .onnx.data file: initializers are located in the data file', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(EXTERNAL);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', '1348');
  await expect(page.getByTestId('warning')).toHaveCount(0);
  await expect(page.locator('[data-testid="model-input"][data-name="x"]')).toHaveAttribute('data-type', 'F32[1, 16]');

  await page.getByTestId('tab-tensors').click();
  const rows = page.getByTestId('tensor-row');
  await expect(rows.first()).toContainText('model.onnx.data');
  await rows.first().click();
  await page.getByTestId('compute-stats').click();
  await expect(page.getByTestId('tensor-stats')).toBeVisible();
});

test('the same model without its data file opens with a warning', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(join(EXTERNAL, 'model.onnx'));
  await expectState(page, 'ready');
  const warning = page.locator('[data-testid="warning"][data-code="external-data-missing"]');
  await expect(warning).toHaveCount(1);
  await expect(warning).toContainText('model.onnx.data');
  await page.getByTestId('tab-tensors').click();
  await page.getByTestId('tensor-row').first().click();
  await expect(page.getByTestId('stats-unavailable')).toContainText('model.onnx.data');
});

test('a real model from npm shows its signature, opsets and operators', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('file-input')
    .setInputFiles(join(import.meta.dirname, '..', 'node_modules', '@ricky0123', 'vad-web', 'dist', 'silero_vad_legacy.onnx'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('formats')).toHaveText('onnx');
  await expect(page.getByTestId('subgraph-count')).not.toHaveAttribute('data-value', '0');
  await expect(page.locator('[data-testid="op-histogram"] tr[data-op="If"]')).toHaveCount(1);
  await expect(page.getByTestId('model-input').first()).toBeVisible();
});
