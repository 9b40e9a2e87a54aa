#!/usr/bin/env node
// Netron as a measured peer for issue 17's "graph first view, wall clock". Netron is never part of
// the project: the bench uses this driver only when NETRON_DIR points at a Netron checkout (its repo
// root, or its `source/` folder), so a reader can re-measure Netron on their own machine.
//
// How it is measured, the same way as Loupe: Netron's browser build (`source/` as static files, served
// here offline) in headless Chromium, a fresh browser context per run. The page is loaded and idle on
// Netron's welcome screen; the clock starts at the `change` event of its file input
// (`#open-file-dialog`) and stops two animation frames after the first node box (`#canvas g.graph-node`)
// is visible. Netron builds its boxes while the page is still the transparent loading screen (it
// measures them there, then lays them out in a worker), so "visible" means the box is in the page and
// the body has left that screen for the graph (`body.default`). Both clock ends are performance.now()
// in the page, so no round trip to Playwright is counted.
//
//   node bench/peer-netron.mjs <netronDir> <model.onnx | mlp:BLOCKS | chain:NODES>...
//     prints the median of RUNS (3) runs per model; mlp:25 is the 100-node MLP, chain:20001 the chain.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
};

/** The folder with Netron's index.html: `<dir>/source` in a checkout, or `dir` itself. */
function netronRoot(netronDir) {
  const root = [join(netronDir, 'source'), netronDir].map((dir) => resolve(dir)).find((dir) => existsSync(join(dir, 'index.html')));
  if (!root) throw new Error(`${netronDir}: no index.html in it or in its source/ folder; NETRON_DIR must point at a Netron checkout`);
  return root;
}

/**
 * Serves Netron's browser build from `netronDir` on 127.0.0.1 (a free port). Netron asks for its
 * metadata with a cache-busting query (`?cb=…`), which is ignored here.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startNetron(netronDir) {
  const root = netronRoot(netronDir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = resolve(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * One run: a fresh context on Netron at `url`, wait for its idle welcome screen, open `modelPath`
 * through its file input, and time it as the header says.
 * @returns {Promise<{ ms: number, rendered: number }>} the wall clock, and the node boxes Netron drew
 */
export async function netronFirstGraph(browser, url, modelPath, { timeout = 180_000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // Netron asks for cookie consent on a first visit, after looking up the country online; a consent
    // cookie skips both. Nothing else may leave the machine.
    await context.addCookies([{ name: 'consent', value: String(Date.now()), url }]);
    await context.route(
      (target) => !target.href.startsWith(url),
      (route) => route.abort(),
    );
    // Netron replaces window.eval with a function that throws; Playwright's page.evaluate needs it.
    // Keep the real one (this changes nothing Netron does while opening a file).
    await context.addInitScript(() => {
      const realEval = window.eval;
      Object.defineProperty(window, 'eval', { get: () => realEval, set: () => {}, configurable: false });
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.classList.contains('welcome') && !document.body.classList.contains('spinner'), null, { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(undefined), { timeout: 2000 })));
    await page.evaluate(() => {
      window.__netronWallClock = new Promise((done) => {
        let start;
        window.addEventListener('change', () => (start ??= performance.now()), { capture: true });
        const check = () => {
          if (start === undefined) return;
          const body = document.body.classList;
          if (body.contains('alert') || body.contains('message')) {
            observer.disconnect();
            done({ error: document.getElementById('message-text')?.innerText || 'Netron showed an error' });
          } else if (body.contains('default') && document.querySelector('#canvas g.graph-node')) {
            observer.disconnect();
            requestAnimationFrame(() => requestAnimationFrame(() => done({ ms: performance.now() - start })));
          }
        };
        const observer = new MutationObserver(check);
        // The boxes are added while hidden; the class change on <body> is what shows them.
        observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
      });
    });
    await page.setInputFiles('#open-file-dialog', modelPath);
    const result = await page.evaluate(
      (limit) => Promise.race([window.__netronWallClock, new Promise((done) => setTimeout(() => done({ error: `no graph after ${limit} ms` }), limit))]),
      timeout,
    );
    if (result.error) throw new Error(`Netron, ${modelPath}: ${result.error}`);
    const rendered = await page.locator('#canvas g.graph-node').count();
    return { ms: result.ms, rendered };
  } finally {
    await context.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `mlp:25` and `chain:20001` are generated into `dir` with bench/onnx-models.ts; anything else is a path. */
async function modelFile(spec, dir) {
  const generated = /^(mlp|chain):(\d+)$/.exec(spec);
  if (!generated) return spec;
  const { runnerImport } = await import('vite');
  const { module } = await runnerImport(join(import.meta.dirname, 'onnx-models.ts'));
  const path = join(dir, `${generated[1]}-${generated[2]}.onnx`);
  if (generated[1] === 'mlp') module.writeResidualMlpModel(path, Number(generated[2]));
  else module.writeChainModel(path, Number(generated[2]));
  return path;
}

async function main([netronDir, ...specs]) {
  if (!netronDir || specs.length === 0) {
    console.error('usage: node bench/peer-netron.mjs <netronDir> <model.onnx | mlp:BLOCKS | chain:NODES>...');
    process.exitCode = 2;
    return;
  }
  const runs = Number(process.env.RUNS ?? 3);
  const { chromium } = await import('@playwright/test');
  const dir = mkdtempSync(join(tmpdir(), 'peer-netron-'));
  const netron = await startNetron(netronDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    console.log(`Netron from ${netronRoot(netronDir)}: median of ${runs} runs, change → first graph box painted`);
    console.log('| model | node boxes | median | runs |');
    console.log('| --- | --- | --- | --- |');
    for (const spec of specs) {
      const path = await modelFile(spec, dir);
      const samples = [];
      for (let run = 0; run < runs; run++) samples.push(await netronFirstGraph(browser, netron.url, path));
      const times = samples.map((s) => s.ms);
      console.log(`| ${spec} | ${samples[0].rendered} | ${Math.round(median(times))} ms | ${times.map((t) => Math.round(t)).join(', ')} |`);
    }
  } finally {
    await browser.close();
    await netron.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) await main(process.argv.slice(2));
