import { describe, expect, it } from 'vitest';
import {
  activeHighlight,
  exampleHref,
  exitBars,
  exitFromEvents,
  formatShare,
  frictionEvents,
  frictionMarkers,
  frictionTitle,
  groupByPage,
  scoreTone,
  signalLabel,
  SIGNALS,
  sparkBars,
  topSignals,
  trendChange,
  withoutShadowedFriction,
} from '../src/friction';
import {
  activeFilterCount,
  emptyFilters,
  filtersFromQuery,
  filtersToAPIQuery,
  filtersToQuery,
  frictionAPIQuery,
  rangeToQuery,
  sessionsQueryFor,
} from '../src/filters';
import { parseRoute, paths } from '../src/router';
import type { FrictionElement, TGEvent } from '../src/types';

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);
const fr = (name: string, sec: number, extra: Partial<TGEvent> = {}, details: Record<string, unknown> = {}): TGEvent => ({
  project_id: 'p',
  session_id: 's',
  window_id: 'w1',
  seq: -1,
  index: 0,
  type: 'friction',
  time: new Date(T0 + sec * 1000).toISOString(),
  url: 'https://shop.example/a',
  name,
  data: { source: 'server', evidence: [], details },
  ...extra,
});

describe('signal labels', () => {
  it('covers the spec types with human labels', () => {
    expect(SIGNALS).toEqual([
      'rage_click',
      'dead_click',
      'error_click',
      'thrashed_cursor',
      'excessive_scrolling',
      'quick_back',
      'form_abandonment',
      'field_struggle',
      'hesitation',
    ]);
    expect(signalLabel('rage_click')).toBe('Rage click');
    expect(signalLabel('excessive_scrolling')).toBe('Excessive scrolling');
    expect(signalLabel('new_signal')).toBe('New signal');
  });
  it('formats detections as a sentence', () => {
    expect(frictionTitle(fr('rage_click', 1, { text: 'Watch demo', selector: '#demo' }, { clicks: 4, duration_ms: 800 }))).toBe(
      'Rage click ×4 on “Watch demo”',
    );
    expect(frictionTitle(fr('dead_click', 1, { selector: '#export' }, { window_ms: 2500 }))).toBe('Dead click on #export');
    expect(frictionTitle(fr('error_click', 1, { text: 'Export PDF' }, { errors: 1, error: 'boom' }))).toBe('Error click on “Export PDF”');
    expect(frictionTitle(fr('thrashed_cursor', 1, { selector: '#x' }, { reversals: 12 }))).toBe('Thrashed cursor (12 reversals)');
    expect(frictionTitle(fr('hesitation', 1, { text: 'Buy' }, { dwell_ms: 4200 }))).toBe('Hesitation on “Buy” (4.2 s)');
    expect(frictionTitle(fr('field_struggle', 1, { selector: '#email' }, { reason: 'edits', edits: 3 }))).toBe(
      'Field struggle on #email (3 edits)',
    );
    expect(frictionTitle(fr('exit', 9, {}, { class: 'after_frustration', signal: 'rage_click' }))).toBe('Exit · Left after frustration');
    // DOM-less scroller ids are not element names.
    expect(frictionTitle(fr('dead_click', 1, { selector: 'node:12' }))).toBe('Dead click');
  });
  it('ranks chips by weight × count and never shows exits', () => {
    expect(topSignals({ dead_click: 10, field_struggle: 1, exit: 1 })).toEqual([
      { signal: 'dead_click', count: 10 },
      { signal: 'field_struggle', count: 1 },
    ]);
    expect(topSignals({ hesitation: 5, rage_click: 1, dead_click: 1 }, 3).map((c) => c.signal)).toEqual(['rage_click', 'dead_click', 'hesitation']);
    expect(topSignals(undefined)).toEqual([]);
  });
  it('grades scores', () => {
    expect([0, 1, 3, 8, undefined].map(scoreTone)).toEqual(['none', 'low', 'mid', 'high', 'none']);
  });
});

describe('filters ↔ URL ↔ API for friction', () => {
  it('round-trips signal, selector and sort through the page URL', () => {
    const f = { ...emptyFilters, signal: 'rage_click', selector: '#buy > span', sort: 'frustration' as const };
    const q = filtersToQuery(f).toString();
    expect(q).toBe('signal=rage_click&selector=%23buy+%3E+span&sort=frustration');
    expect(filtersFromQuery(q)).toEqual(f);
  });
  it('keeps newest out of the URL and drops bad values', () => {
    expect(filtersToQuery({ ...emptyFilters, sort: 'newest' }).toString()).toBe('');
    const f = filtersFromQuery('signal=RAGE%20CLICK&sort=oldest&selector=%20%20');
    expect(f.signal).toBe('');
    expect(f.sort).toBe('newest');
    expect(f.selector).toBe('');
    expect(filtersFromQuery('signal=exit').signal).toBe('exit');
  });
  it('maps to the API parameters of docs/API.md', () => {
    const q = filtersToAPIQuery({ ...emptyFilters, signal: 'dead_click', selector: '#email', sort: 'frustration' }, { cursor: 'c1' });
    expect(Object.fromEntries(q)).toEqual({ signal: 'dead_click', selector: '#email', sort: 'frustration', limit: '50', cursor: 'c1' });
    expect(filtersToAPIQuery(emptyFilters).has('sort')).toBe(false);
  });
  it('counts signal and selector as filters but not the sort', () => {
    expect(activeFilterCount({ ...emptyFilters, sort: 'frustration' })).toBe(0);
    expect(activeFilterCount({ ...emptyFilters, signal: 'rage_click', selector: '#a' })).toBe(2);
  });
  it('builds the Friction page query and its row links', () => {
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    expect(Object.fromEntries(frictionAPIQuery({ range: '7d', from: '', to: '' }, { now }))).toEqual({
      from: '2026-11-20T12:00:00.000Z',
      limit: '100',
    });
    const custom = { range: 'custom' as const, from: '2026-11-01', to: '2026-11-20' };
    const q = frictionAPIQuery(custom, { now });
    expect(q.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(q.get('to')).toBe(new Date(2026, 10, 21).toISOString());
    expect(rangeToQuery(custom).toString()).toBe('from=2026-11-01&to=2026-11-20');
    expect(sessionsQueryFor({ range: '30d', from: '', to: '' }, 'error_click', '#export-pdf').toString()).toBe(
      'range=30d&signal=error_click&selector=%23export-pdf&sort=frustration',
    );
  });
  it('routes /projects/{pid}/friction', () => {
    expect(parseRoute('/projects/p1/friction', '?range=7d')).toEqual({ name: 'friction', pid: 'p1' });
    expect(paths.friction('p1', 'range=7d')).toBe('/projects/p1/friction?range=7d');
  });
  it('links a report example to the replay moment', () => {
    expect(exampleHref('p1', { session_id: 's1', window_id: 'w1', t_ms: 5049 })).toBe('/projects/p1/sessions/s1?t=5&window=w1');
    expect(exampleHref('p1', { session_id: 's1', window_id: 'w1', t_ms: 33042 })).toBe('/projects/p1/sessions/s1?t=33&window=w1');
    expect(exampleHref('p1', { session_id: 's1', t_ms: 12780 })).toBe('/projects/p1/sessions/s1?t=12.7');
    expect(exampleHref('p1', { session_id: 's1', t_ms: 0 })).toBe('/projects/p1/sessions/s1');
  });
});

describe('friction markers', () => {
  const range = { start: T0, end: T0 + 100_000 };
  it('prefers server detections over the SDK live signals', () => {
    const live = fr('rage_click', 5, { seq: 3, data: { source: 'sdk' } });
    const server = fr('rage_click', 5);
    const click: TGEvent = { ...fr('x', 1), type: 'click', seq: 2 };
    expect(frictionEvents([live, server, click])).toEqual([server]);
    expect(frictionEvents([live, click])).toEqual([live]);
    expect(withoutShadowedFriction([live, server, click])).toEqual([server, click]);
  });
  it('builds one marker per detection, merging only the same signal at the same spot, without the exit', () => {
    const evs = [
      fr('dead_click', 10, { selector: '#a' }),
      fr('rage_click', 10.1, { selector: '#a', text: 'Go' }, { clicks: 5 }),
      fr('dead_click', 10.2, { selector: '#a' }),
      fr('dead_click', 50, { selector: '#b' }),
      fr('hesitation', 60, { window_id: 'w2' }),
      fr('exit', 99, {}, { class: 'plain' }),
    ];
    const m = frictionMarkers(evs, 'w1', range);
    expect(m.map((x) => [x.signal, Math.round(x.pct * 10) / 10, x.count])).toEqual([
      ['dead_click', 10, 2],
      ['rage_click', 10.1, 1],
      ['dead_click', 50, 1],
    ]);
    expect(m[1].label).toBe('Rage click ×5 on “Go”');
    expect(m[1].selector).toBe('#a');
  });
  it('highlights the detection the player is at, for a while', () => {
    const evs = [fr('dead_click', 10, { selector: '#a' }), fr('rage_click', 11, { selector: '#b' }), fr('excessive_scrolling', 12, { selector: 'node:4' })];
    expect(activeHighlight(evs, 'w1', T0 + 9_000)).toBeNull();
    expect(activeHighlight(evs, 'w1', T0 + 10_500)?.selector).toBe('#a');
    expect(activeHighlight(evs, 'w1', T0 + 12_000)?.selector).toBe('#b');
    expect(activeHighlight(evs, 'w1', T0 + 20_000)).toBeNull();
    expect(activeHighlight(evs, 'w2', T0 + 10_500)).toBeNull();
  });
  it('reads the exit class from the exit detection', () => {
    expect(exitFromEvents([fr('dead_click', 1), fr('exit', 9, {}, { class: 'after_error' })])).toMatchObject({ cls: 'after_error' });
    expect(exitFromEvents([])).toBeNull();
  });
});

describe('friction report', () => {
  const row = (url: string, selector: string, signal: string, count: number, page_sessions = 10): FrictionElement => ({
    url,
    selector,
    signal,
    count,
    sessions: Math.min(count, page_sessions),
    page_sessions,
    share_of_page_views: Math.min(count, page_sessions) / page_sessions,
    first_seen: '2026-11-20T10:00:00Z',
    last_seen: '2026-11-26T10:00:00Z',
  });
  it('groups rows by page in the server order', () => {
    const g = groupByPage([
      row('/signup', '#name', 'dead_click', 16, 16),
      row('/settings', '#export', 'error_click', 7, 7),
      row('/signup', '#email', 'dead_click', 14, 16),
      row('/onboarding', '#csv', 'rage_click', 2, 13),
    ]);
    expect(g.map((x) => [x.url, x.total, x.pageSessions, x.rows.map((r) => r.selector)])).toEqual([
      ['/signup', 30, 16, ['#name', '#email']],
      ['/settings', 7, 7, ['#export']],
      ['/onboarding', 2, 13, ['#csv']],
    ]);
    expect(groupByPage(null)).toEqual([]);
  });
  it('turns exits into bars, largest first', () => {
    const bars = exitBars({ plain: 14, after_frustration: 18, after_error: 3, idle: 0 });
    expect(bars.map((b) => [b.cls, b.count, b.tone])).toEqual([
      ['after_frustration', 18, 'bad'],
      ['plain', 14, 'neutral'],
      ['after_error', 3, 'bad'],
    ]);
    expect(bars[0].share).toBeCloseTo(18 / 35);
    expect(exitBars({})).toEqual([]);
  });
  it('formats shares', () => {
    expect([0, 0.004, 0.625, 1.2].map(formatShare)).toEqual(['0%', '<1%', '63%', '100%']);
  });
  it('compares a row with the previous period on its share of page views', () => {
    const cur = row('/signup', '#name', 'dead_click', 6, 10); // 60 %
    const prev = (share: number) => ({ count: 3, sessions: 3, page_sessions: 10, share_of_page_views: share });
    const tests: [string, FrictionElement, boolean, string, string][] = [
      ['no previous period', cur, false, 'none', ''],
      ['new friction', cur, true, 'new', 'New'],
      ['worse', { ...cur, previous: prev(0.3) }, true, 'up', '▲ 30 pts'],
      ['better', { ...cur, previous: prev(0.9) }, true, 'down', '▼ 30 pts'],
      ['within two points is flat', { ...cur, previous: prev(0.59) }, true, 'flat', '≈ same'],
      ['just over two points', { ...cur, previous: prev(0.57) }, true, 'up', '▲ 3 pts'],
    ];
    for (const [name, el, has, kind, label] of tests) {
      const c = trendChange(el, has, 'the previous 7 days');
      expect([name, c.kind, c.label]).toEqual([name, kind, label]);
    }
    expect(trendChange({ ...cur, previous: prev(0.3) }, true, 'the previous 7 days').title).toBe(
      '60% of page views now, 30% in the previous 7 days (3 detections in 3 of 10 sessions).',
    );
  });
  it('scales sparkline bars to the largest bucket', () => {
    expect(sparkBars([0, 2, 4, 1])).toEqual([0, 0.5, 1, 0.25]);
    expect(sparkBars([0, 0])).toEqual([0, 0]);
    expect(sparkBars(undefined)).toEqual([]);
  });
});
