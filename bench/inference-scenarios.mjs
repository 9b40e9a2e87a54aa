// Inference bench scenarios: ONNX Runtime Web (WASM, 1 thread and all threads) in the app's
// inference worker against onnxruntime-node on the same models and the same inputs.
//
// Each page run opens the model, loads the input (.npy) into the Inference view and runs once:
// that gives the first session (`loupe:inference:session`: worker start, ORT load, WebAssembly
// compile, session creation) and the first run (`loupe:inference:run`). Then the view's benchmark
// panel runs each WASM configuration in a fresh worker, warming up for at least
// INFERENCE_WARMUP_S seconds (V8 tiers WebAssembly up over seconds) before INFERENCE_RUNS timed
// runs, and records `loupe:inference:bench:<config>:<metric>`. Then, in the same run, the same
// model and input are timed in plain onnxruntime-web (a bare page and worker, no Loupe:
// bench/plain-ort.mjs) and in onnxruntime-node here in Node, each with the same warm-up and
// threads. The ratio rows are medians of each run's paired p50s: Loupe/native is the target
// (≤ 2.0 with all threads), plain ORT web/native shows what ONNX Runtime Web itself reaches on
// this machine, and Loupe/plain shows what Loupe adds on top (1.0 is nothing).
//
//   npm run bench -- inference            all three models
//   INFERENCE_WARMUP_S=20 RUNS=3 npm run bench -- "inference: OCR det"
import { availableParallelism } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { startPlainOrtServer, timePlainOrt } from './plain-ort.mjs';

const ASSETS = join(import.meta.dirname, '..', 'node_modules', '@gutenye', 'ocr-models', 'assets');
const WARMUP_RUNS = Number(process.env.INFERENCE_WARMUP_RUNS ?? 10);
const WARMUP_S = Number(process.env.INFERENCE_WARMUP_S ?? 8);
const TIMED_RUNS = Number(process.env.INFERENCE_RUNS ?? 30);
/** The bench panel's "all threads": every core up to 8 (src/inference/runtime-options.ts). */
const ALL_THREADS = Math.max(1, Math.min(availableParallelism(), 8));
const RATIO_TARGET = 2.0;

const MODELS = [
  { id: 'det', label: 'OCR det 320×320', file: 'ch_PP-OCRv4_det_infer.onnx', dims: [1, 3, 320, 320] },
  { id: 'rec', label: 'OCR rec 48×320', file: 'ch_PP-OCRv4_rec_infer.onnx', dims: [1, 3, 48, 320] },
  { id: 'cls', label: 'OCR cls 48×192', file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', dims: [1, 3, 48, 192] },
];

/** A float32 .npy file (C order). */
function npyFloat32(dims, data) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** An image-like input in about [-2, 2], the same on every run. */
function input(dims) {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = 2 * Math.sin(i * 0.618) * Math.cos(i * 0.0137);
  return data;
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** onnxruntime-node's p50 after a warm-up (the same as the page's: WARMUP_RUNS runs and WARMUP_S seconds at least). */
async function nativeP50(session, feeds, warmupRuns = WARMUP_RUNS, warmupS = WARMUP_S) {
  const start = performance.now();
  for (let i = 0; i < warmupRuns || performance.now() - start < warmupS * 1000; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function fill(page, testId, value) {
  await page.fill(`[data-testid="${testId}"]`, String(value));
}

function scenario(model) {
  const all = `${ALL_THREADS} thread${ALL_THREADS === 1 ? '' : 's'}`;
  const m = {
    nativeOne: 'native p50, 1 thread',
    nativeAll: `native p50, ${all}`,
    plainOne: 'plain ORT web p50, 1 thread',
    plainAll: `plain ORT web p50, ${all}`,
    ratioOne: 'Loupe / native, 1 thread',
    ratioAll: `Loupe / native, ${all}`,
    plainRatioOne: 'plain ORT web / native, 1 thread',
    plainRatioAll: `plain ORT web / native, ${all}`,
    overheadAll: `Loupe / plain ORT web, ${all}`,
  };
  return {
    name: `inference: ${model.label} (WASM vs onnxruntime-node)`,
    metrics: [
      'loupe:inference:session',
      'loupe:inference:run',
      'loupe:inference:bench:wasm-all:session',
      'loupe:inference:bench:wasm-all:first',
      'loupe:inference:bench:wasm-1:p50',
      m.plainOne,
      m.nativeOne,
      'loupe:inference:bench:wasm-all:p50',
      m.plainAll,
      m.nativeAll,
      m.ratioOne,
      m.plainRatioOne,
      m.ratioAll,
      m.plainRatioAll,
      m.overheadAll,
    ],
    units: Object.fromEntries([m.ratioOne, m.ratioAll, m.plainRatioOne, m.plainRatioAll, m.overheadAll].map((k) => [k, '×'])),
    targets: { 'loupe:inference:session': '< 1.5 s', [m.ratioAll]: `≤ ${RATIO_TARGET}` },
    async prepare({ outDir }) {
      const path = join(ASSETS, model.file);
      const data = input(model.dims);
      const npy = join(outDir, `inference-${model.id}-x.npy`);
      writeFileSync(npy, npyFloat32(model.dims, data));
      const feeds = { x: new ort.Tensor('float32', data, model.dims) };
      const sessions = {
        one: await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
        all: await ort.InferenceSession.create(path, { intraOpNumThreads: ALL_THREADS, interOpNumThreads: 1 }),
      };
      const plain = await startPlainOrtServer({ [model.file]: path });
      return {
        path,
        npy,
        data,
        sessions,
        feeds,
        plain,
        async cleanup() {
          await sessions.one.release();
          await sessions.all.release();
          await plain.close();
          rmSync(npy, { force: true });
        },
      };
    },
    async run(page, { path, npy, data, sessions, feeds, plain }) {
      const loupe = await loupeBench(page, path, npy);
      const timing = { inputName: 'x', dims: model.dims, data, warmupRuns: WARMUP_RUNS, warmupS: WARMUP_S, runs: TIMED_RUNS };
      // A page of its own, so that run.mjs still reads the app's measures and memory from this one.
      const bare = await page.context().browser().newPage();
      let plainOne, plainAll;
      try {
        plainOne = median((await timePlainOrt(bare, plain.url, { ...timing, file: model.file, threads: 1 })).times);
        plainAll = median((await timePlainOrt(bare, plain.url, { ...timing, file: model.file, threads: ALL_THREADS })).times);
      } finally {
        await bare.close();
      }
      const nativeOne = await nativeP50(sessions.one, feeds);
      const nativeAll = await nativeP50(sessions.all, feeds);
      return {
        [m.plainOne]: plainOne,
        [m.plainAll]: plainAll,
        [m.nativeOne]: nativeOne,
        [m.nativeAll]: nativeAll,
        [m.ratioOne]: loupe.one / nativeOne,
        [m.ratioAll]: loupe.all / nativeAll,
        [m.plainRatioOne]: plainOne / nativeOne,
        [m.plainRatioAll]: plainAll / nativeAll,
        [m.overheadAll]: loupe.all / plainAll,
      };
    },
  };
}

/** Loupe's own path: open the model, run once from the .npy, then the bench panel's WASM configurations. */
async function loupeBench(page, path, npy) {
  await page.setInputFiles('[data-testid="file-input"]', path);
  await page.waitForSelector('[data-testid="doc-status"][data-state="ready"]', { timeout: 60_000 });
  await page.click('[data-testid="tab-inference"]');
  await page.waitForSelector('[data-testid="backend"][data-backend="wasm"]', { timeout: 60_000 });
  await page.setInputFiles('[data-testid="inputs-files"]', npy);
  await page.click('[data-testid="run-inference"]');
  await page.waitForSelector('[data-testid="inference-output"][data-runs="1"]', { timeout: 60_000 });

  await page.click('[data-testid="bench-panel"] summary');
  await fill(page, 'bench-warmup', WARMUP_RUNS);
  await fill(page, 'bench-warmup-seconds', WARMUP_S);
  await fill(page, 'bench-runs', TIMED_RUNS);
  const webgpu = page.locator('[data-testid="bench-config"][data-config="webgpu"]');
  if ((await webgpu.count()) > 0) await webgpu.uncheck();
  await page.click('[data-testid="run-bench"]');
  await page.waitForSelector('[data-testid="bench-table"][data-done="true"]', { timeout: 600_000 });
  const rows = await page.$$eval('[data-testid="bench-row"]', (trs) =>
    trs.map((tr) => ({
      config: tr.dataset.config,
      threads: Number(tr.dataset.threads),
      p50: Number(tr.dataset.p50),
      error: tr.querySelector('.inline-error')?.textContent,
    })),
  );
  for (const row of rows) if (row.error || !Number.isFinite(row.p50)) throw new Error(`${row.config}: ${row.error ?? 'no result'}`);
  const one = rows.find((r) => r.config === 'wasm-1');
  const all = rows.find((r) => r.config === 'wasm-all') ?? one;
  if (all.threads !== ALL_THREADS) throw new Error(`the page ran ${all.threads} threads, Node ${ALL_THREADS}`);
  return { one: one.p50, all: all.p50 };
}

export const INFERENCE_SCENARIOS = MODELS.map(scenario);
