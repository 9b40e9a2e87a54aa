import { expect, test } from '@playwright/test';
import { f32, safetensors, writeShardedExample } from './fixtures';
import { EXAMPLE_PARAMS, dropFiles, expectState } from './helpers';

test('a sharded checkpoint folder opens with the exact parameter count', async ({ page }) => {
  const dir = writeShardedExample('sharded');
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
  await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-value', '21');
  await expect(page.getByTestId('warning')).toHaveCount(0);
  // config.json beside the weights: the count it implies agrees with the weights.
  await expect(page.getByTestId('config-estimate')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
  await expect(page.getByTestId('config-panel')).toContainText('they agree');
  await expect(page.getByTestId('kv-cache')).toHaveAttribute('data-per-token', String(2 * 2 * 2 * 16 * 2));
});

test('a folder with a shard missing warns by name and shows the shards present', async ({ page }) => {
  const dir = writeShardedExample('missing', { omitShard: 2 });
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expectState(page, 'ready');
  const warning = page.locator('[data-testid="warning"][data-code="shard-missing"]');
  await expect(warning).toHaveCount(1);
  await expect(warning).toContainText('model-00002-of-00003.safetensors');
  const count = Number(await page.getByTestId('param-count').getAttribute('data-value'));
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(EXAMPLE_PARAMS);
});

test('tensor statistics are computed on demand, with the values decoded', async ({ page }) => {
  const bf16 = Buffer.from([0x80, 0x3f, 0x00, 0xc0, 0x00, 0x00, 0xc0, 0x7f]); // 1, -2, 0, NaN
  const file = safetensors([
    { name: 'a.f32', dtype: 'F32', shape: [2, 3], data: f32([0, 1, 2, 3, Infinity, -4]) },
    { name: 'b.bf16', dtype: 'BF16', shape: [4], data: bf16 },
  ]);
  await page.goto('/?view=tensors');
  await dropFiles(page, [{ name: 'stats.safetensors', bytes: file }]);
  await expectState(page, 'ready');

  await page.locator('[data-testid="tensor-row"][data-name="a.f32"]').click();
  await page.getByTestId('compute-stats').click();
  const stats = page.getByTestId('tensor-stats');
  await expect(stats).toHaveAttribute('data-min', '-4');
  await expect(stats).toHaveAttribute('data-max', '3');
  await expect(stats).toHaveAttribute('data-zeros', '1');
  await expect(stats).toContainText('±Inf');
  await expect(page.getByTestId('histogram')).toBeVisible();

  await page.locator('[data-testid="tensor-row"][data-name="b.bf16"]').click();
  await page.getByTestId('compute-stats').click();
  await expect(stats).toHaveAttribute('data-min', '-2');
  await expect(stats).toHaveAttribute('data-max', '1');
  await expect(stats).toHaveAttribute('data-nans', '1');
});

test('the tensor table groups by module', async ({ page }) => {
  await page.goto('/?view=tensors');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  await page.getByTestId('group-depth').selectOption('3');
  const layer1 = page.locator('[data-testid="module-row"][data-path="model.layers.1"]');
  // 64+4096+2048+2048+4096+64+3×11264
  await expect(layer1).toHaveAttribute('data-parameters', String(46_208));
  await layer1.getByRole('button').click();
  await expect(page.getByTestId('tensor-shown')).toHaveAttribute('data-value', '9');
});
