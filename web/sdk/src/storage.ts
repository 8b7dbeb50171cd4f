// Storage access that never throws: localStorage can be disabled, full, or
// throw on access (Safari private mode, sandboxed iframes, blocked cookies).
// When it is unusable the SDK falls back to memory for this page load.

export interface KV {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * sessionStorage: the last two pages of the tab and the last click on each,
 * for the live quick back across page loads (friction/dom.ts). Written only
 * while the SDK runs (so never before consent) and deleted when it is halted.
 */
export const K_FRICTION = 'tg_fx';

export function memoryKV(): KV {
  const m = new Map<string, string>();
  return {
    get: (k) => (m.has(k) ? (m.get(k) as string) : null),
    set: (k, v) => void m.set(k, v),
    remove: (k) => void m.delete(k),
  };
}

export function webKV(kind: 'localStorage' | 'sessionStorage', cached: string[] = []): KV {
  let s: Storage | undefined;
  try {
    s = window[kind];
    const probe = '__tg_probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
  } catch {
    return memoryKV();
  }
  const st = s;
  // Reads of the `cached` keys are cached: each read costs the page's main
  // thread, and the session is read on every user event. Another document's
  // write (another tab, an iframe) fires a storage event here, which drops
  // the cache; a page frozen in the back/forward cache misses those, so
  // resuming drops it too.
  let cache: Record<string, string | null> = {};
  const drop = (): unknown => (cache = {});
  for (const t of ['storage', 'pageshow', 'resume']) addEventListener(t, drop, true);
  return {
    get(k) {
      try {
        if (k in cache) return cache[k];
        const v = st.getItem(k);
        if (cached.indexOf(k) >= 0) cache[k] = v;
        return v;
      } catch {
        return null;
      }
    },
    set(k, v) {
      delete cache[k];
      try {
        st.setItem(k, v);
      } catch {
        /* quota: ids then live for this page load only */
      }
    },
    remove(k) {
      delete cache[k];
      try {
        st.removeItem(k);
      } catch {
        /* ignore */
      }
    },
  };
}

export function readJSON<T>(kv: KV, key: string, raw = kv.get(key)): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
