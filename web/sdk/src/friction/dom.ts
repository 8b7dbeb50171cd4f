// Builds FrictionInputs from DOM listeners as things happen (the "SDK
// (live)" column of docs/FRICTION.md §1) and feeds them to a LiveDetector.
// pageview and track inputs come from the client's own signals (signal()),
// so that SPA route changes are decided in one place (signals.ts).
import { scrubURL } from '../context';
import type { Masker } from '../mask';
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
}

export interface LiveFriction {
  /** the client's own signals: pageview and track become inputs */
  signal(s: Signal): void;
  stop(): void;
}

const ROLES = ['button', 'link', 'menuitem', 'tab', 'checkbox', 'switch', 'option'];
const TEXT_TYPES = ['text', 'email', 'search', 'tel', 'url', 'password', 'number', ''];
const FIELD = 'input,select,textarea,[contenteditable]:not([contenteditable="false"])';
const SAME_TAB = ['', '_self', '_parent', '_top'];

const noHash = (u: string): string => u.replace(/#.*$/, '');

export function startFriction(o: FrictionOptions): LiveFriction {
  const { win, now } = o;
  const doc = win.document;
  const live = new LiveDetector({
    config: o.config,
    now,
    report: (d, t) => o.report(d, (t as EventTarget) || doc),
  });
  const url = (): string => scrubURL(win.location.href);
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
    return input;
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
  const formOf = (t: Element): string | undefined => {
    const f = (t as HTMLInputElement).form || t.closest('form');
    return f ? selectorFor(f) : undefined;
  };
  const textEntry = (t: Element): boolean =>
    (t.tagName === 'INPUT' && TEXT_TYPES.includes((t.getAttribute('type') || '').toLowerCase())) ||
    t.tagName === 'TEXTAREA' ||
    (t as HTMLElement).isContentEditable === true;

  // --- clicks ------------------------------------------------------------------
  on(doc, 'click', (e) => {
    const raw = el(e);
    if (!raw) return;
    const ev = e as MouseEvent;
    const t = clickTarget(raw);
    const role = t.getAttribute('role') || '';
    let pointer = false;
    try {
      pointer = win.getComputedStyle(t).cursor === 'pointer';
    } catch {
      /* detached */
    }
    const link = t.closest('a[href]') as HTMLAnchorElement | null;
    const form = (t as HTMLButtonElement).form || null;
    const newTab =
      (!!link && !SAME_TAB.includes(link.target.toLowerCase())) ||
      (!!form && /^(submit)?$/.test((t.getAttribute('type') || 'submit').toLowerCase()) && !SAME_TAB.includes((form.getAttribute('target') || '').toLowerCase()));
    const x = push(
      {
        kind: 'click',
        ...describe(t),
        text: elementText(t, o.masker()) || undefined,
        x: Math.max(0, Math.round(ev.pageX) || 0),
        y: Math.max(0, Math.round(ev.pageY) || 0),
        interactive: !!(t.matches(FIELD + ',a,button,label,summary,option,[onclick]') || ROLES.includes(role) || pointer) || undefined,
        new_tab: newTab || undefined,
        download: !!t.closest('a[download]') || undefined,
        modifier: !!(ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || ev.button) || undefined,
        no_rage: !!t.closest('[data-tg-no-rage]') || undefined,
        text_entry: textEntry(t) || undefined,
      },
      t,
    );
    // navigates is read after dispatch, from defaultPrevented.
    if (link && !newTab && !x.download && !x.modifier) {
      const href = link.href;
      setTimeout(() => {
        if (!ev.defaultPrevented && noHash(href) !== noHash(win.location.href)) x.navigates = true;
      }, 0);
    }
  });
  on(doc, 'dblclick', (e) => {
    const ev = e as MouseEvent;
    push({ kind: 'dblclick', x: ev.pageX, y: ev.pageY }, el(e));
  });

  // --- the page answering --------------------------------------------------------
  const MO = (win as unknown as { MutationObserver?: typeof MutationObserver }).MutationObserver;
  if (MO) {
    const mo = new MO(() => push({ kind: 'mutation' }));
    mo.observe(doc, { childList: true, characterData: true, attributes: true, subtree: true });
    off.push(() => mo.disconnect());
  }
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
  let lastMove = -Infinity;
  on(doc, 'mousemove', (e) => {
    const t = now();
    if (t - lastMove < MOUSEMOVE_SAMPLE_MS) return;
    lastMove = t;
    const ev = e as MouseEvent;
    push({ kind: 'mousemove', x: ev.clientX, y: ev.clientY });
  });
  on(win, 'pagehide', (e) => {
    if (!(e as PageTransitionEvent).persisted) push({ kind: 'page_leave' });
  });

  // The client's first pageview was sent before this chunk loaded.
  push({ kind: 'pageview' });

  return {
    signal(s) {
      if (s.type === 'pageview') push({ kind: 'pageview' });
      else if (s.type === 'track') push({ kind: 'track', name: s.name });
    },
    stop() {
      for (const f of off.splice(0)) f();
      live.stop();
    },
  };
}
