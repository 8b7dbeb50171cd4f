import { afterEach, describe, expect, it } from 'vitest';
import { startView, type ViewCapture } from '../src/friction/view';
import type { Signal } from '../src/wire';

// IntersectionObserver and ResizeObserver stand-ins the test drives by hand.
type IOCb = (entries: Partial<IntersectionObserverEntry>[]) => void;
let io: { cb: IOCb; els: Element[] } | null = null;
class FakeIO {
  constructor(cb: IOCb) {
    io = { cb, els: [] };
  }
  observe(el: Element) {
    io!.els.push(el);
  }
  disconnect() {}
}
class FakeRO {
  constructor(private cb: () => void) {}
  observe() {
    this.cb();
  }
  disconnect() {}
}

let cap: ViewCapture | null = null;
afterEach(() => {
  cap?.stop();
  cap = null;
  document.body.innerHTML = '';
});

function setup() {
  (globalThis as any).IntersectionObserver = FakeIO;
  (globalThis as any).ResizeObserver = FakeRO;
  document.body.innerHTML = '<header id="top">Top</header><main><section id="promo"><button id="b">x</button></section><section id="quiet"></section></main>';
  Object.defineProperty(document.documentElement, 'scrollHeight', { value: 2000, configurable: true });
  Object.defineProperty(window, 'innerHeight', { value: 500, configurable: true });
  Object.defineProperty(window, 'innerWidth', { value: 1000, configurable: true });
  let t = 1000;
  const sent: Signal[] = [];
  cap = startView({ win: window, now: () => t, add: (s) => sent.push(s) });
  return { sent, tick: (ms: number) => (t += ms), now: () => t };
}

function entry(el: Element, top: number, h: number, ratio: number): Partial<IntersectionObserverEntry> {
  return {
    target: el,
    boundingClientRect: { top, height: h } as DOMRectReadOnly,
    intersectionRect: { height: h * ratio } as DOMRectReadOnly,
    rootBounds: { height: 500 } as DOMRectReadOnly,
    intersectionRatio: ratio,
    isIntersecting: ratio > 0,
  };
}

describe('view capture', () => {
  it('sends the document height, attention per band, blocks and pointer cells when the page is hidden', () => {
    const { sent, tick } = setup();
    const promo = document.getElementById('promo')!;
    const quiet = document.getElementById('quiet')!;
    io!.cb([entry(promo, 100, 400, 1), entry(quiet, 1500, 300, 0)]);
    document.dispatchEvent(new PointerEvent('pointermove', { clientX: 260, clientY: 130 }));
    tick(2000);
    document.getElementById('b')!.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    window.dispatchEvent(new Event('pagehide'));
    expect(sent).toHaveLength(1);
    const p = sent[0].props as any;
    expect(sent[0].type).toBe('view');
    expect(p.doc_h).toBe(2000);
    expect(p.vw).toBe(1000);
    expect(p.depth).toBe(25); // 500 of 2000 px in view
    // the top 500 px are bands 0-4 of 100 px: 2 s each, nothing below
    expect(p.bands.slice(0, 5)).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(p.bands.slice(5).every((v: number) => v === 0)).toBe(true);
    expect(p.moves).toEqual([[10, 5, 1]]); // 25 px cells
    const promoB = p.blocks.find((b: any) => b.s === '#promo');
    expect(promoB).toMatchObject({ t: 100, h: 400, seen: true, i: true, ms: 2000 });
    expect(p.blocks.find((b: any) => b.s === '#quiet')).toMatchObject({ seen: false, ms: 0 });
  });

  it('sends nothing new when nothing happened, and no time while idle', () => {
    const { sent, tick } = setup();
    window.dispatchEvent(new Event('pagehide'));
    const n = sent.length;
    window.dispatchEvent(new Event('pagehide'));
    expect(sent.length).toBe(n);
    tick(120_000); // nobody there: only IDLE_MS counts
    window.dispatchEvent(new Event('pagehide'));
    const p = sent[sent.length - 1].props as any;
    expect(p.bands[0]).toBe(30_000);
  });
});
