// Analytics signals captured from the page: pageviews (including SPA route
// changes), clicks, scroll depth, form submits, input changes (never values)
// and JS errors, plus the facts of the friction spec (docs/FRICTION.md §1):
// click props, form fields, hovers, failed requests, page leave and bfcache
// restores. Each becomes a wire Signal handed to `emit`.
import { scrubURL } from './context';
import { type ClickFacts, clickFacts, FIELD, formOf, INTERACTIVE, isInteractive, navigates, onOpen, passOn } from './facts';
import { type Masker, scrubPII } from './mask';
import { watchRequests } from './requests';
import { clickTarget, elementText, selectorFor } from './selector';
import type { Signal } from './wire';

export const SCROLL_THROTTLE_MS = 250;
export const SCROLL_STEP = 5;
const MAX_STACK = 4000;
const MAX_MESSAGE = 500;
/** A hover is a dwell of at least this long on an interactive element (ms). */
export const HOVER_MIN_MS = 1000;
/** Pointer exits shorter than this are merged into the dwell (ms). */
export const HOVER_GAP_MS = 500;
/** Pointer crossings are run through the dwell logic at most this often (ms); see startSignals. */
export const HOVER_DRAIN_MS = 300;

export interface SignalOptions {
  win: Window;
  masker: () => Masker;
  emit: (s: Signal) => void;
  now: () => number;
  /** called before a pageview for a new URL (SPA navigation) */
  onNavigate?: () => void;
  /** requests to URLs starting with this (the SDK's own) are never reported */
  ignore?: string;
}

export interface Signals {
  /** page hidden: emit the pending click, hover and scroll depth; `gone` (pagehide, also into the bfcache) adds a `leave` */
  leave(gone?: boolean): void;
  /** emit the click whose dispatch is still running, so that signals stay in order */
  settle(): void;
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

/** The click signal and the link whose navigation is decided after dispatch (props.navigates). */
export function clickSignal(ev: MouseEvent, win: Window, masker: Masker, now: number): [Signal, HTMLAnchorElement | null] | null {
  const t = ev.target as Element | null;
  if (!t || t.nodeType !== 1) return null;
  const el = clickTarget(t);
  const [props, link] = clickFacts(win, el, ev);
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
  if (Object.keys(props).length) s.props = props;
  return [s, link];
}

export function errorSignal(message: string, err: unknown, source: string, url: string, now: number, masker: Masker): Signal {
  const s: Signal = { type: 'error', ts: now, url, name: scrubPII(String(message || 'Error').slice(0, MAX_MESSAGE)) };
  const stack = err && typeof (err as Error).stack === 'string' ? (err as Error).stack : '';
  if (stack) s.stack = scrubPII(stack.slice(0, MAX_STACK));
  if (source) s.source = source;
  return s;
}

export function startSignals(o: SignalOptions): Signals {
  const { win, now } = o;
  const emit = (s: Signal): void => {
    settle();
    o.emit(s);
  };
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
  // a page restored from the back/forward cache is a new view of it
  on(win, 'pageshow', (e) => {
    if ((e as PageTransitionEvent).persisted) {
      page = lastHref = '';
      pageview();
    }
  });

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
  const leave = (gone?: boolean): void => {
    settle();
    drain();
    endHover();
    measure();
    sendScroll();
    if (gone) emit({ type: 'leave', ts: now(), url: url() });
  };

  // --- clicks --------------------------------------------------------------------
  // The click is sent once its dispatch is over (props.navigates reads
  // defaultPrevented, props.new_tab a window.open from a handler, props.native
  // a native dialog, and an el.click() the handler passes the click on with
  // adds what that opens), or as soon as another signal is sent, so that it
  // stays first.
  let pending: [Signal, HTMLAnchorElement | null, MouseEvent] | null = null;
  const settle = (): void => {
    const c = pending;
    if (!c) return;
    pending = null;
    const p = (c[0].props || {}) as ClickFacts;
    if (navigates(win, p, c[1], c[2])) p.navigates = true;
    if (Object.keys(p).length) c[0].props = p;
    o.emit(c[0]);
  };
  off.push(
    onOpen(win, (n, el) => {
      if (!pending) return;
      const p = (pending[0].props = pending[0].props || {}) as ClickFacts;
      if (el) passOn(win, el, p);
      else p[n ? 'native' : 'new_tab'] = true;
    }),
  );
  on(
    doc,
    'click',
    (e) => {
      settle();
      drain();
      if (hv && !hv.sel) hv.sel = selectorFor(hv.el);
      const c = clickSignal(e as MouseEvent, win, o.masker(), now());
      if (c) {
        pending = [c[0], c[1], e as MouseEvent];
        setTimeout(settle, 0);
      }
    },
    { capture: true, passive: true },
  );

  // --- hovers: dwells ≥ HOVER_MIN_MS on an interactive element (props.interactive) ---
  // Pointer crossings are only queued, with their time (no DOM work in the
  // event handler: the pointer crosses elements many times a second), and
  // run through the dwell logic at most every HOVER_DRAIN_MS, at the next
  // click, leave or stop, or when a gap timer runs out. Whether an element is
  // interactive is decided then, once per element per run: reading its
  // computed cursor in the event handler would force the style
  // recalculation that the :hover change has just made necessary, once per
  // crossing; later it is one recalculation for the whole queue at most.
  // The selector is taken when the dwell ends, or at a click during it,
  // before the page's handlers see the click: a click may change the
  // element's classes (a ticked checklist item), and the detector matches
  // the dwell to that click by selector. Most dwells are too short to
  // need one.
  let hv: { el: Element; sel: string; t: number; out: number; timer?: ReturnType<typeof setTimeout> } | null = null;
  const endHover = (end?: number): void => {
    const h = hv;
    if (!h) return;
    hv = null;
    clearTimeout(h.timer);
    const d = (h.out || end || now()) - h.t;
    if (d < HOVER_MIN_MS) return;
    const s: Signal = { type: 'hover', ts: h.t, url: url(), selector: h.sel || selectorFor(h.el), tag: h.el.tagName.toLowerCase(), props: { duration: d, interactive: true } };
    const text = elementText(h.el, o.masker());
    if (text) s.text = text;
    emit(s);
  };
  // [over (the target) or out (the relatedTarget), time]
  let crossings: Array<[Element | null, Node | null, number]> = [];
  let drainer: ReturnType<typeof setTimeout> | undefined;
  const drain = (): void => {
    clearTimeout(drainer);
    drainer = undefined;
    // the element a crossing of t is about (its interactive ancestor, or
    // itself when it looks clickable), or null: decided once per run
    const seen = new Map<Element, Element | null>();
    for (const [t, rel, at] of crossings.splice(0)) {
      if (t) {
        let el = seen.get(t);
        if (el === undefined) {
          // without an interactive ancestor, t is its own clickTarget
          // an option is its select (clickTarget)
          el = t.closest('select') || t.closest(INTERACTIVE) || (isInteractive(win, t) ? t : null);
          // a <label> is a caption: a pointer parked on it is not weighing a click, unless it looks clickable
          if (el && el.tagName === 'LABEL' && win.getComputedStyle(el).cursor !== 'pointer') el = null;
          seen.set(t, el);
        }
        if (hv && el === hv.el) {
          clearTimeout(hv.timer);
          hv.out = 0;
        } else if (el) {
          endHover(at);
          hv = { el, sel: '', t: at, out: 0 };
        }
      } else if (hv && !hv.out && !(rel && hv.el.contains(rel))) {
        hv.out = at;
        // the gap runs from the exit; a crossing queued since may still cancel it
        hv.timer = setTimeout(() => {
          drain();
          if (hv && hv.out === at) endHover();
        }, at + HOVER_GAP_MS - now());
      }
    }
  };
  const cross = (t: Element | null, rel: Node | null): void => {
    crossings.push([t, rel, now()]);
    drainer = drainer || setTimeout(drain, HOVER_DRAIN_MS);
  };
  on(
    doc,
    'pointerover',
    (e) => {
      const t = e.target as Element;
      if ((e as PointerEvent).pointerType !== 'touch' && t && t.nodeType === 1) cross(t, null);
    },
    { capture: true, passive: true },
  );
  on(doc, 'pointerout', (e) => (hv || crossings.length) && cross(null, (e as PointerEvent).relatedTarget as Node | null), { capture: true, passive: true });

  // --- submits, changes, form fields, errors, failed requests -----------------------
  const field = (name: string, e: Event): void => {
    const f = e.target as Element | null;
    if (!f || f.nodeType !== 1 || !f.matches(FIELD)) return;
    const s: Signal = { type: 'field', ts: now(), url: url(), name, selector: selectorFor(f), tag: f.tagName.toLowerCase() };
    const form = formOf(f);
    if (form) s.props = { form };
    emit(s);
  };
  on(doc, 'focusin', (e) => field('focus', e), { capture: true, passive: true });
  on(doc, 'invalid', (e) => field('invalid', e), { capture: true, passive: true });
  off.push(
    watchRequests(
      win,
      now,
      (u) => !!o.ignore && u.indexOf(o.ignore) === 0,
      (m, u, status, started) => {
        const s = errorSignal(m + ' ' + new URL(scrubURL(u)).pathname, null, 'request', url(), now(), o.masker());
        s.props = { status, started };
        emit(s);
      },
    ),
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
      // selector and tag, the form and whether it is now empty: never the value, not even its length
      if (!f || f.nodeType !== 1) return;
      const s: Signal = { type: 'input', ts: now(), url: url(), selector: selectorFor(f), tag: f.tagName.toLowerCase() };
      const form = formOf(f);
      const v = (f as HTMLInputElement).value;
      const p: Record<string, unknown> = {};
      if (form) p.form = form;
      if (v === '') p.empty = true;
      if (form || v === '') s.props = p;
      emit(s);
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
    settle,
    restart() {
      page = '';
      pageview();
    },
    stop() {
      if (trailing !== undefined) clearTimeout(trailing);
      pending = null;
      crossings = [];
      drain();
      if (hv) clearTimeout(hv.timer);
      hv = null;
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
