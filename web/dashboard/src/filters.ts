// Session filters: one state object, kept in the page URL (so a filtered list
// is a shareable link) and turned into the API query of
// GET /api/v1/projects/{pid}/sessions (docs/API.md).

import { segmentFromParam, segmentToParam } from './segments';

export type RangePreset = '' | '1h' | '24h' | '7d' | '30d' | '90d' | 'custom';

export interface FilterState {
  /** A relative preset, or 'custom' with from/to dates, or '' for any time. */
  range: RangePreset;
  /** Local calendar dates (YYYY-MM-DD), inclusive, for range 'custom'. */
  from: string;
  to: string;
  url: string;
  user: string;
  utmSource: string;
  device: string;
  browser: string;
  /** Seconds, or null for no bound. */
  minDuration: number | null;
  maxDuration: number | null;
  hasError: '' | 'true' | 'false';
  /** A friction signal type (docs/FRICTION.md), or '' for any. */
  signal: string;
  /** Sessions with a friction detection on this element selector. */
  selector: string;
  sort: SortOrder;
  /** A segment filter's JSON (segments.ts), or '' for everyone. */
  segment: string;
}

export type SortOrder = 'newest' | 'frustration';

export const emptyFilters: FilterState = {
  range: '',
  from: '',
  to: '',
  url: '',
  user: '',
  utmSource: '',
  device: '',
  browser: '',
  minDuration: null,
  maxDuration: null,
  hasError: '',
  signal: '',
  selector: '',
  sort: 'newest',
  segment: '',
};

/** Signal types the list filter accepts: the spec's signals plus `exit` (docs/API.md). */
const SIGNAL_RE = /^[a-z][a-z_]{1,40}$/;

export const RANGE_PRESETS: { value: RangePreset; label: string; ms: number }[] = [
  { value: '1h', label: 'Last hour', ms: 3600e3 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600e3 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600e3 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600e3 },
  { value: '90d', label: 'Last 90 days', ms: 90 * 24 * 3600e3 },
];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function seconds(v: string | null): number | null {
  if (v == null || v.trim() === '') return null;
  const n = Number(v);
  return isFinite(n) && n >= 0 ? Math.floor(n) : null;
}

/** Reads filter state from the page's query string. Unknown or malformed values are dropped. */
export function filtersFromQuery(search: string | URLSearchParams): FilterState {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const f: FilterState = { ...emptyFilters };
  const range = q.get('range') || '';
  const from = q.get('from') || '';
  const to = q.get('to') || '';
  if (RANGE_PRESETS.some((p) => p.value === range)) {
    f.range = range as RangePreset;
  } else if (DATE_RE.test(from) || DATE_RE.test(to)) {
    f.range = 'custom';
    f.from = DATE_RE.test(from) ? from : '';
    f.to = DATE_RE.test(to) ? to : '';
  }
  f.url = (q.get('url') || '').trim();
  f.user = (q.get('user') || '').trim();
  f.utmSource = q.get('utm_source') || '';
  const device = q.get('device') || '';
  f.device = ['desktop', 'tablet', 'mobile'].includes(device) ? device : '';
  f.browser = q.get('browser') || '';
  f.minDuration = seconds(q.get('min_duration'));
  f.maxDuration = seconds(q.get('max_duration'));
  const he = q.get('has_error');
  f.hasError = he === 'true' || he === 'false' ? he : '';
  const sig = q.get('signal') || '';
  f.signal = SIGNAL_RE.test(sig) ? sig : '';
  f.selector = (q.get('selector') || '').trim();
  f.sort = q.get('sort') === 'frustration' ? 'frustration' : 'newest';
  const seg = segmentFromParam(q.get('seg'));
  f.segment = seg ? segmentToParam(seg) : '';
  return f;
}

/** Writes filter state to a query string; empty filters are left out, keys in a fixed order. */
export function filtersToQuery(f: FilterState): URLSearchParams {
  const q = new URLSearchParams();
  if (f.range === 'custom') {
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
  } else if (f.range) {
    q.set('range', f.range);
  }
  if (f.url) q.set('url', f.url);
  if (f.user) q.set('user', f.user);
  if (f.utmSource) q.set('utm_source', f.utmSource);
  if (f.device) q.set('device', f.device);
  if (f.browser) q.set('browser', f.browser);
  if (f.minDuration != null) q.set('min_duration', String(f.minDuration));
  if (f.maxDuration != null) q.set('max_duration', String(f.maxDuration));
  if (f.hasError) q.set('has_error', f.hasError);
  if (f.signal) q.set('signal', f.signal);
  if (f.selector) q.set('selector', f.selector);
  if (f.sort === 'frustration') q.set('sort', 'frustration');
  if (f.segment) q.set('seg', f.segment);
  return q;
}

/** Local midnight of a YYYY-MM-DD date, plus days. */
function localMidnight(date: string, plusDays = 0): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays);
}

/**
 * The API query for a filter state. Relative ranges resolve against now;
 * custom dates are local days, 'to' inclusive (the API's to is exclusive).
 */
export function filtersToAPIQuery(
  f: FilterState,
  opts: { now?: number; cursor?: string; limit?: number } = {},
): URLSearchParams {
  const now = opts.now ?? Date.now();
  const q = new URLSearchParams();
  const preset = RANGE_PRESETS.find((p) => p.value === f.range);
  if (preset) {
    q.set('from', new Date(now - preset.ms).toISOString());
  } else if (f.range === 'custom') {
    if (f.from) q.set('from', localMidnight(f.from).toISOString());
    if (f.to) q.set('to', localMidnight(f.to, 1).toISOString());
  }
  if (f.url) q.set('url', f.url);
  if (f.minDuration != null) q.set('min_duration', String(f.minDuration));
  if (f.maxDuration != null) q.set('max_duration', String(f.maxDuration));
  if (f.user) q.set('user', f.user);
  if (f.utmSource) q.set('utm_source', f.utmSource);
  if (f.device) q.set('device', f.device);
  if (f.browser) q.set('browser', f.browser);
  if (f.hasError) q.set('has_error', f.hasError);
  if (f.signal) q.set('signal', f.signal);
  if (f.selector) q.set('selector', f.selector);
  if (f.sort === 'frustration') q.set('sort', 'frustration');
  if (f.segment) q.set('segment', f.segment);
  q.set('limit', String(opts.limit ?? 50));
  if (opts.cursor) q.set('cursor', opts.cursor);
  return q;
}

/** How many filters are active (for the "Clear filters" affordance and empty states). */
export function activeFilterCount(f: FilterState): number {
  let n = 0;
  if (f.range && (f.range !== 'custom' || f.from || f.to)) n++;
  for (const v of [f.url, f.user, f.utmSource, f.device, f.browser, f.hasError, f.signal, f.selector, f.segment]) if (v) n++;
  if (f.minDuration != null) n++;
  if (f.maxDuration != null) n++;
  return n;
}

/** Resolves a filter state's date range to the API's from/to (shared by the list and the Friction page). */
export function rangeToAPI(f: Pick<FilterState, 'range' | 'from' | 'to'>, now: number = Date.now()): { from?: string; to?: string } {
  const preset = RANGE_PRESETS.find((p) => p.value === f.range);
  if (preset) return { from: new Date(now - preset.ms).toISOString() };
  const out: { from?: string; to?: string } = {};
  if (f.range === 'custom') {
    if (f.from) out.from = localMidnight(f.from).toISOString();
    if (f.to) out.to = localMidnight(f.to, 1).toISOString();
  }
  return out;
}

/** The Friction page's API query: the date range and the row limit. */
export function frictionAPIQuery(f: Pick<FilterState, 'range' | 'from' | 'to'>, opts: { now?: number; limit?: number } = {}): URLSearchParams {
  const q = new URLSearchParams();
  const r = rangeToAPI(f, opts.now);
  if (r.from) q.set('from', r.from);
  if (r.to) q.set('to', r.to);
  q.set('limit', String(opts.limit ?? 100));
  return q;
}

/** The Friction page's own URL state: only the date range. */
export function rangeToQuery(f: Pick<FilterState, 'range' | 'from' | 'to'>): URLSearchParams {
  const q = new URLSearchParams();
  if (f.range === 'custom') {
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
  } else if (f.range) q.set('range', f.range);
  return q;
}

/**
 * The sessions list link for one Friction page row: same range, filtered by
 * its signal and selector (docs/API.md: exactly the row's sessions), sorted
 * by frustration.
 */
export function sessionsQueryFor(
  range: Pick<FilterState, 'range' | 'from' | 'to'>,
  signal: string,
  selector: string,
): URLSearchParams {
  return filtersToQuery({ ...emptyFilters, range: range.range, from: range.from, to: range.to, signal, selector, sort: 'frustration' });
}
