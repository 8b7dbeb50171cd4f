// The live detector: the shared vectors fed as if they happened in real time
// (docs/FRICTION.md §4) must report what detect() finds on the whole stream
// (minus the exit, which only the server can classify), and the DOM wiring
// must turn clicks into friction events, CustomEvents and signals.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { detect, withDefaults, type Detection, type FrictionConfig, type FrictionInput } from '../src/friction';
import { startFriction } from '../src/friction/dom';
import { LiveDetector } from '../src/friction/live';
import type { Signal } from '../src/wire';
import { settle } from './helpers';
import { closePage, openPage, type Page } from './scenario';

const DIR = join(process.cwd(), '..', 'testdata', 'friction');
interface Vector {
  name: string;
  config?: Partial<FrictionConfig>;
  inputs: FrictionInput[];
}
const vectors: Vector[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { vectors: Vector[] }).vectors);

const key = (d: Detection): string => `${d.type}@${d.t} ${d.selector || ''}`;

/** Feeds inputs in time order on a fake clock, firing timers as time passes. */
function runLive(v: Vector): string[] {
  let now = 0;
  const timers: Array<{ at: number; f: () => void; id: number }> = [];
  let ids = 0;
  const got: string[] = [];
  const live = new LiveDetector({
    config: v.config,
    now: () => now,
    report: (d) => got.push(key(d)),
    setTimeout: (f, ms) => {
      const id = ++ids;
      timers.push({ at: now + ms, f, id });
      return id;
    },
    clearTimeout: (h) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (to: number): void => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      if (!timers.length || timers[0].at > to) break;
      const t = timers.shift()!;
      now = Math.max(now, t.at);
      t.f();
    }
    now = Math.max(now, to);
  };
  const ordered = v.inputs.map((x, i) => [x, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]);
  const t0 = ordered.length ? ordered[0][0].t : 0;
  now = t0;
  for (const [x] of ordered) {
    if (x.kind === 'session_end') continue; // the SDK never sees one
    advance(x.t);
    live.push(x);
  }
  advance(now + 10 * 60 * 1000);
  return got.sort();
}

describe('live detector over the vectors', () => {
  test.each(vectors.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const inputs = v.inputs.filter((x) => x.kind !== 'session_end');
    const want = detect(withDefaults(v.config), inputs).filter((d) => d.type !== 'exit').map(key).sort();
    expect(runLive(v)).toEqual(want);
  });
});

describe('live wiring', () => {
  let p: Page | undefined;
  afterEach(() => {
    if (p) closePage(p);
    p = undefined;
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  test('a dead, rage-clicked button: trailguide.on("friction"), the CustomEvent and friction signals', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><button id="buy" type="button">Buy</button></main>';
    p = await openPage({ friction: startFriction });
    const clock = p.clock;
    const seen: Detection[] = [];
    const signals: Signal[] = [];
    const dom: Detection[] = [];
    p.client.on('friction', (d) => seen.push(d as Detection));
    p.client.on('signal', (s) => signals.push(s as Signal));
    const buy = document.getElementById('buy')!;
    buy.addEventListener('trailguide:friction', (e) => dom.push((e as CustomEvent<Detection>).detail));
    for (let i = 0; i < 3; i++) {
      const click = new MouseEvent('click', { bubbles: true, clientX: 20, clientY: 10 });
      Object.defineProperties(click, { pageX: { value: 20 }, pageY: { value: 10 } });
      buy.dispatchEvent(click);
      clock.t += 300;
      await vi.advanceTimersByTimeAsync(300);
    }
    clock.t += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    await settle();
    const types = seen.map((d) => d.type).sort();
    expect(types).toEqual(['dead_click', 'dead_click', 'dead_click', 'rage_click']);
    expect(dom.map((d) => d.type).sort()).toEqual(types);
    const rage = seen.find((d) => d.type === 'rage_click')!;
    expect(rage.selector).toBe('#buy');
    expect(rage.details).toMatchObject({ clicks: 3, duration_ms: 600 });
    const fs = signals.filter((s) => s.type === 'friction');
    expect(fs.map((s) => s.name).sort()).toEqual(types);
    expect(fs.find((s) => s.name === 'rage_click')).toMatchObject({ selector: '#buy', props: { clicks: 3 } });
  });

  test('a button that answers is neither dead nor rage', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><button id="next" type="button">Next</button><p id="out">1</p></main>';
    p = await openPage({ friction: startFriction });
    const seen: Detection[] = [];
    p.client.on('friction', (d) => seen.push(d as Detection));
    const next = document.getElementById('next')!;
    let n = 1;
    next.addEventListener('click', () => (document.getElementById('out')!.textContent = String(++n)));
    for (let i = 0; i < 3; i++) {
      next.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      await vi.advanceTimersByTimeAsync(0); // MutationObserver callbacks
      p.clock.t += 300;
      await vi.advanceTimersByTimeAsync(300);
    }
    p.clock.t += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toEqual([]);
  });

  test('the same facts live: a click into a text field is not dead, window.open is a new tab', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><input id="q"><button id="pop" type="button">Open</button></main>';
    const open = vi.fn(() => null);
    const orig = window.open;
    window.open = open;
    try {
      p = await openPage({ friction: startFriction });
      const seen: Detection[] = [];
      const signals: Signal[] = [];
      p.client.on('friction', (d) => seen.push(d as Detection));
      p.client.on('signal', (s) => signals.push(s as Signal));
      document.getElementById('pop')!.addEventListener('click', () => window.open('/help'));
      for (const id of ['q', 'pop']) {
        document.getElementById(id)!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        p.clock.t += 10;
        await vi.advanceTimersByTimeAsync(10);
      }
      p.clock.t += 3000;
      await vi.advanceTimersByTimeAsync(3000);
      expect(seen).toEqual([]);
      expect(open).toHaveBeenCalledTimes(1);
      const clicks = signals.filter((s) => s.type === 'click');
      expect(clicks.map((s) => s.props)).toEqual([
        { type: 'text', interactive: true, text_entry: true },
        { interactive: true, new_tab: true },
      ]);
    } finally {
      window.open = orig;
    }
  });

  test('hesitation from a hover signal, error click from a failed request', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><p id="p">x</p><button id="pay" type="button">Pay</button></main>';
    const orig = window.fetch;
    window.fetch = (async () => new Response('', { status: 502 })) as typeof fetch;
    try {
      p = await openPage({ friction: startFriction });
      const seen: Detection[] = [];
      p.client.on('friction', (d) => seen.push(d as Detection));
      const pay = document.getElementById('pay')!;
      const start = p.clock.t;
      pay.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, pointerType: 'mouse' }));
      p.clock.t += 3500;
      pay.dispatchEvent(new PointerEvent('pointerout', { bubbles: true, pointerType: 'mouse', relatedTarget: document.getElementById('p') }));
      p.clock.t += 600;
      await vi.advanceTimersByTimeAsync(600);
      await vi.advanceTimersByTimeAsync(300);
      expect(seen).toMatchObject([{ type: 'hesitation', t: start, selector: '#pay', details: { dwell_ms: 3500 } }]);
      pay.addEventListener('click', () => void window.fetch('/api/pay', { method: 'POST' }));
      pay.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      await vi.advanceTimersByTimeAsync(0);
      p.clock.t += 4000;
      await vi.advanceTimersByTimeAsync(4000);
      expect(seen.map((d) => d.type)).toContain('error_click');
      const ec = seen.find((d) => d.type === 'error_click')!;
      expect(ec.selector).toBe('#pay');
    } finally {
      window.fetch = orig;
    }
  });

  test('a pagehide into the bfcache ends the visit: form abandonment goes out with the last batch, once', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><form id="f"><input id="email" name="email"><button type="submit">Go</button></form></main>';
    p = await openPage({ friction: startFriction });
    const seen: Detection[] = [];
    p.client.on('friction', (d) => seen.push(d as Detection));
    const form = document.getElementById('f') as HTMLFormElement;
    form.addEventListener('submit', (e) => e.preventDefault());
    const email = document.getElementById('email') as HTMLInputElement;
    email.value = 'a@b.c';
    email.dispatchEvent(new Event('change', { bubbles: true }));
    p.clock.t += 2000;
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toEqual([]);
    const page = (type: string) => window.dispatchEvent(Object.defineProperty(new Event(type), 'persisted', { value: true }));
    page('pagehide');
    expect(seen).toMatchObject([{ type: 'form_abandonment', selector: '#f', details: { last_field: '#email', fields_changed: 1 } }]);
    await settle();
    const unloaded = p.ff.batches().filter((r) => r.keepalive).flatMap((r) => r.json.signals as Signal[]);
    expect(unloaded.filter((s) => s.type === 'friction').map((s) => s.name)).toEqual(['form_abandonment']);
    // restored, then submitted: a new visit, nothing reported again
    p.clock.t += 1000;
    page('pageshow');
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    p.clock.t += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    page('pagehide');
    p.clock.t += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen.map((d) => d.type)).toEqual(['form_abandonment']);
  });

  test('while rrweb records, pointer samples are rrweb\'s own (what the server sees), not a second throttle', async () => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main><table id="t"><tr><td>x</td></tr></table></main>';
    p = await openPage({ friction: startFriction });
    const seen: Detection[] = [];
    p.client.on('friction', (d) => seen.push(d as Detection));
    // a fast shake seen only by the DOM listener: not an input while recording
    for (let i = 0; i < 40; i++) {
      document.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: i % 2 ? 500 : 100, clientY: 200 }));
      p.clock.t += 60;
      await vi.advanceTimersByTimeAsync(60);
    }
    p.clock.t += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toEqual([]);
    // the same shake in rrweb's mousemove events (positions relative to the event's timestamp)
    const t0 = p.clock.t;
    const positions = Array.from({ length: 24 }, (_, i) => ({ x: i % 2 ? 500 : 100, y: 200, id: 5, timeOffset: i * 60 - 23 * 60 }));
    p.clock.t += 23 * 60;
    p.rec.emit({ type: 3, data: { source: 1, positions }, timestamp: p.clock.t });
    p.clock.t += 3000;
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen.map((d) => [d.type, d.t])).toEqual([['thrashed_cursor', t0 + 60]]);
  });

  test('friction: false starts nothing', async () => {
    p = await openPage({ friction: false });
    expect((p.client as unknown as { friction_: unknown }).friction_).toBeNull();
  });
});
