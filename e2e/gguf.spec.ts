import { expect, test, type Page } from '@playwright/test';
import { kv, writeGguf } from '../test/builders/gguf-writer';
import {
  LARGE_VOCABULARY,
  llamaTensors,
  q8_0Data,
  TINY_LLAMA,
  TINY_LORA,
  tinyLlamaGguf,
  tinyLlamaSplit,
  tinyLoraGguf,
  largeTokenizerGguf,
  type GgufFixture,
} from '../test/fixtures/gguf-fixtures';
import { HUB_PORT } from '../playwright.config';
import { dropFiles, expectState } from './helpers';
import { buildRepos, TEST_REPOS, VIRTUAL_70B_GGUF } from './hub-server/repos.mjs';

const asFile = (f: GgufFixture) => ({ name: f.name, bytes: Buffer.from(f.bytes) });

/** The Llama fixture's parameters, from its tensors' ggml dims. */
const TINY_PARAMETERS = llamaTensors().reduce((n, t) => n + t.dims.reduce<number>((a, d) => a * Number(d), 1), 0);

async function open(page: Page, files: GgufFixture[], view = 'overview') {
  await page.goto(`/?view=${view}`);
  await dropFiles(page, files.map(asFile));
  await expectState(page, 'ready');
}

test('a Llama-shaped GGUF in Q8_0/F16/F32 opens with its facts, fit, tokenizer and rendered chat template', async ({ page }) => {
  await open(page, [tinyLlamaGguf()]);
  await expect(page.getByTestId('formats')).toHaveText('gguf');
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  const panel = page.getByTestId('gguf-panel');
  await expect(panel.getByTestId('gguf-architecture')).toHaveText('llama');
  await expect(panel.getByTestId('gguf-file-type')).toHaveText('Q8_0');
  await expect(panel.getByTestId('gguf-license')).toHaveText('apache-2.0');
  await expect(panel.getByTestId('gguf-parameters')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  // Q8_0 stores 32 weights in 34 bytes: 8.5 bits each.
  await expect(panel.locator('[data-testid="ggml-type-row"][data-type="Q8_0"]')).toHaveAttribute('data-bpw', '8.5');
  await expect(panel.locator('[data-testid="ggml-type-row"][data-type="F16"]')).toHaveAttribute('data-bpw', '16');
  await expect(panel.getByTestId('gguf-provenance')).toContainText('Llama 3 8B');
  await expect(panel.getByTestId('gguf-provenance')).toContainText('10.0000/tiny');

  // Tokenizer: 256 tokens, 3 merges, BOS 1 "<s>".
  const tokenizer = panel.getByTestId('gguf-tokenizer');
  await expect(tokenizer).toHaveAttribute('data-vocab', String(TINY_LLAMA.vocab));
  await expect(tokenizer).toHaveAttribute('data-merges', '3');
  await expect(panel.getByTestId('gguf-token-bos')).toHaveText('1 "<s>"');

  // The KV cache the header implies feeds the memory panel: 2 × blocks × KV heads × head size × 2 bytes.
  const perToken = 2 * TINY_LLAMA.blocks * TINY_LLAMA.kvHeads * (TINY_LLAMA.embedding / TINY_LLAMA.heads) * 2;
  await expect(page.getByTestId('kv-cache')).toHaveAttribute('data-per-token', String(perToken));
  const fit = panel.getByTestId('gguf-fit');
  await expect(fit).toHaveAttribute('data-fits', 'true');
  await expect(fit).toHaveAttribute('data-largest-context', String(TINY_LLAMA.context));
  // A budget smaller than the weights: nothing fits.
  await fit.getByTestId('fit-budget').fill('0.00001');
  await expect(fit).toHaveAttribute('data-fits', 'false');
  await expect(fit).toHaveAttribute('data-largest-context', '0');

  await expect(panel.getByTestId('chat-template-rendered')).toContainText('<|start_header_id|>assistant<|end_header_id|>');
  await expect(panel.getByTestId('chat-template-rendered')).toContainText(
    '<s><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>',
  );
  await expect(panel.locator('[data-testid="gguf-metadata-row"][data-key="tokenizer.ggml.tokens"]')).toHaveAttribute('data-type', 'array<string>');
});

test('a chat template that fails gives a readable error', async ({ page }) => {
  const bytes = writeGguf({ metadata: [kv.str('general.architecture', 'llama'), kv.str('tokenizer.chat_template', '{% for m in messages %}{{ m.content }')] });
  await open(page, [{ name: 'broken-template.gguf', bytes }]);
  await expect(page.getByTestId('chat-template-error')).toContainText('The chat template does not parse');
});

test('a 2-way split opens as one model; a missing split is named', async ({ page }) => {
  await open(page, tinyLlamaSplit());
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(TINY_PARAMETERS));
  await expect(page.getByTestId('warning')).toHaveCount(0);
  await expect(page.getByTestId('gguf-panel')).toHaveCount(1);

  await open(page, [tinyLlamaSplit()[0]!]);
  const warning = page.locator('[data-testid="warning"][data-code="gguf-split-missing"]');
  await expect(warning).toContainText('tiny-llama-Q8_0-00002-of-00002.gguf');
});

test('a LoRA adapter shows its rank, alpha and targets', async ({ page }) => {
  await open(page, [tinyLoraGguf()]);
  const adapter = page.getByTestId('gguf-adapter');
  await expect(adapter).toHaveAttribute('data-rank', String(TINY_LORA.rank));
  await expect(adapter).toHaveAttribute('data-alpha', String(TINY_LORA.alpha));
  await expect(adapter).toContainText('blk.0.attn_q.weight');
});

test('a 150k-token tokenizer header opens', async ({ page }) => {
  await open(page, [largeTokenizerGguf(1024 * 1024)]);
  await expect(page.getByTestId('gguf-tokenizer')).toHaveAttribute('data-vocab', String(LARGE_VOCABULARY));
  await expect(page.getByTestId('gguf-tokenizer')).toHaveAttribute('data-merges', String(LARGE_VOCABULARY));
});

test('statistics of a Q8_0 tensor match values computed here; an undecoded type says so', async ({ page }) => {
  await open(page, [tinyLlamaGguf()], 'tensors');
  const name = 'blk.0.attn_q.weight';
  await expect(page.locator(`[data-testid="tensor-row"][data-name="${name}"] [data-testid="tensor-shape"]`)).toHaveAttribute(
    'title',
    /ggml order ne = \[64, 64\]/,
  );
  await page.locator(`[data-testid="tensor-row"][data-name="${name}"]`).click();
  await page.getByTestId('compute-stats').click();
  // The fixture's Q8_0 blocks, dequantized here from their definition: scale 2^-(b % 4) × quant.
  const { values } = q8_0Data(TINY_LLAMA.embedding * TINY_LLAMA.embedding);
  const stats = page.getByTestId('tensor-stats');
  await expect(stats).toHaveAttribute('data-min', String(Math.min(...values)));
  await expect(stats).toHaveAttribute('data-max', String(Math.max(...values)));
  await expect(stats).toHaveAttribute('data-zeros', String(values.filter((v) => v === 0).length));
  const mean = Number(await stats.getAttribute('data-mean'));
  expect(mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 12);

  const iq = writeGguf({ tensors: [{ name: 'w', type: 'IQ2_XS', dims: [256, 2] }] });
  await dropFiles(page, [{ name: 'iq2.gguf', bytes: Buffer.from(iq) }]);
  await expectState(page, 'ready');
  await page.locator('[data-testid="tensor-row"][data-name="w"]').click();
  await expect(page.getByTestId('stats-unavailable')).toContainText('IQ2_XS');
  await expect(page.getByTestId('compute-stats')).toHaveCount(0);
});

test('the graph view shows the module tree and the architecture from the metadata', async ({ page }) => {
  await open(page, [tinyLlamaGguf()], 'graph');
  const graph = page.getByTestId('graph');
  await expect(graph).toHaveAttribute('data-kind', 'module-tree');
  await expect(graph.locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('show-architecture').click();
  await expect(page.getByTestId('graph')).toHaveAttribute('data-kind', 'architecture');
  await expect(page.getByTestId('graph')).toContainText('GGUF metadata');
});

const ENDPOINT = `http://127.0.0.1:${HUB_PORT}`;

async function openRepo(page: Page, repo: string) {
  await page.goto(`/?endpoint=${encodeURIComponent(ENDPOINT)}`);
  await page.getByTestId('repo-input').fill(`https://huggingface.co/${repo}`);
  await page.getByTestId('repo-open').click();
  await expectState(page, 'ready');
}

test.describe('from the Hub', () => {
  test.beforeEach(async ({ request }) => {
    await request.get(`${ENDPOINT}/__control/reset`);
  });

  test('the virtual 70B Q4_K_M GGUF split in two opens both headers by Range, and lists the quantizations', async ({ page, request }) => {
    await openRepo(page, TEST_REPOS.virtual70bGguf);
    await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(VIRTUAL_70B_GGUF.parameters));
    await expect(page.getByTestId('tensor-count')).toHaveAttribute('data-value', String(VIRTUAL_70B_GGUF.tensors));
    await expect(page.getByTestId('warning')).toHaveCount(0);
    await expect(page.getByTestId('gguf-file-type')).toHaveText('Q4_K_M');
    for (const part of VIRTUAL_70B_GGUF.parts)
      await expect(page.locator(`[data-testid="repo-file"][data-path="${part}"]`)).toHaveAttribute('data-opened', 'true');
    const headers = buildRepos()
      .get(TEST_REPOS.virtual70bGguf)!
      .files.filter((f) => VIRTUAL_70B_GGUF.parts.includes(f.path))
      .reduce((n, f) => n + f.prefix!.length, 0);
    const s = (await (await request.get(`${ENDPOINT}/__control/stats`)).json()) as { hub: { bytes: number }; cdn: { bytes: number } };
    expect(s.hub.bytes + s.cdn.bytes).toBeLessThan(headers + 4 * 1024 * 1024);

    const split = page.locator(`[data-testid="gguf-quantization"][data-path="${VIRTUAL_70B_GGUF.parts[0]}"]`);
    await expect(split).toHaveAttribute('data-type', 'Q4_K_M');
    await expect(split).toHaveAttribute('data-parts', '2');
    // 45 GB of Q4_K_M plus 1.3 GB of F16 KV cache at 4,096 tokens: not in 24 GB, in 48 GB; the 75 GB Q8_0 only in 80 GB.
    const q8 = page.locator('[data-testid="gguf-quantization"][data-path="Llama-3.1-70B-Q8_0.gguf"]');
    await expect(split).toHaveAttribute('data-fits', 'false');
    await page.getByTestId('quant-budget').selectOption('48');
    await expect(split).toHaveAttribute('data-fits', 'true');
    await expect(q8).toHaveAttribute('data-fits', 'false');
    await page.getByTestId('quant-budget').selectOption('80');
    await expect(q8).toHaveAttribute('data-fits', 'true');
    await expect(page.getByTestId('chat-template-rendered')).toContainText('<|begin_of_text|><|start_header_id|>system');
  });

  test('a repo with safetensors and GGUF opens the safetensors and lists the GGUF files', async ({ page }) => {
    await openRepo(page, TEST_REPOS.safetensorsAndGguf);
    await expect(page.getByTestId('formats')).not.toContainText('gguf');
    await expect(page.locator('[data-testid="repo-file"][data-path="model.safetensors"]')).toHaveAttribute('data-opened', 'true');
    await expect(page.locator(`[data-testid="repo-file"][data-path="${VIRTUAL_70B_GGUF.parts[0]}"]`)).toHaveAttribute('data-opened', 'false');
    await expect(page.getByTestId('gguf-quantization')).toHaveCount(2);
    // Inspecting the first part opens both.
    await page.locator(`[data-testid="gguf-quantization"][data-path="${VIRTUAL_70B_GGUF.parts[0]}"] [data-testid="inspect-gguf"]`).click();
    await expectState(page, 'ready');
    await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', String(VIRTUAL_70B_GGUF.parameters));
  });
});
