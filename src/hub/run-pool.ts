import { CancelledError } from '../model/errors';

/**
 * Runs `task` over `items`, at most `limit` at a time. On the first failure the others are
 * aborted (through the signal each task gets) and that failure is thrown once all have settled;
 * when `signal` aborts, CancelledError is thrown.
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw new CancelledError();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !controller.signal.aborted) {
      const item = items[next++] as T;
      try {
        await task(item, controller.signal);
      } catch (error) {
        // The first real failure wins over the cancellations it causes.
        if (!failure || (failure.error instanceof CancelledError && !(error instanceof CancelledError))) failure = { error };
        controller.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw new CancelledError();
  if (failure) throw failure.error;
}
