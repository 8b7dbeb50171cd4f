// Quick back, form abandonment, field struggle, hesitation and the exit
// class (Go: friction/pages.go).
import { converts, enabled, type FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';
import { isHoverTarget, pageKey, type Stream } from './stream';

export function quickBacks(s: Stream, out: Detection[]): void {
  const pvs: number[] = []; // stream positions of pageviews that changed page
  let last = '';
  for (let k = 0; k < s.ix.length; k++) {
    const x = s.at(k);
    if (x.kind !== 'pageview') continue;
    const key = pageKey(x.url);
    if (pvs.length > 0 && key === last) continue;
    pvs.push(k);
    last = key;
  }
  for (let i = 1; i + 1 < pvs.length; i++) {
    const a = s.at(pvs[i - 1]);
    const b = s.at(pvs[i]);
    const back = s.at(pvs[i + 1]);
    if (pageKey(a.url) !== pageKey(back.url) || back.t - b.t > s.cfg.quick_back_ms) continue;
    const d = s.detection('quick_back', pvs[i]);
    d.evidence = [s.ix[pvs[i - 1]]];
    for (let k = pvs[i] - 1; k > pvs[i - 1]; k--) {
      const c = s.at(k);
      if (c.kind === 'click') {
        d.selector = c.selector;
        d.text = c.text;
        d.x = c.x;
        d.y = c.y;
        d.evidence.push(s.ix[k]);
        break;
      }
    }
    d.evidence.push(s.ix[pvs[i]], s.ix[pvs[i + 1]]);
    d.details = { from: a.url || '', dwell_ms: back.t - b.t };
    out.push(d);
  }
}

interface FormState {
  key: string;
  changed: Set<string>; // fields changed since the last submit
  lastField: string;
  evidence: number[]; // stream positions since the last submit
}

interface FieldState {
  first: number; // stream position of the first touch
  edits: number;
  clears: number;
  focuses: number;
  invalid: number;
  evidence: number[];
  fired: boolean;
}

/**
 * Form abandonment and field struggle, visit by visit. A visit is the time
 * on one page: it ends at a pageview of another page, a page_leave or a
 * session_end. A visit still open at the end of the stream is not closed.
 */
export function forms(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  let visitKey = '';
  let visitURL = '';
  let started = false;
  let list: FormState[] = [];
  let byForm = new Map<string, FormState>();
  let fields = new Map<string, FieldState>();
  const reset = (): void => {
    list = [];
    byForm = new Map();
    fields = new Map();
  };
  const closeVisit = (end: number): void => {
    if (!enabled(c, 'form_abandonment')) return;
    for (const f of list) {
      // Fields outside a <form> apply as they change: never abandoned.
      if (f.changed.size === 0 || f.key === '') continue;
      const d: Detection = {
        type: 'form_abandonment',
        t: s.at(end).t,
        window: s.window,
        url: visitURL,
        selector: f.key,
        evidence: f.evidence.map((k) => s.ix[k]),
      };
      d.evidence.push(s.ix[end]);
      d.details = { last_field: f.lastField, fields_changed: f.changed.size };
      out.push(d);
    }
  };
  for (let k = 0; k < s.ix.length; k++) {
    const x = s.at(k);
    if (x.kind === 'pageview') {
      const key = pageKey(x.url);
      if (started && key === visitKey) continue;
      if (started) {
        closeVisit(k);
        reset();
      }
      visitKey = key;
      visitURL = x.url || '';
      started = true;
      continue;
    }
    if (x.kind === 'page_leave' || x.kind === 'session_end') {
      if (started) closeVisit(k);
      reset();
      started = false;
      continue;
    }
    if (!started && x.url) {
      visitKey = pageKey(x.url);
      visitURL = x.url;
      started = true;
    }
    if (x.kind === 'submit') {
      for (const f of list) {
        if (f.key === (x.selector || '')) {
          f.changed = new Set();
          f.evidence = [];
        }
      }
    } else if (x.kind === 'input' || x.kind === 'focus' || x.kind === 'invalid') {
      if (!x.selector) continue; // a focus without a known element is no field fact
      const form = x.form || '';
      let f = byForm.get(form);
      if (!f) {
        f = { key: form, changed: new Set(), lastField: '', evidence: [] };
        byForm.set(form, f);
        list.push(f);
      }
      f.lastField = x.selector;
      f.evidence.push(k);
      if (x.kind === 'input') f.changed.add(x.selector);
      struggle(s, out, fields, k);
    }
  }
}

/** Updates the field of the input at k; reports struggle the first time. */
function struggle(s: Stream, out: Detection[], fields: Map<string, FieldState>, k: number): void {
  const c = s.cfg;
  const x = s.at(k);
  const sel = x.selector || '';
  let f = fields.get(sel);
  if (!f) {
    f = { first: k, edits: 0, clears: 0, focuses: 0, invalid: 0, evidence: [], fired: false };
    fields.set(sel, f);
  }
  if (x.kind === 'input') {
    f.edits++;
    if (x.empty) f.clears++;
  } else if (x.kind === 'focus') f.focuses++;
  else if (x.kind === 'invalid') f.invalid++;
  f.evidence.push(k);
  if (f.fired || !enabled(c, 'field_struggle')) return;
  let reason: string;
  if (f.edits >= c.struggle_edits) reason = 'edits';
  else if (f.focuses - 1 >= c.struggle_refocus) reason = 'refocus';
  else if (f.invalid >= c.struggle_invalid) reason = 'invalid';
  else return;
  f.fired = true;
  const d = s.detection('field_struggle', f.first);
  d.evidence = f.evidence.map((e) => s.ix[e]);
  d.details = {
    reason,
    edits: f.edits,
    clears: f.clears,
    refocus: Math.max(f.focuses - 1, 0),
    invalid: f.invalid,
  };
  if (x.form) d.details.form = x.form;
  out.push(d);
}

export function hesitations(s: Stream, out: Detection[]): void {
  const c = s.cfg;
  for (let k = 0; k < s.ix.length; k++) {
    const x = s.at(k);
    if (x.kind !== 'hover' || (x.duration || 0) < c.hesitation_ms || !isHoverTarget(x)) continue;
    let clicked = false;
    for (let p = k + 1; p < s.ix.length && s.at(p).t <= x.t + c.hesitation_ms; p++) {
      const r = s.at(p);
      if ((r.kind === 'click' || r.kind === 'focus' || r.kind === 'input') && (r.selector || '') === (x.selector || '')) {
        clicked = true;
        break;
      }
    }
    if (clicked) continue;
    const d = s.detection('hesitation', k);
    d.evidence = [s.ix[k]];
    d.details = { dwell_ms: x.duration || 0 };
    out.push(d);
  }
}

/** What a person does; the rest can happen on its own. */
const ACTIVITY = ['click', 'dblclick', 'scroll', 'mousemove', 'input', 'focus', 'selection', 'submit', 'hover', 'pageview'];

/**
 * Gives the session's end one class, the first that applies. all is every
 * input index in time order; found are the window detections already made.
 */
export function classifyExit(c: FrictionConfig, xs: FrictionInput[], all: number[], found: Detection[]): Detection | undefined {
  let end = -1;
  for (const i of all) if (xs[i].kind === 'session_end') end = i;
  if (end < 0) return undefined;
  const endT = xs[end].t;
  let lastAct = -1;
  let lastPV = -1;
  let lastURL = -1;
  let conv = -1;
  let lastErr = -1;
  for (const i of all) {
    const x = xs[i];
    if (x.t > endT) break;
    if (ACTIVITY.includes(x.kind)) lastAct = x.t;
    if (x.kind === 'pageview') lastPV = i;
    if (x.url) lastURL = i;
    if (conv < 0 && converts(c.conversion || {}, x)) conv = i;
    if (x.kind === 'error' || x.kind === 'request_failed') lastErr = i;
  }
  if (lastAct < 0) lastAct = endT;
  const d: Detection = { type: 'exit', t: endT, evidence: [] };
  const from = lastPV >= 0 ? lastPV : lastURL;
  if (from >= 0) {
    d.url = xs[from].url;
    d.window = xs[from].window;
  }
  const recent = lastAct - c.exit_recent_ms;
  let cls = '';
  let ev: number[] = [];
  const details: Record<string, string | number> = {};
  if (conv >= 0) {
    cls = 'converted';
    ev = [conv];
  } else if (lastErr >= 0 && xs[lastErr].t >= recent) {
    cls = 'after_error';
    ev = [lastErr];
  }
  if (!cls) {
    let frust: Detection | undefined;
    for (const f of found) {
      if (f.type !== 'rage_click' && f.type !== 'dead_click' && f.type !== 'error_click') continue;
      if (f.t >= recent && f.t <= endT && (!frust || f.t >= frust.t)) frust = f;
    }
    if (frust) {
      cls = 'after_frustration';
      ev = frust.evidence;
      d.selector = frust.selector;
      d.text = frust.text;
      details.signal = frust.type;
    }
  }
  if (!cls) {
    for (const f of found) {
      if (f.type === 'form_abandonment' && f.t === endT) {
        cls = 'mid_form';
        ev = f.evidence.slice(0, -1);
        d.selector = f.selector;
        break;
      }
    }
  }
  if (!cls) {
    if (lastPV >= 0 && endT - xs[lastPV].t < c.quick_back_ms) {
      cls = 'quick_back';
      ev = [lastPV];
    } else if (endT - lastAct >= c.exit_idle_ms) cls = 'idle';
    else cls = 'plain';
  }
  details.class = cls;
  d.details = details;
  d.evidence = [...ev, end];
  return d;
}
