import type { Context, UTM } from './wire';
/** Remove token-like query parameters and fragments that carry data (#access_token=…). */
export declare function scrubURL(raw: string): string;
export declare function utmFrom(href: string): UTM;
export declare function buildContext(win?: Window): Context;
