// Funnels on the dashboard side: the wire types of funnel.go, the page's
// URL state (the whole query as one JSON parameter, so a funnel is a link)
// and small helpers for the results view.
import type { SegmentFilter } from './segments';

export type StepKind = 'pageview' | 'click' | 'event' | 'submit' | 'guide';

export interface StepProp {
  key: string;
  op: string;
  value?: string;
}

export interface FunnelStep {
  kind: StepKind;
  label?: string;
  url?: string;
  selector?: string;
  name?: string;
  props?: StepProp[];
}

export interface Funnel {
  id?: string;
  name?: string;
  steps: FunnelStep[];
  order?: 'sequential' | 'strict' | 'any';
  count_by?: 'session' | 'visitor';
  window_ms?: number;
}

export interface FunnelQuery {
  funnel: Funnel;
  from?: string;
  to?: string;
  segment?: SegmentFilter;
  breakdown?: string;
  breakdown_key?: string;
  compare?: { name: string; filter: SegmentFilter }[];
}

export interface FunnelStepResult {
  name: string;
  entered: number;
  converted: number;
  dropped_off: number;
  conversion_rate: number;
  step_rate: number;
  median_ms: number;
  p90_ms: number;
}

export interface FunnelGroup {
  name: string;
  units: number;
  steps: FunnelStepResult[];
}

export interface FunnelResult {
  funnel: Funnel;
  from?: string;
  to?: string;
  steps: FunnelStepResult[];
  breakdown?: FunnelGroup[];
  compare?: FunnelGroup[];
}

export interface FunnelUnit {
  session_id: string;
  visitor_id: string;
  window_id: string;
  at: string;
  reached: number;
  step_times: string[];
}

export interface FunnelSessions {
  total: number;
  units: FunnelUnit[];
}

export const STEP_KINDS: { value: StepKind; label: string; field: 'url' | 'selector' | 'name'; placeholder: string }[] = [
  { value: 'pageview', label: 'Viewed page', field: 'url', placeholder: '/pricing*' },
  { value: 'click', label: 'Clicked', field: 'selector', placeholder: '#signup-submit' },
  { value: 'event', label: 'Custom event', field: 'name', placeholder: 'signup_completed' },
  { value: 'submit', label: 'Submitted form', field: 'selector', placeholder: '#signup-form (empty: any form)' },
  { value: 'guide', label: 'Completed guide', field: 'name', placeholder: 'guide id' },
];

export const WINDOWS: { value: number; label: string }[] = [
  { value: 0, label: 'No limit' },
  { value: 5 * 60e3, label: '5 minutes' },
  { value: 30 * 60e3, label: '30 minutes' },
  { value: 3600e3, label: '1 hour' },
  { value: 24 * 3600e3, label: '1 day' },
  { value: 7 * 24 * 3600e3, label: '7 days' },
];

export const BREAKDOWNS: { value: string; label: string }[] = [
  { value: '', label: 'None' },
  { value: 'utm_source', label: 'UTM source' },
  { value: 'utm_medium', label: 'UTM medium' },
  { value: 'utm_campaign', label: 'UTM campaign' },
  { value: 'first_utm_source', label: 'First-touch source' },
  { value: 'referrer_domain', label: 'Referrer domain' },
  { value: 'landing_page', label: 'Landing page' },
  { value: 'device', label: 'Device' },
  { value: 'browser', label: 'Browser' },
  { value: 'os', label: 'OS' },
  { value: 'language', label: 'Language' },
  { value: 'visitor', label: 'New vs returning' },
  { value: 'trait', label: 'User trait…' },
];

/** A generic first funnel: any page, then any form submitted. */
export const STARTER: Funnel = {
  steps: [
    { kind: 'pageview', url: '/*' },
    { kind: 'submit', selector: '' },
  ],
  order: 'sequential',
  count_by: 'session',
  window_ms: 0,
};

/** The step's value field (url, selector or name). */
export function stepValue(s: FunnelStep): string {
  const k = STEP_KINDS.find((x) => x.value === s.kind)!;
  return (s[k.field] as string | undefined) || '';
}

export function withStepValue(s: FunnelStep, v: string): FunnelStep {
  const k = STEP_KINDS.find((x) => x.value === s.kind)!;
  const out: FunnelStep = { kind: s.kind };
  if (s.label) out.label = s.label;
  if (s.props) out.props = s.props;
  (out as any)[k.field] = v;
  return out;
}

/** The reason a step cannot run yet, or null. */
export function stepProblem(s: FunnelStep): string | null {
  if (s.kind === 'submit') return null;
  return stepValue(s).trim() ? null : 'Fill in every step.';
}

export function stepTitle(s: FunnelStep): string {
  if (s.label) return s.label;
  const v = stepValue(s);
  switch (s.kind) {
    case 'pageview':
      return `Viewed ${v}`;
    case 'click':
      return `Clicked ${v}`;
    case 'event':
      return v;
    case 'submit':
      return v ? `Submitted ${v}` : 'Submitted a form';
    case 'guide':
      return `Completed guide ${v}`;
  }
}

/** The page state in the URL: the funnel query and the date range preset. */
export interface FunnelPageState {
  q: FunnelQuery;
  range: string;
}

export function funnelStateFromQuery(search: string, fallback: Funnel = STARTER): FunnelPageState {
  const p = new URLSearchParams(search);
  let q: FunnelQuery = { funnel: fallback };
  try {
    const v = JSON.parse(p.get('f') || 'null');
    if (v && typeof v === 'object' && v.funnel && Array.isArray(v.funnel.steps) && v.funnel.steps.length) q = v;
  } catch {
    /* a bad link shows the starter funnel */
  }
  return { q, range: p.get('range') || '30d' };
}

export function funnelStateToQuery(st: FunnelPageState): string {
  const p = new URLSearchParams();
  p.set('f', JSON.stringify(st.q));
  if (st.range) p.set('range', st.range);
  return p.toString();
}

/** The replay link of a drill-down unit: its window, a few seconds before the step. */
export const REPLAY_LEAD_MS = 3000;

export function percent(x: number): string {
  if (!isFinite(x)) return '–';
  const p = x * 100;
  return (p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)) + '%';
}

export interface DropFactor {
  kind: 'friction' | 'error' | 'element';
  signal?: string;
  selector?: string;
  url?: string;
  name?: string;
  text?: string;
  dropped: number;
  converted: number;
  dropped_rate: number;
  converted_rate: number;
  lift: number;
  conversions_lost: number;
  ci_low: number;
  ci_high: number;
  p_value: number;
  examples: FunnelUnit[];
}

export interface DropReport {
  step: number;
  dropped: number;
  converted: number;
  factors: DropFactor[];
}

export interface StruggleRow {
  dimension: string;
  value: string;
  signal: string;
  selector?: string;
  sessions: number;
  with_signal: number;
  rate: number;
  other_rate: number;
  ratio: number;
  p_value: number;
  significant: boolean;
}

export interface StruggleReport {
  sessions: number;
  rows: StruggleRow[];
}

/** "+12 pts" style difference of two rates, in percentage points. */
export function points(x: number): string {
  const p = Math.round(x * 100);
  return (p > 0 ? '+' : '') + p + ' pts';
}
