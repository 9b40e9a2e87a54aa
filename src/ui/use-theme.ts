import { useCallback, useEffect, useState } from 'react';

type Theme = 'light' | 'dark';
const KEY = 'loupe:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function savedTheme(): Theme | undefined {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === 'light' || saved === 'dark' ? saved : undefined;
  } catch {
    return undefined;
  }
}

function systemTheme(): Theme {
  return window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light';
}

/**
 * Light or dark, following the system (also when it changes while the page is open) until the user
 * picks one. Before this runs, the CSS already follows the system (color-scheme: light dark).
 */
export function useTheme(): [Theme, () => void] {
  const [chosen, setChosen] = useState<Theme | undefined>(savedTheme);
  const [system, setSystem] = useState<Theme>(systemTheme);
  useEffect(() => {
    const query = window.matchMedia?.(DARK_QUERY);
    if (!query) return;
    const onChange = () => setSystem(query.matches ? 'dark' : 'light');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  const theme = chosen ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = useCallback(() => {
    const next = theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Storage turned off: the choice lasts until the page closes.
    }
    setChosen(next);
  }, [theme]);
  return [theme, toggle];
}
