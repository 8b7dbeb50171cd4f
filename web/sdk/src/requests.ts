// Failed requests (docs/FRICTION.md §1): fetch and XMLHttpRequest are wrapped
// to report a response with status ≥ 400 or a network error (status 0). The
// wrappers pass arguments, results and errors through unchanged and never
// read a body; aborted requests are not failures.

/** method, absolute URL, status (0 = network error), start time (ms) */
export type RequestFailed = (method: string, url: string, status: number, started: number) => void;

/** Wraps win.fetch and XMLHttpRequest; `skip(url)` excludes requests (the SDK's own). Returns the undo. */
export function watchRequests(win: Window, now: () => number, skip: (url: string) => boolean, fail: RequestFailed): () => void {
  const undo: Array<() => void> = [];
  const report = (m: string, u: string, status: number, started: number): void => {
    try {
      const abs = new URL(u, win.location.href).href;
      if (!skip(abs)) fail(String(m || 'GET').toUpperCase(), abs, status, started);
    } catch {
      /* never break the page */
    }
  };
  const f = win.fetch;
  if (typeof f === 'function') {
    const wrapped = function (this: unknown, ...a: Parameters<typeof fetch>): Promise<Response> {
      const started = now();
      const p = f.apply(this, a);
      const r = a[0] as Request;
      const m = (a[1] && a[1].method) || (r && r.method) || 'GET';
      const u = (r && r.url) || String(a[0]);
      p.then(
        (res) => res.status >= 400 && report(m, u, res.status, started),
        (e) => (e && e.name) !== 'AbortError' && report(m, u, 0, started),
      );
      return p;
    };
    win.fetch = wrapped;
    undo.push(() => win.fetch === wrapped && (win.fetch = f));
  }
  const X = (win as unknown as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (X) {
    const P = X.prototype;
    const open = P.open;
    const send = P.send;
    const req = new WeakMap<XMLHttpRequest, string[]>();
    const o2 = (P.open = function (this: XMLHttpRequest, ...a: unknown[]) {
      req.set(this, [String(a[0]), String(a[1])]);
      return (open as (...x: unknown[]) => void).apply(this, a);
    });
    const s2 = (P.send = function (this: XMLHttpRequest, ...a: unknown[]) {
      const r = req.get(this);
      if (r) {
        const started = now();
        const h = (e: Event): void => {
          const s = e.type === 'load' ? this.status : 0;
          if (e.type !== 'load' || s >= 400) report(r[0], r[1], s, started);
        };
        for (const t of ['load', 'error', 'timeout']) this.addEventListener(t, h);
      }
      return (send as (...x: unknown[]) => void).apply(this, a);
    });
    undo.push(() => {
      if (P.open === o2) P.open = open;
      if (P.send === s2) P.send = send;
    });
  }
  return () => {
    for (const u of undo.splice(0)) u();
  };
}
