// A reference for the inference bench: onnxruntime-web on its own, without Loupe. A bare page
// starts a bare worker (neither uses any of the app's code) that imports ORT's published WASM
// build from a small static server on this machine, with the COOP/COEP headers threads need, and
// times session.run as the app's bench panel does. Where this page and the app show the same web/native ratio, the ratio
// is ONNX Runtime Web's own (its WebAssembly kernels), not Loupe's.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const ORT_DIST = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist');

const TYPES = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.onnx': 'application/octet-stream' };

// ORT runs in a dedicated worker, as in the app (threads block on Atomics.wait, which a page's
// main thread may not do), and the worker times session.run itself.
const WORKER = `
import * as ort from '/ort/ort.wasm.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
onmessage = async ({ data: { file, inputName, dims, data, threads, warmupRuns, warmupS, runs, sessionOptions } }) => {
  try {
    ort.env.wasm.numThreads = threads;
    const model = new Uint8Array(await (await fetch('/files/' + file)).arrayBuffer());
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', ...sessionOptions });
    const sessionMs = performance.now() - t0;
    const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
    const release = (outputs) => Object.values(outputs).forEach((t) => t.dispose?.());
    const start = performance.now();
    for (let i = 0; i < warmupRuns || performance.now() - start < warmupS * 1000; i++) release(await session.run(feeds));
    const times = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const outputs = await session.run(feeds);
      times.push(performance.now() - s);
      release(outputs);
    }
    await session.release();
    postMessage({ sessionMs, times });
  } catch (e) {
    postMessage({ error: String(e) });
  }
};
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>plain onnxruntime-web</title>
<script type="module">
  window.timeOrt = (request) => new Promise((resolve, reject) => {
    const worker = new Worker('/worker.mjs', { type: 'module' });
    worker.onmessage = ({ data }) => { worker.terminate(); data.error ? reject(new Error(data.error)) : resolve(data); };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message)); };
    worker.postMessage(request);
  });
  window.ortReady = true;
</script>`;

/**
 * Serves ORT's dist folder under /ort/, the page at /, and the given files under /files/<name>.
 * @param {Record<string, string>} files name -> path on disk
 */
export async function startPlainOrtServer(files, port = 5192) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    try {
      if (url.pathname === '/' || url.pathname === '/worker.mjs') {
        res.writeHead(200, { ...headers, 'Content-Type': url.pathname === '/' ? 'text/html' : 'text/javascript' });
        res.end(url.pathname === '/' ? PAGE : WORKER);
        return;
      }
      let path;
      if (url.pathname.startsWith('/ort/')) {
        path = normalize(join(ORT_DIST, url.pathname.slice('/ort/'.length)));
        if (!path.startsWith(ORT_DIST)) throw new Error('outside');
      } else if (url.pathname.startsWith('/files/')) {
        path = files[decodeURIComponent(url.pathname.slice('/files/'.length))];
      }
      if (!path) {
        res.writeHead(404, headers);
        res.end();
        return;
      }
      const body = await readFile(path);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Times session.run in the bare page's worker: `warmupRuns` runs and at least `warmupS` seconds of warm-up,
 * then `runs` timed runs. Returns the session creation time and every timed run (ms).
 */
export async function timePlainOrt(page, url, { file, inputName, dims, data, threads, warmupRuns, warmupS, runs, sessionOptions = {} }) {
  await page.goto(url);
  await page.waitForFunction(() => window.ortReady === true);
  return page.evaluate((request) => window.timeOrt({ ...request, data: Float32Array.from(request.data) }), {
    file,
    inputName,
    dims,
    data: Array.from(data),
    threads,
    warmupRuns,
    warmupS,
    runs,
    sessionOptions,
  });
}
