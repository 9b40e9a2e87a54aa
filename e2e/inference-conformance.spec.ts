import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { decodeNpy } from '../src/inference/npy';
import type { HookRunRequest, HookRunResult } from '../src/ui/views/inference-test-hooks';
import { decodePbTensor, type PbTensor } from '../test/node/onnx-pb';

/**
 * The ONNX conformance suite (Debian's libonnx-testdata) through the app's inference worker in
 * Chromium: each test's model.onnx with its test_data_set_0 inputs, run by onnxruntime-web (WASM)
 * through the `window.__loupeInference` test hook (a LOUPE_TEST_HOOKS=1 build, `?test-hooks=1`),
 * and by onnxruntime-node. Each runtime's outputs are compared with the suite's expected outputs
 * within rtol 1e-3, atol 1e-5.
 *
 * The oracle is independent of Loupe: the suite's .pb inputs and expected outputs are decoded with
 * onnx-proto (test/node/onnx-pb.ts), and compared by `judge` below.
 *
 * A ratchet: e2e/conformance-ratchet.json lists, for each runtime, every case it cannot run or whose
 * outputs differ, with the reason. Any change, either way (a case fixed or a case broken), fails the
 * test until the list is updated: CONFORMANCE_RATCHET=update npx playwright test inference-conformance
 * rewrites it, and `node scripts/conformance-table.mjs` prints the README's table from it.
 *
 * All 1,072 cases run by default (about 35 s on 2 cores). CONFORMANCE_STRIDE=N runs every Nth case
 * of each folder instead, for a quicker look (the ratchet is then checked on those cases only).
 */

const ROOT = '/usr/share/libonnx-testdata/data';
const FOLDERS = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;
const STRIDE = Math.max(1, Number(process.env.CONFORMANCE_STRIDE ?? 1) || 1);
const TOLERANCE = { rtol: 1e-3, atol: 1e-5 };
const RATCHET = join(import.meta.dirname, 'conformance-ratchet.json');
const UPDATE = process.env.CONFORMANCE_RATCHET === 'update';
const RUNTIMES = ['onnxruntime-node', 'onnxruntime-web'] as const;

type Runtime = (typeof RUNTIMES)[number];
/** A case that does not pass on a runtime: why. Cases not listed run and match. */
type Failure = { outcome: 'cannot run' | 'differs'; reason: string };
type FolderRatchet = { cases: number } & Record<Runtime, Record<string, Failure>>;
type Ratchet = { about: string; tolerance: typeof TOLERANCE; folders: Record<string, FolderRatchet> };

interface Case {
  name: string;
  dir: string;
  inputs: string[];
  outputs: string[];
}

function casesOf(folder: string): Case[] {
  const base = join(ROOT, folder);
  const byNumber = (prefix: string) => (a: string, b: string) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3));
  const all = readdirSync(base)
    .sort()
    .flatMap((name): Case[] => {
      const dir = join(base, name);
      const set = join(dir, 'test_data_set_0');
      if (!existsSync(join(dir, 'model.onnx')) || !existsSync(set)) return [];
      const files = readdirSync(set);
      return [
        {
          name,
          dir,
          inputs: files
            .filter((f) => /^input_\d+\.pb$/.test(f))
            .sort(byNumber('input_'))
            .map((f) => join(set, f)),
          outputs: files
            .filter((f) => /^output_\d+\.pb$/.test(f))
            .sort(byNumber('output_'))
            .map((f) => join(set, f)),
        },
      ];
    });
  return all.filter((_, i) => i % STRIDE === 0);
}

/** What a runtime gave: each output's name, type, shape and values. */
type Output = { name: string; dtype: string; dims: readonly number[]; data: ArrayLike<unknown> };

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Whether `actual` is `expected` within the tolerance: floats as |a − e| ≤ atol + rtol·|e| (NaN equals NaN), everything else exactly. */
function mismatch(actual: Output, expected: PbTensor): string | undefined {
  if (actual.dtype !== expected.dtype) return `${actual.name}: type ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.dims.join() !== expected.dims.join()) return `${actual.name}: dims [${actual.dims}], expected [${expected.dims}]`;
  const float = ['float32', 'float64', 'float16'].includes(expected.dtype);
  const value = (v: unknown) => (expected.dtype === 'float16' ? halfToFloat(Number(v)) : v);
  for (let i = 0; i < expected.data.length; i++) {
    const a = value(actual.data[i]);
    const e = value(expected.data[i]);
    if (float) {
      const [x, y] = [Number(a), Number(e)];
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (x === y || Math.abs(x - y) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(y)) continue;
      return `${actual.name}: values outside tolerance`;
    }
    if (a !== e) return `${actual.name}: values differ`;
  }
  return undefined;
}

/** Compares outputs (by name, else by position) with the expected .pb files: undefined when all match, else why not. */
function judge(actual: Output[], expectedFiles: string[]): string | undefined {
  for (const [i, path] of expectedFiles.entries()) {
    const expected = decodePbTensor(readFileSync(path), path);
    const output = actual.find((o) => o.name === expected.name) ?? actual[i];
    if (!output) return `no output for ${expected.name || `output_${i}`}`;
    const why = mismatch(output, expected);
    if (why) return why;
  }
  return undefined;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}

/** onnxruntime-node's run of a case, fed the oracle's inputs: its outputs, or why it cannot run it. */
async function runNative(c: Case): Promise<{ outputs: Output[] } | { error: string }> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(join(c.dir, 'model.onnx'), { logSeverityLevel: 4 });
    if (session.inputMetadata.some((m) => !m.isTensor) || session.outputMetadata.some((m) => !m.isTensor))
      return { error: 'non-tensor inputs or outputs (sequence, map, optional)' };
    const inputs = c.inputs.map((path) => decodePbTensor(readFileSync(path), path));
    // By stored name where every name is one of the model's inputs, else by position.
    const byName = inputs.every((t) => session!.inputNames.includes(t.name));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [i, t] of inputs.entries()) {
      const name = byName ? t.name : session.inputNames[i];
      if (name !== undefined) feeds[name] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
    }
    const results = await session.run(feeds);
    return {
      outputs: session.outputNames.map((name) => {
        const t = results[name] as ort.Tensor;
        return { name, dtype: t.type, dims: t.dims, data: t.data as ArrayLike<unknown> };
      }),
    };
  } catch (error) {
    return { error: firstLine(error) };
  } finally {
    await session?.release();
  }
}

async function runWeb(page: Page, c: Case): Promise<HookRunResult> {
  const request: HookRunRequest = {
    model: readFileSync(join(c.dir, 'model.onnx')).toString('base64'),
    inputs: c.inputs.map((p) => readFileSync(p).toString('base64')),
    backend: 'wasm',
    threads: 0,
    timeoutMs: 30_000,
  };
  return page
    .evaluate((r) => window.__loupeInference!.run(r), request)
    .catch((error: unknown) => ({ ok: false as const, stage: 'run' as const, error: firstLine(error) }));
}

function readRatchet(): Ratchet {
  return JSON.parse(readFileSync(RATCHET, 'utf8')) as Ratchet;
}

/** Case → outcome, sorted: what the ratchet compares (the reasons are for people; they may carry numbers). */
function outcomes(failures: Record<string, Failure>, only?: Set<string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(failures)
      .filter(([name]) => !only || only.has(name))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => [name, f.outcome]),
  );
}

test.describe('ONNX conformance suite through the inference worker', () => {
  test("Debian's libonnx-testdata is installed", () => {
    expect(existsSync(ROOT), `${ROOT} is missing: apt-get install libonnx-testdata (CI installs it)`).toBe(true);
  });

  for (const folder of FOLDERS) {
    test(`${folder}${STRIDE > 1 ? ` (every ${STRIDE}th case)` : ''}`, async ({ page }, testInfo) => {
      test.setTimeout(15 * 60_000);
      const cases = casesOf(folder);
      await page.goto('/?test-hooks=1');
      await page
        .waitForFunction(() => !!window.__loupeInference, undefined, { timeout: 10_000 })
        .catch(() => {
          throw new Error('window.__loupeInference is missing: build with LOUPE_TEST_HOOKS=1 (npm run test:e2e does)');
        });

      const found: Record<Runtime, Record<string, Failure>> = { 'onnxruntime-node': {}, 'onnxruntime-web': {} };
      const backends = new Set<string>();
      const started = Date.now();
      for (const c of cases) {
        const native = await runNative(c);
        if ('error' in native) found['onnxruntime-node'][c.name] = { outcome: 'cannot run', reason: native.error };
        else {
          const why = judge(native.outputs, c.outputs);
          if (why) found['onnxruntime-node'][c.name] = { outcome: 'differs', reason: why };
        }
        const web = await runWeb(page, c);
        if (!web.ok) {
          found['onnxruntime-web'][c.name] = { outcome: 'cannot run', reason: firstLine(`${web.stage}: ${web.error}`) };
          continue;
        }
        backends.add(`${web.backend} ×${web.threads}`);
        const outputs = web.outputs.map((o) => ({ name: o.name, ...decodeNpy(Buffer.from(o.npy, 'base64'), `${o.name}.npy`) }));
        const why = judge(outputs, c.outputs);
        if (why) found['onnxruntime-web'][c.name] = { outcome: 'differs', reason: why };
      }
      const seconds = (Date.now() - started) / 1000;
      const count = (runtime: Runtime, outcome: Failure['outcome']) => Object.values(found[runtime]).filter((f) => f.outcome === outcome).length;
      const report = [
        `${folder}: ${cases.length} cases in ${seconds.toFixed(0)} s (${[...backends].join(', ')})`,
        ...RUNTIMES.map(
          (r) => `  ${r}: ${cases.length - Object.keys(found[r]).length} match, ${count(r, 'differs')} differ, ${count(r, 'cannot run')} cannot run`,
        ),
      ].join('\n');
      console.log(report);
      await testInfo.attach(`conformance-${folder}.json`, {
        body: JSON.stringify({ folder, cases: cases.length, seconds, backends: [...backends], ...found }, null, 2),
        contentType: 'application/json',
      });

      if (UPDATE) {
        if (STRIDE > 1) throw new Error('CONFORMANCE_RATCHET=update needs every case: unset CONFORMANCE_STRIDE');
        const ratchet = existsSync(RATCHET) ? readRatchet() : { about: '', tolerance: TOLERANCE, folders: {} };
        const sorted = (failures: Record<string, Failure>) => Object.fromEntries(Object.entries(failures).sort(([a], [b]) => a.localeCompare(b)));
        ratchet.about =
          'The ONNX conformance cases each runtime cannot run or whose outputs differ from the expected ones, with the reason. Checked, case by case, by e2e/inference-conformance.spec.ts; rewritten with CONFORMANCE_RATCHET=update; the README table comes from it (node scripts/conformance-table.mjs).';
        ratchet.tolerance = TOLERANCE;
        ratchet.folders[folder] = {
          cases: cases.length,
          'onnxruntime-node': sorted(found['onnxruntime-node']),
          'onnxruntime-web': sorted(found['onnxruntime-web']),
        };
        ratchet.folders = Object.fromEntries(FOLDERS.filter((f) => ratchet.folders[f]).map((f) => [f, ratchet.folders[f]!]));
        writeFileSync(RATCHET, `${JSON.stringify(ratchet, null, 2)}\n`);
      }

      const committed = readRatchet().folders[folder];
      expect(committed, `${folder} is not in ${RATCHET}: run with CONFORMANCE_RATCHET=update`).toBeDefined();
      if (STRIDE === 1) expect(cases.length, 'cases in the suite').toBe(committed!.cases);
      const ran = new Set(cases.map((c) => c.name));
      for (const runtime of RUNTIMES) {
        // Any change, either way, fails: a case that now passes must come off the list too.
        expect(outcomes(found[runtime]), `${runtime}: cases that cannot run or differ, against ${RATCHET} (CONFORMANCE_RATCHET=update rewrites it)`).toEqual(
          outcomes(committed![runtime], ran),
        );
      }
      expect(
        [...backends].every((b) => b.startsWith('wasm')),
        [...backends].join(', '),
      ).toBe(true);
    });
  }
});
