import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { mermaidConfigMemo } from './scripts/mermaid-config-memo.ts';

/**
 * Cross-origin isolation (COOP + COEP) lets ONNX Runtime use threads (SharedArrayBuffer).
 * The same headers are needed in dev, in preview and wherever the built app is deployed.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The built app's Content-Security-Policy, as a <meta> tag so that it holds on any static host.
 * - scripts only from the app itself, no inline script; 'wasm-unsafe-eval' because ONNX Runtime
 *   compiles WebAssembly (nothing else needs eval);
 * - connect-src: the app, and the Hub and its CDN hosts. A mirror or private Hub must be added at
 *   build time (VITE_HUB_ENDPOINT, and LOUPE_CSP_CONNECT for its CDN), or the browser refuses it;
 *   likewise Zenodo and its sandbox, and a Zenodo mirror or test server given as VITE_ZENODO_ENDPOINT;
 * - styles may be inline: mermaid's SVGs carry <style> elements;
 * - images: the app, data:/blob: (exports, KaTeX) and https: (card images, shown only on request).
 * The dev server gets no CSP: Vite's dev client relies on inline scripts.
 */
export function contentSecurityPolicy(env: Record<string, string | undefined> = process.env): string {
  const hub = env.VITE_HUB_ENDPOINT ? new URL(env.VITE_HUB_ENDPOINT).origin : '';
  const zenodo = env.VITE_ZENODO_ENDPOINT ? new URL(env.VITE_ZENODO_ENDPOINT).origin : '';
  const connect = [
    "'self'",
    'https://huggingface.co',
    'https://*.huggingface.co',
    'https://*.hf.co',
    hub,
    'https://zenodo.org',
    'https://sandbox.zenodo.org',
    zenodo,
    ...(env.LOUPE_CSP_CONNECT ?? '').split(/\s+/),
  ]
    .filter(Boolean)
    .join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src ${connect}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

function cspPlugin(): Plugin {
  return {
    name: 'loupe-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy() }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), cspPlugin(), mermaidConfigMemo()],
  // The end-to-end seams (window.__loupe, window.__loupeInference) exist only in a build made with
  // LOUPE_TEST_HOOKS=1 (npm run test:e2e). Elsewhere this is the constant false, and the minifier
  // drops their code: a production bundle has none of it (npm run build checks, scripts/check-production-build.mjs).
  define: { 'import.meta.env.LOUPE_TEST_HOOKS': JSON.stringify(process.env.LOUPE_TEST_HOOKS === '1') },
  // ONNX Runtime's loader uses top-level await, which classic workers cannot.
  worker: { format: 'es' },
  resolve: {
    alias: {
      // Two card-rendering dependencies have "browser" builds that use the DOM (document.createElement,
      // DOMParser), which does not exist in the parse worker where cards are rendered. Their
      // DOM-free builds (the ones their "worker" condition picks) work everywhere.
      'decode-named-character-reference': fileURLToPath(new URL('./node_modules/decode-named-character-reference/index.js', import.meta.url)),
      'hast-util-from-html-isomorphic': fileURLToPath(new URL('./node_modules/hast-util-from-html-isomorphic/index.js', import.meta.url)),
    },
  },
  // ONNX Runtime Web is loaded by the inference worker only (src/workers/inference.worker.ts), with
  // its .wasm and .mjs as separate assets; pre-bundling it in dev would inline and move them.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS, port: 5173 },
  preview: { headers: ISOLATION_HEADERS, port: 4173 },
  build: { target: 'es2022', sourcemap: true },
});
