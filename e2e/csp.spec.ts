import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectState } from './helpers';

test('the built app carries its Content-Security-Policy, and using the app violates none of it', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto('/?view=graph');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toMatch(/connect-src 'self' https:\/\/huggingface\.co/);
  expect(csp).toContain("object-src 'none'");

  // Open a model whose graph view loads mermaid, then every view.
  await page.getByTestId('file-input').setInputFiles(join(import.meta.dirname, 'models', 'tiny-transformer', 'model.onnx'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('graph').locator('svg [data-box-id]').first()).toBeVisible({ timeout: 30_000 });
  for (const view of ['overview', 'tensors', 'card', 'inference']) await page.getByTestId(`tab-${view}`).click();
  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
});
