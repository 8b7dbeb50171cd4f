// Analytics signals captured from the page: pageviews (including SPA route
// changes), clicks, scroll depth, form submits, input changes (never values)
// and JS errors. Each becomes a wire Signal handed to `emit`.
import { scrubURL } from './context';
import { type Masker, scrubPII } from './mask';
import { clickTarget, elementText, selectorFor } from './selector';
import type { Signal } from './wire';

export const SCROLL_THROTTLE_MS = 250;
export const SCROLL_STEP = 5;
const MAX_STACK = 4000;
const MAX_MESSAGE = 500;

export interface SignalOptions {
  win: Window;
  masker: () => Masker;
  emit: (s: Signal) => void;
  now: () => number;
  /** called before a pageview for a new URL (SPA navigation) */
  onNavigate?: () => void;
}

export interface Signals {
  /** emit the pending scroll depth (page leave) */
  leave(): void;
  /** a new session started on this page: emit its pageview */
  restart(): void;
  stop(): void;
}

/** What counts as "another page": path, query and hash routes, not in-page anchors. */
export function pageKey(href: string): string {
  try {
    const u = new URL(href);
    const route = /^#!?\//.test(u.hash) ? u.hash : '';
    return u.origin + u.pathname + u.search + route;
  } catch {
    return href;
  }
}

function clampInt(n: number): number {
  return Math.max(0, Math.round(n) || 0);
}

export function scrollDepth(win: Window): { depth: number; y: number } {
  const doc = win.document.documentElement;
  const body = win.document.body;
  const height = Math.max(doc ? doc.scrollHeight : 0, body ? body.scrollHeight : 0, win.innerHeight);
  const y = win.scrollY || (doc ? doc.scrollTop : 0) || 0;
  const depth = height > 0 ? Math.min(100, ((y + win.innerHeight) / height) * 100) : 100;
  return { depth: clampInt(depth), y: clampInt(y) };
}

export function clickSignal(ev: MouseEvent, win: Window, masker: Masker, now: number): Signal | null {
  const t = ev.target as Element | null;
  if (!t || t.nodeType !== 1) return null;
  const el = clickTarget(t);
  const r = el.getBoundingClientRect();
  const s: Signal = {
    type: 'click',
    ts: now,
    url: scrubURL(win.location.href),
    selector: selectorFor(el),
    tag: el.tagName.toLowerCase(),
    x: clampInt(ev.pageX),
    y: clampInt(ev.pageY),
    ex: clampInt(ev.clientX - r.left),
    ey: clampInt(ev.clientY - r.top),
    ew: clampInt(r.width),
    eh: clampInt(r.height),
    vw: win.innerWidth | 0,
    vh: win.innerHeight | 0,
  };
  const text = elementText(el, masker);
  if (text) s.text = text;
  return s;
}

export function errorSignal(message: string, err: unknown, source: string, url: string, now: number, masker: Masker): Signal {
  const scrub = masker.mode === 'relaxed' ? (s: string) => s : scrubPII;
  const s: Signal = { type: 'error', ts: now, url, name: scrub(String(message || 'Error').slice(0, MAX_MESSAGE)) };
  const stack = err && typeof (err as Error).stack === 'string' ? (err as Error).stack : '';
  if (stack) s.stack = scrub(stack.slice(0, MAX_STACK));
  if (source) s.source = source;
  return s;
}

export function startSignals(o: SignalOptions): Signals {
  const { win, emit, now } = o;
  const doc = win.document;
  const url = (): string => scrubURL(win.location.href);
  const off: Array<() => void> = [];
  const on = <K extends string>(target: EventTarget, type: K, fn: (e: Event) => void, opts?: AddEventListenerOptions): void => {
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

  // --- pageviews -----------------------------------------------------------
  let page = '';
  let lastHref = doc.referrer;
  let maxDepth = 0;
  let sentDepth = 0;
  let sentY = 0;
  let maxY = 0;
  const pageview = (): void => {
    const href = win.location.href;
    const key = pageKey(href);
    if (key === page) return;
    if (page) {
      leave();
      o.onNavigate && o.onNavigate();
    }
    page = key;
    maxDepth = sentDepth = maxY = sentY = 0;
    const s: Signal = { type: 'pageview', ts: now(), url: scrubURL(href) };
    const title = doc.title ? o.masker().text(doc.title.slice(0, 200), null) : '';
    if (title) s.title = title;
    const ref = scrubURL(lastHref);
    if (ref) s.referrer = ref;
    lastHref = href;
    emit(s);
    measure();
  };

  const hist = win.history;
  const wrap = (name: 'pushState' | 'replaceState'): void => {
    const orig = hist[name];
    const patched = function (this: History, ...args: Parameters<History['pushState']>) {
      const r = orig.apply(this, args);
      try {
        pageview();
      } catch {
        /* ignore */
      }
      return r;
    };
    hist[name] = patched;
    off.push(() => {
      if (hist[name] === patched) hist[name] = orig;
    });
  };
  wrap('pushState');
  wrap('replaceState');
  on(win, 'popstate', () => pageview());
  on(win, 'hashchange', () => pageview());

  // --- scroll depth ----------------------------------------------------------
  let lastMeasure = 0;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  const measure = (): void => {
    const d = scrollDepth(win);
    if (d.depth > maxDepth) maxDepth = d.depth;
    if (d.y > maxY) maxY = d.y;
  };
  const sendScroll = (): void => {
    if (maxDepth > sentDepth) {
      sentDepth = maxDepth;
      sentY = maxY;
      emit({ type: 'scroll', ts: now(), url: url(), depth: maxDepth, scroll_y: sentY });
    }
  };
  const onScroll = (): void => {
    const t = now();
    if (t - lastMeasure < SCROLL_THROTTLE_MS) {
      if (trailing === undefined)
        trailing = setTimeout(() => {
          trailing = undefined;
          onScroll();
        }, SCROLL_THROTTLE_MS);
      return;
    }
    lastMeasure = t;
    measure();
    if (maxDepth - sentDepth >= SCROLL_STEP) sendScroll();
  };
  on(win, 'scroll', onScroll, { passive: true, capture: true });
  const leave = (): void => {
    measure();
    sendScroll();
  };

  // --- clicks, submits, changes, errors --------------------------------------
  on(
    doc,
    'click',
    (e) => {
      const s = clickSignal(e as MouseEvent, win, o.masker(), now());
      if (s) emit(s);
    },
    { capture: true, passive: true },
  );
  on(
    doc,
    'submit',
    (e) => {
      const f = e.target as Element | null;
      if (f && f.nodeType === 1) emit({ type: 'submit', ts: now(), url: url(), selector: selectorFor(f), tag: f.tagName.toLowerCase() });
    },
    { capture: true },
  );
  on(
    doc,
    'change',
    (e) => {
      const f = e.target as Element | null;
      // selector and tag only: never the value, not even its length
      if (f && f.nodeType === 1) emit({ type: 'input', ts: now(), url: url(), selector: selectorFor(f), tag: f.tagName.toLowerCase() });
    },
    { capture: true },
  );
  on(win, 'error', (e) => {
    const ev = e as ErrorEvent;
    if (!ev.message && !ev.error) return; // resource load errors
    const src = ev.filename ? `${scrubURL(ev.filename) || ev.filename}:${ev.lineno | 0}:${ev.colno | 0}` : '';
    emit(errorSignal(ev.message, ev.error, src, url(), now(), o.masker()));
  });
  on(win, 'unhandledrejection', (e) => {
    const r = (e as PromiseRejectionEvent).reason;
    const msg = r instanceof Error ? r.message || String(r) : typeof r === 'string' ? r : safeJSON(r);
    emit(errorSignal('Unhandled rejection: ' + msg, r, 'unhandledrejection', url(), now(), o.masker()));
  });

  pageview();

  return {
    leave,
    restart() {
      page = '';
      pageview();
    },
    stop() {
      if (trailing !== undefined) clearTimeout(trailing);
      for (const f of off.splice(0)) f();
    },
  };
}

function safeJSON(v: unknown): string {
  try {
    return JSON.stringify(v) || String(v);
  } catch {
    return String(v);
  }
}
