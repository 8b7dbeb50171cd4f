// Rage, dead and error clicks (Go: friction/clicks.go).
import type { Detection, FrictionInput } from './types';
import type { FrictionConfig } from './config';
import { dist, isInteractive, NATIVE_PICKER_TYPES, pageKey, runs, type Stream } from './stream';

/** Kinds that count as the page visibly changing after a click. */
const RAGE_CHANGE = ['mutation', 'pageview', 'navigation', 'url_change', 'value', 'scroll', 'media'];
/** Kinds that answer a click anywhere in the dead window... */
const DEAD_SLOW = ['mutation', 'pageview', 'navigation', 'url_change', 'value', 'media', 'submit', 'page_leave'];
/** ...and those that only count when they follow it almost at once. */
const DEAD_QUICK = ['scroll', 'focus', 'selection'];

export function rageClicks(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  const ks = s.positions('click');
  const n = c.rage_clicks;
  const qualifies = (i: number): boolean => {
    const first = s.at(ks[i]);
    const last = s.at(ks[i + n - 1]);
    if (last.t - first.t > c.rage_window_ms) return false;
    const key = pageKey(first.url);
    for (let j = i; j < i + n; j++) {
      const x = s.at(ks[j]);
      if (pageKey(x.url) !== key || dist(x, first) > c.rage_radius_px) return false;
    }
    return !rageSuppressed(s, ks, i, n);
  };
  for (const [a, b] of runs(ks.length, n, qualifies)) {
    const d = s.detection('rage_click', ks[a]);
    for (let j = a; j <= b; j++) d.evidence.push(s.ix[ks[j]]);
    d.details = { clicks: b - a + 1, duration_ms: s.at(ks[b]).t - d.t };
    out.push(d);
  }
}

/** Applies the suppression rules to the series ks[i:i+n]. */
function rageSuppressed(s: Stream, ks: number[], i: number, n: number): boolean {
  const c = s.cfg;
  const series = ks.slice(i, i + n);
  for (const k of series) {
    const x = s.at(k);
    if (x.no_rage || x.text_entry || x.unobserved) return true;
  }
  // Selecting text: double/triple clicks on something that is not a control.
  const first = s.at(series[0]);
  const last = s.at(series[n - 1]);
  if (!isInteractive(first)) {
    const until = last.t + c.rage_selection_ms;
    for (let p = series[0] + 1; p < s.ix.length && s.at(p).t <= until; p++) {
      const x = s.at(p);
      if (x.kind === 'dblclick' || (x.kind === 'selection' && x.selected)) return true;
    }
  }
  // Each click visibly changed the page (stepper, carousel, pagination).
  for (let j = 0; j < series.length; j++) {
    const k = series[j];
    const next = i + j + 1 < ks.length ? ks[i + j + 1] : s.ix.length;
    const until = s.at(k).t + c.rage_change_ms;
    let changed = false;
    for (let p = k + 1; p < next && s.at(p).t <= until; p++) {
      if (RAGE_CHANGE.includes(s.at(p).kind)) {
        changed = true;
        break;
      }
    }
    if (!changed) return false;
  }
  return true;
}

/** A click on another element at most this long after a click was passed on by it (same dispatch). */
const PASS_MS = 50;

/** Was the click ks[j] passed on by the click before it (a label to its control, a handler's el.click())? */
function passedOn(s: Stream, ks: number[], j: number): boolean {
  if (j === 0) return false;
  const a = s.at(ks[j - 1]);
  const b = s.at(ks[j]);
  return b.t - a.t <= PASS_MS && (b.selector || '') !== (a.selector || '');
}

export function deadClicks(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  const ks = s.positions('click');
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    const x = s.at(k);
    if (passedOn(s, ks, i) || !deadCandidate(c, x)) continue;
    let opens = false;
    for (let j = i + 1; j < ks.length && passedOn(s, ks, j); j++) opens = opens || opensUnseen(s.at(ks[j]));
    if (opens) continue;
    let answered = false;
    for (let p = k + 1; p < s.ix.length; p++) {
      const r = s.at(p);
      const dt = r.t - x.t;
      if (dt > c.dead_window_ms) break;
      if (DEAD_SLOW.includes(r.kind) || (DEAD_QUICK.includes(r.kind) && dt <= c.dead_quick_ms)) {
        answered = true;
        break;
      }
    }
    if (answered) continue;
    const d = s.detection('dead_click', k);
    d.evidence = [s.ix[k]];
    d.details = { window_ms: c.dead_window_ms };
    out.push(d);
  }
}

/** The exclusions: clicks whose effect no DOM observer can see, choices and modifier clicks. */
export function deadCandidate(c: FrictionConfig, x: FrictionInput): boolean {
  if (opensUnseen(x) || x.modifier || x.text_entry || x.unobserved) return false;
  return !(c.dead_interactive_only && !isInteractive(x));
}

/** Another tab, a download, the next page, a native dialog, picker or dropdown, or a choice (radio). */
function opensUnseen(x: FrictionInput): boolean {
  if (x.new_tab || x.download || x.navigates || x.native || x.tag === 'select' || x.tag === 'option') return true;
  return x.tag === 'input' && (NATIVE_PICKER_TYPES.includes(x.type || '') || x.type === 'radio');
}

export function errorClicks(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  for (const k of s.positions('click')) {
    const x = s.at(k);
    const ev: number[] = [];
    let first: FrictionInput | undefined;
    for (let p = k + 1; p < s.ix.length; p++) {
      const r = s.at(p);
      if (r.t - x.t > c.error_click_ms) break;
      if (r.kind === 'error' || (r.kind === 'request_failed' && (!r.started || r.started >= x.t))) {
        if (!first) first = r;
        ev.push(s.ix[p]);
      }
    }
    if (!first) continue;
    const d = s.detection('error_click', k);
    d.evidence = [s.ix[k], ...ev];
    d.details = { errors: ev.length, error: first.name || '' };
    if (first.kind === 'request_failed') d.details.status = first.status || 0;
    out.push(d);
  }
}
