/** Form fields: `field` signals and the live `focus` / `invalid` inputs. */
export declare const FIELD = "input,select,textarea,[contenteditable]:not([contenteditable=\"false\"])";
/** Elements a click or a hover counts as interactive on, besides ROLES and cursor: pointer. */
export declare const INTERACTIVE: string;
/** Click props as sent (each only when true / non-empty). */
export type ClickFacts = {
    type?: string;
    interactive?: true;
    new_tab?: true;
    download?: true;
    modifier?: true;
    no_rage?: true;
    text_entry?: true;
    navigates?: true;
    native?: true;
};
/** Selector of the field's form (`input.form`), undefined outside a form. */
export declare function formOf(t: Element): string | undefined;
/** Link, button, form control, ARIA widget role, [onclick] or cursor: pointer. */
export declare function isInteractive(win: Window, t: Element): boolean;
/**
 * The facts read during the click's dispatch on its target `t` (the
 * clickTarget), and the link whose navigation `navigates` decides after it.
 */
export declare function clickFacts(win: Window, t: Element, ev: MouseEvent): [ClickFacts, HTMLAnchorElement | null];
/** After dispatch: does the click's default action navigate this tab to another document? */
export declare function navigates(win: Window, p: {
    new_tab?: boolean;
    download?: boolean;
    modifier?: boolean;
}, link: HTMLAnchorElement | null, ev: Event): boolean;
/**
 * Calls `fn` whenever the page calls window.open (`fn(false)`), opens a
 * native dialog (alert, confirm, prompt, print: `fn(true)`) or calls an
 * element's click() (`fn(true, el)`: a handler passing its click on, also to
 * a detached link or file input no document listener sees); returns the undo.
 */
export declare function onOpen(win: Window, fn: (native: boolean, el?: Element) => void): () => void;
/** What a click passed on to `el` (a new tab, a download, a file picker) adds to the click `p` in dispatch. */
export declare function passOn(win: Window, el: Element, p: {
    new_tab?: boolean;
    download?: boolean;
    native?: boolean;
}): void;
