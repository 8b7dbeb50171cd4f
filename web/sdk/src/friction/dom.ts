// Builds FrictionInputs from DOM listeners as things happen (the "SDK
// (live)" column of docs/FRICTION.md §1) and feeds them to a LiveDetector.
// pageview and track inputs come from the client's own signals (signal()),
// so that SPA route changes are decided in one place (signals.ts).
import { scrubURL } from '../context';
import { clickFacts, FIELD, formOf, navigates, onOpen, passOn } from '../facts';
import type { Masker } from '../mask';
import { K_FRICTION, readJSON, type KV } from '../storage';
import { clickTarget, elementText, selectorFor } from '../selector';
import type { Signal } from '../wire';
import { LiveDetector } from './live';
import type { FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';

export const MOUSEMOVE_SAMPLE_MS = 50;
export const SCROLL_SAMPLE_MS = 100;

export interface FrictionOptions {
  win: Window;
  config?: Partial<FrictionConfig> | null;
  masker: () => Masker;
  now: () => number;
  /** a final detection and the element it concerns (the document when none) */
  report: (d: Detection, target: EventTarget) => void;
  /**
   * The tab's storage (sessionStorage) and window id: the last two pages
   * are carried to the next page load of the window for quick back. Without
   * them, quick back is seen only within this document.
   */
  tab?: KV;
  window?: string;
  /**
   * True while rrweb records the page: the live detector then takes its
   * pointer samples from rrweb's own mousemove events (recorded()), the
   * ones the server sees, instead of sampling them itself.
   */
  recording?: () => boolean;
  /**
   * Queues a signal as it is, not as activity: the heatmap view summary
   * (view.ts) is sent while the page is being hidden.
   */
  add?: (s: Signal) => void;
}

interface Carry {
  w: string;
  x: FrictionInput[];
}

export interface LiveFriction {
  /** the client's own signals: pageview, track, hover and failed requests become inputs */
  signal(s: Signal): void;
  /** every rrweb event, as emitted (mousemove positions become inputs while recording) */
  recorded?(e: unknown): void;
  stop(): void;
}

/** rrweb: an IncrementalSnapshot (3) of source MouseMove (1), as friction/session.go reads it. */
interface RRMoves {
  type?: number;
  timestamp?: number;
  data?: { source?: number; positions?: Array<{ x: number; y: number; timeOffset?: number }> };
}

export function startFriction(o: FrictionOptions): LiveFriction {
  const { win, now } = o;
  const doc = win.document;
  const live = new LiveDetector({
    config: o.config,
    now,
    report: (d, t) => o.report(d, (t as EventTarget) || doc),
  });
  // The scrubbed URL, parsed again only when the page's URL changes.
  let href = '';
  let scrubbed = '';
  const url = (): string => {
    const h = win.location.href;
    if (h !== href) scrubbed = scrubURL((href = h));
    return scrubbed;
  };
  let last: FrictionInput | null = null;
  const off: Array<() => void> = [];
  const on = (target: EventTarget, type: string, fn: (e: Event) => void, opts: AddEventListenerOptions = { capture: true, passive: true }): void => {
    const h = (e: Event): void => {
      try {
        fn(e);
      } catch {
        /* never break the page */
      }
    };
    target.addEventListener(type, h, opts);
    off.push(() => target.removeEventListener(type, h, opts));
  };
  const push = (x: Omit<FrictionInput, 't' | 'url'>, target?: EventTarget | null): FrictionInput => {
    const input = { t: now(), url: url(), ...x } as FrictionInput;
    live.push(input, target || undefined);
    return (last = input);
  };
  const el = (e: Event): Element | null => {
    const t = e.target as Element | null;
    return t && t.nodeType === 1 ? t : null;
  };
  const describe = (t: Element): Pick<FrictionInput, 'selector' | 'tag' | 'type'> => {
    const tag = t.tagName.toLowerCase();
    const d: Pick<FrictionInput, 'selector' | 'tag' | 'type'> = { selector: selectorFor(t), tag };
    if (tag === 'input') d.type = ((t as HTMLInputElement).type || 'text').toLowerCase();
    return d;
  };
  // --- clicks ------------------------------------------------------------------
  // The same facts as the click signal's props (facts.ts). new_tab from a
  // window.open, native from a native dialog and navigates are settled after
  // the dispatch (a click the page passes on does not end the visitor's).
  let inClick: FrictionInput | null = null;
  off.push(
    onOpen(win, (n, el) => {
      if (inClick && el) passOn(win, el, inClick);
      else if (inClick) inClick[n ? 'native' : 'new_tab'] = true;
    }),
  );
  on(doc, 'click', (e) => {
    const raw = el(e);
    if (!raw) return;
    const ev = e as MouseEvent;
    const t = clickTarget(raw);
    const [facts, link] = clickFacts(win, t, ev);
    const x = push(
      {
        kind: 'click',
        ...describe(t),
        text: elementText(t, o.masker()) || undefined,
        x: Math.max(0, Math.round(ev.pageX) || 0),
        y: Math.max(0, Math.round(ev.pageY) || 0),
        ...facts,
      },
      t,
    );
    if (!inClick) inClick = x; // a click passed on in the dispatch is not the visitor's
    setTimeout(() => {
      if (inClick === x) inClick = null;
      if (navigates(win, x, link, ev)) x.navigates = true;
    }, 0);
  });
  on(doc, 'dblclick', (e) => {
    const ev = e as MouseEvent;
    push({ kind: 'dblclick', x: ev.pageX, y: ev.pageY }, el(e));
  });

  // --- the page answering --------------------------------------------------------
  const MO = (win as unknown as { MutationObserver?: typeof MutationObserver }).MutationObserver;
  if (MO) {
    // Only the first mutation after any other input matters (a click is
    // answered, a step changed the page), so a run of them is one input.
    const mo = new MO(() => {
      if (!last || last.kind !== 'mutation') push({ kind: 'mutation' });
    });
    mo.observe(doc, { childList: true, characterData: true, attributes: true, subtree: true });
    off.push(() => mo.disconnect());
  }
  // What rrweb records besides DOM mutations: media played or paused
  // (MediaInteraction) and a same-origin frame's new document (added nodes).
  for (const type of ['play', 'pause', 'seeked', 'volumechange', 'ratechange']) on(doc, type, () => push({ kind: 'media' }));
  on(doc, 'load', (e) => {
    const f = e.target as HTMLIFrameElement;
    if (/^I?FRAME$/.test(f.tagName) && f.contentDocument) push({ kind: 'mutation' });
  });
  on(win, 'beforeunload', () => push({ kind: 'navigation' }));
  on(win, 'hashchange', () => {
    // a route change is a pageview (from the client's signals); an anchor is a url_change
    if (!/^#!?\//.test(win.location.hash)) push({ kind: 'url_change' });
  });
  let lastScroll = -Infinity;
  on(doc, 'scroll', (e) => {
    const t = now();
    if (t - lastScroll < SCROLL_SAMPLE_MS) return;
    lastScroll = t;
    const target = e.target as Element | Document;
    const isDoc = target === doc || target === doc.documentElement || target === doc.body;
    push(
      isDoc
        ? { kind: 'scroll', scroll_y: Math.round(win.scrollY || doc.documentElement.scrollTop || 0), viewport_h: win.innerHeight }
        : { kind: 'scroll', selector: selectorFor(target as Element), scroll_y: Math.round((target as Element).scrollTop), viewport_h: win.innerHeight },
    );
  });
  on(doc, 'focusin', (e) => {
    const t = el(e);
    // Field facts carry the field; any other focus only says focus moved.
    if (t && t.matches(FIELD)) push({ kind: 'focus', ...describe(t), form: formOf(t) }, t);
    else push({ kind: 'focus' }, t);
  });
  on(doc, 'selectionchange', () => {
    const sel = win.getSelection && win.getSelection();
    push({ kind: 'selection', selected: (!!sel && !sel.isCollapsed) || undefined });
  });
  on(doc, 'input', (e) => push({ kind: 'value' }, el(e)));
  on(doc, 'change', (e) => {
    const t = el(e);
    if (!t) return;
    const type = (t.getAttribute('type') || '').toLowerCase();
    if (type === 'checkbox' || type === 'radio') push({ kind: 'value' }, t);
    const v = (t as HTMLInputElement).value;
    push({ kind: 'input', ...describe(t), form: formOf(t), empty: (typeof v === 'string' && v === '') || undefined }, t);
  });
  on(doc, 'invalid', (e) => {
    const t = el(e);
    if (t) push({ kind: 'invalid', ...describe(t), form: formOf(t) }, t);
  });
  on(doc, 'submit', (e) => {
    const t = el(e);
    if (t) push({ kind: 'submit', selector: selectorFor(t), tag: 'form' }, t);
  });
  on(win, 'error', (e) => {
    const ev = e as ErrorEvent;
    if (ev.message || ev.error) push({ kind: 'error', name: String(ev.message || 'Error').slice(0, 200) });
  });
  on(win, 'unhandledrejection', () => push({ kind: 'error', name: 'Unhandled rejection' }));
  // While rrweb records, its samples (recorded() below) are the inputs:
  // two 50 ms throttles of their own start at different moves and drift
  // apart, and on a fast shake (two or three samples per leg) different
  // samples can see a different number of reversals. Sampled the same way
  // (the first move at least MOUSEMOVE_SAMPLE_MS after the last sample) when
  // the page is not recorded.
  let lastMove = -Infinity;
  on(doc, 'mousemove', (e) => {
    if (o.recording && o.recording()) return;
    const t = now();
    if (t - lastMove < MOUSEMOVE_SAMPLE_MS) return;
    lastMove = t;
    const ev = e as MouseEvent;
    push({ kind: 'mousemove', x: ev.clientX, y: ev.clientY });
  });
  // Every pagehide ends the visit, also one into the back/forward cache
  // (persisted): the page may never be shown again, and most leaves are
  // bfcache-eligible. Pending detections (form abandonment, a rage series
  // or error click still in its window) are reported now, before the
  // client's own pagehide listener (not capturing, so it runs after this
  // one at the window) hands the last batch over. If the page is restored, the client's pageview starts a new visit:
  // nothing is reported twice, and a form submitted after the restore does
  // not undo the abandonment. The client sends a `leave` signal at every
  // pagehide too, so the server ends the visit at the same leave.
  // docs/FRICTION.md §5.
  // Quick back across page loads (docs/FRICTION.md §5): the next page load
  // of this window (a new document, or this one restored from the bfcache)
  // continues from the last two pages. Only inputs newer than this
  // document's leave are taken in: the rest this document has seen itself.
  const tab = o.tab;
  let hiddenAt = -Infinity;
  let restored = false;
  const carryIn = (): void => {
    const c = tab && readJSON<Carry>(tab, K_FRICTION);
    if (!c || c.w !== (o.window || '') || !Array.isArray(c.x)) return;
    const t = now();
    for (const x of c.x) if (x && typeof x.t === 'number' && x.t > hiddenAt && x.t <= t) live.push(x, undefined, true);
  };
  const carryOut = (): void => {
    if (tab) tab.set(K_FRICTION, JSON.stringify({ w: o.window || '', x: live.carry() } as Carry));
  };
  on(win, 'pagehide', () => {
    hiddenAt = push({ kind: 'page_leave' }).t;
    restored = true;
    carryOut();
  });

  carryIn();
  // The client's first pageview was sent before this chunk loaded.
  push({ kind: 'pageview' });
  carryOut();

  return {
    signal(s) {
      const p = (s.props || {}) as { duration?: number; status?: number; started?: number; interactive?: boolean };
      if (s.type === 'pageview') {
        // the pageview of a page restored from the bfcache: first what other page loads saw meanwhile
        if (restored) carryIn();
        restored = false;
        push({ kind: 'pageview' });
      }
      else if (s.type === 'track') push({ kind: 'track', name: s.name });
      // a hover is known when the dwell ends; its t is the dwell's start
      else if (s.type === 'hover') {
        let t: Element | null = null;
        try {
          t = doc.querySelector(s.selector || '');
        } catch {
          /* no element */
        }
        live.push((last = { t: s.ts, url: s.url, kind: 'hover', selector: s.selector, tag: s.tag, text: s.text, duration: p.duration, interactive: p.interactive }), t || undefined);
      }
      else if (s.type === 'error' && s.source === 'request') push({ kind: 'request_failed', name: s.name, status: p.status, started: p.started });
    },
    recorded(e) {
      const r = e as RRMoves;
      if (!r || r.type !== 3 || !r.data || r.data.source !== 1 || !r.data.positions || typeof r.timestamp !== 'number') return;
      const u = url();
      for (const p of r.data.positions) live.push((last = { t: r.timestamp + (p.timeOffset || 0), url: u, kind: 'mousemove', x: p.x, y: p.y }));
    },
    stop() {
      for (const f of off.splice(0)) f();
      live.stop();
      if (tab) tab.remove(K_FRICTION);
    },
  };
}
