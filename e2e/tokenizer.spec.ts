import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { consistentRepo, endTurnRepo, repoFiles, RISKY_TEMPLATE, vocabulary, type TokenizerRepo } from '../test/fixtures/tokenizer-fixtures';
import { exampleFile, expectState } from './helpers';

/** Opens the example's weights and config with a tokenizer repo's files, through the file input. */
async function openWithTokenizer(page: Page, repo: Partial<TokenizerRepo>) {
  const { 'config.json': _config, ...tokenizerFiles } = repo;
  const files = [
    exampleFile('config.json'),
    exampleFile('model.safetensors'),
    ...repoFiles(tokenizerFiles).map(([name, bytes]) => ({ name, bytes: Buffer.from(bytes) })),
  ];
  await page.goto('/?view=overview');
  await page.getByTestId('file-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })));
  await expectState(page, 'ready');
}

test('the example model with its tokenizer shows the Tokenizer section, tokenizes, and renders the template', async ({ page }) => {
  await openWithTokenizer(page, consistentRepo());
  const section = page.getByTestId('tokenizer-section');
  await expect(section.getByTestId('tokenizer-facts')).toHaveAttribute('data-vocab-size', '512');
  await expect(section.getByTestId('tokenizer-facts')).toHaveAttribute('data-type', 'WordLevel');
  await expect(section.locator('[data-testid="special-token"][data-role="eos"]')).toHaveAttribute('data-id', '2');
  await expect(section.getByTestId('stop-ids')).toHaveText('2');
  // No tokenizer lint on a consistent model.
  await expect(page.getByTestId('warning')).toHaveCount(0);

  const words = vocabulary(512);
  await section.getByTestId('tokenizer-input').fill('Hello world, Paris');
  const expected = ['hello', 'world', ',', 'paris'].map((w) => words.indexOf(w));
  await expect(section.getByTestId('tokens')).toHaveAttribute('data-ids', expected.join(','));
  await expect(section.getByTestId('tokens')).toHaveAttribute('data-count', '4');

  const rendered = page.getByTestId('chat-template');
  await expect(rendered).toHaveText(
    '<|system|>You are a helpful assistant.</s><|user|>What is the capital of France?</s><|assistant|>The capital of France is Paris.</s><|user|>And of Italy?</s><|assistant|>',
  );
  await expect(rendered.locator('mark.special-token').first()).toHaveText('<|system|>');
  // The sample is editable and renders again.
  await section.getByTestId('sample-message').nth(3).fill('And of Spain?');
  await expect(rendered).toContainText('<|user|>And of Spain?</s><|assistant|>');
});

test('the inconsistent repo shows its lints, naming the files', async ({ page }) => {
  await openWithTokenizer(page, endTurnRepo());
  const stop = page.locator('[data-testid="warning"][data-code="template-terminator-not-stop"]');
  await expect(stop).toHaveAttribute('data-severity', 'error');
  await expect(stop).toContainText('<|end|> (id 3)');
  await expect(stop).toContainText('generation_config.json');
  await expect(page.locator('[data-testid="warning"][data-code="tokenizer-special-id-mismatch"]')).toContainText('tokenizer_config.json: <|end|> = 3');
});

test('the risky template shows its flags, each with its line', async ({ page }) => {
  const repo = consistentRepo();
  repo['tokenizer_config.json'] = { ...repo['tokenizer_config.json'], chat_template: RISKY_TEMPLATE };
  await openWithTokenizer(page, repo);
  const flags = page.getByTestId('template-flag');
  await expect(flags).toHaveCount(4);
  expect(await flags.evaluateAll((items) => items.map((i) => `${i.getAttribute('data-code')}:${i.getAttribute('data-line')}`))).toEqual([
    'template-content-condition:2',
    'template-system-injection:3',
    'template-url:4',
    'template-invisible-unicode:6',
  ]);
  await expect(page.locator('[data-testid="warning"][data-code="template-url"]')).toContainText('line 4');
  await expect(page.getByTestId('chat-template')).toBeVisible();
});

test('the prompt box gives ids and the next tokens from the ONNX model, and generates', async ({ page }) => {
  const model = 'e2e/models/tiny-transformer/model.onnx';
  const repo = consistentRepo(256, 64);
  const files = repoFiles({ 'tokenizer.json': repo['tokenizer.json'], 'generation_config.json': { ...repo['generation_config.json'], do_sample: false } });
  await page.goto('/');
  await page
    .getByTestId('file-input')
    .setInputFiles([
      { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(model) },
      ...files.map(([name, bytes]) => ({ name, mimeType: 'application/json', buffer: Buffer.from(bytes) })),
    ]);
  await expectState(page, 'ready');
  await page.getByTestId('tab-inference').click();
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /.+/, { timeout: 30_000 });

  const words = vocabulary(256);
  const expectedIds = ['the', 'capital', 'of', 'france'].map((w) => words.indexOf(w));
  await page.getByTestId('prompt-input').fill('The capital of France');
  await page.getByTestId('next-tokens-run').click();
  const next = page.getByTestId('next-tokens');
  await expect(next).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('prompt-ids')).toHaveAttribute('data-ids', expectedIds.join(','));

  // The oracle: onnxruntime-node on the same ids, ranked here.
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
  let ranked: number[];
  try {
    const results = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(expectedIds.map(BigInt)), [1, expectedIds.length]) });
    const logits = results.logits as ort.Tensor;
    const vocab = logits.dims[2]!;
    const last = Array.from((logits.data as Float32Array).subarray(logits.data.length - vocab));
    ranked = last
      .map((v, id) => ({ v, id }))
      .sort((a, b) => b.v - a.v || a.id - b.id)
      .map((e) => e.id);
  } finally {
    await session.release();
  }
  expect((await next.getAttribute('data-ids'))!.split(',').slice(0, 3).map(Number)).toEqual(ranked.slice(0, 3));
  await expect(page.getByTestId('next-token').first()).toContainText(words[ranked[0]!]!);

  // Greedy generation: its first token is the top next token.
  await page.getByTestId('generate-count').fill('3');
  await page.getByTestId('generate-run').click();
  const generated = page.getByTestId('generated-text');
  await expect(generated).toBeVisible({ timeout: 30_000 });
  expect(Number((await generated.getAttribute('data-ids'))!.split(',')[0])).toBe(ranked[0]);
});
