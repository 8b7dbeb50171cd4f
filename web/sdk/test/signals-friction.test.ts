// The facts the friction spec adds to the signals (docs/FRICTION.md §1):
// click props, input form/empty, field and hover signals, leave and bfcache
// pageviews, failed requests. Fake DOM events in, the signals that would
// leave the browser out.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { navigates } from '../src/facts';
import { createMasker } from '../src/mask';
import { watchRequests } from '../src/requests';
import { HOVER_GAP_MS, startSignals, type Signals } from '../src/signals';
import type { Signal } from '../src/wire';

let got: Signal[];
let s: Signals;
let t: number;
const masker = createMasker({ mode: 'balanced', mask_selectors: [], block_selectors: [] });
const URL0 = 'http://localhost:3000/start';

beforeEach(() => {
  vi.useFakeTimers();
  history.replaceState(null, '', '/start');
  document.body.innerHTML = '';
  got = [];
  t = 1_000_000;
  s = startSignals({ win: window, masker: () => masker, emit: (x) => got.push(x), now: () => t, ignore: 'https://tg.example/ingest/' });
  got.length = 0; // the first pageview
});
afterEach(() => {
  s.stop();
  vi.useRealTimers();
});

const of = (type: string) => got.filter((g) => g.type === type);
const click = (el: Element, init: MouseEventInit = {}): MouseEvent => {
  const ev = new MouseEvent('click', { bubbles: true, cancelable: true, ...init });
  const stay = (e: Event) => e.preventDefault(); // happy-dom would follow links
  window.addEventListener('click', stay, { once: true });
  el.dispatchEvent(ev);
  vi.advanceTimersByTime(0); // the dispatch is over
  return ev;
};
const clickProps = (el: Element, init?: MouseEventInit) => {
  click(el, init);
  return of('click').pop()!.props;
};
const q = (sel: string) => document.querySelector(sel)!;

describe('click props', () => {
  test('text fields: text_entry, interactive and the input type', () => {
    document.body.innerHTML =
      '<input id="a"><input id="b" type="email"><input id="c" type="checkbox"><textarea id="d"></textarea><div id="e" contenteditable="true">x</div><input id="f" type="date">';
    expect(clickProps(q('#a'))).toEqual({ type: 'text', interactive: true, text_entry: true });
    expect(clickProps(q('#b'))).toEqual({ type: 'email', interactive: true, text_entry: true });
    expect(clickProps(q('#c'))).toEqual({ type: 'checkbox', interactive: true });
    expect(clickProps(q('#d'))).toEqual({ interactive: true, text_entry: true });
    const ce = q('#e') as HTMLElement;
    if (ce.isContentEditable === undefined) Object.defineProperty(ce, 'isContentEditable', { value: true });
    expect(clickProps(ce)).toEqual({ interactive: true, text_entry: true });
    expect(clickProps(q('#f'))).toEqual({ type: 'date', interactive: true });
  });

  test('plain elements send no props; roles, [onclick] and cursor: pointer are interactive', () => {
    document.body.innerHTML = '<p id="p">text</p><div id="r" role="tab">t</div><div id="o" onclick="">o</div><div id="c" style="cursor: pointer">c</div>';
    click(q('#p'));
    expect(of('click').pop()).not.toHaveProperty('props');
    expect(clickProps(q('#r'))).toEqual({ interactive: true });
    expect(clickProps(q('#o'))).toEqual({ interactive: true });
    expect(clickProps(q('#c'))).toEqual({ interactive: true });
  });

  test('new_tab (target=_blank link, form target, window.open in a handler), download, modifier, no_rage', () => {
    document.body.innerHTML =
      '<a id="blank" href="/x" target="_blank">x</a><a id="dl" href="/f.pdf" download>f</a>' +
      '<form target="_blank"><button id="sub">go</button><button id="plain" type="button">b</button></form>' +
      '<div data-tg-no-rage><button id="step" type="button">+</button></div><button id="pop" type="button">pop</button>';
    expect(clickProps(q('#blank'))).toMatchObject({ new_tab: true });
    expect(clickProps(q('#dl'))).toEqual({ interactive: true, download: true });
    expect(clickProps(q('#sub'))).toEqual({ interactive: true, new_tab: true });
    expect(clickProps(q('#plain'))).toEqual({ interactive: true });
    expect(clickProps(q('#step'))).toEqual({ interactive: true, no_rage: true });
    expect(clickProps(q('#plain'), { ctrlKey: true })).toEqual({ interactive: true, modifier: true });
    expect(clickProps(q('#plain'), { button: 1 })).toEqual({ interactive: true, modifier: true });
    const open = vi.fn(() => null);
    const orig = window.open;
    window.open = open;
    try {
      s.stop();
      s = startSignals({ win: window, masker: () => masker, emit: (x) => got.push(x), now: () => t });
      q('#pop').addEventListener('click', () => window.open('https://elsewhere.example/'));
      expect(clickProps(q('#pop'))).toEqual({ interactive: true, new_tab: true });
      expect(open).toHaveBeenCalledWith('https://elsewhere.example/'); // still opens
      expect(clickProps(q('#plain'))).toEqual({ interactive: true }); // only within its own click
    } finally {
      s.stop();
      window.open = orig;
    }
  });

  test('native (a native dialog in a handler) and what a click passed on with el.click() opens', () => {
    document.body.innerHTML = '<button id="discard" type="button">d</button><button id="upload" type="button">u</button><input id="file" type="file" hidden>' +
      '<button id="help" type="button">h</button><button id="export" type="button">e</button><button id="other" type="button">o</button><button id="plain" type="button">p</button>';
    const confirm = vi.fn(() => false);
    const orig = window.confirm;
    window.confirm = confirm;
    try {
      s.stop();
      s = startSignals({ win: window, masker: () => masker, emit: (x) => got.push(x), now: () => t });
      q('#discard').addEventListener('click', () => window.confirm('Discard?'));
      expect(clickProps(q('#discard'))).toEqual({ interactive: true, native: true });
      expect(confirm).toHaveBeenCalledWith('Discard?'); // still asks
      // a hidden file input's picker; a detached target=_blank link and download link (no document listener sees their clicks)
      q('#upload').addEventListener('click', () => (q('#file') as HTMLElement).click());
      const a = (attrs: Record<string, string>) => {
        const el = Object.assign(document.createElement('a'), { href: '/x' }, attrs);
        el.addEventListener('click', (e) => e.preventDefault()); // happy-dom would follow it
        return el;
      };
      q('#help').addEventListener('click', () => a({ target: '_blank' }).click());
      q('#export').addEventListener('click', () => a({ download: 'report.csv' }).click());
      q('#other').addEventListener('click', () => (q('#plain') as HTMLElement).click());
      got.length = 0;
      click(q('#upload'));
      expect(of('click').map((c) => [c.selector, c.props])).toEqual([
        ['#upload', { interactive: true, native: true }],
        ['#file', { type: 'file', interactive: true }],
      ]);
      expect(clickProps(q('#help'))).toEqual({ interactive: true, new_tab: true });
      expect(clickProps(q('#export'))).toEqual({ interactive: true, download: true });
      got.length = 0;
      click(q('#other')); // passed on to a plain button: nothing to add
      expect(of('click').map((c) => [c.selector, c.props])).toEqual([
        ['#other', { interactive: true }],
        ['#plain', { interactive: true }],
      ]);
      expect(clickProps(q('#plain'))).toEqual({ interactive: true }); // only within its own click
    } finally {
      s.stop();
      window.confirm = orig;
    }
  });

  test('navigates: a link to another document, unless prevented, same-page, new tab, download or modified', () => {
    document.body.innerHTML = '<a id="spa" href="/spa">s</a><a id="go" href="/other">o</a><a id="anchor" href="#part">a</a><a id="js" href="javascript:void 0">j</a><a id="nt" href="/x" target="_blank">x</a>';
    // read after dispatch: prevented by the app's handler → not navigating
    q('#spa').addEventListener('click', (e) => e.preventDefault());
    expect(clickProps(q('#spa'))).toEqual({ interactive: true });
    // the rule itself (happy-dom would really navigate on an unprevented click)
    const a = (id: string) => q('#' + id) as HTMLAnchorElement;
    const ev = { defaultPrevented: false } as Event;
    expect(navigates(window, {}, a('go'), ev)).toBe(true);
    expect(navigates(window, {}, a('go'), { defaultPrevented: true } as Event)).toBe(false);
    expect(navigates(window, {}, a('anchor'), ev)).toBe(false);
    expect(navigates(window, {}, a('js'), ev)).toBe(false);
    expect(navigates(window, { new_tab: true }, a('nt'), ev)).toBe(false);
    expect(navigates(window, { download: true }, a('go'), ev)).toBe(false);
    expect(navigates(window, { modifier: true }, a('go'), ev)).toBe(false);
    expect(navigates(window, {}, null, ev)).toBe(false);
  });

  test('a click stays ahead of the signals its handler causes (pushState pageview)', () => {
    document.body.innerHTML = '<a id="nav" href="/next">n</a>';
    q('#nav').addEventListener('click', (e) => {
      e.preventDefault();
      history.pushState(null, '', '/next');
    });
    click(q('#nav'));
    expect(got.map((g) => g.type).filter((x) => x !== 'scroll')).toEqual(['click', 'pageview']);
    expect(got[0].props).toEqual({ interactive: true });
  });
});

describe('form facts', () => {
  test('field focus and invalid, with the form; other focus sends nothing', () => {
    document.body.innerHTML = '<form id="f"><input id="email" required><button id="b">b</button></form><textarea id="free"></textarea>';
    q('#email').dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    q('#b').dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    q('#free').dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    q('#email').dispatchEvent(new Event('invalid'));
    expect(of('field')).toEqual([
      { type: 'field', ts: t, url: URL0, name: 'focus', selector: '#email', tag: 'input', props: { form: '#f' } },
      { type: 'field', ts: t, url: URL0, name: 'focus', selector: '#free', tag: 'textarea' },
      { type: 'field', ts: t, url: URL0, name: 'invalid', selector: '#email', tag: 'input', props: { form: '#f' } },
    ]);
  });

  test('input outside a form: no form prop', () => {
    document.body.innerHTML = '<input id="search" value="x">';
    q('#search').dispatchEvent(new Event('change', { bubbles: true }));
    expect(of('input').pop()).not.toHaveProperty('props');
  });
});

describe('hover', () => {
  const over = (el: Element | null, rel: Element | null = null) =>
    (el || document.body).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, pointerType: 'mouse', relatedTarget: rel }));
  const out = (el: Element, rel: Element | null) => el.dispatchEvent(new PointerEvent('pointerout', { bubbles: true, pointerType: 'mouse', relatedTarget: rel }));

  test('a dwell ≥ 1 s on an interactive element, exits < 500 ms merged; sent when it ends, ts = its start', () => {
    document.body.innerHTML = '<p id="p">x</p><button id="buy" type="button"><span id="in">Buy now</span></button>';
    const start = t;
    over(q('#in'));
    t += 1200;
    out(q('#in'), q('#buy')); // inside the button: not an exit
    out(q('#buy'), q('#p'));
    over(q('#p'));
    t += 300;
    vi.advanceTimersByTime(300);
    over(q('#buy'), q('#p')); // back within 500 ms: same dwell
    t += 1500;
    out(q('#buy'), q('#p'));
    expect(of('hover')).toEqual([]);
    t += HOVER_GAP_MS;
    vi.advanceTimersByTime(HOVER_GAP_MS);
    expect(of('hover')).toEqual([{ type: 'hover', ts: start, url: URL0, selector: '#buy', tag: 'button', text: 'Buy now', props: { duration: 3000, interactive: true } }]);
  });

  test('short dwells, non-interactive elements and touch send nothing; page hide ends a dwell', () => {
    document.body.innerHTML = '<p id="p">x</p><a id="a" href="/x">x</a>';
    over(q('#a'));
    t += 900;
    out(q('#a'), q('#p'));
    vi.advanceTimersByTime(HOVER_GAP_MS);
    over(q('#p'));
    t += 5000;
    q('#a').dispatchEvent(new PointerEvent('pointerover', { bubbles: true, pointerType: 'touch' }));
    t += 5000;
    s.leave();
    expect(of('hover')).toEqual([]);
    over(q('#a'));
    t += 2000;
    s.leave();
    expect(of('hover')).toMatchObject([{ selector: '#a', props: { duration: 2000 } }]);
  });

  test('a dwell on an option is a dwell on its select; a click on an option is a click on the select, without text', () => {
    document.body.innerHTML = '<select id="size" size="3"><option id="o1">Oslo</option><option id="o2">Bergen</option></select>';
    over(q('#o2'));
    t += 2000;
    s.leave();
    expect(of('hover')).toEqual([{ type: 'hover', ts: t - 2000, url: URL0, selector: '#size', tag: 'select', props: { duration: 2000, interactive: true } }]);
    click(q('#o2'));
    expect(of('click')).toMatchObject([{ selector: '#size', tag: 'select' }]);
    expect(JSON.stringify(got)).not.toMatch(/Bergen|o2|option/);
  });

  test('a pointer parked on a <label> is no hover, unless the label looks clickable', () => {
    document.body.innerHTML =
      '<label id="l" for="size">Company size</label><select id="size"><option>1</option></select><label id="c" style="cursor: pointer">I accept</label>';
    over(q('#l'));
    t += 4000;
    s.leave();
    expect(of('hover')).toEqual([]);
    over(q('#c'));
    t += 4000;
    s.leave();
    expect(of('hover')).toMatchObject([{ selector: '#c', tag: 'label', props: { duration: 4000, interactive: true } }]);
  });
});

describe('hover selector', () => {
  test('is the selector at the start of the dwell, even if a click then changes the element', () => {
    document.body.innerHTML = '<ul id="list"><li><button type="button">Tick</button></li><li><button type="button">Tick</button></li></ul>';
    const btn = document.querySelectorAll('#list button')[1];
    btn.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, pointerType: 'mouse' }));
    btn.addEventListener('click', () => ((btn.parentElement as Element).className = 'done')); // what the app does on click
    t += 1500;
    click(btn);
    s.leave();
    const h = of('hover');
    expect(h).toHaveLength(1);
    expect(h[0].selector).not.toContain('done');
  });
});

describe('page leave and bfcache', () => {
  test('leave only when gone; a persisted pageshow is a pageview', () => {
    s.leave();
    expect(of('leave')).toEqual([]);
    t += 10;
    s.leave(true);
    expect(of('leave')).toEqual([{ type: 'leave', ts: t, url: URL0 }]);
    const show = (persisted: boolean) => window.dispatchEvent(Object.defineProperty(new Event('pageshow'), 'persisted', { value: persisted }));
    show(false);
    expect(of('pageview')).toEqual([]);
    t += 10;
    show(true);
    expect(of('pageview')).toMatchObject([{ type: 'pageview', ts: t, url: URL0 }]);
    expect(of('pageview')[0]).not.toHaveProperty('referrer');
  });
});

describe('failed requests', () => {
  test('fetch ≥ 400 and network errors become error signals; results, errors and the SDK own requests pass', async () => {
    const answers: Array<Response | Error> = [];
    const fake = vi.fn(async () => {
      const a = answers.shift()!;
      if (a instanceof Error) throw a;
      return a;
    });
    const orig = window.fetch;
    window.fetch = fake as unknown as typeof fetch;
    s.stop();
    s = startSignals({ win: window, masker: () => masker, emit: (x) => got.push(x), now: () => t, ignore: 'https://tg.example/ingest/' });
    got.length = 0;
    try {
      const r500 = new Response('x', { status: 500 });
      answers.push(r500);
      const started = t;
      const p = window.fetch('/api/orders/42?token=secret&q=1', { method: 'post' });
      t += 40;
      expect(await p).toBe(r500);
      await vi.advanceTimersByTimeAsync(0);
      expect(of('error')).toEqual([
        { type: 'error', ts: t, url: URL0, name: 'POST /api/orders/42', source: 'request', props: { status: 500, started } },
      ]);
      expect(JSON.stringify(got)).not.toContain('secret');
      const boom = new TypeError('Failed to fetch');
      answers.push(boom);
      await expect(window.fetch(new Request('https://api.example/v1/items?x=1'))).rejects.toBe(boom);
      await vi.advanceTimersByTimeAsync(0);
      expect(of('error').pop()).toMatchObject({ name: 'GET /v1/items', props: { status: 0 } });
      answers.push(new Response('', { status: 404 }));
      await window.fetch('/users/jane@x.io/avatar');
      await vi.advanceTimersByTimeAsync(0);
      expect(of('error').pop()!.name).not.toContain('jane@x.io'); // PII patterns masked like error messages
      got.pop();
      const abort = new DOMException('aborted', 'AbortError');
      answers.push(abort, new Response('{}', { status: 200 }), new Response('', { status: 503 }));
      await expect(window.fetch('/a')).rejects.toBe(abort);
      expect((await window.fetch('/ok')).status).toBe(200);
      expect((await window.fetch('https://tg.example/ingest/v1/batch', { method: 'POST' })).status).toBe(503);
      await vi.advanceTimersByTimeAsync(0);
      expect(of('error')).toHaveLength(2);
      expect(fake).toHaveBeenCalledTimes(6);
      expect(fake).toHaveBeenLastCalledWith('https://tg.example/ingest/v1/batch', { method: 'POST' });
    } finally {
      s.stop();
      expect(window.fetch).toBe(fake);
      window.fetch = orig;
    }
  });

  test('XMLHttpRequest: status ≥ 400, network error and timeout are reported; arguments and results pass through', () => {
    class FakeXHR extends EventTarget {
      status = 0;
      opened: unknown[] = [];
      sent: unknown[] = [];
      open(...a: unknown[]) {
        this.opened = a;
      }
      send(...a: unknown[]) {
        this.sent = a;
        return 'sent';
      }
    }
    const win = { location: window.location, XMLHttpRequest: FakeXHR } as unknown as Window;
    const fails: unknown[][] = [];
    let now = 5;
    const undo = watchRequests(win, () => now, (u) => u.startsWith('https://tg.example/'), (...a) => fails.push(a));
    const x = new FakeXHR();
    x.open('PUT', '/api/x?y=1', true);
    expect(x.opened).toEqual(['PUT', '/api/x?y=1', true]);
    expect(x.send('body')).toBe('sent');
    expect(x.sent).toEqual(['body']);
    now = 9;
    x.status = 404;
    x.dispatchEvent(new Event('load'));
    const y = new FakeXHR();
    y.open('get', '/ok');
    y.send();
    y.status = 200;
    y.dispatchEvent(new Event('load'));
    const z = new FakeXHR();
    z.open('get', '/slow');
    z.send();
    z.dispatchEvent(new Event('timeout'));
    const own = new FakeXHR();
    own.open('POST', 'https://tg.example/ingest/v1/batch');
    own.send();
    own.dispatchEvent(new Event('error'));
    expect(fails).toEqual([
      ['PUT', 'http://localhost:3000/api/x?y=1', 404, 5],
      ['GET', 'http://localhost:3000/slow', 0, 9],
    ]);
    undo();
    const P = FakeXHR.prototype as unknown as { open: unknown };
    expect(P.open).toBe(Object.getOwnPropertyDescriptor(FakeXHR.prototype, 'open')!.value);
  });
});

describe('through the client', () => {
  test('every pagehide sends leave, into the bfcache too, a tab switch does not; the SDK own endpoint is never a failed request', async () => {
    s.stop();
    const { openPage, closePage } = await import('./scenario');
    const { settle } = await import('./helpers');
    vi.useRealTimers();
    const orig = window.fetch;
    window.fetch = (async () => new Response('', { status: 500 })) as typeof fetch;
    const p = await openPage({ friction: false });
    try {
      const sent: Signal[] = [];
      p.client.on('signal', (x) => sent.push(x as Signal));
      await window.fetch('https://tg.example.com/ingest/v1/batch', { method: 'POST' });
      await window.fetch('https://tg.example.com/api/cart');
      await settle();
      expect(sent.filter((x) => x.type === 'error').map((x) => x.name)).toEqual(['GET /api/cart']);
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      delete (document as { visibilityState?: string }).visibilityState;
      expect(sent.filter((x) => x.type === 'leave')).toEqual([]);
      // a leave into the back/forward cache (the server ends the visit there, like the live detector)
      window.dispatchEvent(Object.defineProperty(new Event('pagehide'), 'persisted', { value: true }));
      expect(sent.filter((x) => x.type === 'leave')).toHaveLength(1);
      window.dispatchEvent(Object.defineProperty(new Event('pagehide'), 'persisted', { value: false }));
      expect(sent.filter((x) => x.type === 'leave')).toHaveLength(2);
    } finally {
      closePage(p);
      window.fetch = orig;
    }
  });
});
