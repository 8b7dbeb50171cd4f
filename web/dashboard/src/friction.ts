// Friction signals (docs/FRICTION.md): labels, colours, the replay's friction
// markers and element highlight, and the Friction page's report grouping.
// Pure logic only; the components render what these functions return.
import type { FrictionElement, TGEvent } from './types';
import { toMs } from './format';
import { positionPct, type Range } from './timeline';

/** The signal types of the spec, in the order the dashboard lists them. */
export const SIGNALS = [
  'rage_click',
  'dead_click',
  'error_click',
  'thrashed_cursor',
  'excessive_scrolling',
  'quick_back',
  'form_abandonment',
  'field_struggle',
  'hesitation',
] as const;
export type Signal = (typeof SIGNALS)[number];

const SIGNAL_LABELS: Record<Signal, string> = {
  rage_click: 'Rage click',
  dead_click: 'Dead click',
  error_click: 'Error click',
  thrashed_cursor: 'Thrashed cursor',
  excessive_scrolling: 'Excessive scrolling',
  quick_back: 'Quick back',
  form_abandonment: 'Form abandonment',
  field_struggle: 'Field struggle',
  hesitation: 'Hesitation',
};

/** One sentence per signal, for tooltips and the Friction page's explainer. */
export const SIGNAL_HELP: Record<Signal, string> = {
  rage_click: '3 or more clicks within 1 s on the same spot that the page did not answer',
  dead_click: 'A click on an interactive element after which nothing changed for 2.5 s',
  error_click: 'A click followed within 1 s by a JavaScript error or a failed request it caused',
  thrashed_cursor: 'The pointer moved back and forth quickly, 10+ reversals within 2 s',
  excessive_scrolling: 'Scrolling up and down through the page 4+ times within 10 s',
  quick_back: 'Left a page and came back to the previous one within 10 s',
  form_abandonment: 'Changed fields of a form, then left the page without submitting it',
  field_struggle: 'Edited, cleared or re-focused one field again and again, or it was marked invalid',
  hesitation: 'Hovered over a control for 3 s or more without clicking it',
};

export function isSignal(s: string): s is Signal {
  return (SIGNALS as readonly string[]).includes(s);
}

/** "rage_click" → "Rage click"; unknown types are humanised, never dropped. */
export function signalLabel(type: string): string {
  if (isSignal(type)) return SIGNAL_LABELS[type];
  if (type === 'exit') return 'Exit';
  return type ? type.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase()) : 'Friction';
}

/** Frustration-score weights (docs/FRICTION.md, "Frustration score"), for ordering chips. */
export const SIGNAL_WEIGHTS: Record<Signal, number> = {
  rage_click: 3,
  error_click: 3,
  dead_click: 2,
  form_abandonment: 2,
  thrashed_cursor: 1,
  excessive_scrolling: 1,
  quick_back: 1,
  field_struggle: 1,
  hesitation: 0,
};

export const EXIT_CLASSES = ['converted', 'after_error', 'after_frustration', 'mid_form', 'quick_back', 'idle', 'plain'] as const;
export type ExitClass = (typeof EXIT_CLASSES)[number];

const EXIT_LABELS: Record<ExitClass, string> = {
  converted: 'Converted',
  after_error: 'Left after an error',
  after_frustration: 'Left after frustration',
  mid_form: 'Left mid-form',
  quick_back: 'Bounced back',
  idle: 'Went idle',
  plain: 'Left normally',
};

const EXIT_HELP: Record<ExitClass, string> = {
  converted: 'Reached a conversion event or page',
  after_error: 'An error happened in the last 30 s before leaving',
  after_frustration: 'A rage, dead or error click in the last 30 s before leaving',
  mid_form: 'Left with a form changed but not submitted',
  quick_back: 'Left less than 10 s after the last page view',
  idle: 'No activity for 5 min or more before the session ended',
  plain: 'None of the above',
};

export function exitLabel(c: string): string {
  return (EXIT_LABELS as Record<string, string>)[c] || signalLabel(c);
}

export function exitHelp(c: string): string {
  return (EXIT_HELP as Record<string, string>)[c] || '';
}

/** Exit tone for colouring: good, bad, neutral. */
export function exitTone(c: string): 'good' | 'bad' | 'warn' | 'neutral' {
  if (c === 'converted') return 'good';
  if (c === 'after_error' || c === 'after_frustration') return 'bad';
  if (c === 'mid_form' || c === 'quick_back') return 'warn';
  return 'neutral';
}

/** Severity of a frustration score for the badge colour. */
export function scoreTone(score: number | null | undefined): 'none' | 'low' | 'mid' | 'high' {
  if (!score || score <= 0) return 'none';
  if (score < 3) return 'low';
  if (score < 8) return 'mid';
  return 'high';
}

export interface SignalCount {
  signal: string;
  count: number;
}

/**
 * A session's friction counts as chips, most important first: by count times
 * weight (hesitation, weight 0, still shows, last), then count, then spec order.
 * `exit` is never a chip.
 */
export function topSignals(counts: Record<string, number> | null | undefined, n = 2): SignalCount[] {
  const rows = Object.entries(counts || {})
    .filter(([k, v]) => k !== 'exit' && v > 0)
    .map(([signal, count]) => ({ signal, count }));
  const w = (s: string) => (isSignal(s) ? SIGNAL_WEIGHTS[s] : 1);
  const ord = (s: string) => (isSignal(s) ? SIGNALS.indexOf(s) : SIGNALS.length);
  rows.sort((a, b) => b.count * w(b.signal) - a.count * w(a.signal) || b.count - a.count || ord(a.signal) - ord(b.signal));
  return rows.slice(0, n);
}

function clip(s: string, n: number): string {
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && isFinite(v) ? v : null;
}

export function details(e: TGEvent): Record<string, unknown> {
  const d = e.data && (e.data as any).details;
  return d && typeof d === 'object' ? (d as Record<string, unknown>) : {};
}

/** The element a detection is about, for labels: “text”, else the selector, else ''. */
function target(e: Pick<TGEvent, 'text' | 'selector'>): string {
  if (e.text && e.text.trim()) return `“${clip(e.text, 32)}”`;
  if (e.selector && !e.selector.startsWith('node:')) return clip(e.selector, 40);
  return '';
}

/**
 * The human label of a friction event: "Rage click ×4 on “Watch demo”",
 * "Dead click on #export", "Field struggle on #email (3 edits)",
 * "Exit: Left after frustration". SDK and server detections read the same.
 */
export function frictionTitle(e: TGEvent): string {
  const type = e.name || '';
  if (type === 'exit') {
    const c = String(details(e).class || '');
    return c ? `Exit · ${exitLabel(c)}` : 'Exit';
  }
  const d = details(e);
  let label = signalLabel(type);
  const on = target(e);
  const times = (n: number | null) => (n != null && n > 1 ? ` ×${n}` : '');
  let extra = '';
  switch (type) {
    case 'rage_click':
      label += times(num(d.clicks));
      break;
    case 'error_click':
      label += times(num(d.errors));
      break;
    case 'thrashed_cursor':
    case 'excessive_scrolling': {
      const r = num(d.reversals);
      if (r != null) extra = `${r} reversals`;
      break;
    }
    case 'hesitation': {
      const ms = num(d.dwell_ms);
      if (ms != null) extra = `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
      break;
    }
    case 'field_struggle': {
      const edits = num(d.edits);
      const reason = String(d.reason || '');
      if (reason === 'refocus' && num(d.refocus) != null) extra = `${d.refocus} re-focuses`;
      else if (reason === 'invalid' && num(d.invalid) != null) extra = `marked invalid ×${d.invalid}`;
      else if (edits != null) extra = `${edits} edits`;
      break;
    }
    case 'quick_back': {
      const ms = num(d.dwell_ms);
      if (ms != null) extra = `back after ${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
      break;
    }
  }
  if (on && type !== 'thrashed_cursor' && type !== 'excessive_scrolling') label += ` on ${on}`;
  return extra ? `${label} (${extra})` : label;
}

/** The second line of a friction item: what went wrong in detail. */
export function frictionSubtitle(e: TGEvent): string {
  const d = details(e);
  if (e.name === 'error_click' && typeof d.error === 'string' && d.error) return clip(d.error, 80);
  if (e.name === 'exit') return exitHelp(String(d.class || ''));
  if (e.name === 'quick_back' && typeof d.from === 'string') return `From ${clip(d.from, 60)}`;
  if (e.name === 'form_abandonment' && typeof d.last_field === 'string' && d.last_field) return `Last field ${clip(d.last_field, 48)}`;
  return e.selector && !e.selector.startsWith('node:') ? e.selector : '';
}

/** A server detection (authoritative), as opposed to the SDK's live friction signal. */
export function isServerFriction(e: TGEvent): boolean {
  return e.type === 'friction' && (e.seq === -1 || (e.data as any)?.source === 'server');
}

/**
 * The friction events to show for a session: the server's detections once it
 * has analysed the session (they are the ones reports count), else the SDK's
 * live signals so an open session still shows something. Never both, so a
 * rage click is not listed twice.
 */
export function frictionEvents(events: TGEvent[]): TGEvent[] {
  const all = events.filter((e) => e.type === 'friction');
  const server = all.filter(isServerFriction);
  return server.length ? server : all;
}

/** Events without the friction signals that frictionEvents drops. */
export function withoutShadowedFriction(events: TGEvent[]): TGEvent[] {
  const keep = new Set(frictionEvents(events));
  return events.filter((e) => e.type !== 'friction' || keep.has(e));
}

export interface FrictionMarker {
  signal: string;
  time: number;
  pct: number;
  label: string;
  selector: string;
  /** Detections merged into this marker (same signal at the same spot). */
  count: number;
}

/**
 * Timeline markers for the friction of one window: one per detection, merged
 * only with the same signal closer than 100/buckets percent. The exit is left
 * out (it is the end of the session, shown in the details panel and the list).
 */
export function frictionMarkers(events: TGEvent[], windowId: string | null, r: Range, buckets = 200): FrictionMarker[] {
  const out: FrictionMarker[] = [];
  const last = new Map<string, FrictionMarker>();
  const rows = frictionEvents(events)
    .filter((e) => e.name !== 'exit' && (!windowId || !e.window_id || e.window_id === windowId))
    .map((e) => ({ e, t: toMs(e.time) }))
    .filter((x): x is { e: TGEvent; t: number } => x.t != null && x.t >= r.start - 1000 && x.t <= r.end + 1000)
    .sort((a, b) => a.t - b.t);
  for (const { e, t } of rows) {
    const signal = e.name || 'friction';
    const pct = positionPct(t, r);
    const prev = last.get(signal);
    if (prev && pct - prev.pct < 100 / buckets) {
      prev.count++;
      continue;
    }
    const m: FrictionMarker = { signal, time: t, pct, label: frictionTitle(e), selector: e.selector || '', count: 1 };
    out.push(m);
    last.set(signal, m);
  }
  return out;
}

export interface Highlight {
  signal: string;
  selector: string;
  label: string;
  time: number;
}

/**
 * The detection to highlight in the replay at time t: the latest one with an
 * element selector that started at most holdMs before t (and not after it).
 * DOM-less selectors (`node:<id>` scrollers) are skipped.
 */
export function activeHighlight(events: TGEvent[], windowId: string | null, t: number, holdMs = 2500): Highlight | null {
  let best: Highlight | null = null;
  for (const e of frictionEvents(events)) {
    if (e.name === 'exit' || !e.selector || e.selector.startsWith('node:')) continue;
    if (windowId && e.window_id && e.window_id !== windowId) continue;
    const et = toMs(e.time);
    if (et == null || et > t + 50 || t - et > holdMs) continue;
    if (!best || et >= best.time) best = { signal: e.name || 'friction', selector: e.selector, label: frictionTitle(e), time: et };
  }
  return best;
}

/** The exit class of a session from its events (the server's `exit` detection), if any. */
export function exitFromEvents(events: TGEvent[]): { cls: string; signal: string; time: number | null } | null {
  const e = events.find((x) => x.type === 'friction' && x.name === 'exit');
  if (!e) return null;
  const d = details(e);
  return { cls: String(d.class || ''), signal: String(d.signal || ''), time: toMs(e.time) };
}

export interface PageGroup {
  url: string;
  pageSessions: number;
  /** Detections on this page over all its rows. */
  total: number;
  rows: FrictionElement[];
}

/**
 * The Friction report's rows grouped by page, pages in the order of their
 * first (= most frustrating) row, rows in the server's order inside a page.
 */
export function groupByPage(elements: FrictionElement[] | null | undefined): PageGroup[] {
  const groups = new Map<string, PageGroup>();
  for (const el of elements || []) {
    let g = groups.get(el.url);
    if (!g) {
      g = { url: el.url, pageSessions: el.page_sessions, total: 0, rows: [] };
      groups.set(el.url, g);
    }
    g.rows.push(el);
    g.total += el.count;
    g.pageSessions = Math.max(g.pageSessions, el.page_sessions);
  }
  return [...groups.values()];
}

export interface ExitBar {
  cls: string;
  label: string;
  count: number;
  /** Share of all counted exits, 0..1. */
  share: number;
  tone: ReturnType<typeof exitTone>;
}

/** The exit breakdown as bars: largest first, zero classes dropped. */
export function exitBars(exits: Record<string, number> | null | undefined): ExitBar[] {
  const rows = Object.entries(exits || {}).filter(([, n]) => n > 0);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  const ord = (c: string) => {
    const i = (EXIT_CLASSES as readonly string[]).indexOf(c);
    return i < 0 ? EXIT_CLASSES.length : i;
  };
  return rows
    .map(([cls, count]) => ({ cls, label: exitLabel(cls), count, share: total ? count / total : 0, tone: exitTone(cls) }))
    .sort((a, b) => b.count - a.count || ord(a.cls) - ord(b.cls));
}

/** "0.75" → "75%", small non-zero shares → "<1%". */
export function formatShare(share: number): string {
  if (!isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(Math.min(1, share) * 100)}%`;
}

export interface TrendChange {
  /** none: the report has no previous period; new: no detection in it. */
  kind: 'none' | 'new' | 'up' | 'down' | 'flat';
  /** Short label for the cell, e.g. "▲ 12 pts". */
  label: string;
  /** Sentence for the tooltip. */
  title: string;
}

/**
 * How a report row changed against the previous period of the same length, on
 * its share of page views (sessions with the signal ÷ sessions that viewed the
 * page), which does not move with traffic as counts do. Within ±2 points is flat.
 */
export function trendChange(el: FrictionElement, hasPrevious: boolean, periodLabel = 'the previous period'): TrendChange {
  if (!hasPrevious) return { kind: 'none', label: '', title: 'No previous period to compare with: pick a date range.' };
  const cur = Math.max(0, Math.min(1, el.share_of_page_views || 0));
  const p = el.previous;
  if (!p) return { kind: 'new', label: 'New', title: `No detection on this element in ${periodLabel}.` };
  const prev = Math.max(0, Math.min(1, p.share_of_page_views || 0));
  const pts = Math.round((cur - prev) * 100);
  const title =
    `${formatShare(cur)} of page views now, ${formatShare(prev)} in ${periodLabel} ` +
    `(${p.count} ${p.count === 1 ? 'detection' : 'detections'} in ${p.sessions} of ${p.page_sessions} ${p.page_sessions === 1 ? 'session' : 'sessions'}).`;
  if (Math.abs(cur - prev) <= 0.02) return { kind: 'flat', label: '≈ same', title };
  return pts > 0 ? { kind: 'up', label: `▲ ${pts} pts`, title } : { kind: 'down', label: `▼ ${-pts} pts`, title };
}

/** Bar heights (0..1) of a trend sparkline, relative to its largest bucket. */
export function sparkBars(trend: number[] | null | undefined): number[] {
  if (!trend || !trend.length) return [];
  const top = Math.max(...trend);
  return trend.map((n) => (top > 0 ? n / top : 0));
}

/**
 * The replay link of a report example: /projects/{pid}/sessions/{sid}?t=SECONDS&window=W,
 * t to the tenth of a second (the page accepts decimals) so the player lands on the
 * moment rather than up to a second before it.
 */
export function exampleHref(pid: string, ex: { session_id: string; window_id?: string; t_ms: number }): string {
  const q = new URLSearchParams();
  const t = Math.max(0, Math.floor(ex.t_ms / 100) / 10);
  if (t > 0) q.set('t', String(t));
  if (ex.window_id) q.set('window', ex.window_id);
  const qs = q.toString();
  return `/projects/${encodeURIComponent(pid)}/sessions/${encodeURIComponent(ex.session_id)}${qs ? '?' + qs : ''}`;
}
