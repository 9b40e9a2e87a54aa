import { describe, expect, it, vi } from 'vitest';
import { CancelledError, LoupeError } from '../model/errors';
import { WorkerClient } from './worker-client';
import { isRecord } from '../model/is-record';
import { isId, serveRequests, type Handlers, type WorkerProtocol } from './worker-protocol';

/**
 * The generic client against a toy workload, served by the generic server in an in-process fake
 * worker whose messages go through structuredClone, as postMessage's would.
 */

type ToyMap = {
  add: { request: { a: number; b: number }; response: number };
  greet: { request: { name: string }; response: string };
  /** Reports progress, then waits until it is aborted. */
  wait: { request: object; response: string };
  /** Answers with the wrong type, as a broken worker would. */
  lie: { request: object; response: number };
  fail: { request: object; response: number };
};

const TOY: WorkerProtocol<ToyMap, number> = {
  name: 'toy',
  isRequest: (value): value is never => isRecord(value) && isId(value.id) && typeof value.type === 'string' && value.type in handlers,
  isProgress: (value): value is number => typeof value === 'number',
  isResponse: {
    add: (value): value is number => typeof value === 'number',
    greet: (value): value is string => typeof value === 'string',
    wait: (value): value is string => typeof value === 'string',
    lie: (value): value is number => typeof value === 'number',
    fail: (value): value is number => typeof value === 'number',
  },
  fromWire: (error) => new LoupeError(error.code, `rebuilt: ${error.message}`),
};

const aborted: string[] = [];
const handlers: Handlers<ToyMap, number> = {
  add: ({ a, b }) => a + b,
  greet: ({ name }) => `hello ${name}`,
  wait: (_request, { signal, progress }) =>
    new Promise((_resolve, reject) => {
      progress(0.5);
      signal.addEventListener('abort', () => {
        aborted.push('wait');
        reject(new CancelledError());
      });
    }),
  // @ts-expect-error: a broken handler, to check the client's guard
  lie: () => 'not a number',
  fail: () => {
    throw new LoupeError('format', 'bad bytes');
  },
};

class FakeWorker extends EventTarget {
  terminated = false;
  readonly received: unknown[] = [];
  #serve = serveRequests(TOY, handlers, (message) => {
    if (!this.terminated) queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: structuredClone(message) })));
  });

  postMessage(message: unknown): void {
    if (this.terminated) return;
    const data = structuredClone(message);
    this.received.push(data);
    this.#serve(data);
  }

  terminate(): void {
    this.terminated = true;
  }

  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

function setup(options: { cancel?: 'message' | 'terminate'; startFails?: boolean; mainThread?: boolean } = {}) {
  const workers: FakeWorker[] = [];
  const onStop = vi.fn();
  const client = new WorkerClient<ToyMap, number>({
    protocol: TOY,
    factory: () => {
      if (options.startFails) throw new Error('workers are blocked here');
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    ...(options.mainThread ? { mainThread: async () => handlers } : {}),
    cancel: options.cancel ?? 'message',
    retryHint: 'Try again.',
    onStop,
  });
  return { client, workers, onStop };
}

describe('WorkerClient', () => {
  it('answers each request type with its own type, checked where it arrives', async () => {
    const { client, workers } = setup();
    const sum: number = await client.call('add', { a: 2, b: 3 });
    const text: string = await client.call('greet', { name: 'Loupe' });
    expect(sum).toBe(5);
    expect(text).toBe('hello Loupe');
    expect(workers).toHaveLength(1);
    await expect(client.call('lie', {})).rejects.toMatchObject({ code: 'worker', message: 'The toy worker gave a malformed answer to a lie request.' });
  });

  it('rebuilds the workload’s typed errors', async () => {
    const { client } = setup();
    await expect(client.call('fail', {})).rejects.toMatchObject({ code: 'format', message: 'rebuilt: bad bytes' });
  });

  it('runs the same handlers on the main thread when the worker cannot start', async () => {
    const { client } = setup({ startFails: true, mainThread: true });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await client.call('add', { a: 1, b: 1 })).toBe(2);
    expect(client.onMainThread).toBe(true);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    await expect(client.call('fail', {})).rejects.toMatchObject({ code: 'format', message: 'bad bytes' });
  });

  it('fails with a readable error when the worker cannot start and the work has no main-thread path', async () => {
    const { client } = setup({ startFails: true });
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toMatchObject({
      code: 'worker',
      message: 'The toy worker could not start: workers are blocked here',
    });
  });

  it('fails pending work with a readable error when the worker dies, and starts a fresh one on the next call', async () => {
    const { client, workers, onStop } = setup();
    const progress: number[] = [];
    const pending = client.call('wait', {}, { onProgress: (p) => progress.push(p) });
    await vi.waitUntil(() => progress.length > 0);
    workers[0]!.crash('out of memory');
    await expect(pending).rejects.toSatisfy(
      (e: unknown) => e instanceof LoupeError && e.code === 'worker' && e.message === 'The toy worker stopped unexpectedly: out of memory. Try again.',
    );
    expect(workers[0]!.terminated).toBe(true);
    expect(onStop).toHaveBeenCalledOnce();
    expect(await client.call('add', { a: 4, b: 5 })).toBe(9);
    expect(workers).toHaveLength(2);
    expect(progress).toEqual([0.5]);
  });

  it('cancels one request by message: it rejects with CancelledError, the worker aborts it and lives on', async () => {
    aborted.length = 0;
    const { client, workers } = setup({ cancel: 'message' });
    const controller = new AbortController();
    const progress: number[] = [];
    const pending = client.call('wait', {}, { signal: controller.signal, onProgress: (p) => progress.push(p) });
    await vi.waitUntil(() => progress.length > 0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(workers[0]!.received.at(-1)).toEqual({ type: 'cancel', id: 1 });
    expect(aborted).toEqual(['wait']);
    expect(workers[0]!.terminated).toBe(false);
    expect(await client.call('add', { a: 1, b: 2 })).toBe(3);
    expect(workers).toHaveLength(1);
    await expect(client.call('add', { a: 1, b: 2 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });

  it('cancels by stopping the worker when the work cannot stop half way', async () => {
    const { client, workers, onStop } = setup({ cancel: 'terminate' });
    const controller = new AbortController();
    const other = client.call('wait', {});
    const pending = client.call('wait', {}, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await expect(other).rejects.toBeInstanceOf(CancelledError);
    expect(workers[0]!.terminated).toBe(true);
    expect(onStop).toHaveBeenCalledOnce();
    expect(await client.call('greet', { name: 'again' })).toBe('hello again');
    expect(workers).toHaveLength(2);
  });
});
