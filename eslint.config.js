// Lint, including the architecture's layer rules (see README "Architecture").
// The layer rules are tested in src/lint/layer-rules.test.ts.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const REACT = ['react', 'react-dom', 'react-dom/*', '@tanstack/react-query', '@tanstack/react-virtual'];
const MERMAID = ['mermaid', 'mermaid/*'];

/** Globals that only exist with a DOM. Pure layers must not touch them, so they run in Node and in workers. */
const DOM_GLOBALS = ['window', 'document', 'localStorage', 'sessionStorage', 'HTMLElement', 'Element', 'navigator'].map((name) => ({
  name,
  message: 'This layer is pure: no DOM. Pass what you need in from src/ui.',
}));

/**
 * Node's globals. Only Node files (configs, scripts, bench, e2e, test/, *.test.ts) may use them. TypeScript
 * files get no `no-undef` (the compiler checks names), so product code forbids them by name as well.
 */
const NODE_GLOBALS = ['process', 'Buffer', 'global', 'require', 'module', 'exports', '__dirname', '__filename', 'setImmediate', 'clearImmediate'].map(
  (name) => ({
    name,
    message: 'Product code runs in the browser: no Node globals.',
  }),
);
const NODE_FILES = ['*.{js,mjs,ts}', 'scripts/**', 'bench/**', 'e2e/**', 'test/**', 'src/**/*.test.ts'];

/** Builds a no-restricted-imports rule that forbids `groups`, each with its reason. */
function forbid(...groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
}

const noReact = [REACT, 'No React here: this layer is pure and runs in workers and Node tests.'];
const noMermaid = [MERMAID, 'Only src/ui imports mermaid.'];
const noUi = [['**/ui/**', '@/ui/**'], 'Pure layers never import the UI.'];
const noNode = [['node:*', ...builtinModules.flatMap((name) => [name, `${name}/*`])], 'Product code runs in the browser: no Node modules.'];
const noTest = [['**/test/**', '**/e2e/**'], 'Product code never imports test code (builders, fixtures, fuzz, Node helpers live in test/).'];

/** Product code: everything in src/ but the unit tests beside it. */
const PRODUCT = { files: ['src/**/*.{ts,tsx}'], ignores: ['src/**/*.test.ts'] };
const PURE_LAYERS = ['src/model/**/*.ts', 'src/formats/**/*.ts', 'src/graph/**/*.ts', 'src/card/**/*.ts', 'src/bytes/**/*.ts', 'src/compare/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'public/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Mermaid everywhere but the UI.
      'no-restricted-imports': forbid(noMermaid),
    },
  },
  { files: NODE_FILES, languageOptions: { globals: globals.node } },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': 'off' },
  },
  {
    // The document types import nothing at all, except each other.
    files: ['src/model/**/*.ts'],
    // Its tests sit beside it and import the test runner.
    ignores: ['src/model/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./[^/]+$)', message: 'src/model is the shared vocabulary and imports nothing outside itself.' }] },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['src/formats/**/*.ts', 'src/graph/**/*.ts', 'src/card/**/*.ts', 'src/bytes/**/*.ts', 'src/compare/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(noReact, noMermaid, noUi),
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['src/workers/**/*.ts', 'src/hub/**/*.ts', 'src/sources/**/*.ts', 'src/zenodo/**/*.ts', 'src/inference/**/*.ts'],
    rules: { 'no-restricted-imports': forbid(noReact, noMermaid, noUi) },
  },
  // Product code (src/ but its tests) imports no Node module and no test code, and uses no Node global.
  // A separate rule from the layers' no-restricted-imports, so that neither replaces the other's list.
  // Tested in src/lint/product-rules.test.ts.
  {
    ...PRODUCT,
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid(noNode, noTest),
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
    },
  },
  { ...PRODUCT, files: PURE_LAYERS, rules: { 'no-restricted-globals': ['error', ...DOM_GLOBALS, ...NODE_GLOBALS] } },
);
