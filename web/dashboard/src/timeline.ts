// Pure logic behind the replay page: the timeline's range and markers, the
// event list's current item, the current URL, inactivity and deep links.
// All times are absolute milliseconds since the epoch unless named "offset".
import type { RREvent, SeqGap, TGEvent, WindowInfo } from './types';
import { toMs, urlPath } from './format';

export interface Range {
  start: number;
  end: number;
}

/**
 * The timeline spans the window's first_ts..last_ts from the session detail,
 * widened to the recording's own first and last events if they fall outside
 * (the two come from different tables and may disagree by a few ms).
 */
export function timelineRange(win: Pick<WindowInfo, 'first_ts' | 'last_ts'> | null, rec?: RREvent[] | null): Range {
  let start = win ? win.first_ts : Infinity;
  let end = win ? win.last_ts : -Infinity;
  if (rec && rec.length) {
    start = Math.min(start, rec[0].timestamp);
    end = Math.max(end, rec[rec.length - 1].timestamp);
  }
  if (!isFinite(start)) start = 0;
  if (!isFinite(end) || end < start) end = start;
  return { start, end };
}

export type MarkerKind = 'page' | 'click' | 'error' | 'friction';

export interface Marker {
  kind: MarkerKind;
  /** 0..100, left offset in percent of the timeline. */
  pct: number;
  time: number;
  /** How many events this marker stands for (merged when they share a spot). */
  count: number;
  label: string;
}

export function markerKind(type: string): MarkerKind | null {
  switch (type) {
    case 'pageview':
      return 'page';
    case 'click':
      return 'click';
    case 'error':
      return 'error';
    case 'friction':
      return 'friction';
    default:
      return null;
  }
}

/** Percent position of an absolute time on the range, clamped to 0..100. */
export function positionPct(time: number, r: Range): number {
  const span = r.end - r.start;
  if (span <= 0) return 0;
  return Math.min(100, Math.max(0, ((time - r.start) / span) * 100));
}

/**
 * Markers for one window: page changes, clicks, errors and friction signals,
 * positioned relative to the range. Markers of one kind closer than
 * 100/buckets percent merge into one (a rage click is one mark, not thirty).
 * Events outside the range (another tab's time) are dropped.
 */
export function buildMarkers(events: TGEvent[], windowId: string | null, r: Range, buckets = 300): Marker[] {
  const out: Marker[] = [];
  const last = new Map<MarkerKind, Marker>();
  const sorted = events
    .map((e) => ({ e, t: toMs(e.time) }))
    .filter((x): x is { e: TGEvent; t: number } => x.t != null && (!windowId || !x.e.window_id || x.e.window_id === windowId))
    .sort((a, b) => a.t - b.t);
  for (const { e, t } of sorted) {
    const kind = markerKind(e.type);
    if (!kind) continue;
    if (t < r.start - 1000 || t > r.end + 1000) continue;
    const pct = positionPct(t, r);
    const prev = last.get(kind);
    if (prev && pct - prev.pct < 100 / buckets) {
      prev.count++;
      continue;
    }
    const m: Marker = { kind, pct, time: t, count: 1, label: eventTitle(e) };
    out.push(m);
    last.set(kind, m);
  }
  // Errors and friction on top of clicks and pages.
  const order: Record<MarkerKind, number> = { page: 0, click: 1, friction: 2, error: 3 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || a.pct - b.pct);
}

/** A one-line description of an analytics event for lists and tooltips. */
export function eventTitle(e: TGEvent): string {
  switch (e.type) {
    case 'pageview':
      return `Visited ${urlPath(e.url) || e.url}`;
    case 'click':
      return `Clicked ${e.text ? `“${clip(e.text, 40)}”` : e.selector ? clip(e.selector, 48) : 'element'}`;
    case 'error':
      return e.name ? clip(e.name, 80) : 'JavaScript error';
    case 'input':
      return `Changed ${e.selector ? clip(e.selector, 48) : 'a field'}`;
    case 'submit':
      return `Submitted ${e.selector ? clip(e.selector, 48) : 'a form'}`;
    case 'scroll': {
      const depth = e.data && typeof (e.data as any).depth === 'number' ? (e.data as any).depth : null;
      return depth != null ? `Scrolled to ${depth}%` : 'Scrolled';
    }
    case 'track':
      return e.name || 'Custom event';
    case 'identify':
      return 'Identified user';
    case 'friction':
      return frictionLabel(e.name || '');
    case 'guide':
      return `Guide ${e.name || 'event'}`;
    default:
      return e.type;
  }
}

export function frictionLabel(kind: string): string {
  const map: Record<string, string> = {
    rage_click: 'Rage click',
    dead_click: 'Dead click',
    error_click: 'Error click',
    thrashed_cursor: 'Thrashed cursor',
    excessive_scrolling: 'Excessive scrolling',
    quick_back: 'Quick back',
    form_abandonment: 'Form abandoned',
    field_struggle: 'Field struggle',
    hesitation: 'Hesitation',
  };
  return map[kind] || (kind ? kind.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase()) : 'Friction');
}

function clip(s: string, n: number): string {
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/**
 * Index of the current item of a time-sorted list for time t: the last item
 * at or before t, or -1 before the first. Binary search: this runs on every
 * animation frame.
 */
export function currentIndex(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export interface UrlPoint {
  time: number;
  url: string;
}

/**
 * The URL points of a window: rrweb Meta events (full page loads) and the SDK's
 * pageview signals (which also cover SPA route changes), sorted by time.
 */
export function urlPoints(rec: RREvent[] | null | undefined, events: TGEvent[], windowId: string | null): UrlPoint[] {
  const pts: UrlPoint[] = [];
  for (const e of rec || []) {
    if (e.type === 4 && e.data && typeof e.data.href === 'string') pts.push({ time: e.timestamp, url: e.data.href });
  }
  for (const e of events) {
    if (e.type !== 'pageview' || !e.url) continue;
    if (windowId && e.window_id && e.window_id !== windowId) continue;
    const t = toMs(e.time);
    if (t != null) pts.push({ time: t, url: e.url });
  }
  return pts.sort((a, b) => a.time - b.time);
}

/** The URL shown above the stage at time t (the first known URL before any point). */
export function urlAt(points: UrlPoint[], t: number): string {
  if (!points.length) return '';
  const i = currentIndex(
    points.map((p) => p.time),
    t,
  );
  return points[Math.max(0, i)].url;
}

/** rrweb incremental sources that count as user activity (as rrweb's skipInactive does). */
const ACTIVE_SOURCES = new Set([1, 2, 3, 4, 5, 6, 7, 12, 14]);

/**
 * Where the replay cannot be trusted because batches are missing: from the
 * last event before each gap to the first full snapshot after it (the stage
 * is rebuilt there), or the end of the recording when none follows.
 */
export function missingPeriods(rec: RREvent[] | null | undefined, gaps: SeqGap[] | null | undefined): Range[] {
  if (!rec || !rec.length || !gaps) return [];
  const first = rec[0].timestamp;
  const last = rec[rec.length - 1].timestamp;
  return gaps.map((g) => {
    const start = Math.max(first, g.after_ts || first);
    const from = Math.max(start, g.before_ts || last);
    const snap = rec.find((e) => e.type === 2 && e.timestamp >= from);
    return { start, end: snap ? snap.timestamp : last };
  });
}

/** Periods of at least thresholdMs without user activity, for shading the timeline. */
export function inactivePeriods(rec: RREvent[] | null | undefined, thresholdMs = 5000): Range[] {
  const out: Range[] = [];
  if (!rec || rec.length < 2) return out;
  let lastActive = rec[0].timestamp;
  for (const e of rec) {
    const active = e.type === 2 || e.type === 4 || (e.type === 3 && e.data && ACTIVE_SOURCES.has(e.data.source));
    if (!active) continue;
    if (e.timestamp - lastActive >= thresholdMs) out.push({ start: lastActive, end: e.timestamp });
    lastActive = e.timestamp;
  }
  const end = rec[rec.length - 1].timestamp;
  if (end - lastActive >= thresholdMs) out.push({ start: lastActive, end });
  return out;
}

/**
 * Parses the deep link's t parameter into milliseconds from the start of the
 * window. Accepts seconds ("83", "83.5"), "1m23s", "1h2m3s" and "1:23" / "1:02:03".
 * Returns null for anything else (missing, negative, garbage).
 */
export function parseDeepLinkT(raw: string | null | undefined): number | null {
  if (raw == null) return null;
  const s = raw.trim().toLowerCase();
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(parseFloat(s) * 1000);
  const hms = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (hms && (hms[1] || hms[2] || hms[3])) {
    return Math.round(((+(hms[1] || 0)) * 3600 + (+(hms[2] || 0)) * 60 + parseFloat(hms[3] || '0')) * 1000);
  }
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(s);
  if (clock) {
    const h = +(clock[1] || 0);
    const m = +clock[2];
    const sec = +clock[3];
    if (sec >= 60 || (clock[1] && m >= 60)) return null;
    return (h * 3600 + m * 60 + sec) * 1000;
  }
  return null;
}

/** The shareable link to a moment: /projects/{pid}/sessions/{sid}?t=SECONDS(&window=W). */
export function deepLink(origin: string, pid: string, sid: string, offsetMs: number, windowId?: string | null): string {
  const q = new URLSearchParams();
  q.set('t', String(Math.max(0, Math.floor(offsetMs / 1000))));
  if (windowId) q.set('window', windowId);
  return `${origin}/projects/${encodeURIComponent(pid)}/sessions/${encodeURIComponent(sid)}?${q.toString()}`;
}

/** Viewport size of the recording at time t, from Meta events and viewport-resize incrementals. */
export function viewportAt(rec: RREvent[] | null | undefined, t: number): { width: number; height: number } | null {
  let vp: { width: number; height: number } | null = null;
  for (const e of rec || []) {
    if (e.timestamp > t && vp) break;
    if (e.type === 4 && e.data?.width) vp = { width: e.data.width, height: e.data.height };
    else if (e.type === 3 && e.data?.source === 4 && e.data.width) vp = { width: e.data.width, height: e.data.height };
  }
  return vp;
}

export interface TabSwitch {
  windowId: string;
  /** 1-based tab number in the session's window order. */
  tab: number;
  time: number;
  pct: number;
}

/**
 * Where other tabs of the session open inside this tab's timeline, so the
 * viewer sees that the user switched and can follow them.
 */
export function tabSwitches(windows: WindowInfo[], currentId: string | null, r: Range): TabSwitch[] {
  const ordered = [...windows].sort((a, b) => a.first_ts - b.first_ts);
  return ordered
    .map((w, i) => ({ w, tab: i + 1 }))
    .filter(({ w }) => w.id !== currentId && w.first_ts >= r.start && w.first_ts <= r.end)
    .map(({ w, tab }) => ({ windowId: w.id, tab, time: w.first_ts, pct: positionPct(w.first_ts, r) }));
}

/** The tab that continues after this one ends (the next window to start after it started), if any. */
export function nextWindow(windows: WindowInfo[], currentId: string | null): { win: WindowInfo; tab: number } | null {
  const ordered = [...windows].sort((a, b) => a.first_ts - b.first_ts);
  const i = ordered.findIndex((w) => w.id === currentId);
  if (i < 0 || i + 1 >= ordered.length) return null;
  return { win: ordered[i + 1], tab: i + 2 };
}

export type ActivityFilter = 'all' | 'pages' | 'clicks' | 'issues';

export function matchesActivity(type: string, f: ActivityFilter): boolean {
  if (f === 'all') return true;
  if (f === 'pages') return type === 'pageview';
  if (f === 'clicks') return type === 'click';
  return type === 'error' || type === 'friction';
}

export interface ActivityItem {
  e: TGEvent;
  time: number;
  /** How many consecutive identical events this item stands for (repeated clicks). */
  count: number;
}

/**
 * The activity list: events of one window, sorted by time, with runs of
 * repeated clicks on the same element (each within gapMs of the previous)
 * folded into one item — a rage click reads as one line with a count.
 */
export function activityItems(events: TGEvent[], windowId: string | null, keep: (type: string) => boolean, gapMs = 1500): ActivityItem[] {
  const sorted = events
    .filter((e) => keep(e.type) && (!windowId || !e.window_id || e.window_id === windowId))
    .map((e) => ({ e, time: toMs(e.time) ?? 0, count: 1 }))
    .sort((a, b) => a.time - b.time);
  const out: ActivityItem[] = [];
  let lastTime = 0;
  for (const it of sorted) {
    const prev = out[out.length - 1];
    if (
      prev &&
      it.e.type === 'click' &&
      prev.e.type === 'click' &&
      (prev.e.selector || '') === (it.e.selector || '') &&
      (prev.e.text || '') === (it.e.text || '') &&
      it.time - lastTime <= gapMs
    ) {
      prev.count++;
      lastTime = it.time;
      continue;
    }
    out.push(it);
    lastTime = it.time;
  }
  return out;
}
