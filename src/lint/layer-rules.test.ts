import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's layer rules are enforced by eslint.config.js. These cases prove the
 * configuration really rejects a forbidden import (a rule that never fires protects nothing).
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('layer rules', () => {
  it('src/model imports nothing outside itself', async () => {
    expect(await ruleIdsFor('src/model/x.ts', "import { openGroup } from '../formats/open-group';\nexport const x = openGroup;\n")).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIdsFor('src/model/x.ts', "import type { DType } from './dtype';\nexport type X = DType;\n")).toEqual([]);
  });

  it('formats, graph, card and compare have no React', async () => {
    for (const layer of ['formats', 'graph', 'card', 'compare']) {
      expect(await ruleIdsFor(`src/${layer}/x.ts`, "import { useState } from 'react';\nexport const x = useState;\n")).toContain('no-restricted-imports');
    }
  });

  it('formats, graph, card and compare have no DOM', async () => {
    for (const layer of ['formats', 'graph', 'card', 'compare']) {
      expect(await ruleIdsFor(`src/${layer}/x.ts`, 'export const title = document.title;\n')).toContain('no-restricted-globals');
    }
  });

  it('only src/ui imports mermaid', async () => {
    expect(await ruleIdsFor('src/graph/x.ts', "import mermaid from 'mermaid';\nexport const m = mermaid;\n")).toContain('no-restricted-imports');
    expect(await ruleIdsFor('src/workers/x.ts', "import mermaid from 'mermaid';\nexport const m = mermaid;\n")).toContain('no-restricted-imports');
    expect(await ruleIdsFor('src/ui/x.ts', "import mermaid from 'mermaid';\nexport const m = mermaid;\n")).not.toContain('no-restricted-imports');
  });

  it('pure layers never import the UI', async () => {
    expect(await ruleIdsFor('src/formats/x.ts', "import { App } from '../ui/app';\nexport const a = App;\n")).toContain('no-restricted-imports');
  });
});
