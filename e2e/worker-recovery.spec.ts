import { expect, test } from '@playwright/test';
import { EXAMPLE_FILES, EXAMPLE_PARAMS, expectState } from './helpers';

test('a parse worker that cannot start gives a readable error, and the next open works', async ({ page }) => {
  // Make the worker's script fail to load, as a broken deploy or a blocked request would. The page
  // starts its worker at idle, before any drop, so the route goes in before the page loads.
  await page.route(/parse\.worker-[^/]*\.js$/, (route) => route.abort('failed'));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('parse worker');

  await page.unroute(/parse\.worker-[^/]*\.js$/);
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
});

test('a second open right after the first shows only the second document', async ({ page }) => {
  await page.goto('/');
  // Two opens back to back: only the second one's document may show.
  await page.getByTestId('file-input').setInputFiles({ name: 'noise.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a parse worker killed mid-work: the page says so, starts a fresh worker, and keeps working', async ({ page }) => {
  const { safetensors } = await import('./fixtures');
  // 100,000 tensors: long enough to parse that the kill lands mid-work.
  const tensors = Array.from({ length: 100_000 }, (_, i) => ({ name: `blocks.${i >> 7}.w${i & 127}`, dtype: 'F32', shape: [1], data: Buffer.alloc(4) }));
  const big = safetensors(tensors);
  await page.goto('/?test-hooks=1');
  await page.getByTestId('file-input').setInputFiles({ name: 'big.safetensors', mimeType: 'application/octet-stream', buffer: big });
  await page.evaluate(() => (window as unknown as { __loupe: { killParseWorker: () => void } }).__loupe.killParseWorker());
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('parse worker stopped');

  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
});
