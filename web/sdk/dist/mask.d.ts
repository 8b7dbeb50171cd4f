import type { MaskConfig, MaskMode } from './wire';
export declare const MASK_ATTR_SELECTOR = "[data-tg-mask]";
export declare const BLOCK_ATTR_SELECTOR = "[data-tg-block]";
export declare const EDITABLE_SELECTOR = "[contenteditable]:not([contenteditable=\"false\"])";
export declare const MEDIA_SELECTOR = "img,picture,video,audio,canvas,svg,iframe,object,embed";
export declare const DEFAULT_MASK: MaskConfig;
/**
 * Every input type rrweb knows plus the tag names, so that no value escapes:
 * `input` matches any <input> whatever its type (hidden, file, unknown types),
 * which rrweb's own maskAllInputs list would let through.
 */
export declare const MASK_INPUT_OPTIONS: Record<string, boolean>;
/** The subset of rrweb's recordOptions that masking decides. */
export interface MaskRecordOptions {
    maskAllInputs: false;
    maskInputOptions: Record<string, boolean>;
    maskInputFn: (text: string, element: HTMLElement) => string;
    maskTextSelector: string;
    maskTextFn: (text: string, element: HTMLElement | null) => string;
    blockSelector: string;
}
export interface Masker {
    mode: MaskMode;
    /** elements whose text is fully masked (data-tg-mask, contenteditable, project rules) */
    maskSelector: string;
    /** elements replaced by a placeholder */
    blockSelector: string;
    record: MaskRecordOptions;
    /** Mask text shown inside `el` the way the recording does. */
    text(text: string, el: Element | null): string;
}
/** Replace every character (whitespace too, so word lengths do not leak). */
export declare function maskAll(s: string): string;
/** Mask substrings that look like personal data; keep the rest readable. */
export declare function scrubPII(s: string): string;
/** Drop selectors the browser cannot parse: one bad rule must not disable the rest. */
export declare function validSelectors(list: readonly string[] | null | undefined, doc?: Document): string[];
/** Input values: nothing for passwords and card fields, '*' per character otherwise. */
export declare function maskInputValue(text: string, el: Element | null): string;
export declare function createMasker(cfg: MaskConfig | null | undefined, doc?: Document): Masker;
