import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MAX_OUTBOX, UNSENT_KEY, UNSENT_MAX_BATCHES } from '../src/transport';
import { memoryKV } from '../src/storage';
import type { Signal } from '../src/wire';
import { fakeFetch, makeTransport, ok, settle, sig, status, type FakeFetch } from './helpers';

const make = (ff: FakeFetch, extra: Parameters<typeof makeTransport>[1] = {}) => makeTransport(ff, { random: () => 0, ...extra });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reliability', () => {
  test('{"ack", "snapshot": true} is passed on so the recorder takes a full snapshot', async () => {
    const ff = fakeFetch();
    ff.queue.push(ok({ ack: 0 }), ok({ ack: 1, snapshot: true }));
    const onAck = vi.fn();
    const t = make(ff, { onAck });
    for (let i = 0; i < 2; i++) {
      t.addSignal(sig(i));
      t.flush();
      await settle();
    }
    expect(onAck.mock.calls).toEqual([
      [0, undefined],
      [1, true],
    ]);
  });

  test('503 + Retry-After: no request before it elapses, the buffer stays bounded, the drops are reported once delivered', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    ff.queue.push(status(503, { 'Retry-After': '30' }));
    t.addSignal(sig(0));
    t.flush();
    await settle();
    expect(ff.batches()).toHaveLength(1);
    // The server is down for 30 s while the page keeps producing batches.
    for (let i = 1; i <= MAX_OUTBOX + 25; i++) {
      t.addSignal(sig(i));
      t.flush();
    }
    await vi.advanceTimersByTimeAsync(29_999);
    expect(ff.batches()).toHaveLength(1); // nothing before Retry-After
    expect(t.stats().queued).toBeLessThanOrEqual(MAX_OUTBOX);
    expect(t.stats().dropped).toBe(26);
    await vi.advanceTimersByTimeAsync(1);
    await settle(400);
    const sent = ff.batches();
    // Everything left is delivered in seq order, one at a time.
    const seqs = sent.slice(1).map((r) => r.json.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(MAX_OUTBOX);
    expect(ff.maxInFlight).toBe(1);
    // The first delivered batch reports the drops; later ones do not.
    expect(sent[1].json.dropped).toBe(26);
    expect(sent[2].json.dropped).toBeUndefined();
    expect(t.stats()).toMatchObject({ queued: 0, dropped: 0 });
  });

  test('back online: a retry waiting on a network error goes at once', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    ff.queue.push(new TypeError('offline'), new TypeError('offline'), new TypeError('offline'));
    t.addSignal(sig(0));
    t.flush();
    await settle();
    await vi.advanceTimersByTimeAsync(500 + 1000); // two backoffs
    await settle();
    expect(ff.batches()).toHaveLength(3); // next backoff: 2 s
    t.online();
    await settle();
    expect(ff.batches()).toHaveLength(4);
    expect(ff.batches().map((r) => r.json.seq)).toEqual([0, 0, 0, 0]);
  });

  test('back online does not cut a Retry-After short', async () => {
    const ff = fakeFetch();
    const t = make(ff);
    ff.queue.push(status(503, { 'Retry-After': '10' }));
    t.addSignal(sig(0));
    t.flush();
    await settle();
    t.online();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(ff.batches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(ff.batches()).toHaveLength(2);
  });

  test('batches trimmed from the page-hide store are reported as dropped by the next page', async () => {
    const store = memoryKV();
    for (let i = 0; i < UNSENT_MAX_BATCHES + 7; i++) {
      const t = make(fakeFetch(), { store, sendBeacon: () => false, ids: { visitor: 'v'.repeat(32), session: 's'.repeat(32), window: 'w'.repeat(32), nextSeq: () => i } });
      t.addSignal(sig(i));
      t.unload();
    }
    expect(JSON.parse(store.get(UNSENT_KEY) as string)).toHaveLength(UNSENT_MAX_BATCHES);
    const ff = fakeFetch();
    const t = make(ff, { store });
    t.restore();
    expect(t.stats().dropped).toBe(7);
    await settle(200);
    const b = ff.batches();
    expect(b).toHaveLength(UNSENT_MAX_BATCHES);
    expect(b[0].json.dropped).toBe(7);
    expect(b.slice(1).every((r) => r.json.dropped === undefined)).toBe(true);
    expect(t.stats().dropped).toBe(0);
  });
});
