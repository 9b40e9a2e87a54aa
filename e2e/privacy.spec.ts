import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { TEST_REPOS, TEST_TOKENS } from './hub-server/repos.mjs';
import { HUB_PORT } from '../playwright.config';
import { EXAMPLE_FILES, expectState } from './helpers';

const MODELS = join(import.meta.dirname, 'models');

test('opening every kind of local file makes no request outside the app origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/');
  const groups = [
    EXAMPLE_FILES, // safetensors, config.json, README.md
    [join(MODELS, 'external-data', 'model.onnx'), join(MODELS, 'external-data', 'model.onnx.data')],
    [join(MODELS, 'pytorch', 'tiny-bin', 'pytorch_model.bin'), join(MODELS, 'pytorch', 'tiny-bin', 'config.json')],
    [join(MODELS, 'pytorch', 'hostile', 'os-system-global.pkl')],
    [join(MODELS, 'tiny-transformer', 'model.onnx')],
  ];
  for (const files of groups) {
    await page.getByTestId('file-input').setInputFiles(files);
    await expectState(page, 'ready');
    for (const view of ['tensors', 'graph', 'inference', 'card', 'overview']) await page.getByTestId(`tab-${view}`).click();
  }
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(blob|data):/.test(url));
  expect(foreign).toEqual([]);
});

test('with a Hub repo open, every request goes to the app, the Hub or its CDN, and the token only to the Hub', async ({ page, baseURL }) => {
  const allowed = [new URL(baseURL!).origin, `http://127.0.0.1:${HUB_PORT}`, `http://127.0.0.1:${HUB_PORT + 1}`];
  const requests: { url: string; authorization?: string }[] = [];
  page.on('request', async (r) => requests.push({ url: r.url(), authorization: (await r.allHeaders()).authorization }));
  await page.goto(`/?endpoint=${encodeURIComponent(allowed[1]!)}`);
  await page.getByTestId('open-settings').click();
  await page.getByTestId('token-input').fill(TEST_TOKENS.granted);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('repo-input').fill(TEST_REPOS.tinyGated);
  await page.getByTestId('repo-open').click();
  await expectState(page, 'ready');
  for (const view of ['tensors', 'graph', 'card', 'overview']) await page.getByTestId(`tab-${view}`).click();
  await page.waitForTimeout(300);
  for (const r of requests) {
    if (/^(blob|data):/.test(r.url)) continue;
    expect(allowed.some((o) => r.url.startsWith(`${o}/`))).toBe(true);
    if (r.authorization) expect(r.url.startsWith(`${allowed[1]}/`)).toBe(true);
  }
  expect(requests.some((r) => r.authorization === `Bearer ${TEST_TOKENS.granted}`)).toBe(true);
});
