import type { Context, UTM } from './wire';
export declare const SECRET_WORDS: string[];
/** A parameter name that looks secret: one of its words (singular) is in SECRET_WORDS. */
export declare function secretName(name: string): boolean;
/**
 * A URL as it may leave the browser: user info removed; query and fragment
 * parameters whose names look secret (or whose values look like tokens)
 * replaced by "redacted"; a fragment that is a bare token dropped; JWT-shaped
 * path segments replaced by ":jwt"; mailto:, tel: and sms: reduced to their
 * scheme. Relative URLs stay relative. Unparseable input gives ''.
 */
export declare function scrubURL(raw: string): string;
export declare function utmFrom(href: string): UTM;
export declare function buildContext(win?: Window): Context;
