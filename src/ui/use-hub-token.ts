import { useCallback, useState } from 'react';

const KEY = 'loupe:hub-token';

/**
 * The Hub token. It lives in memory unless the user ticks "remember on this device", and only then
 * in localStorage. It never goes into the URL, a query key or a log.
 */
export function useHubToken(): { token: string; remembered: boolean; version: number; setToken: (token: string, remember: boolean) => void } {
  const [state, setState] = useState(() => {
    const saved = localStorage.getItem(KEY);
    return { token: saved ?? '', remembered: saved !== null, version: 0 };
  });
  const setToken = useCallback((token: string, remember: boolean) => {
    if (remember && token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
    setState((s) => ({ token, remembered: remember && Boolean(token), version: s.version + 1 }));
  }, []);
  return { ...state, setToken };
}
