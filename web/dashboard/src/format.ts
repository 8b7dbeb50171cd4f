// Formatting helpers: durations, relative and exact times, counts, URLs.

/** 83_000 → "1m 23s"; 3_723_000 → "1h 2m"; 900 → "0s" ... readable, never "83s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/** Player clock: 83_000 → "1:23", 3_723_000 → "1:02:03". */
export function formatClock(ms: number): string {
  if (!isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${ss}`;
  return `${m}:${ss}`;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * "just now", "3 min ago", "2 h ago", "yesterday", "4 days ago", then a date.
 * now is injectable for tests.
 */
export function formatRelative(time: string | number | Date, now: number = Date.now()): string {
  const t = toMs(time);
  if (t == null) return '—';
  const d = now - t;
  if (d < 0) {
    // Small clock skew between server and browser: do not say "in 3 s".
    if (d > -MIN) return 'just now';
    return formatDate(t, now);
  }
  if (d < 45_000) return 'just now';
  if (d < HOUR) return `${Math.max(1, Math.round(d / MIN))} min ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)} h ago`;
  const days = calendarDaysBetween(t, now);
  if (days <= 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return formatDate(t, now);
}

function calendarDaysBetween(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  const ua = Date.UTC(da.getFullYear(), da.getMonth(), da.getDate());
  const ub = Date.UTC(db.getFullYear(), db.getMonth(), db.getDate());
  return Math.round((ub - ua) / DAY);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 3" in the current year, "Nov 3, 2025" otherwise. */
export function formatDate(time: string | number | Date, now: number = Date.now()): string {
  const t = toMs(time);
  if (t == null) return '—';
  const d = new Date(t);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${sameYear ? '' : ', ' + d.getFullYear()}`;
}

/** "Nov 3, 2026, 14:05:09" — the exact local time, for title attributes. */
export function formatExact(time: string | number | Date): string {
  const t = toMs(time);
  if (t == null) return '';
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}, ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function toMs(time: string | number | Date | null | undefined): number | null {
  if (time == null || time === '') return null;
  const t = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : Date.parse(time);
  return isFinite(t) ? t : null;
}

/** 1234 → "1,234". */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !isFinite(n)) return '0';
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (!n || n < 0) return '0 B';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The path part of a URL for dense tables: "https://shop.example/cart?x=1" → "/cart?x=1". */
export function urlPath(url: string | null | undefined): string {
  if (!url) return '';
  try {
    const u = new URL(url);
    return (u.pathname || '/') + u.search + u.hash;
  } catch {
    return url;
  }
}

export function urlHost(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** A short, stable label for an anonymous visitor. */
export function visitorLabel(visitorId: string): string {
  return 'Visitor ' + (visitorId || '').replace(/[^a-zA-Z0-9]/g, '').slice(0, 6);
}

/** The name to show for a session's person: user id, else trait name/email, else visitor. */
export function personLabel(s: { user_id?: string; user_traits?: Record<string, string>; visitor_id: string }): {
  primary: string;
  secondary: string;
  identified: boolean;
} {
  const traits = s.user_traits || {};
  const named = traits.name || traits.email;
  if (s.user_id) {
    return { primary: named || s.user_id, secondary: named ? s.user_id : traits.plan || traits.role || '', identified: true };
  }
  return { primary: visitorLabel(s.visitor_id), secondary: 'Anonymous', identified: false };
}

export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
