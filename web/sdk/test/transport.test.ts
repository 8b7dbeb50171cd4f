import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { gzip } from '../src/transport';
import {
  backoff,
  BACKOFF_CAP_MS,
  BATCH_INTERVAL_MS,
  BATCH_MAX_BYTES,
  parseRetryAfter,
  Transport,
  UNLOAD_MAX_BYTES,
  UNSENT_KEY,
  UNSENT_MAX_BATCHES,
  utf8Len,
  workerMain,
  workerPost,
} from '../src/transport';
import type { Signal } from '../src/wire';
import { memoryKV } from '../src/storage';
import { deferred, fakeFetch, makeTransport, ok, settle, sig, status, type FakeFetch } from './helpers';

const make = makeTransport;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  test('a batch is cut 5 s after its first item', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    t.addSignal(sig(1));
    await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS - 1);
    t.addSignal(sig(2));
    expect(ff.batches()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    const b = ff.batches();
    expect(b).toHaveLength(1);
    expect(b[0].url).toBe('https://tg.example/ingest/v1/batch');
    expect(b[0].method).toBe('POST');
    expect(b[0].json.signals.map((s: Signal) => s.name)).toEqual(['e1', 'e2']);
    expect(b[0].json).toMatchObject({ key: 'pk_test', seq: 0, sdk: 'trailguide-js/test', events: [] });
    expect(typeof b[0].json.sent_at).toBe('number');
  });

  test('64 KB of events cut a batch at once', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    const big = { type: 3, timestamp: 1, data: { s: 'x'.repeat(16 * 1024) } };
    for (let i = 0; i < 3; i++) t.addEvent(big);
    await settle();
    expect(ff.batches()).toHaveLength(0);
    t.addEvent(big); // crosses 64 KB
    await settle();
    expect(ff.batches()).toHaveLength(1);
    expect(ff.batches()[0].json.events).toHaveLength(4);
    expect(utf8Len(ff.batches()[0].body)).toBeGreaterThanOrEqual(BATCH_MAX_BYTES);
  });

  test('seq increases per batch; nothing is sent for an empty buffer', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    t.flush();
    await settle();
    expect(ff.batches()).toHaveLength(0);
    for (let i = 0; i < 3; i++) {
      t.addSignal(sig(i));
      t.flush();
      await settle();
    }
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 1, 2]);
  });

  test('context rides on the next batch only', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    t.setContext({ url: 'https://app.example/', utm: {}, viewport_w: 1, viewport_h: 2, screen_w: 3, screen_h: 4, user_agent: 'ua' });
    t.addSignal(sig(1));
    t.flush();
    await settle();
    t.addSignal(sig(2));
    t.flush();
    await settle();
    expect(ff.batches()[0].json.context.url).toBe('https://app.example/');
    expect(ff.batches()[1].json).not.toHaveProperty('context');
  });

  test('large bodies are gzipped when a compressor is available', async () => {
    vi.useRealTimers(); // stream internals need real timers
    const ff = fakeFetch();
    const { gzip } = await import('../src/transport');
    const t = make(ff, { compress: gzip });
    t.addEvent({ type: 2, data: 'y'.repeat(5000) });
    t.flush();
    await vi.waitFor(() => expect(ff.batches()).toHaveLength(1));
    expect(ff.batches()[0].gzip).toBe(true);
    expect(ff.batches()[0].json.events[0].data).toHaveLength(5000);
  });
});

describe('delivery', () => {
  test('at most one request in flight, in seq order', async () => {
    const ff = fakeFetch();
    const gates = [deferred<Response>(), deferred<Response>(), deferred<Response>()];
    ff.queue.push(...gates.map((g) => g.promise));
    const t = make(ff);
    for (let i = 0; i < 3; i++) {
      t.addSignal(sig(i));
      t.flush();
    }
    await settle();
    expect(ff.batches()).toHaveLength(1);
    gates[0].resolve(ok({ ack: 0 }));
    await settle();
    expect(ff.batches()).toHaveLength(2);
    gates[1].resolve(ok({ ack: 1 }));
    await settle();
    gates[2].resolve(ok({ ack: 2 }));
    await settle();
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 1, 2]);
    expect(ff.maxInFlight).toBe(1);
  });

  test('backoff: exponential with jitter inside [d/2, d], capped at 60 s', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = Math.min(BACKOFF_CAP_MS, 1000 * 2 ** attempt);
      expect(backoff(attempt, () => 0)).toBe(d / 2);
      expect(backoff(attempt, () => 0.999999)).toBeLessThanOrEqual(d);
      for (let i = 0; i < 20; i++) {
        const v = backoff(attempt);
        expect(v).toBeGreaterThanOrEqual(d / 2);
        expect(v).toBeLessThanOrEqual(d);
      }
    }
    expect(backoff(50, () => 1)).toBe(BACKOFF_CAP_MS);
  });

  test('network errors and 503 are retried with backoff; the same seq is resent', async () => {
    const ff = fakeFetch();
    ff.queue.push(new TypeError('offline'), status(503), ok({ ack: 0 }));
    const t = make(ff, { random: () => 0 }); // lower jitter bound: 500 ms, then 1000 ms
    t.addSignal(sig(1));
    t.flush();
    await settle();
    expect(ff.batches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(ff.batches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(ff.batches()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(ff.batches()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(ff.batches()).toHaveLength(3);
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 0, 0]);
    t.addSignal(sig(2));
    t.flush();
    await settle();
    expect(ff.batches()[3].json.seq).toBe(1);
  });

  test('429 honours Retry-After (seconds and HTTP date)', async () => {
    const ff = fakeFetch();
    ff.queue.push(status(429, { 'Retry-After': '7' }));
    const t = make(ff);
    t.addSignal(sig(1));
    t.flush();
    await settle();
    await vi.advanceTimersByTimeAsync(6999);
    expect(ff.batches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(ff.batches()).toHaveLength(2);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  test('200 {"stop":true} stops for good and is never retried', async () => {
    const ff = fakeFetch();
    ff.queue.push(ok({ stop: true }));
    const onStop = vi.fn();
    const t = make(ff, { onStop });
    t.addSignal(sig(1));
    t.flush();
    await settle();
    expect(onStop).toHaveBeenCalledOnce();
    t.addSignal(sig(2));
    t.flush();
    t.unload();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ff.requests).toHaveLength(1);
    expect(t.isStopped).toBe(true);
  });

  test('other 4xx drop the batch, log once and continue', async () => {
    const ff = fakeFetch();
    ff.queue.push(status(400), status(413), ok({ ack: 2 }));
    const debug = vi.fn();
    const t = make(ff, { debug });
    for (let i = 0; i < 3; i++) {
      t.addSignal(sig(i));
      t.flush();
    }
    await settle(60);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 1, 2]);
    expect(debug).toHaveBeenCalledOnce();
  });
});

describe('page hide', () => {
  test('the open buffer leaves in ≤ 60 KB keepalive bodies with consecutive seqs', async () => {
    const ff = fakeFetch();
    const beacons: string[] = [];
    const t = make(ff, { sendBeacon: (_u, d) => (beacons.push(String(d)), true) });
    t.setContext({ url: 'https://app.example/', utm: {}, viewport_w: 1, viewport_h: 2, screen_w: 3, screen_h: 4, user_agent: 'ua' });
    for (let i = 0; i < 24; i++) t.addEvent({ type: 3, timestamp: i, data: { s: 'z'.repeat(2500) } });
    t.addSignal(sig(1));
    t.unload();
    await settle();
    const parts = [...ff.batches().map((r) => r.body), ...beacons];
    expect(parts.length).toBeGreaterThanOrEqual(1);
    for (const p of parts) expect(utf8Len(p)).toBeLessThanOrEqual(UNLOAD_MAX_BYTES);
    const bodies = parts.map((p) => JSON.parse(p));
    expect(bodies.map((b) => b.seq)).toEqual(bodies.map((_, i) => i));
    expect(bodies[0].context.url).toBe('https://app.example/');
    expect(bodies.slice(1).every((b) => !('context' in b))).toBe(true);
    expect(bodies.reduce((n, b) => n + b.events.length, 0)).toBe(24);
    expect(bodies.reduce((n, b) => n + b.signals.length, 0)).toBe(1);
  });

  test('a 63 KB buffer becomes two parts with consecutive seqs, both by keepalive', async () => {
    const ff = fakeFetch();
    const beacons: string[] = [];
    const t = make(ff, { sendBeacon: (_u, d) => (beacons.push(String(d)), true) });
    const ev = (i: number) => ({ type: 3, timestamp: i, data: { s: 'q'.repeat(9_000) } });
    for (let i = 0; i < 7; i++) t.addEvent(ev(i)); // 63 KB: below the 64 KB cut, above 60 KB
    t.unload();
    await settle();
    const keepalive = ff.batches().filter((r) => r.keepalive);
    expect(beacons).toHaveLength(0);
    expect(keepalive.map((r) => r.json.seq)).toEqual([0, 1]);
    expect(keepalive.map((r) => r.json.events.length)).toEqual([6, 1]);
    for (const r of keepalive) expect(utf8Len(r.body)).toBeLessThanOrEqual(UNLOAD_MAX_BYTES);
  });

  test('past the 64 KB keepalive quota, parts go by sendBeacon', async () => {
    const ff = fakeFetch();
    const gate = deferred<Response>();
    ff.queue.push(gate.promise);
    const beacons: string[] = [];
    const t = make(ff, { sendBeacon: (_u, d) => (beacons.push(String(d)), true) });
    const ev = { type: 3, timestamp: 1, data: { s: 'k'.repeat(40_000) } };
    t.addEvent(ev);
    t.flush(); // seq 0 in flight (40 KB)
    t.addEvent(ev);
    t.flush(); // seq 1 queued (40 KB)
    await settle();
    t.unload();
    await settle();
    expect(ff.batches().filter((r) => r.keepalive).map((r) => r.json.seq)).toEqual([0]);
    expect(beacons.map((b) => JSON.parse(b).seq)).toEqual([1]);
    gate.resolve(ok({ ack: 0 }));
  });

  test('queued and in-flight batches are handed over too (the server dedupes by seq)', async () => {
    const ff = fakeFetch();
    const gate = deferred<Response>();
    ff.queue.push(gate.promise);
    const t = make(ff, { sendBeacon: () => false });
    t.addSignal(sig(1));
    t.flush(); // seq 0 in flight
    t.addSignal(sig(2));
    t.flush(); // seq 1 queued
    t.addSignal(sig(3)); // open buffer → seq 2
    await settle();
    t.unload();
    await settle();
    const ka = ff.batches().filter((r) => r.keepalive).map((r) => r.json.seq);
    expect(ka).toEqual([0, 1, 2]);
    gate.resolve(ok({ ack: 0 }));
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    // nothing sent twice through the normal path afterwards
    expect(ff.batches().filter((r) => !r.keepalive).map((r) => r.json.seq)).toEqual([0]);
  });
});

describe('defaults', () => {
  test('injectables passed as undefined fall back to the globals (regression: nothing was ever sent)', async () => {
    const ff = fakeFetch();
    vi.stubGlobal('fetch', ff.fetch);
    try {
      const t = make(ff, { fetch: undefined, random: undefined, debug: undefined, now: undefined });
      t.addSignal(sig(1));
      await vi.advanceTimersByTimeAsync(BATCH_INTERVAL_MS);
      await settle();
      expect(ff.batches()).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('handed-over batches survive a failed page-hide send', () => {
  test('unload keeps the parts in storage; the next page load resends them first', async () => {
    const store = memoryKV();
    const dead = fakeFetch();
    const t1 = make(dead, { store, sendBeacon: () => false });
    t1.addSignal(sig(1));
    t1.addSignal(sig(2));
    t1.unload();
    const saved = JSON.parse(store.get(UNSENT_KEY) as string);
    expect(saved.map((p: { seq: number }) => p.seq)).toEqual([0]);

    const ff = fakeFetch();
    let seq = 5;
    const t2 = make(ff, { store, ids: { visitor: 'v'.repeat(32), session: 's'.repeat(32), window: 'w'.repeat(32), nextSeq: () => seq++ } });
    t2.restore();
    expect(store.get(UNSENT_KEY)).toBeNull();
    await settle();
    const b = ff.batches();
    expect(b).toHaveLength(1);
    expect(b[0].json.seq).toBe(0);
    expect(b[0].json.signals.map((s: Signal) => s.name)).toEqual(['e1', 'e2']);
  });

  test('what is kept is bounded, oldest dropped first', () => {
    const store = memoryKV();
    for (let i = 0; i < UNSENT_MAX_BATCHES + 5; i++) {
      const t = make(fakeFetch(), { store, ids: { visitor: 'v'.repeat(32), session: 's'.repeat(32), window: 'w'.repeat(32), nextSeq: () => i } });
      t.addSignal(sig(i));
      t.unload();
    }
    const saved = JSON.parse(store.get(UNSENT_KEY) as string);
    expect(saved).toHaveLength(UNSENT_MAX_BATCHES);
    expect(saved[0].seq).toBe(5);
  });
});

describe('off the main thread (workerPost)', () => {
  // A Worker stand-in: runs workerMain's code in this thread behind
  // asynchronous messages, with the global fetch as the Worker's.
  class FakeWorker {
    static made = 0;
    static fail: 'throw' | 'error' | null = null;
    onmessage: ((e: MessageEvent) => void) | null = null;
    onerror: (() => void) | null = null;
    inner = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      postMessage: (m: unknown) => void Promise.resolve().then(() => this.onmessage && this.onmessage({ data: m } as MessageEvent)),
    };
    constructor(url: string) {
      expect(url).toBe('blob:worker');
      if (FakeWorker.fail === 'throw') throw new DOMException('CSP worker-src', 'SecurityError');
      FakeWorker.made++;
      if (FakeWorker.fail !== 'error') workerMain(this.inner);
    }
    postMessage(m: unknown): void {
      if (FakeWorker.fail === 'error') void Promise.resolve().then(() => this.onerror && this.onerror());
      else void Promise.resolve().then(() => this.inner.onmessage && this.inner.onmessage({ data: m } as MessageEvent));
    }
  }
  let createObjectURL: typeof URL.createObjectURL;
  beforeEach(() => {
    vi.useRealTimers(); // stream internals (gzip) need real timers
    FakeWorker.made = 0;
    FakeWorker.fail = null;
    vi.stubGlobal('Worker', FakeWorker);
    createObjectURL = URL.createObjectURL;
    URL.createObjectURL = () => 'blob:worker';
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    URL.createObjectURL = createObjectURL;
  });

  // the page's fetch must not be used while the Worker works
  const pageFetch = (): FakeFetch => {
    const f = fakeFetch();
    f.queue.push(() => new Error('main-thread fetch used'));
    return f;
  };
  const big = (t: Transport): void => {
    for (let i = 0; i < 40; i++) t.addSignal(sig(i)); // > 1 KB: worth compressing
  };

  test('batches are gzipped and POSTed in the Worker; the answer reaches the transport', async () => {
    const wf = fakeFetch();
    vi.stubGlobal('fetch', wf.fetch);
    const page = pageFetch();
    const onAck = vi.fn();
    wf.queue.push(ok({ ack: 0, snapshot: true }));
    const t = make(page, { compress: gzip, post: workerPost, onAck });
    big(t);
    t.flush();
    await vi.waitFor(() => expect(onAck).toHaveBeenCalled());
    expect(page.requests).toHaveLength(0);
    const b = wf.batches();
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ method: 'POST', gzip: true, keepalive: false });
    expect(b[0].json.signals).toHaveLength(40);
    expect(onAck).toHaveBeenCalledWith(0, true);
    expect(FakeWorker.made).toBe(1);
    t.addSignal(sig(99)); // small: sent as is, by the same Worker
    t.flush();
    await vi.waitFor(() => expect(onAck).toHaveBeenCalledTimes(2));
    expect(wf.batches()).toHaveLength(2);
    expect(wf.batches()[1].gzip).toBe(false);
    expect(FakeWorker.made).toBe(1);
  });

  test('Retry-After, stop and network errors behave as on the main thread', async () => {
    vi.useFakeTimers();
    const wf = fakeFetch();
    vi.stubGlobal('fetch', wf.fetch);
    const onStop = vi.fn();
    wf.queue.push(status(429, { 'Retry-After': '10' }), new TypeError('offline'), ok({ stop: true }));
    const t = make(pageFetch(), { post: workerPost, onStop });
    t.addSignal(sig(1));
    t.flush();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(wf.batches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(wf.batches()).toHaveLength(2); // then a network error: backoff ≤ 2 s at attempt 1
    await vi.advanceTimersByTimeAsync(2_000);
    expect(wf.batches()).toHaveLength(3);
    expect(wf.batches().map((r) => r.json.seq)).toEqual([0, 0, 0]);
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(t.isStopped).toBe(true);
  });

  test('a Worker the page forbids (constructor throws) leaves everything on the main thread', async () => {
    FakeWorker.fail = 'throw';
    const ff = fakeFetch();
    const t = make(ff, { compress: gzip, post: workerPost });
    big(t);
    t.flush();
    await vi.waitFor(() => expect(ff.batches()).toHaveLength(1));
    expect(ff.batches()[0].gzip).toBe(true);
  });

  test('a Worker that reports an error instead of loading: the waiting request and later ones go on the main thread', async () => {
    FakeWorker.fail = 'error';
    const ff = fakeFetch();
    const t = make(ff, { compress: gzip, post: workerPost });
    big(t);
    t.flush();
    await vi.waitFor(() => expect(ff.batches()).toHaveLength(1));
    expect(ff.batches()[0].gzip).toBe(true);
    await vi.waitFor(() => expect(t.stats().inFlight).toBe(false));
    t.addSignal(sig(1));
    t.flush();
    await vi.waitFor(() => expect(ff.batches()).toHaveLength(2));
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 1]);
    expect(FakeWorker.made).toBe(1);
  });
});
