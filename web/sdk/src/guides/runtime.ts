// The guides runtime (dist/sdk/guides.js), loaded by the hook only when
// the visitor has an eligible guide. The server decided who; this decides
// when (triggers, never while typing, one overlay at a time) and where
// (the anchor, waited for, or anchor_failed), renders in a shadow root
// positioned with Floating UI, and reports every step as guide signals.
import { autoUpdate, computePosition, flip, hide, offset, shift } from '@floating-ui/dom';
import { scrubURL } from '../context';
import { matchURL, renderBody, safeLink } from './content';
import { CSS } from './style';
import type { Eligibility, GuideButton, HostClient, ServedGuide } from './types';

const ANCHOR_WAIT = 10000;
const TYPING_MS = 1500;
type Detail = { type?: string; selector?: string };

export function startGuides(c: HostClient, e: Eligibility, win: Window): void {
  const doc = win.document;
  const ss = win.sessionStorage;
  const get = (k: string): string | null => {
    try {
      return ss.getItem(k);
    } catch {
      return null;
    }
  };
  const set = (k: string, v: string | null): void => {
    try {
      if (v === null) ss.removeItem(k);
      else ss.setItem(k, v);
    } catch {
      /* storage off: no resume */
    }
  };
  const emit = (g: ServedGuide, name: string, props?: Record<string, unknown>): void =>
    c.signal({ type: 'guide', ts: Date.now(), url: scrubURL(win.location.href), name, props: { guide_id: g.id, version: g.version, ...props } });
  // Once per session and guide: eligibility, holdout, suppression.
  const once = (g: ServedGuide, name: string, props?: Record<string, unknown>): void => {
    const k = 'tg_g_' + name + '_' + g.id;
    if (get(k) !== (c.debugState().session || '')) {
      set(k, c.debugState().session || '');
      emit(g, name, props);
    }
  };
  for (const g of e.held_out) once(g, 'guide_held_out');
  for (const g of e.suppressed) once(g, 'guide_suppressed', { reason: g.suppressed });

  let lastKey = 0;
  doc.addEventListener('keydown', () => (lastKey = Date.now()), true);
  const typing = (): boolean => {
    const a = doc.activeElement as HTMLElement | null;
    return !!a && (/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName) || a.isContentEditable) && Date.now() - lastKey < TYPING_MS;
  };

  let active: { g: ServedGuide; close: (reason: string) => void } | null = null;
  const progressKey = (g: ServedGuide): string => 'tg_gw_' + g.id;

  const findAnchor = (sel?: string, text?: string): Element | null => {
    if (sel) {
      try {
        const el = doc.querySelector(sel);
        if (el) return el;
      } catch {
        return null;
      }
    }
    if (text) {
      const all = doc.body.querySelectorAll('a,button,label,h1,h2,h3,h4,[role=button],span,div,li,p');
      for (let i = 0; i < all.length; i++) if ((all[i].textContent || '').trim() === text) return all[i];
    }
    return null;
  };
  const visible = (el: Element): boolean => {
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  // Resolves the step's anchor, waiting for it (single-page apps) up to ANCHOR_WAIT.
  const waitAnchor = (sel: string | undefined, text: string | undefined, done: (el: Element | null, reason?: string) => void): void => {
    if (sel) {
      try {
        doc.querySelector(sel);
      } catch {
        return done(null, 'bad_selector');
      }
    }
    const now = findAnchor(sel, text);
    if (now && visible(now)) return done(now);
    const mo = new MutationObserver(() => {
      const el = findAnchor(sel, text);
      if (el && visible(el)) {
        finish();
        done(el);
      }
    });
    const timer = setTimeout(() => {
      finish();
      const el = findAnchor(sel, text);
      done(null, el ? 'hidden' : 'not_found');
    }, ANCHOR_WAIT);
    const finish = (): void => {
      mo.disconnect();
      clearTimeout(timer);
    };
    mo.observe(doc.documentElement, { childList: true, subtree: true, attributes: true });
  };

  const inScope = (g: ServedGuide): boolean => !g.url_scope || !g.url_scope.length || g.url_scope.some((p) => matchURL(p, win.location.href));

  /** Show step i of g (deferred while the visitor types). */
  const show = (g: ServedGuide, i: number, trigger: string, anchorEl?: Element | null): void => {
    const steps = g.steps || [];
    const step = steps[i];
    if (!step || !inScope(g) || (active && active.g !== g)) return;
    if (step.page && !matchURL(step.page, win.location.href)) return; // a later page of the walkthrough
    if (typing()) return void setTimeout(() => show(g, i, trigger, anchorEl), 500);
    const needsAnchor = g.type !== 'modal' && (step.selector || step.text);
    const render = (anchor: Element | null): void => {
      if (active && active.g === g) active.close('');
      if (active) return;
      if (g.type === 'walkthrough') set(progressKey(g), String(i));
      if (i === 0 && get('tg_g_shown_' + g.id) !== c.debugState().session) {
        set('tg_g_shown_' + g.id, c.debugState().session || '');
        emit(g, 'guide_shown', { trigger });
      }
      emit(g, 'step_shown', { step: i });
      if (g.type === 'hotspot' && anchor) return beacon(g, anchor);
      overlay(g, i, anchor);
    };
    if (!needsAnchor) return render(null);
    if (anchorEl && anchorEl.isConnected && (!step.selector || safeMatches(anchorEl, step.selector))) return render(anchorEl);
    waitAnchor(step.selector, step.text, (el, reason) => {
      if (el) render(el);
      else emit(g, 'anchor_failed', { step: i, reason, selector: step.selector || '' });
    });
  };

  const safeMatches = (el: Element, sel: string): boolean => {
    try {
      return el.matches(sel);
    } catch {
      return false;
    }
  };

  const mount = (): { host: HTMLElement; root: ShadowRoot } => {
    const host = doc.createElement('div');
    host.setAttribute('data-tg-guide', '');
    host.setAttribute('data-tg-no-rage', '');
    host.style.cssText = 'position:absolute;top:0;left:0;z-index:2147483646';
    const root = host.attachShadow({ mode: 'open' });
    const st = doc.createElement('style');
    st.textContent = CSS;
    root.appendChild(st);
    doc.body.appendChild(host);
    return { host, root };
  };

  const beacon = (g: ServedGuide, anchor: Element): void => {
    const { host, root } = mount();
    const b = doc.createElement('button');
    b.className = 'beacon';
    b.setAttribute('aria-label', (g.steps && g.steps[0].title) || 'Open tip');
    root.appendChild(b);
    const stop = autoUpdate(anchor, b, () =>
      computePosition(anchor, b, { placement: 'right-start', strategy: 'fixed', middleware: [offset(-8), hide()] }).then((p) => {
        Object.assign(b.style, { left: p.x + 'px', top: p.y + 'px', visibility: p.middlewareData.hide && p.middlewareData.hide.referenceHidden ? 'hidden' : '' });
      }),
    );
    const close = (): void => {
      stop();
      host.remove();
      if (active && active.g === g) active = null;
    };
    active = { g, close };
    b.onclick = () => {
      close();
      overlay(g, 0, anchor);
    };
  };

  const overlay = (g: ServedGuide, i: number, anchor: Element | null): void => {
    const steps = g.steps || [];
    const step = steps[i];
    const { host, root } = mount();
    const modal = !anchor;
    const back = doc.createElement('div');
    if (modal) {
      back.className = 'backdrop';
      root.appendChild(back);
    }
    const box = doc.createElement('div');
    box.className = 'box ' + (modal ? 'modal' : 'tip');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', modal ? 'true' : 'false');
    const id = 'tg-g-' + g.id + '-' + i;
    box.setAttribute('aria-labelledby', id + '-t');
    box.setAttribute('aria-describedby', id + '-b');
    box.tabIndex = -1;
    const x = doc.createElement('button');
    x.className = 'x';
    x.setAttribute('aria-label', 'Close');
    x.textContent = '×';
    box.appendChild(x);
    const img = safeLink(step.image);
    if (img && /^https?:/.test(img)) {
      const im = doc.createElement('img');
      im.src = img;
      im.alt = '';
      box.appendChild(im);
    }
    const h = doc.createElement('h2');
    h.id = id + '-t';
    h.textContent = step.title;
    box.appendChild(h);
    const body = doc.createElement('div');
    body.id = id + '-b';
    body.className = 'body';
    body.appendChild(renderBody(step.body || '', doc));
    box.appendChild(body);
    const bar = doc.createElement('div');
    bar.className = 'bar';
    if (steps.length > 1) {
      const n = doc.createElement('span');
      n.className = 'n';
      n.textContent = i + 1 + ' / ' + steps.length;
      bar.appendChild(n);
    }
    let buttons: GuideButton[] = step.buttons && step.buttons.length ? step.buttons : [];
    if (!buttons.length) {
      if (i > 0) buttons.push({ label: 'Back', action: 'back' });
      buttons.push(i < steps.length - 1 ? { label: 'Next', action: 'next' } : { label: steps.length > 1 ? 'Done' : 'Got it', action: 'done' });
    }
    const btns: HTMLButtonElement[] = [];
    for (const b of buttons) {
      const el = doc.createElement('button');
      el.textContent = b.label;
      el.className = b === buttons[buttons.length - 1] ? 'pri' : 'sec';
      el.onclick = () => act(b);
      bar.appendChild(el);
      btns.push(el);
    }
    box.appendChild(bar);
    if (!modal) {
      const arrow = doc.createElement('div');
      arrow.className = 'arrow';
      box.appendChild(arrow);
    }
    root.appendChild(box);

    const before = doc.activeElement as HTMLElement | null;
    let stop = (): void => undefined;
    if (anchor) {
      stop = autoUpdate(anchor, box, () =>
        computePosition(anchor, box, {
          placement: step.placement || 'bottom',
          strategy: 'fixed',
          middleware: [offset(10), flip(), shift({ padding: 8 }), hide()],
        }).then((p) => {
          const hidden = p.middlewareData.hide && p.middlewareData.hide.referenceHidden;
          Object.assign(box.style, { left: p.x + 'px', top: p.y + 'px', visibility: hidden ? 'hidden' : '' });
          box.setAttribute('data-placement', p.placement);
        }),
      );
    }
    const close = (reason: string): void => {
      stop();
      host.remove();
      active = null;
      if (reason) emit(g, 'guide_dismissed', { reason, step: i });
      if (before && before.focus && before.isConnected) before.focus();
    };
    active = { g, close };
    const end = (completed: boolean): void => {
      set(progressKey(g), null);
      if (completed) {
        emit(g, 'step_completed', { step: i });
        emit(g, 'guide_completed');
        close('');
      } else close('close');
    };
    const act = (b: GuideButton): void => {
      switch (b.action) {
        case 'next':
          emit(g, 'step_completed', { step: i });
          close('');
          if (i + 1 < steps.length) {
            set(progressKey(g), String(i + 1));
            show(g, i + 1, 'next');
          }
          return;
        case 'back':
          close('');
          if (i > 0) show(g, i - 1, 'back');
          return;
        case 'link': {
          const u = safeLink(b.url);
          if (u) win.open(u, '_blank', 'noopener');
          return end(true);
        }
        case 'action': {
          const acts = (win as unknown as { trailguideActions?: Record<string, (d: unknown) => void> }).trailguideActions;
          try {
            if (acts && b.name && typeof acts[b.name] === 'function') acts[b.name]({ guide: g.id, step: i });
          } catch {
            /* the host's action failed: still complete */
          }
          win.dispatchEvent(new CustomEvent('trailguide:action', { detail: { name: b.name, guide: g.id, step: i } }));
          return end(true);
        }
        default:
          return end(true);
      }
    };
    x.onclick = () => end(false);
    if (modal) back.onclick = () => end(false);
    box.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        set(progressKey(g), null);
        close('escape');
      } else if (ev.key === 'Tab') {
        const f: HTMLElement[] = [x, ...Array.prototype.slice.call(body.querySelectorAll('a[href]')), ...btns];
        const cur = f.indexOf(root.activeElement as HTMLElement);
        ev.preventDefault();
        f[(cur + (ev.shiftKey ? -1 : 1) + f.length) % f.length].focus();
      }
    });
    (btns[btns.length - 1] || box).focus();
  };

  // Triggers, by priority (the server sorted them).
  for (const g of e.guides) {
    once(g, 'guide_eligible');
    const t = g.trigger;
    const resume = get(progressKey(g));
    if (g.type === 'walkthrough' && resume !== null) {
      show(g, +resume || 0, 'resume');
      continue;
    }
    switch (t.type) {
      case 'click':
        doc.addEventListener(
          'click',
          (ev) => {
            const el = ev.target instanceof Element && t.selector ? ev.target.closest(t.selector) : null;
            if (el) show(g, 0, 'click', el);
          },
          true,
        );
        break;
      case 'event':
        c.on('signal', (s) => {
          const sig = s as { type?: string; name?: string };
          if (sig && sig.type === 'track' && sig.name === t.event) show(g, 0, 'event');
        });
        if (t.event) win.addEventListener(t.event, () => show(g, 0, 'event'));
        break;
      case 'time_on_page':
        setTimeout(() => show(g, 0, 'time_on_page'), (t.seconds || 0) * 1000);
        break;
      case 'friction': {
        const kinds = t.friction && t.friction.length ? t.friction : ['rage_click', 'dead_click', 'error_click'];
        doc.addEventListener('trailguide:friction', (ev) => {
          const d = (ev as CustomEvent<Detail>).detail || {};
          const el = ev.target instanceof Element ? ev.target : null;
          if (!d.type || kinds.indexOf(d.type) < 0) return;
          const sel = t.selector || (g.steps && g.steps[0].selector) || '';
          const on = el && sel ? el.closest(sel) : null;
          if (on || (sel && d.selector === sel)) show(g, 0, 'friction:' + d.type, on);
        });
        break;
      }
      default:
        show(g, 0, 'page_load');
    }
  }
}
