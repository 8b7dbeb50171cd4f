import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMasker } from '../src/mask';
import { pageKey, startSignals, type Signals } from '../src/signals';
import type { Signal } from '../src/wire';

let got: Signal[];
let s: Signals;
let t: number;
const masker = createMasker({ mode: 'balanced', mask_selectors: [], block_selectors: [] });

function setScroll(y: number, height: number) {
  Object.defineProperty(document.documentElement, 'scrollHeight', { value: height, configurable: true });
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true });
}

beforeEach(() => {
  history.replaceState(null, '', '/start?utm_source=x');
  document.title = 'Start';
  document.body.innerHTML = '';
  setScroll(0, 768 * 4);
  got = [];
  t = 1_000_000;
  s = startSignals({ win: window, masker: () => masker, emit: (x) => got.push(x), now: () => t });
});
afterEach(() => s.stop());

const last = () => got[got.length - 1];

describe('signals', () => {
  test('pageview at start and on SPA navigation, not for in-page anchors or same-URL replaceState', () => {
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({ type: 'pageview', ts: t, url: 'http://localhost:3000/start?utm_source=x', title: 'Start' });
    t += 10;
    history.pushState(null, '', '/products/42');
    expect(last()).toMatchObject({ type: 'pageview', url: 'http://localhost:3000/products/42', referrer: 'http://localhost:3000/start?utm_source=x' });
    const n = got.length;
    history.replaceState({ some: 'state' }, '', '/products/42');
    history.pushState(null, '', '/products/42#reviews');
    expect(got.length).toBe(n);
    history.pushState(null, '', '/cart');
    window.dispatchEvent(new Event('popstate'));
    expect(got.filter((g) => g.type === 'pageview').map((g) => new URL(g.url).pathname)).toEqual(['/start', '/products/42', '/cart']);
    expect(pageKey('https://a.b/x?y#/route')).toBe('https://a.b/x?y#/route');
    expect(pageKey('https://a.b/x#section')).toBe('https://a.b/x');
  });

  test('click: selector, tag, masked text, page / element coordinates, size, viewport', () => {
    document.body.innerHTML = '<div style="height:100px"></div><button id="buy" data-x>Buy for jane@x.io</button>';
    const btn = document.getElementById('buy')!;
    btn.getBoundingClientRect = () => ({ left: 10, top: 20, width: 120, height: 40, right: 130, bottom: 60, x: 10, y: 20, toJSON() {} }) as DOMRect;
    const ev = new MouseEvent('click', { bubbles: true, clientX: 25, clientY: 30 });
    Object.defineProperty(ev, 'pageX', { value: 25 });
    Object.defineProperty(ev, 'pageY', { value: 530 });
    btn.dispatchEvent(ev);
    s.settle(); // sent once the dispatch is over
    expect(last()).toEqual({
      type: 'click',
      ts: t,
      url: 'http://localhost:3000/start?utm_source=x',
      selector: '#buy',
      tag: 'button',
      text: 'Buy for *********',
      x: 25,
      y: 530,
      ex: 15,
      ey: 10,
      ew: 120,
      eh: 40,
      vw: window.innerWidth,
      vh: window.innerHeight,
      props: { interactive: true },
    });
  });

  test('scroll depth: max percent per page, sent on ≥ 5 point change and at page leave', async () => {
    const scroll = (y: number) => {
      setScroll(y, 768 * 4);
      t += 1000;
      window.dispatchEvent(new Event('scroll'));
    };
    scroll(100); // 28 %: the first depth of the page (nothing sent before)
    expect(last()).toMatchObject({ type: 'scroll', depth: 28, scroll_y: 100 });
    scroll(180); // 30 %: +2, held back
    expect(got.filter((g) => g.type === 'scroll')).toHaveLength(1);
    scroll(768); // 50 %
    expect(last()).toMatchObject({ type: 'scroll', depth: 50, scroll_y: 768 });
    scroll(0); // going up changes nothing
    scroll(800); // 51 %: +1, held back
    expect(got.filter((g) => g.type === 'scroll')).toHaveLength(2);
    s.leave();
    expect(last()).toMatchObject({ type: 'scroll', depth: 51, scroll_y: 800 });
    s.leave();
    expect(got.filter((g) => g.type === 'scroll')).toHaveLength(3);
  });

  test('submit and change: selector, tag, form and emptiness, never values', () => {
    document.body.innerHTML = '<form id="signup"><input name="email" id="email" value="jane@x.io"><select id="plan"><option>Pro</option></select></form>';
    const input = document.getElementById('email') as HTMLInputElement;
    input.value = 'typed-secret';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(last()).toEqual({ type: 'input', ts: t, url: 'http://localhost:3000/start?utm_source=x', selector: '#email', tag: 'input', props: { form: '#signup' } });
    input.value = '';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(last().props).toEqual({ form: '#signup', empty: true });
    document.getElementById('signup')!.dispatchEvent(new Event('submit', { bubbles: true }));
    expect(last()).toEqual({ type: 'submit', ts: t, url: 'http://localhost:3000/start?utm_source=x', selector: '#signup', tag: 'form' });
    expect(JSON.stringify(got)).not.toContain('typed-secret');
  });

  test('errors and unhandled rejections', () => {
    const err = new Error('boom for a@b.io');
    window.dispatchEvent(new ErrorEvent('error', { message: err.message, error: err, filename: 'https://app.example/app.js?token=abc', lineno: 3, colno: 9 }));
    expect(last()).toMatchObject({ type: 'error', name: 'boom for ******', source: 'https://app.example/app.js?token=redacted:3:9' });
    expect(last().stack).toContain('boom for ******');
    const ev = new Event('unhandledrejection') as Event & { reason?: unknown };
    ev.reason = new Error('nope');
    window.dispatchEvent(ev);
    expect(last()).toMatchObject({ type: 'error', name: 'Unhandled rejection: nope', source: 'unhandledrejection' });
    window.dispatchEvent(new ErrorEvent('error', {})); // resource errors carry no message
    expect(got.filter((g) => g.type === 'error')).toHaveLength(2);
  });

  test('stop removes listeners and restores history', () => {
    s.stop();
    const n = got.length;
    history.pushState(null, '', '/elsewhere');
    document.body.click();
    expect(got.length).toBe(n);
  });
});
