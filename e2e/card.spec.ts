import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { writeShardedExample } from './fixtures';
import { expectState } from './helpers';

test('draft a card for a model without one, lint it, fix a field, download it, reopen it', async ({ page }) => {
  const dir = writeShardedExample('card-draft');
  await page.goto('/?view=card');
  await page.evaluate(() => localStorage.clear());
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expectState(page, 'ready');
  await page.getByTestId('draft-card').click();
  const editor = page.getByTestId('card-editor');
  await expect(editor).toBeVisible();
  await expect(page.getByTestId('card-rendered')).toContainText('LlamaForCausalLM');
  await expect(page.getByTestId('card-lint').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('card-draft.png') });

  // Break the license, see the lint, fix it, see the lint clear.
  const draft = await editor.inputValue();
  const licenseLine = /^license:.*$/m;
  const withLicense = licenseLine.test(draft) ? draft : draft.replace(/^---\n/, '---\nlicense: apache-2.0\n');
  await editor.fill(withLicense.replace(licenseLine, 'license: not-a-license'));
  const licenseLint = page.locator('[data-testid="card-lint"][data-field="license"]');
  await expect(licenseLint.first()).toBeVisible();
  await editor.fill(withLicense.replace(licenseLine, 'license: apache-2.0'));
  await expect(licenseLint).toHaveCount(0);
  const lintsAfterFix = await page.getByTestId('card-lint').count();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('download-card').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('README.md');
  const saved = test.info().outputPath('README.md');
  await download.saveAs(saved);
  expect(readFileSync(saved, 'utf8')).toContain('license: apache-2.0');

  // The draft survives a reload: the same folder reopened (so the same draft key) shows the edited draft.
  const edited = await editor.inputValue();
  await page.reload();
  await expectState(page, 'idle');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expectState(page, 'ready');
  await expect(page.getByTestId('card-editor')).toHaveValue(edited);
  await expect(page.getByTestId('card-rendered')).toContainText('LlamaForCausalLM');

  // Reopen the downloaded card with the same model: the same lint.
  await page
    .getByTestId('file-input')
    .setInputFiles([
      saved,
      ...[
        'config.json',
        'model.safetensors.index.json',
        'model-00001-of-00003.safetensors',
        'model-00002-of-00003.safetensors',
        'model-00003-of-00003.safetensors',
      ].map((f) => `${dir}/${f}`),
    ]);
  await expectState(page, 'ready');
  await page.getByTestId('tab-card').click();
  await expect(page.getByTestId('card-rendered')).toContainText('LlamaForCausalLM');
  await expect(page.locator('[data-testid="card-lint"][data-field="license"]')).toHaveCount(0);
  await expect(page.getByTestId('card-lint')).toHaveCount(lintsAfterFix);
});

test('a hostile card renders inert: no script runs, no dialog, and the lint says what was removed', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const card = [
    '---',
    'license: mit',
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    '---',
    '# Hostile',
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(2)">',
    '<svg onload="alert(3)"><circle r="4"/></svg>',
    '<iframe src="https://example.com"></iframe>',
    '<style>body{display:none}</style>',
    '[a](JaVaScRiPt:alert(4)) [b](java&#x73;cript:alert(5)) <a href="data:text/html,<script>alert(6)</script>">c</a>',
    '<div id="__proto__">proto</div>',
    '```mermaid',
    '%%{init: {"securityLevel": "loose"}}%%',
    'flowchart TB',
    '  A["click me"] --> B',
    '  click A call alert(7)',
    '```',
  ].join('\n\n');
  await page.goto('/?view=card');
  await page.getByTestId('file-input').setInputFiles({ name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(card) });
  await expectState(page, 'ready');
  const rendered = page.getByTestId('card-rendered');
  await expect(rendered).toContainText('Hostile');
  // The diagram is drawn (the one <style> allowed is mermaid's theme inside it; a card cannot set it).
  await expect(rendered.locator('.card-mermaid svg')).toHaveCount(1);
  const html = await rendered.innerHTML();
  expect(html).not.toMatch(/<script|<iframe|<object|<embed/i);
  expect(await rendered.evaluate((el) => [...el.querySelectorAll('style')].filter((s) => !s.closest('.card-mermaid svg')).length)).toBe(0);
  expect(html).not.toContain('id="__proto__"');
  // No event handler attribute anywhere, and every link is http(s), mailto, a fragment or relative.
  const attributes = await rendered.evaluate((el) => [...el.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`)));
  expect(attributes.filter((a) => /^on/i.test(a))).toEqual([]);
  const hrefs = await rendered.evaluate((el) =>
    [...el.querySelectorAll('[href], [src], [xlink\\:href]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''),
  );
  for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:|#|\/|\.|[^:]*$)/i);
  await expect(page.locator('[data-testid="card-lint"][data-code="sanitized"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="card-lint"][data-code="metadata-invalid"]')).toHaveCount(1);
  await page
    .locator('.card-mermaid svg, pre.mermaid-source')
    .first()
    .click()
    .catch(() => undefined);
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => document.body.style.display)).not.toBe('none');
});

/** The longest frame allowed while a card renders in the worker. Generous for a loaded machine; a page busy rendering the card itself would hold frames for seconds. */
const MAX_FRAME_GAP_MS = 500;

test('a 5 MB card opens and the page stays responsive while it renders', async ({ page }) => {
  const paragraph = 'A long card: **bold** text, `code`, [a link](https://example.com) and | a | table |.\n\n';
  const big = `---\nlicense: mit\n---\n# Big\n\n${paragraph.repeat(Math.ceil((5 * 1024 * 1024) / paragraph.length))}`;
  await page.goto('/?view=card');
  // Giving the page a 5 MB file blocks its main thread inside the test harness (seconds, under load), so
  // frames are recorded from just after the file is given until the rendered card is in the page (its own
  // insertion is main-thread work, not counted). Meanwhile the worker parses and renders.
  await page.getByTestId('file-input').setInputFiles({ name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(big) });
  await page.evaluate(() => {
    const record = { frames: [] as number[], shownAt: Infinity };
    (window as unknown as { __frames: typeof record }).__frames = record;
    const tick = (t: number) => {
      record.frames.push(t);
      if (record.shownAt === Infinity) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="card-rendered"]')?.textContent?.includes('Big')) {
        record.shownAt = performance.now();
        observer.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await expectState(page, 'ready');
  await expect(page.getByTestId('card-rendered')).toContainText('Big', { timeout: 30_000 });
  const { frames, shownAt } = await page.evaluate(() => (window as unknown as { __frames: { frames: number[]; shownAt: number } }).__frames);
  const during = frames.filter((t) => t < shownAt);
  const gaps = during.slice(1).map((t, i) => t - during[i]!);
  // A render long enough to measure (the worker takes a second or more on a 5 MB card), and no frame held for long:
  // a main thread that rendered the card itself would freeze for seconds.
  expect(during.length, 'frames painted while the card rendered').toBeGreaterThan(10);
  expect(Math.max(...gaps), `longest frame while the card rendered, of ${during.length} frames`).toBeLessThan(MAX_FRAME_GAP_MS);
});
