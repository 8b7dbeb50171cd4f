import type { Masker } from './mask';
export declare const MAX_TEXT = 80;
export declare function cssEscape(s: string): string;
/** Ids from frameworks (React useId ":r1:", ember123, uuid-ish, long digit runs) change between renders. */
export declare function isStableId(id: string): boolean;
/** CSS-in-JS and hashed module classes (css-1x2y3z, sc-abc, jsx-123, Button_root__a1B2c) are unstable. */
export declare function isStableClass(c: string): boolean;
/** A short, stable CSS selector for `el`. */
export declare function selectorFor(el: Element): string;
/** The element a click is about: the nearest interactive ancestor (a <span> inside a <button> is the button). */
export declare function clickTarget(el: Element): Element;
/**
 * Up to MAX_TEXT characters of visible text inside `el`, masked per text node
 * exactly as the recording masks it. Never an input value: form fields
 * contribute nothing, and blocked subtrees are skipped.
 */
export declare function elementText(el: Element, masker: Masker): string;
