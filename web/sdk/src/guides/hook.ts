// The guides hook, in the lazily loaded friction chunk (not on the record
// path): asks the server which guides this visitor is eligible for and
// loads the guides runtime (guides.js) only when there is one, or a holdout
// to record. A session not indexed yet (retry) asks again after the first
// acknowledged batch.
import { scrubURL } from '../context';
import type { Eligibility, HostClient } from './types';

type GuidesWindow = Window & {
  trailguide?: { client?: () => HostClient | null };
  __trailguide_guides?: (c: HostClient, e: Eligibility, w: Window) => void;
};

export function hookGuides(win: Window, src: string): void {
  const w = win as GuidesWindow;
  const c = w.trailguide && w.trailguide.client ? w.trailguide.client() : null;
  if (!c) return;
  let asked = 0;
  const ask = (): void => {
    const st = c.debugState();
    if (!st.running || !st.session || asked++ > 1) return;
    fetch(c.endpoint + '/ingest/v1/guides', {
      method: 'POST',
      credentials: 'omit',
      mode: 'cors',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: st.key, session: st.session, visitor: st.visitor, url: scrubURL(win.location.href) }),
    })
      .then((r) => (r.ok ? (r.json() as Promise<Eligibility>) : null))
      .then((e) => {
        if (!e) return;
        if (e.retry) {
          const off = c.on('ack', () => {
            off();
            ask();
          });
        }
        if (!e.guides.length && !e.held_out.length && !e.suppressed.length) return;
        const run = (): void => w.__trailguide_guides && w.__trailguide_guides(c, e, win);
        if (w.__trailguide_guides) return run();
        const s = win.document.createElement('script');
        s.src = src.replace(/friction\.js([?#].*)?$/, 'guides.js');
        s.async = true;
        s.onload = run;
        (win.document.head || win.document.documentElement).appendChild(s);
      })
      .catch(() => undefined);
  };
  ask();
}
