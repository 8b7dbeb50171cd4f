// Friction thresholds (Go: friction/config.go). Field names are the JSON
// names of friction.Config, which GET /ingest/v1/config sends under
// `friction`.
import type { FrictionInput } from './types';

export interface Conversion {
  events?: string[];
  urls?: string[];
}

export interface FrictionConfig {
  rage_clicks: number;
  rage_window_ms: number;
  rage_radius_px: number;
  rage_change_ms: number;
  rage_selection_ms: number;
  dead_window_ms: number;
  dead_quick_ms: number;
  dead_interactive_only: boolean;
  error_click_ms: number;
  thrash_reversals: number;
  thrash_window_ms: number;
  thrash_min_speed: number;
  scroll_reversals: number;
  scroll_min_fraction: number;
  scroll_window_ms: number;
  quick_back_ms: number;
  struggle_edits: number;
  struggle_refocus: number;
  struggle_invalid: number;
  hesitation_ms: number;
  exit_recent_ms: number;
  exit_idle_ms: number;
  conversion: Conversion;
  disabled?: string[];
}

/** The v1 defaults (Go: friction.Default()). */
export function defaultConfig(): FrictionConfig {
  return {
    rage_clicks: 3,
    rage_window_ms: 1000,
    rage_radius_px: 30,
    rage_change_ms: 500,
    rage_selection_ms: 500,
    dead_window_ms: 2500,
    dead_quick_ms: 200,
    dead_interactive_only: true,
    error_click_ms: 1000,
    thrash_reversals: 10,
    thrash_window_ms: 2000,
    thrash_min_speed: 0.5,
    scroll_reversals: 4,
    scroll_min_fraction: 0.25,
    scroll_window_ms: 10000,
    quick_back_ms: 10000,
    struggle_edits: 3,
    struggle_refocus: 3,
    struggle_invalid: 2,
    hesitation_ms: 3000,
    exit_recent_ms: 30000,
    exit_idle_ms: 300000,
    conversion: {},
  };
}

/**
 * Applies a partial config over the defaults, like Go's ParseConfig (which
 * decodes into Default(); the nested conversion object is merged field by
 * field). Unlike ParseConfig it does not reject unknown fields or validate:
 * the server validates what it stores before sending it to the SDK.
 */
export function withDefaults(partial?: Partial<FrictionConfig> | null): FrictionConfig {
  const cfg = defaultConfig();
  if (!partial) return cfg;
  const { conversion, ...rest } = partial;
  Object.assign(cfg, rest);
  if (conversion) cfg.conversion = { ...cfg.conversion, ...conversion };
  return cfg;
}

export function enabled(c: FrictionConfig, typ: string): boolean {
  return !(c.disabled || []).includes(typ);
}

/** Whether in is a conversion under c (Go: Conversion.converts). */
export function converts(c: Conversion, x: FrictionInput): boolean {
  if (x.kind === 'track') return (c.events || []).includes(x.name || '');
  if (x.kind === 'pageview') {
    const p = urlPath(x.url || '');
    return (c.urls || []).some((pat) => glob(pat, p));
  }
  return false;
}

/**
 * The path of an absolute or relative URL: after scheme://host, before ? or
 * #, keeping a route fragment (#/… or #!…) without its query.
 */
export function urlPath(u: string): string {
  let i = u.indexOf('://');
  if (i >= 0) {
    u = u.slice(i + 3);
    const j = u.indexOf('/');
    u = j >= 0 ? u.slice(j) : '/';
  }
  let frag = '';
  i = u.indexOf('#');
  if (i >= 0) {
    if (u.startsWith('#/', i) || u.startsWith('#!', i)) frag = u.slice(i);
    u = u.slice(0, i);
  }
  i = u.indexOf('?');
  if (i >= 0) u = u.slice(0, i);
  i = frag.indexOf('?');
  if (i >= 0) frag = frag.slice(0, i);
  return u + frag;
}

/** Matches s against pattern where "*" matches any run of characters. */
export function glob(pattern: string, s: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === s;
  if (!s.startsWith(parts[0])) return false;
  s = s.slice(parts[0].length);
  const last = parts[parts.length - 1];
  for (const p of parts.slice(1, -1)) {
    const i = s.indexOf(p);
    if (i < 0) return false;
    s = s.slice(i + p.length);
  }
  return s.endsWith(last) && s.length >= last.length;
}
