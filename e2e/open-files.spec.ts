import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { EXAMPLE_DIR, EXAMPLE_FILES, EXAMPLE_PARAMS, dropFiles, exampleFile, expectState } from './helpers';

async function expectExampleFacts(page: import('@playwright/test').Page) {
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(EXAMPLE_PARAMS));
  await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-value', '21');
  await expect(page.getByTestId('architecture')).toHaveText('LlamaForCausalLM');
  await expect(page.getByTestId('formats')).toContainText('safetensors');
}

test('opens the example through "Try an example", the file picker, the folder picker and a drop', async ({ page }) => {
  await page.goto('/');
  await expectState(page, 'idle');

  await page.getByTestId('open-example').click();
  await expectExampleFacts(page);

  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectExampleFacts(page);

  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(EXAMPLE_DIR);
  await expectExampleFacts(page);
  await expect(page.getByTestId('file-row').first()).toContainText('tiny-llama/');

  await page.goto('/');
  await dropFiles(page, ['config.json', 'model.safetensors', 'README.md'].map(exampleFile));
  await expectExampleFacts(page);
});

test('records loupe:parse for the open', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:parse', 'measure').length)).toBe(1);
});

test('opening local files makes no request outside the app origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  for (const view of ['tensors', 'graph', 'inference', 'card', 'overview']) await page.getByTestId(`tab-${view}`).click();
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
  expect(requests.length).toBeGreaterThan(0);
  expect(foreign).toEqual([]);
});

test('random bytes and an empty file give readable errors, and a good file opens right after', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles({ name: 'noise.bin', mimeType: 'application/octet-stream', buffer: randomBytes(4096) });
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('noise.bin');
  await expect(page.getByTestId('error')).toContainText('Loupe opens safetensors');

  await page.getByTestId('file-input').setInputFiles({ name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('empty.safetensors');
  await expect(page.getByTestId('error')).toContainText('empty');

  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectExampleFacts(page);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a truncated safetensors file names the file and the field', async ({ page }) => {
  const { bytes } = exampleFile('model.safetensors');
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles({ name: 'cut.safetensors', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 4000) });
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('cut.safetensors');
});
