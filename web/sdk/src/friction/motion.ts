// Thrashed cursor and excessive scrolling (Go: friction/motion.go).
import type { Detection } from './types';
import { dist, pageKey, runs, type Stream } from './stream';

interface Episode {
  from: number;
  to: number;
  reversals: number;
}

export function thrashedCursor(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  const mm = s.positions('mousemove');
  if (mm.length < 3) return;
  const eps: Episode[] = [];
  for (const axis of ['x', 'y'] as const) {
    const coord = (i: number): number => s.at(mm[i])[axis] || 0;
    const tps: number[] = []; // turning-point mm indexes
    let last = 0;
    for (let i = 1; i < mm.length; i++) {
      const d = coord(i) - coord(i - 1);
      if (d === 0) continue;
      const sg = d > 0 ? 1 : -1;
      if (last !== 0 && sg !== last) tps.push(i - 1);
      last = sg;
    }
    const n = c.thrash_reversals;
    const qualifies = (j: number): boolean => {
      const a = tps[j];
      const b = tps[j + n - 1];
      const ta = s.at(mm[a]).t;
      const tb = s.at(mm[b]).t;
      if (tb - ta > c.thrash_window_ms || tb <= ta) return false;
      return pathLength(s, mm, a, b) / (tb - ta) >= c.thrash_min_speed;
    };
    for (const [a, b] of runs(tps.length, n, qualifies)) eps.push({ from: tps[a], to: tps[b], reversals: b - a + 1 });
  }
  // One detection per burst, whichever axis (or both) it was on.
  eps.sort((a, b) => a.from - b.from);
  for (let i = 0; i < eps.length; ) {
    const e = { ...eps[i] };
    for (i++; i < eps.length && eps[i].from <= e.to; i++) {
      e.to = Math.max(e.to, eps[i].to);
      e.reversals = Math.max(e.reversals, eps[i].reversals);
    }
    const d = s.detection('thrashed_cursor', mm[e.from]);
    for (let j = e.from; j <= e.to; j++) d.evidence.push(s.ix[mm[j]]);
    const dt = s.at(mm[e.to]).t - d.t;
    d.details = { reversals: e.reversals, duration_ms: dt, speed: round2(pathLength(s, mm, e.from, e.to) / dt) };
    out.push(d);
  }
}

function pathLength(s: Stream, mm: number[], a: number, b: number): number {
  let l = 0;
  for (let i = a + 1; i <= b; i++) l += dist(s.at(mm[i]), s.at(mm[i - 1]));
  return l;
}

/** Rounds to 0.01, half away from zero like Go's math.Round (v ≥ 0 here). */
const round2 = (v: number): number => Math.sign(v) * Math.round(Math.abs(v) * 100) / 100;

export function excessiveScrolling(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  const groups = new Map<string, number[]>(); // insertion order = first appearance
  for (let k = 0; k < s.ix.length; k++) {
    const x = s.at(k);
    if (x.kind !== 'scroll') continue;
    const g = JSON.stringify([pageKey(x.url), x.selector || '']);
    let m = groups.get(g);
    if (!m) groups.set(g, (m = []));
    m.push(k);
  }
  for (const ks of groups.values()) {
    const tps = scrollTurningPoints(s, ks);
    const n = c.scroll_reversals;
    const qualifies = (j: number): boolean => s.at(tps[j + n - 1]).t - s.at(tps[j]).t <= c.scroll_window_ms;
    for (const [a, b] of runs(tps.length, n, qualifies)) {
      const d = s.detection('excessive_scrolling', tps[a]);
      d.x = 0;
      d.y = 0;
      for (let j = a; j <= b; j++) d.evidence.push(s.ix[tps[j]]);
      d.details = { reversals: b - a + 1, duration_ms: s.at(tps[b]).t - d.t };
      out.push(d);
    }
  }
}

/**
 * The zig-zag filter over one scroller's samples (stream positions): the
 * positions of the confirmed turning points.
 */
function scrollTurningPoints(s: Stream, ks: number[]): number[] {
  const frac = s.cfg.scroll_min_fraction;
  const tps: number[] = [];
  let vh = 0;
  let dir = 0;
  let lo = 0;
  let hi = 0;
  let ext = 0;
  let extK = 0;
  let started = false;
  for (const k of ks) {
    const x = s.at(k);
    if ((x.viewport_h || 0) > 0) vh = x.viewport_h!;
    if (vh <= 0) continue;
    const y = x.scroll_y || 0;
    const thr = frac * vh;
    if (!started) {
      lo = hi = y;
      started = true;
      continue;
    }
    if (dir === 0) {
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
      if (y - lo >= thr) {
        dir = 1;
        ext = y;
        extK = k;
      } else if (hi - y >= thr) {
        dir = -1;
        ext = y;
        extK = k;
      }
    } else if (dir === 1) {
      if (y >= ext) {
        ext = y;
        extK = k;
      } else if (ext - y >= thr) {
        tps.push(extK);
        dir = -1;
        ext = y;
        extK = k;
      }
    } else if (y <= ext) {
      ext = y;
      extK = k;
    } else if (y - ext >= thr) {
      tps.push(extK);
      dir = 1;
      ext = y;
      extK = k;
    }
  }
  return tps;
}
