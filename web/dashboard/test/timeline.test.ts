import { describe, expect, it } from 'vitest';
import {
  activityItems,
  buildMarkers,
  currentIndex,
  deepLink,
  inactivePeriods,
  missingPeriods,
  matchesActivity,
  nextWindow,
  tabSwitches,
  parseDeepLinkT,
  positionPct,
  timelineRange,
  urlAt,
  urlPoints,
  viewportAt,
} from '../src/timeline';
import type { RREvent, TGEvent } from '../src/types';

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);
const ev = (type: string, sec: number, extra: Partial<TGEvent> = {}): TGEvent => ({
  project_id: 'p',
  session_id: 's',
  window_id: 'w1',
  seq: 1,
  index: 0,
  type,
  time: new Date(T0 + sec * 1000).toISOString(),
  url: 'https://shop.example/a',
  ...extra,
});

describe('timelineRange', () => {
  it('uses the window times, widened by the recording', () => {
    expect(timelineRange({ first_ts: T0, last_ts: T0 + 60_000 })).toEqual({ start: T0, end: T0 + 60_000 });
    const rec: RREvent[] = [
      { type: 4, timestamp: T0 - 5, data: {} },
      { type: 2, timestamp: T0 + 61_000, data: {} },
    ];
    expect(timelineRange({ first_ts: T0, last_ts: T0 + 60_000 }, rec)).toEqual({ start: T0 - 5, end: T0 + 61_000 });
  });
});

describe('buildMarkers', () => {
  const r = { start: T0, end: T0 + 100_000 };
  it('places page, click, error and friction markers relative to first_ts', () => {
    const m = buildMarkers(
      [ev('pageview', 0), ev('click', 25), ev('error', 50, { name: 'TypeError: x' }), ev('friction', 75, { name: 'rage_click' }), ev('scroll', 80)],
      'w1',
      r,
    );
    expect(m.map((x) => [x.kind, x.pct])).toEqual([
      ['page', 0],
      ['click', 25],
      ['friction', 75],
      ['error', 50],
    ]);
    expect(m.find((x) => x.kind === 'error')!.label).toBe('TypeError: x');
    expect(m.find((x) => x.kind === 'friction')!.label).toBe('Rage click');
  });
  it('ignores other windows and events outside the range', () => {
    const m = buildMarkers([ev('click', 10, { window_id: 'w2' }), ev('click', 500)], 'w1', r);
    expect(m).toEqual([]);
  });
  it('merges close markers of one kind', () => {
    const m = buildMarkers([ev('click', 10), ev('click', 10.1), ev('click', 10.2), ev('click', 60)], 'w1', r);
    expect(m.map((x) => [x.pct, x.count])).toEqual([
      [10, 3],
      [60, 1],
    ]);
  });
  it('clamps positions', () => {
    expect(positionPct(T0 - 1, r)).toBe(0);
    expect(positionPct(T0 + 200_000, r)).toBe(100);
    expect(positionPct(T0, { start: T0, end: T0 })).toBe(0);
  });
});

describe('currentIndex (event list current item)', () => {
  const times = [10, 20, 20, 30];
  const tests: [number, number][] = [
    [5, -1],
    [10, 0],
    [15, 0],
    [20, 2],
    [29, 2],
    [30, 3],
    [99, 3],
  ];
  for (const [t, want] of tests) it(`t=${t} → ${want}`, () => expect(currentIndex(times, t)).toBe(want));
  it('is -1 for an empty list', () => expect(currentIndex([], 5)).toBe(-1));
});

describe('current URL', () => {
  it('merges meta events and pageviews of the window', () => {
    const rec: RREvent[] = [{ type: 4, timestamp: T0, data: { href: 'https://shop.example/', width: 1280, height: 800 } }];
    const pts = urlPoints(rec, [ev('pageview', 10, { url: 'https://shop.example/cart' }), ev('pageview', 5, { url: 'https://x/other', window_id: 'w2' })], 'w1');
    expect(urlAt(pts, T0 - 100)).toBe('https://shop.example/');
    expect(urlAt(pts, T0 + 9_000)).toBe('https://shop.example/');
    expect(urlAt(pts, T0 + 10_000)).toBe('https://shop.example/cart');
    expect(urlAt([], T0)).toBe('');
  });
  it('tracks the recorded viewport', () => {
    const rec: RREvent[] = [
      { type: 4, timestamp: T0, data: { href: 'x', width: 1280, height: 800 } },
      { type: 3, timestamp: T0 + 5000, data: { source: 4, width: 390, height: 844 } },
    ];
    expect(viewportAt(rec, T0)).toEqual({ width: 1280, height: 800 });
    expect(viewportAt(rec, T0 + 6000)).toEqual({ width: 390, height: 844 });
  });
});

describe('inactivePeriods', () => {
  it('finds gaps without user activity', () => {
    const rec: RREvent[] = [
      { type: 4, timestamp: T0, data: {} },
      { type: 3, timestamp: T0 + 1000, data: { source: 1 } },
      { type: 3, timestamp: T0 + 4000, data: { source: 0 } }, // DOM mutation: not user activity
      { type: 3, timestamp: T0 + 9000, data: { source: 2 } },
      { type: 3, timestamp: T0 + 10000, data: { source: 0 } },
    ];
    expect(inactivePeriods(rec, 5000)).toEqual([{ start: T0 + 1000, end: T0 + 9000 }]);
  });
});

describe('deep links', () => {
  const tests: [string | null, number | null][] = [
    [null, null],
    ['', null],
    ['83', 83_000],
    ['83.5', 83_500],
    ['0', 0],
    ['1m23s', 83_000],
    ['1h2m3s', 3_723_000],
    ['45s', 45_000],
    ['1:23', 83_000],
    ['1:02:03', 3_723_000],
    ['1:75', null],
    ['-5', null],
    ['abc', null],
    ['1e9', null],
  ];
  for (const [raw, want] of tests) it(`t=${raw} → ${want}`, () => expect(parseDeepLinkT(raw)).toBe(want));
  it('builds the share link with t in whole seconds and an optional window', () => {
    expect(deepLink('https://tg.example', 'p1', 's 1', 83_900)).toBe('https://tg.example/projects/p1/sessions/s%201?t=83');
    expect(deepLink('https://tg.example', 'p1', 's1', 5_000, 'w2')).toBe('https://tg.example/projects/p1/sessions/s1?t=5&window=w2');
  });
  it('round-trips: the link parses back to the moment', () => {
    const link = new URL(deepLink('https://tg.example', 'p', 's', 61_000, 'w'));
    expect(parseDeepLinkT(link.searchParams.get('t'))).toBe(61_000);
  });
});

describe('tabs', () => {
  const w = (id: string, a: number, b: number) => ({ id, first_ts: T0 + a * 1000, last_ts: T0 + b * 1000, event_count: 1 });
  const windows = [w('w2', 30, 90), w('w1', 0, 60), w('w3', 120, 130)];
  it('marks where other tabs open inside this tab', () => {
    const r = { start: T0, end: T0 + 60_000 };
    expect(tabSwitches(windows, 'w1', r)).toEqual([{ windowId: 'w2', tab: 2, time: T0 + 30_000, pct: 50 }]);
  });
  it('finds the tab that continues', () => {
    expect(nextWindow(windows, 'w1')?.win.id).toBe('w2');
    expect(nextWindow(windows, 'w2')?.tab).toBe(3);
    expect(nextWindow(windows, 'w3')).toBeNull();
    expect(nextWindow(windows, 'nope')).toBeNull();
  });
  it('filters activity by kind', () => {
    expect(['pageview', 'click', 'error', 'friction', 'input'].filter((t) => matchesActivity(t, 'issues'))).toEqual(['error', 'friction']);
    expect(matchesActivity('input', 'all')).toBe(true);
    expect(matchesActivity('pageview', 'pages')).toBe(true);
    expect(matchesActivity('pageview', 'clicks')).toBe(false);
  });
});

describe('activityItems', () => {
  it('folds repeated clicks on one element into one item with a count', () => {
    const items = activityItems(
      [
        ev('pageview', 0),
        ev('click', 5, { selector: '#b3', text: 'Contact sales' }),
        ev('click', 5.4, { selector: '#b3', text: 'Contact sales' }),
        ev('click', 5.9, { selector: '#b3', text: 'Contact sales' }),
        ev('friction', 6, { name: 'rage_click' }),
        ev('click', 6.2, { selector: '#b3', text: 'Contact sales' }),
        ev('click', 20, { selector: '#b3', text: 'Contact sales' }),
        ev('click', 20.5, { selector: '#other' }),
        ev('click', 1, { window_id: 'w2' }),
      ],
      'w1',
      () => true,
    );
    expect(items.map((i) => [i.e.type, i.count])).toEqual([
      ['pageview', 1],
      ['click', 3],
      ['friction', 1],
      ['click', 1],
      ['click', 1],
      ['click', 1],
    ]);
    expect(items[1].time).toBe(T0 + 5000);
  });
  it('applies the type filter', () => {
    const items = activityItems([ev('pageview', 0), ev('error', 1)], 'w1', (t) => t === 'error');
    expect(items.map((i) => i.e.type)).toEqual(['error']);
  });
});

describe("missingPeriods", () => {
  const ev = (type: number, timestamp: number) => ({ type, timestamp, data: {} }) as any;
  const rec = [ev(4, 1000), ev(2, 1001), ev(3, 2000), ev(3, 5000), ev(3, 6000), ev(2, 7000), ev(3, 9000)];
  it('from the last event before the gap to the next full snapshot after it', () => {
    const gaps = [{ window: 'w', from_seq: 2, to_seq: 3, after_ts: 2000, before_ts: 5000 }];
    expect(missingPeriods(rec, gaps)).toEqual([{ start: 2000, end: 7000 }]);
  });
  it('to the end when no full snapshot follows; a leading gap starts at the first event', () => {
    const gaps = [
      { window: 'w', from_seq: 0, to_seq: 0, after_ts: 0, before_ts: 1000 },
      { window: 'w', from_seq: 9, to_seq: 9, after_ts: 7000, before_ts: 9000 },
    ];
    expect(missingPeriods(rec, gaps)).toEqual([
      { start: 1000, end: 1001 },
      { start: 7000, end: 9000 },
    ]);
  });
  it('nothing without gaps or events', () => {
    expect(missingPeriods(rec, [])).toEqual([]);
    expect(missingPeriods([], [{ window: 'w', from_seq: 1, to_seq: 1, after_ts: 1, before_ts: 2 }])).toEqual([]);
    expect(missingPeriods(null, undefined)).toEqual([]);
  });
});
