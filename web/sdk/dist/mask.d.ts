import type { MaskConfig, MaskMode } from './wire';
export declare const EDITABLE_SELECTOR = "[contenteditable]:not([contenteditable=\"false\"])";
export declare const MEDIA_SELECTOR = "img,picture,video,audio,canvas,svg,iframe,object,embed";
export declare const DEFAULT_MASK: MaskConfig;
/** What init({privacy}) may set: a stricter mode and more mask/block rules, never unmask rules. */
export type PrivacyOption = MaskMode | {
    mode?: MaskMode;
    mask_selectors?: string[];
    block_selectors?: string[];
};
/** Every tag and type, so that rrweb hands every value to maskInputFn. */
export declare const MASK_INPUT_OPTIONS: Record<string, boolean>;
/** The subset of rrweb's recordOptions that masking decides. */
export interface MaskRecordOptions {
    maskAllInputs: false;
    maskInputOptions: Record<string, boolean>;
    maskInputFn: (text: string, element: HTMLElement) => string;
    blockSelector: string;
}
/** rrweb's node lookup (record.mirror), to find the element behind a serialized node. */
export interface MirrorLike {
    getNode(id: number): Node | null;
}
export interface Masker {
    mode: MaskMode;
    /** elements replaced by a placeholder */
    blockSelector: string;
    record: MaskRecordOptions;
    /** Text shown inside `el`, as recorded. */
    text(text: string, el: Element | null): string;
    /** The value of form field `el`, as recorded. */
    input(value: string, el: Element | null): string;
    /** Attribute `name` of `el` (tag `tag`, lower case), as recorded. */
    attr(el: Element | null, tag: string, name: string, value: string): string;
    /** Scrub an rrweb event in place before it is queued; returns it. */
    event<T>(e: T, mirror?: MirrorLike | null): T;
}
/** Replace every character (whitespace too, so word lengths do not leak). */
export declare function maskAll(s: string): string;
/** Mask substrings that look like personal data; keep the rest readable. */
export declare function scrubPII(s: string): string;
/** Drop selectors the browser cannot parse: one bad rule must not disable the rest. */
export declare function validSelectors(list: readonly string[] | null | undefined, doc?: Document): string[];
/**
 * Password fields (also once switched to another type: rrweb marks them
 * data-rr-is-password, and a field seen as a password stays one), hidden
 * inputs, card and one-time-code fields: never recorded.
 */
export declare function isNeverRecorded(el: Element): boolean;
export declare function createMasker(cfg: MaskConfig | null | undefined, doc?: Document, privacy?: PrivacyOption): Masker;
