import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createAPI } from '../src/api';
import { Client, K_CONSENT, sampled } from '../src/client';
import { IDLE_MS } from '../src/ids';
import { fakeFetch, ok, seededStorage, SESSION, settle, VISITOR, WINDOW } from './helpers';
import { closePage, fakeRecorder, openPage, T0, type Page } from './scenario';

let pages: Page[] = [];
const open = async (o: Parameters<typeof openPage>[0] = {}) => {
  const p = await openPage(o);
  pages.push(p);
  return p;
};

beforeEach(() => {
  vi.useFakeTimers();
  history.replaceState(null, '', '/pricing?utm_source=news&utm_medium=email&utm_campaign=spring&token=s3cr3t');
  document.title = 'Pricing';
  document.body.innerHTML = '<button id="buy">Buy</button><input id="email" type="email">';
});
afterEach(() => {
  for (const p of pages) closePage(p);
  pages = [];
  vi.useRealTimers();
});

describe('client', () => {
  test('first batch: ids, context with UTM, pageview, rrweb meta + full snapshot', async () => {
    const { ff, rec } = await open();
    expect(ff.requests.length).toBe(0); // config is not recorded as a request by the fake
    expect(rec.options).toBeDefined();
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    const [b] = ff.batches();
    expect(b.json).toMatchObject({ key: 'pk_demo_1234', visitor: VISITOR, session: SESSION, window: WINDOW, seq: 0, sent_at: T0 }); // frozen clock
    expect(b.json.sdk).toMatch(/^trailguide-js\/\d+\.\d+\.\d+$/);
    expect(b.json.context).toMatchObject({
      url: 'http://localhost:3000/pricing?utm_source=news&utm_medium=email&utm_campaign=spring&token=redacted',
      utm: { source: 'news', medium: 'email', campaign: 'spring' },
      viewport_w: window.innerWidth,
      user_agent: navigator.userAgent,
    });
    expect(b.json.events.map((e: { type: number }) => e.type)).toEqual([4, 2]);
    expect(b.json.signals).toEqual([{ type: 'pageview', ts: T0, url: b.json.context.url, title: 'Pricing' }]);
  });

  test('the project mask rules reach rrweb, and every event passes through the masker', async () => {
    const ff = fakeFetch({ sample_rate: 1, mask: { mode: 'strict', mask_selectors: ['.pii'], block_selectors: ['#map'] } });
    const { rec } = await open({ ff });
    expect(rec.options!.blockSelector).toContain('#map');
    expect(rec.options!.blockSelector).toContain('img');
    expect(rec.options!.maskInputFn('abc', document.getElementById('email') as HTMLElement)).toBe('***');
    await vi.advanceTimersByTimeAsync(5000);
    const [b] = ff.batches();
    expect(b.json.events[0].data.href).toBe('http://localhost:3000/pricing?utm_source=news&utm_medium=email&utm_campaign=spring&token=redacted');
    expect(JSON.stringify(b.json.events[1])).toContain('"textContent":"*****"'); // "Hello", strict
  });

  test('init({privacy}) makes a relaxed project strict, never the reverse', async () => {
    const relaxed = { sample_rate: 1, mask: { mode: 'relaxed' as const, mask_selectors: [], block_selectors: [] } };
    const p1 = await open({ ff: fakeFetch(relaxed), privacy: 'strict' });
    expect(p1.rec.options!.blockSelector).toContain('img');
    expect(p1.client.debugState().config!.mask.mode).toBe('relaxed'); // the project's, as delivered
    const p2 = await open({ ff: fakeFetch({ ...relaxed, mask: { ...relaxed.mask, mode: 'strict' } }), privacy: 'relaxed' });
    expect(p2.rec.options!.blockSelector).toContain('img');
  });

  test('a refused key (401 on config) records and sends nothing', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const { ff, rec } = await open({ ff: fakeFetch(null) });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(rec.options).toBeUndefined();
    expect(ff.batches()).toHaveLength(0);
    debug.mockRestore();
  });

  test('sampling is per session: unsampled sessions send signals but no recording', async () => {
    expect(sampled('00000000' + 'f'.repeat(24), 0.5)).toBe(true);
    expect(sampled('ffffffff' + '0'.repeat(24), 0.5)).toBe(false);
    expect(sampled('ffffffff' + '0'.repeat(24), 1)).toBe(true);
    expect(sampled('00000000' + '0'.repeat(24), 0)).toBe(false);
    const ff = fakeFetch({ sample_rate: 0, mask: { mode: 'balanced', mask_selectors: [], block_selectors: [] } });
    const { rec } = await open({ ff });
    await vi.advanceTimersByTimeAsync(5000);
    expect(rec.options).toBeUndefined();
    expect(ff.batches()[0].json.events).toEqual([]);
    expect(ff.batches()[0].json.signals[0].type).toBe('pageview');
  });

  test('track and identify shapes; identify is remembered and re-sent once per new session', async () => {
    const p = await open();
    p.client.track('plan_selected', { plan: 'pro', seats: 3, fn: () => 1 } as never);
    p.client.identify('user-42', { plan: 'pro', admin: true, n: 3, nested: { a: 1 } });
    await vi.advanceTimersByTimeAsync(5000);
    const sigs = p.ff.batches()[0].json.signals;
    expect(sigs[1]).toEqual({ type: 'track', ts: T0, url: expect.any(String), name: 'plan_selected', props: { plan: 'pro', seats: 3 } });
    expect(sigs[2]).toEqual({ type: 'identify', ts: T0, url: expect.any(String), user_id: 'user-42', traits: { plan: 'pro', admin: 'true', n: '3', nested: '{"a":1}' } });
    closePage(p);
    // next page load, same session: not re-sent
    const p2 = await open({ storage: p.storage, clock: { t: T0 + 60_000 } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(p2.ff.batches()[0].json.signals.map((s: { type: string }) => s.type)).toEqual(['pageview']);
    closePage(p2);
    // a page load in a new session: identify again
    const p3 = await open({ storage: p.storage, clock: { t: T0 + 60_000 + IDLE_MS + 1 } });
    await vi.advanceTimersByTimeAsync(5000);
    const s3 = p3.ff.batches()[0].json;
    expect(s3.session).not.toBe(SESSION);
    expect(s3.signals.map((s: { type: string }) => s.type)).toEqual(['identify', 'pageview']);
  });

  test('optOut stops recording and sending at once and persists; optIn starts again', async () => {
    const p = await open();
    p.client.track('before');
    p.client.optOut();
    expect(p.rec.stop).toHaveBeenCalledOnce();
    p.client.track('after');
    p.client.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(p.ff.batches()).toHaveLength(0);
    expect(p.storage.local.get('tg_optout')).toBe('1');
    // a later page load stays silent
    const p2 = await open({ storage: p.storage });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(p2.ff.batches()).toHaveLength(0);
    expect(p2.rec.options).toBeUndefined();
    p2.client.optIn();
    await settle();
    await vi.advanceTimersByTimeAsync(5000);
    expect(p2.storage.local.get('tg_optout')).toBeNull();
    expect(p2.rec.options).toBeDefined();
    expect(p2.ff.batches()).toHaveLength(1);
  });

  test('{"stop":true} stops the recorder and the page for good', async () => {
    const ff = fakeFetch();
    ff.queue.push(ok({ stop: true }));
    const p = await open({ ff });
    const stopped = vi.fn();
    p.client.on('stop', stopped);
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(stopped).toHaveBeenCalledOnce();
    expect(p.rec.stop).toHaveBeenCalledOnce();
    p.client.track('x');
    p.client.optIn();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ff.batches()).toHaveLength(1);
  });

  test('{"ack", "snapshot": true} makes the recorder take a full snapshot, which goes in the next batch', async () => {
    const ff = fakeFetch();
    ff.queue.push((r) => ok({ ack: r.json.seq, snapshot: true }));
    const p = await open({ ff });
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(p.rec.takeFullSnapshot).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    const b = ff.batches();
    expect(b).toHaveLength(2);
    expect(b[1].json.events.map((e: { type: number }) => e.type)).toContain(2);
  });

  test('activity after 30 idle minutes: old buffer flushed, new session with seq 0, context, full snapshot, pageview', async () => {
    const p = await open();
    await vi.advanceTimersByTimeAsync(5000);
    p.rec.emit({ type: 3, data: { source: 0 }, timestamp: T0 + 6000 }); // a mutation is not activity
    p.clock.t += IDLE_MS + 10_000;
    document.getElementById('buy')!.click();
    await settle();
    await vi.advanceTimersByTimeAsync(5000);
    const b = p.ff.batches();
    expect(b.map((r) => [r.json.session === SESSION, r.json.seq])).toEqual([
      [true, 0],
      [true, 1],
      [false, 0],
    ]);
    expect(b[1].json.events).toHaveLength(1);
    expect(p.rec.takeFullSnapshot).toHaveBeenCalledOnce();
    expect(b[2].json.context).toBeDefined();
    expect(b[2].json.events.map((e: { type: number }) => e.type)).toEqual([2]);
    expect(b[2].json.signals.map((s: { type: string }) => s.type)).toEqual(['pageview', 'click']);
  });

  test('page hide flushes with keepalive', async () => {
    const p = await open();
    p.client.track('leaving');
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    const [b] = p.ff.batches();
    expect(b.keepalive).toBe(true);
    expect(b.json.signals.map((s: { type: string }) => s.type)).toContain('track');
  });

  test('nothing typed into an input leaves the browser', async () => {
    const p = await open();
    const input = document.getElementById('email') as HTMLInputElement;
    input.value = 'canary-7f3a@example.com';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    // what rrweb would emit for this input, through the options we gave it
    p.rec.emit({ type: 3, data: { source: 5, id: 9, text: p.rec.options!.maskInputFn(input.value, input) }, timestamp: T0 });
    await vi.advanceTimersByTimeAsync(5000);
    const all = p.ff.requests.map((r) => r.body).join('\n');
    expect(all).not.toContain('canary');
    expect(all).toContain('"selector":"#email"');
  });
});

describe('consent and Global Privacy Control', () => {
  const cleanStorage = () => {
    localStorage.clear();
    sessionStorage.clear();
  };
  beforeEach(cleanStorage);
  afterEach(cleanStorage);

  test('requireConsent: nothing sent and nothing stored until consent(true); consent(false) deletes the ids', async () => {
    const ff = fakeFetch();
    const rec = fakeRecorder();
    const c = new Client({ key: 'pk_demo_1234', endpoint: 'https://tg.example.com', fetch: ff.fetch, sendBeacon: null, compress: null, recorder: rec, requireConsent: true });
    c.start();
    c.track('before consent');
    c.identify('u1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ff.requests).toEqual([]);
    expect(rec.options).toBeUndefined();
    expect([localStorage.length, sessionStorage.length]).toEqual([0, 0]);

    c.consent(true);
    await settle();
    await vi.advanceTimersByTimeAsync(5000);
    expect(rec.options).toBeDefined();
    expect(ff.batches().length).toBeGreaterThan(0);
    expect(localStorage.getItem(K_CONSENT)).toBe('1');
    expect(localStorage.getItem('tg_vid')).toMatch(/^[0-9a-f]{32}$/);

    const sent = ff.requests.length;
    c.consent(false);
    expect(rec.stop).toHaveBeenCalled();
    c.track('after withdrawal');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ff.requests.length).toBe(sent);
    for (const k of ['tg_vid', 'tg_sess', 'tg_user', K_CONSENT]) expect(localStorage.getItem(k)).toBeNull();
    expect(sessionStorage.getItem('tg_win')).toBeNull();
  });

  test('consent is remembered for the next page loads', async () => {
    const storage = seededStorage(T0);
    storage.local.set(K_CONSENT, '1');
    const p = await open({ requireConsent: true, storage });
    expect(p.rec.options).toBeDefined();
  });

  test('consent() before init() is queued by the API', async () => {
    const ff = fakeFetch();
    const api = createAPI(fakeRecorder());
    api.consent(true);
    api.init({ key: 'pk_demo_1234', endpoint: 'https://tg.example.com', fetch: ff.fetch, sendBeacon: null, compress: null, requireConsent: true });
    await settle();
    expect(api.client()!.debugState().running).toBe(true);
    (api.client() as unknown as { halt_(): void }).halt_();
  });

  test('respectGPC: navigator.globalPrivacyControl means nothing is sent or stored, even after consent(true)', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const ff = fakeFetch();
      const c = new Client({ key: 'pk_demo_1234', endpoint: 'https://tg.example.com', fetch: ff.fetch, sendBeacon: null, compress: null, recorder: fakeRecorder(), respectGPC: true });
      c.start();
      c.consent(true);
      c.track('x');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(ff.requests).toEqual([]);
      expect(localStorage.getItem('tg_vid')).toBeNull();
      // without respectGPC the signal is ignored
      const p = await open({});
      expect(p.rec.options).toBeDefined();
    } finally {
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: undefined, configurable: true });
    }
  });
});
