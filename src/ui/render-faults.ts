import { useSyncExternalStore } from 'react';

/**
 * Render-time faults switched on by the end-to-end tests (window.__loupe.failView, only in a
 * LOUPE_TEST_HOOKS=1 build with ?test-hooks=1), to check that one view's exception leaves the rest working.
 */
const failing = new Set<string>();
const listeners = new Set<() => void>();

export const renderFaults = {
  fail(view: string): void {
    failing.add(view);
    for (const listener of listeners) listener();
  },
  clear(view: string): void {
    failing.delete(view);
    for (const listener of listeners) listener();
  },
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Throws during render while a test has made `view` fail; renders nothing otherwise. */
export function RenderFault({ view }: { view: string }): null {
  const fail = useSyncExternalStore(subscribe, () => failing.has(view));
  if (fail) throw new Error(`A test made the ${view} view fail while rendering.`);
  return null;
}
