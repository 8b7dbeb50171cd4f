// Live quick back across page loads (docs/FRICTION.md §5): each page load is
// its own happy-dom Window sharing one tab storage, as a tab's documents
// share sessionStorage. A → B → A within quick_back_ms is reported once, by
// the page load of the return, and never by another page load; a restored
// page (bfcache) takes in what the page loads in between saw.
import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Detection } from '../src/friction';
import { startFriction, type LiveFriction } from '../src/friction/dom';
import { createMasker } from '../src/mask';
import { K_FRICTION, memoryKV, type KV } from '../src/storage';
import type { Signal } from '../src/wire';
import { settle } from './helpers';
import { closePage, openPage } from './scenario';

const ORIGIN = 'http://localhost:3000';
const masker = createMasker({ mode: 'balanced', mask_selectors: [], block_selectors: [] });

interface Load {
  win: Window;
  f: LiveFriction;
  got: Array<{ d: Detection; target: EventTarget }>;
}

let clock: number;
let tab: KV;
let loads: Load[];

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_700_000_000_000;
  tab = memoryKV();
  loads = [];
});
afterEach(() => {
  for (const l of loads) {
    l.f.stop();
    l.win.close();
  }
  vi.useRealTimers();
});

/** A page load of `path` in window `w` of the tab, with the live detector started. */
function load(path: string, w = 'w1', kv = tab): Load {
  const win = new Window({ url: ORIGIN + path });
  win.document.body.innerHTML = '<a id="go" href="#">next</a><button id="other" type="button">x</button>';
  const got: Load['got'] = [];
  const f = startFriction({
    win: win as unknown as globalThis.Window,
    masker: () => masker,
    now: () => clock,
    report: (d, target) => got.push({ d, target }),
    tab: kv,
    window: w,
  });
  const l = { win, f, got };
  loads.push(l);
  return l;
}
const wait = async (ms: number): Promise<void> => {
  clock += ms;
  await vi.advanceTimersByTimeAsync(ms);
};
const click = (l: Load, sel: string): void => {
  const el = l.win.document.querySelector(sel)!;
  const ev = new l.win.MouseEvent('click', { bubbles: true, cancelable: true });
  ev.preventDefault();
  el.dispatchEvent(ev);
};
const hide = (l: Load, persisted = false): void => {
  l.win.dispatchEvent(Object.defineProperty(new l.win.Event('pagehide'), 'persisted', { value: persisted }));
};
/** The client's pageview signal of a page restored from the bfcache. */
const restore = (l: Load): void => l.f.signal({ type: 'pageview', ts: clock, url: l.win.location.href } as Signal);
const types = (l: Load): string[] => l.got.map((g) => g.d.type);

describe('quick back across page loads', () => {
  test('A → B → A within quick_back_ms: reported once, by the return, with the click on A', async () => {
    const a = load('/a');
    await wait(1000);
    click(a, '#go');
    await wait(50);
    hide(a);
    await wait(300);
    const bT = clock;
    const b = load('/b');
    await wait(2000);
    hide(b);
    await wait(200);
    const a2 = load('/a');
    await wait(1000);
    expect(types(a)).toEqual([]);
    expect(types(b)).toEqual([]);
    expect(a2.got).toHaveLength(1);
    const { d, target } = a2.got[0];
    expect(d).toMatchObject({ type: 'quick_back', t: bT, url: ORIGIN + '/b', selector: '#go', text: 'next', details: { from: ORIGIN + '/a', dwell_ms: 2200 } });
    // page-level: the document of the page load that saw it
    expect(target).toBe(a2.win.document);
    // a reload of the return page reports nothing again
    hide(a2);
    await wait(100);
    const a3 = load('/a');
    await wait(1000);
    expect(types(a3)).toEqual([]);
  });

  test('a slow return, another window of the tab, and a page in between are not quick back', async () => {
    const a = load('/a');
    await wait(100);
    hide(a);
    const b = load('/b');
    await wait(10_500);
    hide(b);
    const slow = load('/a');
    await wait(1000);
    expect(types(slow)).toEqual([]);
    hide(slow);
    const c = load('/c');
    await wait(1000);
    hide(c);
    // a popup's copy of the tab's storage with another window id does not count
    const copy = memoryKV();
    copy.set(K_FRICTION, tab.get(K_FRICTION)!);
    const other = load('/a', 'w2', copy);
    await wait(1000);
    expect(types(other)).toEqual([]);
    // A(slow) → C → D → C: quick back on D, not on C
    const d = load('/d');
    await wait(1000);
    hide(d);
    const c2 = load('/c');
    await wait(1000);
    expect(c2.got.map((g) => [g.d.type, g.d.url])).toEqual([['quick_back', ORIGIN + '/d']]);
  });

  test('back/forward cache: the restored page takes in the pages seen meanwhile, and nothing is reported twice', async () => {
    const a = load('/a');
    await wait(500);
    click(a, '#go');
    hide(a, true);
    await wait(100);
    const b = load('/b');
    await wait(1500);
    click(b, '#other');
    hide(b, true);
    await wait(100);
    restore(a); // A restored: A → B → A
    await wait(1000);
    expect(a.got.map((g) => [g.d.type, g.d.selector, g.d.details?.from])).toEqual([['quick_back', '#go', ORIGIN + '/a']]);
    expect(types(b)).toEqual([]);
    hide(a, true);
    await wait(100);
    restore(b); // B restored: B → A → B is a second quick back; A → B → A is A's
    await wait(1000);
    expect(b.got.map((g) => [g.d.type, g.d.url, g.d.selector, g.d.details?.from])).toEqual([['quick_back', ORIGIN + '/a', '#other', ORIGIN + '/b']]);
    expect(a.got).toHaveLength(1);
    // restored again with nothing in between: nothing new
    hide(b, true);
    await wait(100);
    restore(b);
    await wait(1000);
    expect(b.got).toHaveLength(1);
  });

  test('only the last two pages and their last clicks are carried; stop() deletes them', async () => {
    const a = load('/a');
    await wait(100);
    click(a, '#other');
    click(a, '#go');
    hide(a);
    const b = load('/b');
    await wait(100);
    click(b, '#other');
    hide(b);
    const c = load('/c');
    const carried = JSON.parse(tab.get(K_FRICTION)!) as { w: string; x: Array<{ kind: string; url: string; selector?: string }> };
    expect(carried.w).toBe('w1');
    expect(carried.x.map((x) => [x.kind, x.url.slice(ORIGIN.length), x.selector])).toEqual([
      ['pageview', '/b', undefined],
      ['click', '/b', '#other'],
      ['pageview', '/c', undefined],
    ]);
    c.f.stop();
    expect(tab.get(K_FRICTION)).toBeNull();
  });
});

describe('through the client', () => {
  test('nothing is carried before consent; consent(false) deletes the carry', async () => {
    vi.useRealTimers();
    const p = await openPage({ friction: startFriction, requireConsent: true });
    try {
      expect(p.storage.session.get(K_FRICTION)).toBeNull();
      p.client.consent(true);
      await settle();
      const carried = JSON.parse(p.storage.session.get(K_FRICTION)!) as { w: string; x: unknown[] };
      expect(carried.w).toBe(p.client.debugState().window);
      expect(carried.x).toHaveLength(1);
      p.client.consent(false);
      expect(p.storage.session.get(K_FRICTION)).toBeNull();
    } finally {
      closePage(p);
    }
  });
});
