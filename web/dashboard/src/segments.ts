// The segment model of segment.go on the dashboard side: the filter tree,
// the catalogue of fields the filter bar offers (label, group, kind, ops),
// a readable summary of each condition, and the URL form (the filter's
// JSON in one query parameter, as the API takes it).

export interface Condition {
  field: string;
  op?: string;
  key?: string;
  type?: 'string' | 'number' | 'bool';
  value?: string;
  values?: string[];
  selector?: string;
  action?: 'seen' | 'completed';
}

/** A node: exactly one of and / or / not / a condition (field). */
export interface SegmentFilter extends Partial<Condition> {
  and?: SegmentFilter[];
  or?: SegmentFilter[];
  not?: SegmentFilter;
}

export interface SavedSegment {
  id: string;
  project_id: string;
  name: string;
  filter: SegmentFilter;
  created_at: string;
  updated_at: string;
}

export type FieldKind = 'string' | 'url' | 'enum' | 'number' | 'time' | 'behavior';

export interface FieldDef {
  field: string;
  label: string;
  group: 'Acquisition' | 'User' | 'Device' | 'Behaviour' | 'Session';
  kind: FieldKind;
  /** Fixed choices (enum fields). */
  choices?: { value: string; label: string }[];
  placeholder?: string;
  /** What the value means, for the field's tooltip. */
  help?: string;
}

export const FIELDS: FieldDef[] = [
  { field: 'utm_source', label: 'UTM source', group: 'Acquisition', kind: 'string', placeholder: 'google' },
  { field: 'utm_medium', label: 'UTM medium', group: 'Acquisition', kind: 'string', placeholder: 'cpc' },
  { field: 'utm_campaign', label: 'UTM campaign', group: 'Acquisition', kind: 'string', placeholder: 'launch-day' },
  { field: 'first_utm_source', label: 'First-touch source', group: 'Acquisition', kind: 'string', help: "The UTM source of the visitor's first session" },
  { field: 'first_utm_medium', label: 'First-touch medium', group: 'Acquisition', kind: 'string' },
  { field: 'first_utm_campaign', label: 'First-touch campaign', group: 'Acquisition', kind: 'string' },
  { field: 'referrer_domain', label: 'Referrer domain', group: 'Acquisition', kind: 'string', placeholder: 'news.ycombinator.com' },
  { field: 'landing_page', label: 'Landing page', group: 'Acquisition', kind: 'url', placeholder: '/pricing*' },
  { field: 'trait', label: 'User trait', group: 'User', kind: 'string', help: 'A trait sent with identify(), e.g. role or plan' },
  { field: 'user_id', label: 'User id', group: 'User', kind: 'string' },
  {
    field: 'visitor',
    label: 'Visitor',
    group: 'User',
    kind: 'enum',
    choices: [
      { value: 'new', label: 'New' },
      { value: 'returning', label: 'Returning' },
    ],
  },
  {
    field: 'device',
    label: 'Device',
    group: 'Device',
    kind: 'enum',
    choices: [
      { value: 'desktop', label: 'Desktop' },
      { value: 'tablet', label: 'Tablet' },
      { value: 'mobile', label: 'Mobile' },
    ],
  },
  { field: 'browser', label: 'Browser', group: 'Device', kind: 'string', placeholder: 'Chrome' },
  { field: 'os', label: 'OS', group: 'Device', kind: 'string', placeholder: 'iOS' },
  { field: 'language', label: 'Language', group: 'Device', kind: 'string', placeholder: 'en' },
  { field: 'viewport_w', label: 'Viewport width', group: 'Device', kind: 'number', placeholder: '1024' },
  { field: 'viewport_h', label: 'Viewport height', group: 'Device', kind: 'number', placeholder: '768' },
  { field: 'visited', label: 'Visited page', group: 'Behaviour', kind: 'behavior', placeholder: '/pricing*', help: "A page pattern: '*' matches anything" },
  { field: 'event', label: 'Did event', group: 'Behaviour', kind: 'behavior', placeholder: 'signup_completed' },
  { field: 'clicked', label: 'Clicked', group: 'Behaviour', kind: 'behavior', placeholder: '#signup-submit' },
  { field: 'submitted', label: 'Submitted form', group: 'Behaviour', kind: 'behavior', placeholder: '#signup-form (empty: any)' },
  { field: 'friction', label: 'Had friction', group: 'Behaviour', kind: 'behavior', help: 'A friction signal, optionally on one element' },
  { field: 'guide', label: 'Guide', group: 'Behaviour', kind: 'behavior', placeholder: 'guide id' },
  { field: 'duration', label: 'Duration (s)', group: 'Session', kind: 'number', placeholder: '60' },
  { field: 'errors', label: 'Errors', group: 'Session', kind: 'number', placeholder: '0' },
  { field: 'started_at', label: 'Started', group: 'Session', kind: 'time' },
];

export const OP_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is any of',
  contains: 'contains',
  prefix: 'starts with',
  matches: 'matches',
  exists: 'is set',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
};

const KIND_OPS: Record<FieldKind, string[]> = {
  string: ['eq', 'neq', 'in', 'contains', 'prefix', 'exists'],
  url: ['eq', 'matches', 'neq', 'contains', 'prefix', 'in', 'exists'],
  enum: ['eq', 'neq', 'in'],
  number: ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'],
  time: ['gte', 'lt'],
  behavior: [],
};

export function fieldDef(field: string): FieldDef | undefined {
  return FIELDS.find((f) => f.field === field);
}

/** The ops a condition on this field may use (trait types change them). */
export function opsFor(field: string, traitType?: string): string[] {
  const def = fieldDef(field);
  if (!def) return [];
  if (field === 'trait' && traitType === 'number') return KIND_OPS.number;
  if (field === 'trait' && traitType === 'bool') return ['eq', 'neq'];
  return KIND_OPS[def.kind];
}

/** Parses the URL form; anything that is not a JSON object is no segment. */
export function segmentFromParam(raw: string | null): SegmentFilter | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as SegmentFilter) : null;
  } catch {
    return null;
  }
}

export function segmentToParam(f: SegmentFilter | null): string {
  return f ? JSON.stringify(f) : '';
}

/**
 * The filter bar edits a flat list of clauses joined by one operator:
 * each clause a condition, possibly negated. Other shapes (nested groups
 * from the API) are kept as one opaque clause.
 */
export interface Clause {
  node: SegmentFilter;
  negated: boolean;
}

export function toClauses(f: SegmentFilter | null): { match: 'all' | 'any'; clauses: Clause[] } {
  if (!f) return { match: 'all', clauses: [] };
  const list = f.and ?? f.or;
  const match = f.or ? 'any' : 'all';
  const items = list ?? [f];
  return {
    match,
    clauses: items.map((n) => (n.not ? { node: n.not, negated: true } : { node: n, negated: false })),
  };
}

export function fromClauses(match: 'all' | 'any', clauses: Clause[]): SegmentFilter | null {
  const nodes = clauses.map((c) => (c.negated ? { not: c.node } : c.node));
  if (nodes.length === 0) return null;
  if (nodes.length === 1) return nodes[0];
  return match === 'any' ? { or: nodes } : { and: nodes };
}

const SIGNAL_NAMES: Record<string, string> = {
  rage_click: 'rage click',
  dead_click: 'dead click',
  error_click: 'error click',
  thrashed_cursor: 'thrashed cursor',
  excessive_scroll: 'excessive scrolling',
  quick_back: 'quick back',
  form_abandon: 'form abandonment',
  field_struggle: 'field struggle',
  hesitation: 'hesitation',
};

/** A readable one-line summary of a node ("UTM source is google"). */
export function describe(n: SegmentFilter): string {
  if (n.and) return n.and.map(describe).join(' and ');
  if (n.or) return '(' + n.or.map(describe).join(' or ') + ')';
  if (n.not) return 'not ' + describe(n.not);
  const def = fieldDef(n.field || '');
  const label = n.field === 'trait' ? `Trait ${n.key || '?'}` : def?.label || n.field || '?';
  switch (n.field) {
    case 'visited':
      return `Visited ${n.value}`;
    case 'event':
      return `Did ${n.value}`;
    case 'clicked':
      return `Clicked ${n.value}`;
    case 'submitted':
      return n.value ? `Submitted ${n.value}` : 'Submitted a form';
    case 'friction':
      return `Had ${SIGNAL_NAMES[n.value || ''] || n.value || 'friction'}${n.selector ? ' on ' + n.selector : ''}`;
    case 'guide':
      return `${n.action === 'completed' ? 'Completed' : 'Saw'} guide ${n.value}`;
  }
  const op = OP_LABELS[n.op || ''] || n.op || '';
  if (n.op === 'exists') return `${label} is set`;
  let v = n.op === 'in' ? (n.values || []).join(', ') : n.value || '';
  if (n.field === 'started_at' && v) {
    const t = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
    if (!isNaN(t.getTime())) v = t.toLocaleDateString();
  }
  const choice = def?.choices?.find((c) => c.value === v);
  return `${label} ${op} ${choice ? choice.label.toLowerCase() : v}`;
}

/** Checks a clause's draft before it is added; returns the problem or null. */
export function draftProblem(c: Condition): string | null {
  const def = fieldDef(c.field);
  if (!def) return 'Pick a field.';
  if (c.field === 'trait' && !/^[A-Za-z0-9_.-]{1,64}$/.test(c.key || '')) return 'Name the trait (letters, digits, _ . -).';
  if (def.kind === 'behavior') {
    if (c.field === 'friction') return c.value || c.selector ? null : 'Pick a signal or give a selector.';
    if (c.field === 'submitted') return null;
    return c.value ? null : 'Give a value.';
  }
  if (!c.op) return 'Pick an operator.';
  if (c.op === 'exists') return null;
  if (c.op === 'in') return c.values && c.values.length ? null : 'Give at least one value.';
  if (!c.value) return 'Give a value.';
  const numeric = def.kind === 'number' || (c.field === 'trait' && c.type === 'number');
  if (numeric && !isFinite(Number(c.value))) return 'Give a number.';
  return null;
}

/** A draft as the API wants it: unused fields dropped, "in" values split on commas. */
export function cleanCondition(c: Condition): Condition {
  const def = fieldDef(c.field);
  const out: Condition = { field: c.field };
  if (def?.kind !== 'behavior') out.op = c.op;
  if (c.field === 'trait') {
    out.key = c.key;
    if (c.type && c.type !== 'string') out.type = c.type;
  }
  if (c.op === 'in') out.values = (c.values || []).map((v) => v.trim()).filter(Boolean);
  else if (c.op !== 'exists' && c.value) out.value = c.value.trim();
  if (c.field === 'friction' && c.selector) out.selector = c.selector.trim();
  if (c.field === 'guide' && c.action === 'completed') out.action = 'completed';
  if (c.field === 'started_at' && out.value && /^\d{4}-\d{2}-\d{2}$/.test(out.value)) {
    out.value = new Date(out.value + 'T00:00:00').toISOString();
  }
  return out;
}
