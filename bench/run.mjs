#!/usr/bin/env node
// `npm run bench`: builds the app (the npm script does), serves the build with `vite preview`,
// drives Chromium with Playwright through the test hooks, and prints a table of medians.
// Each scenario runs in a fresh page (a fresh browser context) RUNS times, once the app is idle. Timings come from the app's own `loupe:*`
// performance measures; memory from measureUserAgentSpecificMemory (page + workers), or
// performance.memory where that is unavailable.
//
//   npm run bench                  all scenarios
//   npm run bench -- example       scenarios whose name contains "example"
//   RUNS=9 npm run bench           more runs per scenario
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { SCENARIOS } from './scenarios.mjs';
import { settle } from './first-graph.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const filter = process.argv[2];
const root = join(import.meta.dirname, '..');
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });

const executablePath = CHROMIUM_PATH;
const args = [
  ...CHROMIUM_ARGS,
  // Memory measures: page and workers, after a forced GC.
  '--enable-precise-memory-info',
  '--enable-blink-features=ForceEagerMeasureMemory',
  '--js-flags=--expose-gc',
];

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(value, unit) {
  if (value === undefined) return '–';
  if (unit === 'ms') return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${(value / 1e6).toFixed(1)} MB`;
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 'count') return value.toLocaleString('en-US');
  return String(value);
}

const server = await preview({ root, logLevel: 'warn', preview: { port: 4174, strictPort: false, host: '127.0.0.1' } });
const baseURL = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath, args });
const rows = [];
try {
  const scenarios = SCENARIOS.filter((s) => !filter || s.name.includes(filter));
  for (const scenario of scenarios) {
    const context = { outDir, baseURL };
    const prepared = (await scenario.prepare?.(context)) ?? {};
    const samples = [];
    process.stderr.write(`${scenario.name}: `);
    for (let run = 0; run < RUNS && scenario.measure; run++) {
      // A reference measured in this Node process, on the same input (e.g. a full protobuf decode).
      samples.push(await scenario.measure(prepared));
      process.stderr.write('.');
    }
    for (let run = 0; run < RUNS && scenario.run; run++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await page.goto(baseURL);
        // The app loaded and idle, as when a user gets to giving it a file (its parse worker is started by then).
        await settle(page);
        const before = await memory(page);
        const extra = (await scenario.run(page, prepared)) ?? {};
        const after = scenario.memoryMetrics?.length === 0 ? before : await memory(page);
        const measures = await page.evaluate(() =>
          Object.fromEntries(
            performance
              .getEntriesByType('measure')
              .filter((m) => m.name.startsWith('loupe:'))
              .map((m) => [m.name, m.duration]),
          ),
        );
        samples.push({ ...measures, ...extra, heap: after - before });
        process.stderr.write('.');
      } finally {
        await page.close();
      }
    }
    process.stderr.write('\n');
    for (const metric of scenario.metrics) {
      rows.push({
        scenario: scenario.name,
        metric,
        value: median(samples.map((s) => s[metric])),
        unit: scenario.units?.[metric] ?? 'ms',
        target: scenario.targets?.[metric],
      });
    }
    for (const metric of scenario.memoryMetrics ?? ['heap']) {
      const label = metric === 'heap' ? 'heap growth' : metric;
      rows.push({ scenario: scenario.name, metric: label, value: median(samples.map((s) => s[metric])), unit: 'MB', target: scenario.targets?.[metric] });
    }
    await prepared.cleanup?.();
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}

const version = (await import('../package.json', { with: { type: 'json' } })).default.version;
console.log(`\nLoupe ${version} bench: medians of ${RUNS} runs, Chromium headless, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| scenario | metric | median | target |');
console.log('| --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.scenario} | ${row.metric} | ${fmt(row.value, row.unit)} | ${row.target ?? ''} |`);

/** Bytes of JS heap in use by the page and its workers, after a forced garbage collection. */
async function memory(page) {
  return page.evaluate(async () => {
    globalThis.gc?.();
    if (crossOriginIsolated && 'measureUserAgentSpecificMemory' in performance) {
      try {
        return (await performance.measureUserAgentSpecificMemory()).bytes;
      } catch {
        // fall through
      }
    }
    return performance.memory?.usedJSHeapSize ?? 0;
  });
}
