import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets ONNX Runtime use threads (SharedArrayBuffer).
 * The same headers are needed in dev, in preview and wherever the built app is deployed.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // ONNX Runtime's loader uses top-level await, which classic workers cannot.
  worker: { format: 'es' },
  // ONNX Runtime Web is loaded by the inference worker only (src/workers/inference.worker.ts), with
  // its .wasm and .mjs as separate assets; pre-bundling it in dev would inline and move them.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS, port: 5173 },
  preview: { headers: ISOLATION_HEADERS, port: 4173 },
  build: { target: 'es2022', sourcemap: true },
});
