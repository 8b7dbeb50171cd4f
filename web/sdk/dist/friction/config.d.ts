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
export declare function defaultConfig(): FrictionConfig;
/**
 * Applies a partial config over the defaults, like Go's ParseConfig (which
 * decodes into Default(); the nested conversion object is merged field by
 * field). Unlike ParseConfig it does not reject unknown fields or validate:
 * the server validates what it stores before sending it to the SDK.
 */
export declare function withDefaults(partial?: Partial<FrictionConfig> | null): FrictionConfig;
export declare function enabled(c: FrictionConfig, typ: string): boolean;
/** Whether in is a conversion under c (Go: Conversion.converts). */
export declare function converts(c: Conversion, x: FrictionInput): boolean;
/**
 * The path of an absolute or relative URL: after scheme://host, before ? or
 * #, keeping a route fragment (#/… or #!…) without its query.
 */
export declare function urlPath(u: string): string;
/** Matches s against pattern where "*" matches any run of characters. */
export declare function glob(pattern: string, s: string): boolean;
