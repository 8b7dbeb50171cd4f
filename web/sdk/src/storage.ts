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

export function webKV(kind: 'localStorage' | 'sessionStorage'): KV {
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
  return {
    get(k) {
      try {
        return st.getItem(k);
      } catch {
        return null;
      }
    },
    set(k, v) {
      try {
        st.setItem(k, v);
      } catch {
        /* quota: ids then live for this page load only */
      }
    },
    remove(k) {
      try {
        st.removeItem(k);
      } catch {
        /* ignore */
      }
    },
  };
}

export function readJSON<T>(kv: KV, key: string): T | null {
  const raw = kv.get(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
