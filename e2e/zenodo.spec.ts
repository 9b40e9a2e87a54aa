import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { BIG_PARAMETERS, TEST_RECORDS, TINY_PARAMETERS } from './zenodo-server/records.mjs';
import { ZENODO_PORT } from '../playwright.config';
import { EXAMPLE_FILES, expectState } from './helpers';

const ENDPOINT = `http://127.0.0.1:${ZENODO_PORT}`;
const MODELS = join(import.meta.dirname, 'models');

interface Stats {
  bytes: number;
  rateLimited: number;
  requests: { url: string; status: number; bytes: number; hungUp: boolean; origin: string | null }[];
}

async function stats(request: APIRequestContext): Promise<Stats> {
  return (await request.get(`${ENDPOINT}/__control/stats`)).json() as Promise<Stats>;
}

/** Every host the page asked for, so a test can prove that only the app and the endpoint were reached. */
function watchHosts(page: Page): Set<string> {
  const origins = new Set<string>();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  return origins;
}

async function openInBox(page: Page, text: string) {
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}`);
  await page.getByTestId('repo-input').fill(text);
  await page.getByTestId('repo-open').click();
}

test.beforeEach(async ({ request }) => {
  await request.get(`${ENDPOINT}/__control/reset`);
});

test('a record URL opens as the same model as its files dropped locally, with the record panel, and reaches no other host', async ({ page, baseURL }) => {
  const hosts = watchHosts(page);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(EXAMPLE_FILES);
  await expectState(page, 'ready');
  const local = await page.getByTestId('param-count').getAttribute('data-value');
  expect(local).toBe(String(TINY_PARAMETERS));

  await openInBox(page, `${ENDPOINT}/records/${TEST_RECORDS.tiny}`);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', local!);
  await expect(page).toHaveURL(/[?&]zenodo=/);
  const panel = page.getByTestId('zenodo-record');
  await expect(panel.getByTestId('zenodo-title')).toHaveText('Tiny Llama: a test model');
  await expect(panel.getByTestId('zenodo-orcid')).toHaveAttribute('href', 'https://orcid.org/0000-0002-1825-0097');
  await expect(panel.getByTestId('zenodo-version')).toHaveText('v1.0');
  await expect(panel.getByTestId('zenodo-license')).toHaveText('apache-2.0');
  await expect(panel.getByTestId('zenodo-doi')).toHaveAttribute('href', `https://doi.org/10.5281/zenodo.${TEST_RECORDS.tiny}`);
  await expect(panel.getByTestId('zenodo-concept-doi')).toHaveAttribute('href', `https://doi.org/10.5281/zenodo.${TEST_RECORDS.tinyConcept}`);
  await expect(panel.getByTestId('zenodo-description')).toContainText('tiny');
  // The description is sanitized: its script and its onerror never ran.
  expect(await page.evaluate(() => (window as unknown as { __zenodoDescriptionRan?: boolean }).__zenodoDescriptionRan)).toBeUndefined();
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:zenodo:open').length)).toBe(1);
  const serious = (await new AxeBuilder({ page }).include('[data-testid="zenodo-record"]').analyze()).violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(serious.map((v) => v.id)).toEqual([]);

  await page.getByTestId('tab-card').click();
  const code = page.locator('[data-testid="shared-item"][data-part="training-code"]');
  await expect(code).toHaveAttribute('data-status', 'green');
  await expect(code.getByTestId('shared-link')).toHaveAttribute('href', 'https://github.com/loupe-test/tiny-llama-training/tree/v1.0');
  const data = page.locator('[data-testid="shared-item"][data-part="training-data"]');
  await expect(data.getByTestId('shared-link')).toHaveAttribute('href', 'https://doi.org/10.5281/zenodo.999001');

  expect([...hosts].sort()).toEqual([new URL(baseURL!).origin, ENDPOINT].sort());
});

test('a DOI and a concept id open the latest version', async ({ page, request }) => {
  await openInBox(page, `10.5281/zenodo.${TEST_RECORDS.tiny}`);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));

  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.tinyConcept}`);
  await expectState(page, 'ready');
  await expect(page.getByTestId('zenodo-record')).toHaveAttribute('data-record-id', TEST_RECORDS.tiny);
  const urls = (await stats(request)).requests.map((r) => `${r.url} ${r.status}`);
  expect(urls).toContain(`/api/records/${TEST_RECORDS.tinyConcept} 404`);
  expect(urls).toContain(`/api/records/${TEST_RECORDS.tinyConcept}/versions/latest 302`);
});

test('the 5 GiB record opens with the server writing under 16 MiB', async ({ page, request }) => {
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.big}`);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(BIG_PARAMETERS));
  await expect.poll(async () => (await stats(request)).requests.find((r) => r.url.endsWith('/content'))?.hungUp).toBe(true);
  const s = await stats(request);
  expect(s.bytes).toBeLessThan(16 * 1024 * 1024);
});

test('ONNX with external data and a pickle open; the pickle gets its verdict', async ({ page }) => {
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.onnx}`);
  await expectState(page, 'ready');
  const remote = await page.getByTestId('param-count').getAttribute('data-value');
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([join(MODELS, 'external-data', 'model.onnx'), join(MODELS, 'external-data', 'model.onnx.data')]);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', remote!);

  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.pickle}`);
  await expectState(page, 'ready');
  await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'safe');
});

test('a restricted record says its files are restricted, and shows its metadata', async ({ page }) => {
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.restricted}`);
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('restricted');
  await expect(page.getByTestId('zenodo-title')).toHaveText('Tiny Llama, restricted');
});

test('after a short 429 Loupe waits and succeeds; after a long one it says when to retry', async ({ page, request }) => {
  // Two requests per 6 s window: the record and the first file pass, the second file gets a 429 with
  // Retry-After of at most 6 s; the open is retried after it, in a fresh window.
  await request.get(`${ENDPOINT}/__control/rate-limit?limit=2&window=6`);
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.pickle}`);
  await expectState(page, 'ready');
  expect((await stats(request)).rateLimited).toBeGreaterThan(0);

  await request.get(`${ENDPOINT}/__control/rate-limit?limit=0&window=3600`);
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.tiny}`);
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText(/HTTP 429.*try again in \d+ min \(at \d\d:\d\d UTC\)/);
});

test('the MD5 check passes for the real file and fails for a modified one', async ({ page }) => {
  await page.goto(`/?zenodo-endpoint=${encodeURIComponent(ENDPOINT)}&zenodo=${TEST_RECORDS.tiny}`);
  await expectState(page, 'ready');
  const real = readFileSync(EXAMPLE_FILES.find((f) => f.endsWith('model.safetensors'))!);
  const modified = Buffer.from(real);
  modified[modified.length - 1]! ^= 0xff;
  await page.getByTestId('zenodo-verify-input').setInputFiles([{ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: real }]);
  await expect(page.locator('[data-testid="zenodo-integrity"][data-path="model.safetensors"]')).toHaveAttribute('data-status', 'match');
  await page.getByTestId('zenodo-verify-input').setInputFiles([{ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: modified }]);
  await expect(page.locator('[data-testid="zenodo-integrity"][data-path="model.safetensors"]')).toHaveAttribute('data-status', 'mismatch');
});

test('junk in the box is refused with a readable message', async ({ page }) => {
  await openInBox(page, 'https://zenodo.org/records/not-a-number');
  await expect(page.getByTestId('repo-error')).toContainText('not a Zenodo record id');
});
