// Lint, including the architecture's layer rules (see README "Architecture").
// The layer rules are tested in src/lint/layer-rules.test.ts.
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

/** Builds a no-restricted-imports rule that forbids `groups`, each with its reason. */
function forbid(...groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
}

const noReact = [REACT, 'No React here: this layer is pure and runs in workers and Node tests.'];
const noMermaid = [MERMAID, 'Only src/ui imports mermaid.'];
const noUi = [['**/ui/**', '@/ui/**'], 'Pure layers never import the UI.'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'public/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Mermaid everywhere but the UI.
      'no-restricted-imports': forbid(noMermaid),
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': 'off' },
  },
  {
    // The document types import nothing at all, except each other.
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./[^/]+$)', message: 'src/model is the shared vocabulary and imports nothing outside itself.' }] },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['src/formats/**/*.ts', 'src/graph/**/*.ts', 'src/card/**/*.ts', 'src/bytes/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(noReact, noMermaid, noUi),
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['src/workers/**/*.ts', 'src/hub/**/*.ts', 'src/sources/**/*.ts', 'src/inference/**/*.ts'],
    rules: { 'no-restricted-imports': forbid(noReact, noMermaid, noUi) },
  },
);
