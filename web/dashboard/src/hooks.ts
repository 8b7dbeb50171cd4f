import { useEffect, useState } from 'preact/hooks';
import { subscribe } from './router';

/** Re-renders on every client-side navigation and returns the current location. */
export function useLocation(): { pathname: string; search: string } {
  const [loc, setLoc] = useState(() => ({ pathname: location.pathname, search: location.search }));
  useEffect(
    () =>
      subscribe(() => {
        setLoc({ pathname: location.pathname, search: location.search });
      }),
    [],
  );
  return loc;
}

/** A clock for relative times: re-renders every 30 s. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Trailguide` : 'Trailguide';
  }, [title]);
}
