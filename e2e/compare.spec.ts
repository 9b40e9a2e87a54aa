import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { buildSafetensors, layoutTensors, type TensorSpec } from '../test/builders/build-safetensors';
import { HUB_PORT } from '../playwright.config';
import { hfName, llamaTensors, tinyLlamaGguf } from '../test/fixtures/gguf-fixtures';
import { TEST_REPOS, TINY_TENSORS, VIRTUAL_70B_TENSORS } from './hub-server/repos.mjs';
import { EXAMPLE_DIR, expectState } from './helpers';

const ENDPOINT = `http://127.0.0.1:${HUB_PORT}`;

interface ExampleTensor {
  name: string;
  shape: number[];
  /** The BF16 values, widened exactly to float32. */
  values: Float32Array;
}

/** The example's tensors, read here from its own bytes (not through Loupe). */
function exampleTensors(): ExampleTensor[] {
  const bytes = readFileSync(join(EXAMPLE_DIR, 'model.safetensors'));
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, t]) => {
      const data = bytes.subarray(8 + length + t.data_offsets[0], 8 + length + t.data_offsets[1]);
      const words = new Uint32Array(data.length / 2);
      for (let i = 0; i < words.length; i++) words[i] = data.readUInt16LE(2 * i) << 16;
      return { name, shape: t.shape, values: new Float32Array(words.buffer) };
    });
}

/** A safetensors file holding `tensors` in `dtype` order as given; F32 only here. */
function f32File(tensors: ExampleTensor[]): Buffer {
  const specs: TensorSpec[] = tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape }));
  const { header, dataLength } = layoutTensors(specs);
  const data = new Uint8Array(dataLength);
  let offset = 0;
  for (const t of tensors) {
    data.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), offset);
    offset += t.values.byteLength;
  }
  return Buffer.from(buildSafetensors(header, data));
}

const file = (name: string, buffer: Buffer | Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(buffer) });
const example = () => file('model.safetensors', readFileSync(join(EXAMPLE_DIR, 'model.safetensors')));

async function summary(page: Page) {
  const s = page.getByTestId('diff-summary');
  await expect(s).toBeVisible();
  return s;
}

/** axe's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

async function hubBytes(request: APIRequestContext): Promise<number> {
  const s = (await (await request.get(`${ENDPOINT}/__control/stats`)).json()) as { hub: { bytes: number }; cdn: { bytes: number } };
  return s.hub.bytes + s.cdn.bytes;
}

test('an F32 copy of the example against the example: every tensor changed to BF16, bytes halved, and one edited value found', async ({ page }) => {
  const tensors = exampleTensors();
  expect(tensors).toHaveLength(TINY_TENSORS);
  // The copy is exact but for one element of one tensor, raised by 0.5.
  const edited = tensors.map((t) => ({ ...t, values: t.values.slice() }));
  const target = edited.find((t) => t.name === 'model.layers.1.self_attn.q_proj.weight')!;
  target.values[100] = target.values[100]! + 0.5;

  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file('model-f32.safetensors', f32File(edited)));
  await expectState(page, 'ready');
  await expect(page.getByTestId('tab-diff')).toHaveCount(0);
  await page.getByTestId('compare-input').setInputFiles(example());
  await expect(page).toHaveURL(/view=diff/);

  const s = await summary(page);
  await expect(s).toHaveAttribute('data-changed', String(TINY_TENSORS));
  for (const status of ['added', 'removed', 'same']) await expect(s).toHaveAttribute(`data-${status}`, '0');
  const bytesA = Number(await s.getAttribute('data-bytes-a'));
  expect(Number(await s.getAttribute('data-bytes-b'))).toBe(bytesA / 2);
  await expect(page.getByTestId('diff-transition')).toHaveText(`F32 → BF16 on ${TINY_TENSORS} tensors, −50% bytes`);
  await expect(page.getByTestId('diff-row').first()).toContainText('F32 → BF16');
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:diff').length)).toBe(1);

  // Values: only the edited element differs, by exactly 0.5 (BF16 widens to F32 exactly).
  await page.getByTestId('diff-filter').fill(target.name);
  await expect(page.getByTestId('diff-shown')).toHaveAttribute('data-value', '1');
  await page.getByTestId('diff-row').click();
  await page.getByTestId('compare-values').click();
  const values = page.getByTestId('value-diff');
  await expect(values).toHaveAttribute('data-differing', '1');
  await expect(values).toHaveAttribute('data-count', String(64 * 64));
  await expect(values).toHaveAttribute('data-max-abs', '0.5');

  // An unedited tensor's values are identical.
  await page.getByTestId('diff-filter').fill('model.norm.weight');
  await page.getByTestId('diff-row').click();
  await page.getByTestId('compare-values').click();
  await expect(page.getByTestId('value-diff')).toHaveAttribute('data-differing', '0');
  await expect(page.getByTestId('value-diff')).toHaveAttribute('data-cosine', /^(1|0\.99999\d*)$/);
  expect(await seriousViolations(page), 'the Diff view with a value comparison').toEqual([]);
});

test('a checkpoint against the same checkpoint sharded: every tensor the same', async ({ page }) => {
  const tensors = exampleTensors();
  const half = Math.ceil(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)];
  const names = shards.map((_, i) => `model-0000${i + 1}-of-00002.safetensors`);
  const index = { metadata: {}, weight_map: Object.fromEntries(shards.flatMap((s, i) => s.map((t) => [t.name, names[i]]))) };

  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file('model.safetensors', f32File(tensors)));
  await expectState(page, 'ready');
  await page
    .getByTestId('compare-input')
    .setInputFiles([...shards.map((s, i) => file(names[i]!, f32File(s))), file('model.safetensors.index.json', Buffer.from(JSON.stringify(index)))]);
  const s = await summary(page);
  await expect(s).toHaveAttribute('data-same', String(TINY_TENSORS));
  for (const status of ['added', 'removed', 'changed']) await expect(s).toHaveAttribute(`data-${status}`, '0');
});

test('two unrelated models: everything added or removed, with a probable rename offered', async ({ page }) => {
  const { header, dataLength } = layoutTensors([
    { name: 'encoder.weight', dtype: 'F32', shape: [10, 10] },
    { name: 'decoder.bias', dtype: 'F16', shape: [5] },
    { name: 'head.weight', dtype: 'BF16', shape: [64] },
  ]);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(example());
  await expectState(page, 'ready');
  await page.getByTestId('compare-input').setInputFiles(file('other.safetensors', buildSafetensors(header, dataLength)));
  const s = await summary(page);
  await expect(s).toHaveAttribute('data-added', '3');
  await expect(s).toHaveAttribute('data-removed', String(TINY_TENSORS));
  await expect(s).toHaveAttribute('data-same', '0');
  await expect(s).toHaveAttribute('data-changed', '0');
  // head.weight is BF16 [64], like the example's norms.
  await expect(page.getByTestId('diff-renames')).toContainText('1 probable rename');
  await page.getByTestId('diff-show-removed').uncheck();
  await expect(page.getByTestId('diff-shown')).toHaveAttribute('data-value', '3');
  await page.getByTestId('diff-group-depth').selectOption('1');
  await expect(page.getByTestId('diff-module-row')).toHaveCount(3);
  await page.getByTestId('compare-open').click();
  await expect(page.getByTestId('compare-repo-input')).toBeVisible();
  expect(await seriousViolations(page), 'the Diff view grouped, with the compare menu open').toEqual([]);
});

test('two Hub repos by ?repo=&compare=: a 70B-shaped repo against another revision of itself, then a small one, by headers only', async ({ page, request }) => {
  await request.get(`${ENDPOINT}/__control/reset`);
  await page.goto(`/?endpoint=${encodeURIComponent(ENDPOINT)}&repo=${TEST_REPOS.virtual70b}&compare=@main&view=diff`);
  const s = await summary(page);
  await expect(s).toHaveAttribute('data-same', String(VIRTUAL_70B_TENSORS));
  await expect(s).toHaveAttribute('data-changed', '0');
  expect(await hubBytes(request)).toBeLessThan(16 * 1024 * 1024);
  await expect.poll(() => page.evaluate(() => performance.getEntriesByName('loupe:diff').length)).toBe(1);

  // The 70B repo against the tiny one: the tiny one's 21 names all exist in the 70B, with other shapes.
  await page.getByTestId('compare-open').click();
  await page.getByTestId('compare-repo-input').fill(TEST_REPOS.tiny);
  await page.getByTestId('compare-repo-input').press('Enter');
  await expect(page).toHaveURL(/compare=loupe-test%2Ftiny-llama/);
  await expect(s).toHaveAttribute('data-changed', String(TINY_TENSORS));
  await expect(s).toHaveAttribute('data-removed', String(VIRTUAL_70B_TENSORS - TINY_TENSORS));
  await expect(s).toHaveAttribute('data-added', '0');
  await expect(page.getByTestId('config-diff')).toContainText('num_hidden_layers');
  expect(await hubBytes(request)).toBeLessThan(16 * 1024 * 1024);

  await page.getByTestId('compare-open').click();
  await page.getByTestId('compare-stop').click();
  await expect(page.getByTestId('tab-diff')).toHaveCount(0);
  await expectState(page, 'ready');
});

test('a safetensors checkpoint against its GGUF: the same tensors after name normalization, only the dtypes differ', async ({ page }) => {
  const gguf = tinyLlamaGguf();
  // The safetensors twin: BF16, the names transformers writes, shapes in PyTorch order (ggml's reversed).
  const specs: TensorSpec[] = llamaTensors().map((t) => ({ name: hfName(String(t.name)), dtype: 'BF16', shape: [...t.dims].reverse().map(Number) }));
  const { header, dataLength } = layoutTensors(specs);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file('model.safetensors', buildSafetensors(header, dataLength)));
  await expectState(page, 'ready');
  await page.getByTestId('compare-input').setInputFiles(file(gguf.name, gguf.bytes as Uint8Array));
  const s = await summary(page);
  await expect(s).toHaveAttribute('data-changed', String(specs.length));
  for (const status of ['added', 'removed', 'same']) await expect(s).toHaveAttribute(`data-${status}`, '0');
  await page.getByTestId('diff-filter').fill('blk.1.attn_k.weight');
  await expect(page.locator('[data-testid="diff-row"][data-key="blk.1.attn_k.weight"]')).toContainText('Q8_0');
});

test('a 70B safetensors repo against a 70B GGUF repo by ?repo=&compare=: every tensor matched, dtypes changed, headers only', async ({ page, request }) => {
  await request.get(`${ENDPOINT}/__control/reset`);
  await page.goto(`/?endpoint=${encodeURIComponent(ENDPOINT)}&repo=${TEST_REPOS.virtual70b}&compare=${TEST_REPOS.virtual70bGguf}&view=diff`);
  const s = await summary(page);
  await expect(s).toHaveAttribute('data-changed', String(VIRTUAL_70B_TENSORS));
  for (const status of ['added', 'removed', 'same']) await expect(s).toHaveAttribute(`data-${status}`, '0');
  expect(await hubBytes(request)).toBeLessThan(16 * 1024 * 1024);
});
