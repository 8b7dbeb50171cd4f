// Project settings (GET/PUT /api/v1/projects/{pid}/settings, docs/API.md):
// the install snippets and the friction-threshold form. Pure logic only; the
// Settings page renders what these functions return.
//
// The friction config is friction.Config (friction/config.go, docs/FRICTION.md).
// The defaults come from the SDK's copy, which the shared test vectors hold
// to the Go ones.
import { defaultConfig, type FrictionConfig } from '../../sdk/src/friction/config';
import { signalLabel } from './friction';

export type { FrictionConfig };
export { defaultConfig };

// ---------- install snippets ----------

/** The one-tag install: the loader from this server, keyed by the project's public key. */
export function scriptSnippet(origin: string, key: string): string {
  return `<script src="${trimOrigin(origin)}/sdk/trailguide.js" data-key="${escAttr(key)}" async></script>`;
}

/** The bundler install through the npm package. */
export function npmSnippet(origin: string, key: string): string {
  return `import { init } from '@trailguide/sdk';\ninit({ key: '${escJS(key)}', endpoint: '${escJS(trimOrigin(origin))}' })`;
}

function trimOrigin(o: string): string {
  return o.replace(/\/+$/, '');
}
function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
function escJS(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

// ---------- friction form ----------

/** A numeric threshold as the form shows it. The input shows wire × scale, in `unit`. */
export interface NumField {
  key: keyof FrictionConfig & string;
  label: string;
  unit: string;
  /** Display value = wire value × scale (ms shown as s: 0.001). Default 1. */
  scale?: number;
  /** The wire value must be a whole number (Go int / int64). */
  int?: boolean;
  /** Smallest allowed wire value, and whether it is excluded (> rather than ≥). */
  min: number;
  exclusive?: boolean;
  help?: string;
}

export interface Group {
  id: string;
  title: string;
  /** Signal types this group's switch turns on and off (config.disabled). */
  signals: string[];
  blurb: string;
  fields: NumField[];
  /** dead_interactive_only: a boolean threshold inside the group. */
  flag?: { key: 'dead_interactive_only'; label: string; help: string };
  /** The exit group edits conversion rules. */
  conversion?: boolean;
}

const S = 0.001;

export const GROUPS: Group[] = [
  {
    id: 'rage_click',
    title: 'Rage click',
    signals: ['rage_click'],
    blurb: 'Repeated clicks on one spot that the page did not answer.',
    fields: [
      { key: 'rage_clicks', label: 'Clicks', unit: 'clicks', int: true, min: 2 },
      { key: 'rage_window_ms', label: 'Within', unit: 'ms', int: true, min: 0, exclusive: true, help: 'First to last click' },
      { key: 'rage_radius_px', label: 'Radius', unit: 'px', min: 0, help: 'Each click this close to the first' },
      { key: 'rage_change_ms', label: 'Page answers within', unit: 'ms', int: true, min: 0, help: 'A click the page answered this fast is not rage' },
      { key: 'rage_selection_ms', label: 'Text-selection grace', unit: 'ms', int: true, min: 0, help: 'Double-clicks to select text are ignored' },
    ],
  },
  {
    id: 'dead_click',
    title: 'Dead click',
    signals: ['dead_click'],
    blurb: 'A click after which nothing on the page changed.',
    fields: [
      { key: 'dead_window_ms', label: 'Nothing changes for', unit: 'ms', int: true, min: 0, exclusive: true },
      { key: 'dead_quick_ms', label: 'No scroll or focus for', unit: 'ms', int: true, min: 0, help: 'At most the window above' },
    ],
    flag: {
      key: 'dead_interactive_only',
      label: 'Only clicks on interactive elements',
      help: 'Links, buttons, form controls and elements that look clickable',
    },
  },
  {
    id: 'error_click',
    title: 'Error click',
    signals: ['error_click'],
    blurb: 'A click followed by a JavaScript error or a failed request.',
    fields: [{ key: 'error_click_ms', label: 'Error within', unit: 'ms', int: true, min: 0, exclusive: true }],
  },
  {
    id: 'thrashed_cursor',
    title: 'Thrashed cursor',
    signals: ['thrashed_cursor'],
    blurb: 'The pointer moving back and forth fast.',
    fields: [
      { key: 'thrash_reversals', label: 'Direction changes', unit: 'reversals', int: true, min: 2 },
      { key: 'thrash_window_ms', label: 'Within', unit: 'ms', int: true, min: 0, exclusive: true },
      { key: 'thrash_min_speed', label: 'Minimum speed', unit: 'px/ms', min: 0 },
    ],
  },
  {
    id: 'excessive_scrolling',
    title: 'Excessive scrolling',
    signals: ['excessive_scrolling'],
    blurb: 'Scrolling up and down through a page, looking for something.',
    fields: [
      { key: 'scroll_reversals', label: 'Direction changes', unit: 'reversals', int: true, min: 1 },
      { key: 'scroll_min_fraction', label: 'Each leg at least', unit: '% of viewport', scale: 100, min: 0, exclusive: true },
      { key: 'scroll_window_ms', label: 'Within', unit: 's', scale: S, int: true, min: 0, exclusive: true },
    ],
  },
  {
    id: 'quick_back',
    title: 'Quick back',
    signals: ['quick_back'],
    blurb: 'Going to a page and straight back to the previous one.',
    fields: [{ key: 'quick_back_ms', label: 'Back within', unit: 's', scale: S, int: true, min: 0, exclusive: true, help: 'Also the final-page bounce of the exit' }],
  },
  {
    id: 'form_abandonment',
    title: 'Form abandonment',
    signals: ['form_abandonment'],
    blurb: 'Changed fields of a form, then left without submitting it. No thresholds: turn it off for forms that save with fetch and no submit event.',
    fields: [],
  },
  {
    id: 'field_struggle',
    title: 'Field struggle',
    signals: ['field_struggle'],
    blurb: 'One field edited, re-focused or marked invalid again and again. Any one threshold counts.',
    fields: [
      { key: 'struggle_edits', label: 'Edits', unit: 'changes', int: true, min: 2 },
      { key: 'struggle_refocus', label: 'Re-focuses', unit: 'times', int: true, min: 1 },
      { key: 'struggle_invalid', label: 'Marked invalid', unit: 'times', int: true, min: 1 },
    ],
  },
  {
    id: 'hesitation',
    title: 'Hesitation',
    signals: ['hesitation'],
    blurb: 'Hovering over a control without clicking it.',
    fields: [{ key: 'hesitation_ms', label: 'Hover for', unit: 's', scale: S, int: true, min: 0, exclusive: true }],
  },
  {
    id: 'exit',
    title: 'Exit and conversion',
    signals: ['exit'],
    blurb: 'How each session ended: converted, after an error or frustration, mid-form, bounced, idle.',
    fields: [
      { key: 'exit_recent_ms', label: 'Error or frustration within', unit: 's', scale: S, int: true, min: 0, help: 'Before the last activity' },
      { key: 'exit_idle_ms', label: 'Idle after', unit: 'min', scale: S / 60, int: true, min: 0, exclusive: true, help: 'No activity this long before the end' },
    ],
    conversion: true,
  },
];

export const NUM_FIELDS: NumField[] = GROUPS.flatMap((g) => g.fields);
/** Every signal type the form can disable (friction.Types). */
export const ALL_SIGNALS: string[] = GROUPS.flatMap((g) => g.signals);

/** The form's state: inputs as typed (strings), switches as booleans. */
export interface FormValues {
  nums: Record<string, string>;
  dead_interactive_only: boolean;
  /** One per line (commas also split). */
  events: string;
  urls: string;
  /** Signal type → detected. */
  enabled: Record<string, boolean>;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** A wire value as its input shows it ("1000" ms, "10" s, "25" %). */
export function displayValue(f: NumField, wire: number): string {
  return String(round(wire * (f.scale ?? 1)));
}

/** The config → the form (missing fields take their defaults). */
export function configToForm(cfg: Partial<FrictionConfig> | null | undefined): FormValues {
  const d = defaultConfig();
  const c = { ...d, ...(cfg || {}) } as FrictionConfig;
  const nums: Record<string, string> = {};
  for (const f of NUM_FIELDS) {
    const v = c[f.key];
    nums[f.key] = typeof v === 'number' ? displayValue(f, v) : displayValue(f, d[f.key] as number);
  }
  const disabled = new Set(c.disabled || []);
  const enabled: Record<string, boolean> = {};
  for (const s of ALL_SIGNALS) enabled[s] = !disabled.has(s);
  return {
    nums,
    dead_interactive_only: c.dead_interactive_only !== false,
    events: (c.conversion?.events || []).join('\n'),
    urls: (c.conversion?.urls || []).join('\n'),
    enabled,
  };
}

export function splitList(s: string): string[] {
  return s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** The rule a field's value must follow, in words ("At least 2", "More than 0"). */
export function rangeText(f: NumField): string {
  const min = displayValue(f, f.min);
  return f.exclusive ? `Must be more than ${min}` : `Must be at least ${min}`;
}

export interface FormResult {
  config: FrictionConfig;
  /** Field key → message; empty when the form is valid. */
  errors: Record<string, string>;
}

/**
 * The form → the full config to PUT. An empty input means the default (the
 * body still names it, so the saved config is complete). Checks what the
 * browser can: a number, whole where the field is, and the lower bound.
 */
export function formToConfig(v: FormValues): FormResult {
  const d = defaultConfig();
  const cfg: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of NUM_FIELDS) {
    const raw = (v.nums[f.key] ?? '').trim();
    if (raw === '') {
      cfg[f.key] = d[f.key];
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) {
      errors[f.key] = 'Enter a number';
      continue;
    }
    let wire = n / (f.scale ?? 1);
    wire = f.int ? Math.round(wire) : round(wire);
    if (f.int && (f.scale ?? 1) === 1 && !Number.isInteger(n)) {
      errors[f.key] = 'Enter a whole number';
      continue;
    }
    if (f.exclusive ? wire <= f.min : wire < f.min) {
      errors[f.key] = rangeText(f);
      continue;
    }
    cfg[f.key] = wire;
  }
  if (!errors.dead_quick_ms && !errors.dead_window_ms && (cfg.dead_quick_ms as number) > (cfg.dead_window_ms as number)) {
    errors.dead_quick_ms = 'Must be at most the dead-click window';
  }
  cfg.dead_interactive_only = v.dead_interactive_only;
  const conversion: { events?: string[]; urls?: string[] } = {};
  const events = splitList(v.events);
  const urls = splitList(v.urls);
  if (events.length) conversion.events = events;
  if (urls.length) conversion.urls = urls;
  cfg.conversion = conversion;
  const disabled = ALL_SIGNALS.filter((s) => v.enabled[s] === false);
  if (disabled.length) cfg.disabled = disabled;
  return { config: cfg as unknown as FrictionConfig, errors };
}

/** Whether the form, as typed, is the defaults (empty inputs count as defaults). */
export function isDefault(v: FormValues): boolean {
  const r = formToConfig(v);
  if (Object.keys(r.errors).length) return false;
  return JSON.stringify(r.config) === JSON.stringify(formToConfig(configToForm(null)).config);
}

/**
 * A 400's reason ("friction.rage_clicks", "friction.conversion.events",
 * "friction.disabled", "friction") → the form field it names, or null when
 * it names none the form shows (the message then goes above the form).
 */
export function reasonToField(reason: string | undefined | null): string | null {
  if (!reason || !reason.startsWith('friction.')) return null;
  const f = reason.slice('friction.'.length);
  if (NUM_FIELDS.some((x) => x.key === f)) return f;
  if (f === 'dead_interactive_only') return f;
  if (f === 'conversion.events' || f === 'conversion.urls') return f;
  if (f === 'conversion') return 'conversion.events';
  if (f === 'disabled') return 'disabled';
  return null;
}

/** The group that holds a field, to scroll it into view. */
export function groupOf(field: string): Group | null {
  if (field.startsWith('conversion')) return GROUPS.find((g) => g.conversion) || null;
  if (field === 'dead_interactive_only') return GROUPS.find((g) => g.flag) || null;
  return GROUPS.find((g) => g.fields.some((f) => f.key === field)) || null;
}

/** The default as a hint: "Default 1000 ms". */
export function defaultHint(f: NumField): string {
  return `Default ${displayValue(f, defaultConfig()[f.key] as number)} ${f.unit}`;
}

export function groupLabel(g: Group): string {
  return g.title || signalLabel(g.id);
}
