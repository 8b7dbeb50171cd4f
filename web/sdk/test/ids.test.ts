import { describe, expect, test } from 'vitest';
import { IDLE_MS, Identity, MAX_SESSION_MS, randomId, TOUCH_WRITE_MS } from '../src/ids';
import { memoryKV, webKV } from '../src/storage';

const T0 = 1_700_000_000_000;

describe('ids', () => {
  test('random ids are 128-bit lowercase hex', () => {
    const a = randomId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(randomId()).not.toBe(a);
  });

  test('first page load creates visitor, session and window and persists them', () => {
    const local = memoryKV();
    const tab = memoryKV();
    const id = new Identity(local, tab, T0);
    expect(local.get('tg_vid')).toBe(id.visitor);
    expect(JSON.parse(local.get('tg_sess')!)).toEqual({ id: id.session, start: T0, last: T0 });
    expect(JSON.parse(tab.get('tg_win')!)).toEqual({ id: id.window, session: id.session, seq: 0 });
    expect(new Set([id.visitor, id.session, id.window]).size).toBe(3);
  });

  test('a reload in the same tab continues session, window and seq', () => {
    const local = memoryKV();
    const tab = memoryKV();
    const a = new Identity(local, tab, T0);
    expect([a.nextSeq(), a.nextSeq(), a.nextSeq()]).toEqual([0, 1, 2]);
    const b = new Identity(local, tab, T0 + 60_000);
    expect(b.visitor).toBe(a.visitor);
    expect(b.session).toBe(a.session);
    expect(b.window).toBe(a.window);
    expect(b.nextSeq()).toBe(3);
  });

  test('a page restored from the back/forward cache continues after the pages visited since (no seq reuse)', () => {
    const local = memoryKV();
    const tab = memoryKV();
    const a = new Identity(local, tab, T0); // page A
    expect([a.nextSeq(), a.nextSeq()]).toEqual([0, 1]);
    const b = new Identity(local, tab, T0 + 2_000); // page B in the same tab
    expect([b.nextSeq(), b.nextSeq()]).toEqual([2, 3]);
    // Back to A, restored with its old in-memory counter (2).
    expect(a.nextSeq()).toBe(4);
    expect(b.peekSeq()).toBe(4); // B's memory is stale too, until its next send
    expect(b.nextSeq()).toBe(5);
  });

  test('a new tab gets a new window id (seq 0) in the same session', () => {
    const local = memoryKV();
    const a = new Identity(local, memoryKV(), T0);
    a.nextSeq();
    const b = new Identity(local, memoryKV(), T0 + 5_000);
    expect(b.session).toBe(a.session);
    expect(b.window).not.toBe(a.window);
    expect(b.nextSeq()).toBe(0);
  });

  test('30 minutes without activity start a new session at the next page load', () => {
    const local = memoryKV();
    const tab = memoryKV();
    const a = new Identity(local, tab, T0);
    a.nextSeq();
    const same = new Identity(local, tab, T0 + IDLE_MS - 1);
    expect(same.session).toBe(a.session);
    const b = new Identity(local, tab, T0 + IDLE_MS - 1 + IDLE_MS);
    expect(b.session).not.toBe(a.session);
    expect(b.visitor).toBe(a.visitor);
    expect(b.window).toBe(a.window); // same tab
    expect(b.nextSeq()).toBe(0); // new stream
  });

  test('activity keeps a session alive; idling 30 min rolls it over on the page', () => {
    const local = memoryKV();
    const id = new Identity(local, memoryKV(), T0);
    const s0 = id.session;
    let t = T0;
    for (let i = 0; i < 10; i++) {
      t += IDLE_MS - 1000;
      expect(id.touch(t)).toBe(false);
    }
    expect(id.session).toBe(s0);
    id.nextSeq();
    t += IDLE_MS;
    expect(id.wouldRoll(t)).toBe(true);
    expect(id.session).toBe(s0); // wouldRoll changes nothing
    expect(id.touch(t)).toBe(true);
    expect(id.session).not.toBe(s0);
    expect(id.nextSeq()).toBe(0);
  });

  test('a session never lasts more than 12 hours, even when active', () => {
    const id = new Identity(memoryKV(), memoryKV(), T0);
    const s0 = id.session;
    let t = T0;
    while (t + 60_000 < T0 + MAX_SESSION_MS) {
      t += 60_000;
      expect(id.touch(t)).toBe(false);
    }
    expect(id.touch(T0 + MAX_SESSION_MS)).toBe(true);
    expect(id.session).not.toBe(s0);
  });

  test('tabs share activity: a busy tab keeps an idle tab in the session', () => {
    const local = memoryKV();
    const a = new Identity(local, memoryKV(), T0);
    const b = new Identity(local, memoryKV(), T0);
    for (let t = T0; t < T0 + 2 * IDLE_MS; t += 10 * 60_000) a.touch(t);
    expect(b.touch(T0 + 2 * IDLE_MS)).toBe(false);
    expect(b.session).toBe(a.session);
  });

  test('when one tab rolls over, the others join its new session', () => {
    const local = memoryKV();
    const a = new Identity(local, memoryKV(), T0);
    const b = new Identity(local, memoryKV(), T0);
    const t = T0 + IDLE_MS + 1;
    expect(a.touch(t)).toBe(true);
    expect(b.touch(t + 1000)).toBe(true);
    expect(b.session).toBe(a.session);
  });

  test('garbage in storage is replaced', () => {
    const local = memoryKV();
    const tab = memoryKV();
    local.set('tg_vid', 'nope');
    local.set('tg_sess', '{broken');
    tab.set('tg_win', '42');
    const id = new Identity(local, tab, T0);
    expect(id.visitor).toMatch(/^[0-9a-f]{32}$/);
    expect(id.session).toMatch(/^[0-9a-f]{32}$/);
    expect(id.window).toMatch(/^[0-9a-f]{32}$/);
  });

  test('activity is written at most every TOUCH_WRITE_MS, and on page hide', () => {
    const local = memoryKV();
    let writes = 0;
    const counted = { ...local, set: (k: string, v: string) => (k === 'tg_sess' && writes++, local.set(k, v)) };
    const id = new Identity(counted, memoryKV(), T0);
    writes = 0;
    for (let t = T0 + 100; t < T0 + 3 * TOUCH_WRITE_MS; t += 100) id.touch(t);
    expect(writes).toBe(2); // at T0 + TOUCH_WRITE_MS and T0 + 2 * TOUCH_WRITE_MS
    const last = T0 + 3 * TOUCH_WRITE_MS - 100;
    expect(JSON.parse(local.get('tg_sess')!).last).toBeLessThan(last);
    id.save();
    expect(JSON.parse(local.get('tg_sess')!)).toEqual({ id: id.session, start: T0, last });
    id.save(); // nothing new
    expect(writes).toBe(3);
  });

  test("page hide never writes over another tab's newer session", () => {
    const local = memoryKV();
    const a = new Identity(local, memoryKV(), T0);
    a.touch(T0 + 100); // not written yet
    const other = JSON.stringify({ id: randomId(), start: T0 + 50, last: T0 + 50 });
    local.set('tg_sess', other);
    a.save();
    expect(local.get('tg_sess')).toBe(other);
  });

  test('beforeRoll runs before a rollover, while the old session is current', () => {
    const id = new Identity(memoryKV(), memoryKV(), T0);
    const s0 = id.session;
    const seen: string[] = [];
    expect(id.touch(T0 + 1000, () => seen.push(id.session))).toBe(false);
    expect(seen).toEqual([]);
    expect(id.touch(T0 + 1000 + IDLE_MS, () => seen.push(id.session))).toBe(true);
    expect(seen).toEqual([s0]);
    expect(id.session).not.toBe(s0);
  });

  test('webKV caches the reads of the keys it is told to until another document writes or the page resumes', () => {
    localStorage.clear();
    const kv = webKV('localStorage', ['tg_sess']);
    kv.set('tg_sess', 'a');
    kv.set('tg_vid', 'v');
    expect(kv.get('tg_sess')).toBe('a');
    localStorage.setItem('tg_sess', 'b'); // as another tab would; it fires no event in this document
    localStorage.setItem('tg_vid', 'w');
    expect(kv.get('tg_sess')).toBe('a'); // cached
    expect(kv.get('tg_vid')).toBe('w'); // not a cached key
    window.dispatchEvent(new Event('storage')); // what the other tab's write fires here
    expect(kv.get('tg_sess')).toBe('b');
    localStorage.setItem('tg_sess', 'c');
    window.dispatchEvent(new Event('pageshow')); // back from the back/forward cache
    expect(kv.get('tg_sess')).toBe('c');
    kv.set('tg_sess', 'd'); // its own writes
    expect(kv.get('tg_sess')).toBe('d');
    kv.remove('tg_sess');
    expect(kv.get('tg_sess')).toBeNull();
    localStorage.clear();
  });
});
