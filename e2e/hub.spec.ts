import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { TEST_REPOS, TEST_TOKENS, TINY_PARAMETERS, VIRTUAL_70B_PARAMETERS } from './hub-server/repos.mjs';
import { HUB_PORT } from '../playwright.config';
import { expectState } from './helpers';

const ENDPOINT = `http://127.0.0.1:${HUB_PORT}`;
const CDN = `http://127.0.0.1:${HUB_PORT + 1}`;

interface Stats {
  hub: { requests: number; bytes: number };
  cdn: { requests: number; bytes: number };
  requests: { origin: string; url: string; status: number; headers: Record<string, string> }[];
}

async function stats(request: APIRequestContext): Promise<Stats> {
  return (await request.get(`${ENDPOINT}/__control/stats`)).json() as Promise<Stats>;
}

async function openRepo(page: Page, repo: string) {
  await page.goto(`/?endpoint=${encodeURIComponent(ENDPOINT)}`);
  await page.getByTestId('repo-input').fill(`https://huggingface.co/${repo}`);
  await page.getByTestId('repo-open').click();
}

test.beforeEach(async ({ request }) => {
  await request.get(`${ENDPOINT}/__control/reset`);
});

test('a small repo opens with the exact parameter count, pinned to its commit', async ({ page }) => {
  await openRepo(page, TEST_REPOS.tiny);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  await expect(page.getByTestId('repo-commit')).toHaveAttribute('title', /^[0-9a-f]{40}$/);
  await expect(page.locator('[data-testid="repo-file"][data-path="model.safetensors"]')).toHaveAttribute('data-opened', 'true');
  await expect(page).toHaveURL(/repo=loupe-test%2Ftiny-llama/);
  await page.getByTestId('tab-card').click();
  await expect(page.getByTestId('card-rendered')).toContainText('tiny-llama');
});

test('a 70B-shaped repo of 30 shards opens reading under 4 MiB', async ({ page, request }) => {
  await openRepo(page, TEST_REPOS.virtual70b);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(VIRTUAL_70B_PARAMETERS));
  const s = await stats(request);
  expect(s.hub.bytes + s.cdn.bytes).toBeLessThan(4 * 1024 * 1024);
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:hub:open').length)).toBe(1);
});

test('a gated repo asks for a token, opens with one, and the token never reaches the CDN', async ({ page, request }) => {
  await openRepo(page, TEST_REPOS.tinyGated);
  await expectState(page, 'error');
  await expect(page.getByTestId('error')).toContainText('gated');
  await expect(page.getByTestId('error')).toContainText('token');

  await page.getByTestId('open-settings').click();
  await page.getByTestId('token-input').fill(TEST_TOKENS.granted);
  await page.getByTestId('settings-save').click();
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  // The token stays out of the URL and, unless the user asked, out of storage.
  expect(page.url()).not.toContain(TEST_TOKENS.granted);
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(TEST_TOKENS.granted);

  const s = await stats(request);
  const cdnRequests = s.requests.filter((r) => r.origin === 'cdn' || r.url.startsWith(CDN));
  expect(cdnRequests.length).toBeGreaterThan(0);
  for (const r of cdnRequests) expect(JSON.stringify(r.headers)).not.toContain(TEST_TOKENS.granted);
  const withToken = s.requests.filter((r) => JSON.stringify(r.headers).includes(TEST_TOKENS.granted));
  expect(withToken.length).toBeGreaterThan(0);
});

test('a 429 is retried after the wait the server asks for', async ({ page, request }) => {
  await request.get(`${ENDPOINT}/__control/fail?repo=${encodeURIComponent(TEST_REPOS.tiny)}&status=429&count=1&retryAfter=1`);
  await openRepo(page, TEST_REPOS.tiny);
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  const s = await stats(request);
  expect(s.requests.filter((r) => r.status === 429)).toHaveLength(1);
});

test('reopening the same repo makes no new requests', async ({ page, request }) => {
  await openRepo(page, TEST_REPOS.tiny);
  await expectState(page, 'ready');
  const before = await stats(request);
  await page.getByTestId('file-input').setInputFiles({ name: 'x.md', mimeType: 'text/markdown', buffer: Buffer.from('# hello') });
  await expectState(page, 'ready');
  await page.getByTestId('repo-input').fill(TEST_REPOS.tiny);
  await page.getByTestId('repo-open').click();
  await expectState(page, 'ready');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  const after = await stats(request);
  expect(after.hub.requests + after.cdn.requests).toBe(before.hub.requests + before.cdn.requests);
});

test('dataset and Space links get a polite message', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('repo-input').fill('https://huggingface.co/datasets/squad');
  await page.getByTestId('repo-open').click();
  await expect(page.getByTestId('repo-error')).toContainText(/not a model/i);
});

test('any file of a repo can be inspected alone: an ONNX model with its external data by Range, and a pickle scanned', async ({ page }) => {
  await openRepo(page, TEST_REPOS.realFiles);
  await expectState(page, 'ready');
  await page.locator('[data-testid="repo-file"][data-path="onnx/model.onnx"] [data-testid="inspect-file"]').click();
  await expectState(page, 'ready');
  await expect(page).toHaveURL(/file=onnx%2Fmodel\.onnx/);
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', '1348');
  await expect(page.locator('[data-testid="warning"][data-code="external-data-missing"]')).toHaveCount(0);

  await page.locator('[data-testid="repo-file"][data-path="pytorch_model.bin"] [data-testid="inspect-file"]').click();
  await expectState(page, 'ready');
  await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'safe');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', '5712');
});
