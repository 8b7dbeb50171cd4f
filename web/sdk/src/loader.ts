// The script-tag loader (dist/sdk/trailguide.js), kept tiny: it reads
// data-key / data-endpoint (and data-require-consent, data-respect-gpc) from its own <script>, installs window.trailguide
// with a queue, and lazy-loads recorder.js from the same base URL. Calls made
// before it loads are queued by the stub documented in docs/PROTOCOL.md:
//   window.trailguide = window.trailguide || {q: []}
type Call = [string, unknown[]];
interface Stub {
  q?: Call[];
  _tg?: 1;
  [m: string]: unknown;
}
interface API {
  [m: string]: (...a: unknown[]) => unknown;
}

(() => {
  const w = window as unknown as { trailguide?: Stub; __trailguide_boot?: () => API };
  const d = document;
  const prev = w.trailguide;
  if (prev && prev._tg) return; // included twice
  const q: Call[] = (prev && prev.q) || [];
  const me = (d.currentScript || d.querySelector('script[src*="trailguide.js"]')) as HTMLScriptElement | null;
  const src = me ? me.src : '';
  const base = src ? src.replace(/[^/]*([?#].*)?$/, '') : '/sdk/';
  const key = me && me.getAttribute('data-key');
  const endpoint = (me && me.getAttribute('data-endpoint')) || (src ? new URL(src).origin : location.origin);
  // data-require-consent / data-respect-gpc: init's requireConsent / respectGPC
  const flag = (n: string): boolean => !!me && me.hasAttribute('data-' + n);
  if (key) q.unshift(['init', [{ key, endpoint, requireConsent: flag('require-consent'), respectGPC: flag('respect-gpc') }]]);
  else for (const c of q) if (c[0] === 'init' && c[1][0]) (c[1][0] as { endpoint?: string }).endpoint ||= endpoint;

  const OPT = 'tg_optout';
  const ls = (f: (s: Storage) => unknown): unknown => {
    try {
      return f(localStorage);
    } catch {
      return null;
    }
  };
  let loading = false;
  const load = (): void => {
    if (loading) return;
    loading = true;
    const s = d.createElement('script');
    s.src = base + 'recorder.js';
    s.async = true;
    s.onload = () => {
      const boot = w.__trailguide_boot;
      if (!boot) return;
      const api = boot();
      w.trailguide = api as unknown as Stub;
      for (const [m, a] of q.splice(0)) if (typeof api[m] === 'function') api[m](...a);
    };
    (d.head || d.documentElement).appendChild(s);
  };

  const stub: Stub = { q, _tg: 1 };
  for (const m of ['init', 'track', 'identify', 'flush', 'on', 'consent']) stub[m] = (...a: unknown[]) => void q.push([m, a]);
  stub.optOut = () => {
    ls((s) => s.setItem(OPT, '1'));
    for (let i = q.length; i--; ) if (q[i][0] !== 'init') q.splice(i, 1);
  };
  stub.optIn = () => {
    ls((s) => s.removeItem(OPT));
    q.push(['optIn', []]);
    load();
  };
  w.trailguide = stub;
  // Opted-out visitors never download the recorder (until optIn()).
  if (ls((s) => s.getItem(OPT)) !== '1') load();
})();
