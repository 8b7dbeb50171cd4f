// A small History-API router: the client routes of docs/API.md, parsed from
// and rendered to paths, plus a subscription for components.

export type Route =
  | { name: 'root' }
  | { name: 'login'; next: string | null }
  | { name: 'setup'; token: string }
  | { name: 'sessions'; pid: string }
  | { name: 'session'; pid: string; sid: string }
  | { name: 'friction'; pid: string }
  | { name: 'heatmaps'; pid: string }
  | { name: 'funnels'; pid: string }
  | { name: 'settings'; pid: string }
  | { name: 'team' }
  | { name: 'keys' }
  | { name: 'account' }
  | { name: 'privacy'; pid: string }
  | { name: 'guides'; pid: string; query: string }
  | { name: 'notfound'; path: string };

function seg(s: string): string | null {
  try {
    const v = decodeURIComponent(s);
    return v === '' ? null : v;
  } catch {
    return null;
  }
}

/** Parses a location (pathname + search) into a route. */
export function parseRoute(pathname: string, search = ''): Route {
  const q = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'root' };
  if (path === '/login') return { name: 'login', next: safeNext(q.get('next')) };
  if (path === '/setup') return { name: 'setup', token: q.get('token') || '' };
  if (path === '/team') return { name: 'team' };
  if (path === '/api-keys') return { name: 'keys' };
  if (path === '/account') return { name: 'account' };
  const parts = path.split('/').slice(1);
  if (parts[0] === 'projects' && parts.length >= 3 && parts[2] === 'sessions') {
    const pid = seg(parts[1]);
    if (pid && parts.length === 3) return { name: 'sessions', pid };
    const sid = parts.length === 4 ? seg(parts[3]) : null;
    if (pid && sid) return { name: 'session', pid, sid };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'friction') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'friction', pid };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'heatmaps') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'heatmaps', pid };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'funnels') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'funnels', pid };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'settings') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'settings', pid };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'guides') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'guides', pid, query: search.replace(/^\?/, '') };
  }
  if (parts[0] === 'projects' && parts.length === 3 && parts[2] === 'privacy') {
    const pid = seg(parts[1]);
    if (pid) return { name: 'privacy', pid };
  }
  if (parts[0] === 'projects' && parts.length === 2) {
    const pid = seg(parts[1]);
    if (pid) return { name: 'sessions', pid };
  }
  return { name: 'notfound', path };
}

/** Only same-origin absolute paths are allowed as a post-login target. */
export function safeNext(next: string | null): string | null {
  if (!next) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next.startsWith('/login') || next.startsWith('/setup')) return null;
  return next;
}

export const paths = {
  login: (next?: string | null) => (next ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  sessions: (pid: string, query?: string) =>
    `/projects/${encodeURIComponent(pid)}/sessions${query ? '?' + query : ''}`,
  friction: (pid: string, query?: string) =>
    `/projects/${encodeURIComponent(pid)}/friction${query ? '?' + query : ''}`,
  heatmaps: (pid: string, query?: string) =>
    `/projects/${encodeURIComponent(pid)}/heatmaps${query ? '?' + query : ''}`,
  funnels: (pid: string, query?: string) =>
    `/projects/${encodeURIComponent(pid)}/funnels${query ? '?' + query : ''}`,
  settings: (pid: string) => `/projects/${encodeURIComponent(pid)}/settings`,
  guides: (pid: string, query?: string) => `/projects/${encodeURIComponent(pid)}/guides${query ? '?' + query : ''}`,
  team: () => '/team',
  keys: () => '/api-keys',
  account: () => '/account',
  privacy: (pid: string) => `/projects/${encodeURIComponent(pid)}/privacy`,
  /** t: seconds into the window; at: an absolute time (ms since the epoch) the replay starts at. */
  session: (pid: string, sid: string, opts: { t?: number; at?: number; window?: string; back?: string } = {}) => {
    const q = new URLSearchParams();
    if (opts.t != null && opts.t > 0) q.set('t', String(Math.floor(opts.t)));
    if (opts.at != null && opts.at > 0) q.set('at', String(Math.floor(opts.at)));
    if (opts.window) q.set('window', opts.window);
    const qs = q.toString();
    return `/projects/${encodeURIComponent(pid)}/sessions/${encodeURIComponent(sid)}${qs ? '?' + qs : ''}`;
  },
};

type Listener = () => void;
const listeners = new Set<Listener>();

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  for (const fn of [...listeners]) fn();
}

/** Navigates inside the SPA. replace keeps the history entry (filters typing, redirects). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const cur = location.pathname + location.search;
  if (to === cur) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
}

let started = false;

/**
 * Starts listening for back/forward and for clicks on same-origin links, so
 * that plain <a href> elements navigate without a reload.
 */
export function startRouter(): void {
  if (started) return;
  started = true;
  window.addEventListener('popstate', notify);
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.getAttribute('rel') === 'external') return;
    const href = a.getAttribute('href');
    if (!href || href.startsWith('#')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/sdk/') || url.pathname.startsWith('/demo')) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
