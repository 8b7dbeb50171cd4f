import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
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

/** Why a load failed: the message to show, and the HTTP status (0 when there was none). */
export interface LoadError {
  message: string;
  status: number;
}

function toLoadError(err: unknown): LoadError {
  const e = err as { message?: unknown; status?: unknown } | null;
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    status: typeof e?.status === 'number' ? e.status : 0,
  };
}

/**
 * One request at a time: run() aborts the request it started before, and
 * unmounting aborts the last one. ok and fail are called only for the
 * request still current, never for an aborted one.
 */
export function useRequest(): <T>(fetch: (signal: AbortSignal) => Promise<T>, ok: (v: T) => void, fail: (e: LoadError) => void) => void {
  const ctl = useRef<AbortController | null>(null);
  useEffect(() => () => ctl.current?.abort(), []);
  return useCallback(<T,>(fetch: (signal: AbortSignal) => Promise<T>, ok: (v: T) => void, fail: (e: LoadError) => void) => {
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    fetch(c.signal).then(
      (v) => {
        if (!c.signal.aborted) ok(v);
      },
      (err) => {
        if (c.signal.aborted || (err as Error)?.name === 'AbortError') return;
        fail(toLoadError(err));
      },
    );
  }, []);
}

export interface Load<T> {
  /** The last value loaded; kept while a reload is under way or after it failed. */
  data: T | null;
  error: LoadError | null;
  loading: boolean;
  /** Loads again (aborting a load under way). */
  reload: () => void;
  /** Changes the loaded value in place, e.g. after a save. */
  setData: (fn: (d: T | null) => T | null) => void;
}

/**
 * Loads fetch(signal) when the component mounts and whenever deps change,
 * aborting the previous load (and the last one on unmount). onLoad runs with
 * each value before it is rendered, for forms that copy it into their state.
 */
export function useLoad<T>(fetch: (signal: AbortSignal) => Promise<T>, deps: unknown[], onLoad?: (v: T) => void): Load<T> {
  const [st, setSt] = useState<{ data: T | null; error: LoadError | null; loading: boolean }>({ data: null, error: null, loading: true });
  const run = useRequest();
  const latest = useRef({ fetch, onLoad });
  latest.current = { fetch, onLoad };
  const reload = useCallback(() => {
    setSt((s) => ({ ...s, loading: true, error: null }));
    run(
      latest.current.fetch,
      (data) => {
        latest.current.onLoad?.(data);
        setSt({ data, error: null, loading: false });
      },
      (error) => setSt((s) => ({ ...s, error, loading: false })),
    );
  }, [run]);
  useEffect(reload, deps);
  const setData = useCallback((fn: (d: T | null) => T | null) => setSt((s) => ({ ...s, data: fn(s.data) })), []);
  return { ...st, reload, setData };
}

/**
 * A form's submit: run(action) is busy while action is under way and keeps
 * what fail makes of its error (by default the error's message).
 */
export function useSubmit<E = string>(fail: (err: unknown) => E = (err) => (err as Error).message as E) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<E | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(fail(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
