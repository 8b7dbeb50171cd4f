// friction.Detect in TypeScript (Go: friction/detect.go). Pure and
// deterministic: the same config and inputs always give the same result,
// identical to the Go reference on the shared vectors.
import { classifyExit, forms, hesitations, quickBacks } from './pages';
import { deadClicks, errorClicks, rageClicks } from './clicks';
import { enabled, type FrictionConfig } from './config';
import { excessiveScrolling, thrashedCursor } from './motion';
import { order, Stream } from './stream';
import type { Detection, FrictionInput } from './types';

/**
 * Runs every enabled detector over a session's inputs and returns the
 * detections sorted by time, then type, then selector, then evidence.
 * Inputs need not be sorted (ties keep their list order). Windows are
 * detected separately; a session_end belongs to every window, and the exit
 * is only produced when the stream contains one.
 */
export function detect(cfg: FrictionConfig, inputs: FrictionInput[]): Detection[] {
  const all = order(inputs);
  const byWin = new Map<string, number[]>(); // insertion order = first appearance
  const ends: number[] = [];
  for (const i of all) {
    if (inputs[i].kind === 'session_end') {
      ends.push(i);
      continue;
    }
    const w = inputs[i].window || '';
    let ix = byWin.get(w);
    if (!ix) byWin.set(w, (ix = []));
    ix.push(i);
  }
  const out: Detection[] = [];
  for (const [w, wix] of byWin) {
    const ix = ends.length ? order(inputs, [...wix, ...ends]) : wix;
    detectWindow(new Stream(w, cfg, inputs, ix), out);
  }
  if (ends.length && enabled(cfg, 'exit')) {
    const d = classifyExit(cfg, inputs, all, out);
    if (d) out.push(d);
  }
  return sortDetections(out);
}

function detectWindow(s: Stream, out: Detection[]): void {
  const on = (t: string): boolean => enabled(s.cfg, t);
  if (on('rage_click')) rageClicks(s, out);
  if (on('dead_click')) deadClicks(s, out);
  if (on('error_click')) errorClicks(s, out);
  if (on('thrashed_cursor')) thrashedCursor(s, out);
  if (on('excessive_scrolling')) excessiveScrolling(s, out);
  if (on('quick_back')) quickBacks(s, out);
  if (on('form_abandonment') || on('field_struggle')) forms(s, out);
  if (on('hesitation')) hesitations(s, out);
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts by t, type, selector, then evidence (lexicographic), stably. */
export function sortDetections(ds: Detection[]): Detection[] {
  return ds.sort(
    (a, b) =>
      cmp(a.t, b.t) ||
      cmp(a.type, b.type) ||
      cmp(a.selector || '', b.selector || '') ||
      compareInts(a.evidence, b.evidence),
  );
}

function compareInts(a: number[], b: number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
