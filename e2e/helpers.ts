import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const EXAMPLE_DIR = join(import.meta.dirname, '..', 'public', 'examples', 'tiny-llama');
export const EXAMPLE_FILES = ['config.json', 'model.safetensors', 'README.md'].map((f) => join(EXAMPLE_DIR, f));
/** 2 layers of a Llama with hidden 64, vocab 512 (scripts/make-example.mjs). */
export const EXAMPLE_PARAMS = 158_016;

export async function expectState(page: Page, state: 'idle' | 'loading' | 'ready' | 'error') {
  await expect(page.getByTestId('doc-status')).toHaveAttribute('data-state', state);
}

/** Dispatches a real `drop` event carrying the given files, as a drag from the desktop would. */
export async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]) {
  const payload = files.map((f) => ({ name: f.name, data: f.bytes.toString('base64') }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const binary = atob(item.data);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], item.name));
    }
    const target = document.querySelector('main') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: transfer }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }, payload);
}

export function exampleFile(name: string): { name: string; bytes: Buffer } {
  return { name, bytes: readFileSync(join(EXAMPLE_DIR, name)) };
}
