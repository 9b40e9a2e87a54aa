import { expect, test } from '@playwright/test';
import { expectState } from './helpers';

const MERMAID_CARD = ['---', 'license: mit', '---', '# Diagram', '', '```mermaid', 'flowchart LR', '  A["input_ids [batch, seq]"] --> B["embed_tokens 1000x64"]', '```', ''].join('\n');

test('a card diagram keeps its labels', async ({ page }) => {
  await page.goto('/?view=card');
  await page.getByTestId('file-input').setInputFiles({ name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(MERMAID_CARD) });
  await expectState(page, 'ready');
  const svg = page.getByTestId('card-rendered').locator('.card-mermaid svg');
  await expect(svg).toBeVisible();
  // SVG <text> labels, wrapped into one <tspan> row per line.
  const labels = await svg.evaluate((el) =>
    [...el.querySelectorAll('g.node text')].map((t) => [...t.querySelectorAll('tspan.row')].map((row) => row.textContent?.trim()).join(' ')),
  );
  expect(labels).toEqual(['input_ids [batch, seq]', 'embed_tokens 1000x64']);
  expect(await svg.locator('foreignObject').count()).toBe(0);
});

test('protocol 0 pickles are recognized and judged unsafe, with or without a .pkl name', async ({ page }) => {
  await page.goto('/');
  for (const name of ['model.pkl', 'model']) {
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1') });
    await expect(page.getByTestId('doc-status')).toHaveText(name);
    await expectState(page, 'ready');
    await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'unsafe');
    await expect(page.locator('[data-testid="pickle-import"][data-import="os.system"]')).toBeVisible();
  }
});
