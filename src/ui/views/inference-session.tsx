import { useEffect, useRef, useState, type RefObject } from 'react';
import type { RuntimeOptions } from '../../inference/runtime-options';
import { CancelledError, toLoupeError, type LoupeError } from '../../model/errors';
import { InferenceClient, type InferenceProgress, type ModelFiles } from '../../workers/inference-client';
import type { SessionInfo } from '../../workers/inference-protocol';

export type SessionState =
  { state: 'loading'; progress?: InferenceProgress } | { state: 'ready'; info: SessionInfo; client: InferenceClient } | { state: 'error'; error: LoupeError };

/**
 * A session for the model with the given runtime options: a fresh client (and worker) per model
 * and per options, loaded as soon as the view needs it, stopped when the view goes.
 */
export function useInferenceSession(model: ModelFiles, options: RuntimeOptions): { session: SessionState; client: RefObject<InferenceClient | null> } {
  const { backend, threads } = options;
  const [state, setState] = useState<{ model: ModelFiles; key: string; session: SessionState } | null>(null);
  const client = useRef<InferenceClient | null>(null);
  const key = `${backend}|${threads}`;

  useEffect(() => {
    const c = new InferenceClient({ backend, threads });
    client.current = c;
    const set = (session: SessionState) => setState({ model, key: `${backend}|${threads}`, session });
    c.load(model, { onProgress: (progress) => set({ state: 'loading', progress }) }).then(
      (info) => set({ state: 'ready', info, client: c }),
      (error: unknown) => {
        if (!(error instanceof CancelledError)) set({ state: 'error', error: toLoupeError(error) });
      },
    );
    return () => {
      c.dispose();
      if (client.current === c) client.current = null;
    };
  }, [model, backend, threads]);

  const session: SessionState = state && state.model === model && state.key === key ? state.session : { state: 'loading' };
  return { session, client };
}

export function describeProgress(progress: InferenceProgress | undefined, file: string): string {
  if (!progress) return 'Starting ONNX Runtime…';
  switch (progress.phase) {
    case 'read':
      return `Reading ${file}: ${progress.total ? Math.round((progress.done / progress.total) * 100) : 100}%`;
    case 'runtime':
      return 'ONNX Runtime loaded; reading the model…';
    case 'session':
      return 'Creating the session (optimizing the graph)…';
    case 'first':
      return 'First run…';
    case 'warmup':
      return `Warming up: ${progress.done} runs`;
    case 'run':
      return `Run ${progress.done} of ${progress.total}`;
  }
}
