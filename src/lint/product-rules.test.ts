import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Product code (src/ but its *.test.ts) never imports a Node module or the test folder, and uses no
 * Node global (eslint.config.js). These cases prove the rules fire on a product file and stay quiet on
 * the Node files that may do all of it.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

const PRODUCT_FILES = ['src/formats/x.ts', 'src/ui/x.tsx', 'src/workers/x.ts', 'src/model/x.ts', 'src/main.tsx'];
const NODE_FILES = ['src/formats/x.test.ts', 'test/builders/x.ts', 'e2e/x.spec.ts', 'bench/x.ts', 'vite.config.ts'];
const IMPORT_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-imports'];

function importErrors(ids: string[]): string[] {
  return ids.filter((id) => IMPORT_RULES.includes(id));
}

describe('product code stays out of Node and out of the tests', () => {
  it('a product file cannot import a node: module or a bare Node builtin', async () => {
    for (const file of PRODUCT_FILES) {
      expect(importErrors(await ruleIdsFor(file, "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")), file).not.toEqual([]);
      expect(importErrors(await ruleIdsFor(file, "import { join } from 'path';\nexport const j = join;\n")), file).not.toEqual([]);
    }
  });

  it('a product file cannot import the test folder or e2e/', async () => {
    for (const file of PRODUCT_FILES) {
      expect(importErrors(await ruleIdsFor(file, "import { buildZip } from '../../test/builders/build-zip';\nexport const b = buildZip;\n")), file).not.toEqual(
        [],
      );
      expect(importErrors(await ruleIdsFor(file, "import { x } from '../e2e/helpers';\nexport const y = x;\n")), file).not.toEqual([]);
    }
  });

  it('a product file cannot use a Node global', async () => {
    for (const file of PRODUCT_FILES) {
      expect(await ruleIdsFor(file, 'export const home = process.env.HOME;\n'), file).toContain('no-restricted-globals');
      expect(await ruleIdsFor(file, "export const b = Buffer.from('x');\n"), file).toContain('no-restricted-globals');
    }
  });

  it('tests, test helpers, e2e, bench and configs may use Node and the test folder', async () => {
    const code =
      "import { readFileSync } from 'node:fs';\nimport { buildZip } from '../test/builders/build-zip';\nexport const r = [readFileSync, buildZip, process.env.HOME];\n";
    for (const file of NODE_FILES) expect(await ruleIdsFor(file, code), file).toEqual([]);
  });

  it('the layer rules still hold beside them', async () => {
    expect(await ruleIdsFor('src/formats/x.ts', "import { useState } from 'react';\nexport const x = useState;\n")).toContain('no-restricted-imports');
    expect(await ruleIdsFor('src/formats/x.ts', 'export const title = document.title;\n')).toContain('no-restricted-globals');
  });
});
