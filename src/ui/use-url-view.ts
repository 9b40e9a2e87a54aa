import { useCallback, useEffect, useState } from 'react';

/** `diff` shows only while a second model is given (see useCompare). */
export const VIEWS = ['overview', 'tensors', 'graph', 'inference', 'card', 'diff'] as const;
export type View = (typeof VIEWS)[number];

function readView(): View {
  const value = new URLSearchParams(window.location.search).get('view');
  return (VIEWS as readonly string[]).includes(value ?? '') ? (value as View) : 'overview';
}

/** The active view lives in `?view=`, so a view can be shared and survives a reload. */
export function useUrlView(): [View, (view: View) => void] {
  const [view, setViewState] = useState<View>(readView);
  useEffect(() => {
    const onPop = () => setViewState(readView());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const setView = useCallback((next: View) => {
    const url = new URL(window.location.href);
    url.searchParams.set('view', next);
    window.history.pushState(null, '', url);
    setViewState(next);
  }, []);
  return [view, setView];
}
