import { useCallback, useEffect, useRef, useState } from 'react';
import { CancelledError, toLoupeError } from '../model/errors';

export type WorkState<T> =
  { state: 'idle' } | { state: 'running'; done: number; total: number } | { state: 'done'; result: T } | { state: 'error'; message: string };

type Work<T> = (options: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<T>;

/**
 * Long work a panel runs on demand (tensor statistics, a value comparison): its progress, cancel and
 * error. A new run cancels the one in flight, and so does leaving (the panel is keyed by what it shows).
 */
export function useCancellableWork<T>() {
  const [status, setStatus] = useState<WorkState<T>>({ state: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const run = useCallback(async (total: number, work: Work<T>) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setStatus({ state: 'running', done: 0, total });
    try {
      const result = await work({ signal: c.signal, onProgress: (done, all) => !c.signal.aborted && setStatus({ state: 'running', done, total: all }) });
      if (!c.signal.aborted) setStatus({ state: 'done', result });
    } catch (error) {
      if (error instanceof CancelledError) setStatus({ state: 'idle' });
      else if (!c.signal.aborted) setStatus({ state: 'error', message: toLoupeError(error).message });
    }
  }, []);

  const cancel = useCallback(() => {
    controller.current?.abort();
    setStatus({ state: 'idle' });
  }, []);

  return { status, run, cancel };
}

/** The running work's progress bar and Cancel button, or its error where the user is looking. */
export function WorkProgress<T>({ status, label, testId, onCancel }: { status: WorkState<T>; label: string; testId: string; onCancel: () => void }) {
  if (status.state === 'running')
    return (
      <div className="stats-progress">
        <progress max={status.total || 1} value={status.done} data-testid={`${testId}-progress`} aria-label={label} />
        <button type="button" onClick={onCancel} data-testid={`cancel-${testId}`}>
          Cancel
        </button>
      </div>
    );
  if (status.state === 'error')
    return (
      <div className="error-panel" role="alert" data-testid="error">
        {status.message}
      </div>
    );
  return null;
}
