// Fails when a production build still carries the end-to-end test seams (window.__loupe…): they are
// compiled in only with LOUPE_TEST_HOOKS=1 (vite.config.ts). Run after `vite build` by `npm run build`.
// Source maps are skipped: they quote every source file, dead code included.
//   node scripts/check-production-build.mjs [dist]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const found = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.(js|mjs|html)$/.test(entry.name))
  .map((entry) => join(entry.parentPath, entry.name))
  .filter((file) => readFileSync(file, 'utf8').includes('__loupe'));

if (found.length > 0) {
  console.error(`The production build in ${dist} contains the test hooks (__loupe) in:\n  ${found.join('\n  ')}\nBuild without LOUPE_TEST_HOOKS.`);
  process.exit(1);
}
console.log(`${dist}: no test hooks in the production build.`);
