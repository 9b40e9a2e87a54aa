import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectState } from './helpers';

const PYTORCH = join(import.meta.dirname, 'models', 'pytorch');

test('a pytorch_model.bin is scanned as safe, converted to safetensors, and the result reopens with the same count', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(join(PYTORCH, 'tiny-bin'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'safe');
  const count = await page.getByTestId('param-count').getAttribute('data-value');
  expect(Number(count)).toBe(5712); // as torch reports (e2e/models/pytorch/expected.json)
  await page.getByTestId('tab-tensors').click();
  await expect(page.getByTestId('tensor-table')).not.toHaveAttribute('data-total', '0');
  await page.getByTestId('tab-overview').click();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('convert-safetensors').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('model.safetensors');
  const saved = test.info().outputPath('model.safetensors');
  await download.saveAs(saved);
  await expect(page.getByTestId('convert-done')).toBeVisible();

  await page.getByTestId('file-input').setInputFiles(saved);
  await expectState(page, 'ready');
  await expect(page.getByTestId('formats')).toHaveText('safetensors');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', count!);
});

test('a malicious pickle gets the unsafe verdict with the offending import named', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(join(PYTORCH, 'hostile', 'stack-global-memo.pkl'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'unsafe');
  await expect(page.locator('[data-testid="pickle-import"][data-badge="unsafe"]').first()).toHaveAttribute('data-import', /^(os|posix|nt)\.system$/);
  await expect(page.getByTestId('convert-safetensors')).toHaveCount(0);
  await expect(page.locator('[data-testid="warning"][data-code="pickle-unsafe"]')).toContainText('system');
});
