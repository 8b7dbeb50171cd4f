// DOM facts the friction spec needs (docs/FRICTION.md §1, "What the SDK must
// add to its signals"), shared by the signals (what the server reads) and the
// live detector (friction/dom.ts), so that both see exactly the same facts.
import { selectorFor } from './selector';

/** Form fields: `field` signals and the live `focus` / `invalid` inputs. */
export const FIELD = 'input,select,textarea,[contenteditable]:not([contenteditable="false"])';
/** Elements a click or a hover counts as interactive on, besides ROLES and cursor: pointer. */
export const INTERACTIVE = FIELD + ',a,button,label,summary,option,[onclick]';
const ROLES = ['button', 'link', 'menuitem', 'tab', 'checkbox', 'switch', 'option'];
const TEXT_TYPES = ['text', 'email', 'search', 'tel', 'url', 'password', 'number', ''];
const SAME_TAB = ['', '_self', '_parent', '_top'];

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
export function formOf(t: Element): string | undefined {
  const f = (t as HTMLInputElement).form || t.closest('form');
  return f ? selectorFor(f) : undefined;
}

function pointer(win: Window, t: Element): boolean {
  try {
    return win.getComputedStyle(t).cursor === 'pointer';
  } catch {
    return false; // detached
  }
}

/** Link, button, form control, ARIA widget role, [onclick] or cursor: pointer. */
export function isInteractive(win: Window, t: Element): boolean {
  return t.matches(INTERACTIVE) || ROLES.includes(t.getAttribute('role') || '') || pointer(win, t);
}

/**
 * The facts read during the click's dispatch on its target `t` (the
 * clickTarget), and the link whose navigation `navigates` decides after it.
 */
export function clickFacts(win: Window, t: Element, ev: MouseEvent): [ClickFacts, HTMLAnchorElement | null] {
  const p: ClickFacts = {};
  const tag = t.tagName;
  const type = (t.getAttribute('type') || '').toLowerCase();
  if (tag === 'INPUT') p.type = ((t as HTMLInputElement).type || 'text').toLowerCase();
  if (isInteractive(win, t)) p.interactive = true;
  const link = t.closest('a[href]') as HTMLAnchorElement | null;
  const form = (t as HTMLButtonElement).form;
  if (
    (link && !SAME_TAB.includes(link.target.toLowerCase())) ||
    (form && (tag === 'BUTTON' ? /^(submit)?$/ : /^(submit|image)$/).test(type) && !SAME_TAB.includes((form.getAttribute('target') || '').toLowerCase()))
  )
    p.new_tab = true;
  if (t.closest('a[download]')) p.download = true;
  if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || ev.button) p.modifier = true;
  if (t.closest('[data-tg-no-rage]')) p.no_rage = true;
  if ((tag === 'INPUT' && TEXT_TYPES.includes(type)) || tag === 'TEXTAREA' || (t as HTMLElement).isContentEditable === true) p.text_entry = true;
  return [p, link];
}

/** After dispatch: does the click's default action navigate this tab to another document? */
export function navigates(win: Window, p: { new_tab?: boolean; download?: boolean; modifier?: boolean }, link: HTMLAnchorElement | null, ev: Event): boolean {
  const noHash = (u: string): string => u.replace(/#.*$/, '');
  return !!link && !p.new_tab && !p.download && !p.modifier && !ev.defaultPrevented && /^https?:/.test(link.href) && noHash(link.href) !== noHash(win.location.href);
}

type Fn = (...a: unknown[]) => unknown;

/**
 * Calls `fn` whenever the page calls window.open (`fn(false)`), opens a
 * native dialog (alert, confirm, prompt, print: `fn(true)`) or calls an
 * element's click() (`fn(true, el)`: a handler passing its click on, also to
 * a detached link or file input no document listener sees); returns the undo.
 */
export function onOpen(win: Window, fn: (native: boolean, el?: Element) => void): () => void {
  const E = (win as unknown as { HTMLElement: { prototype: unknown } }).HTMLElement.prototype as Record<string, Fn>;
  const undo = 'open alert confirm prompt print click'.split(' ').map((n, i) => {
    const o = i > 4 ? E : (win as unknown as Record<string, Fn>);
    const orig = o[n];
    const patched = function (this: Element, ...a: unknown[]) {
      try {
        fn(i > 0, i > 4 ? this : undefined);
      } catch {
        /* never break the page */
      }
      return orig.apply(this, a);
    };
    o[n] = patched;
    return () => {
      if (o[n] === patched) o[n] = orig;
    };
  });
  return () => undo.forEach((u) => u());
}

/** What a click passed on to `el` (a new tab, a download, a file picker) adds to the click `p` in dispatch. */
export function passOn(win: Window, el: Element, p: { new_tab?: boolean; download?: boolean; native?: boolean }): void {
  const f = clickFacts(win, el, {} as MouseEvent)[0];
  if (f.new_tab) p.new_tab = true;
  if (f.download) p.download = true;
  if (f.type === 'file') p.native = true;
}
