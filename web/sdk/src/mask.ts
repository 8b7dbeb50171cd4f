// Privacy rules (docs/PRIVACY.md): one MaskConfig (GET /ingest/v1/config,
// tightened by init({privacy})) becomes a Masker. The Masker decides every
// text, input value, attribute and URL that leaves the browser: rrweb's events
// pass through Masker.event() before they are queued, and signals use the same
// text() so a click's element text is masked exactly as the recording is.
//
//   balanced (default)  every form value masked; text that looks like an
//                       email, phone, card or long number masked; placeholder,
//                       title, aria-label, alt and value masked on form fields
//   strict              all text and attributes of that kind masked; media
//                       (img, video, canvas, iframes...) blocked
//   relaxed             balanced, but the values of choice fields (select,
//                       checkbox, radio, range, color, date/time) are
//                       recorded, and form-field attributes are pattern-masked
//                       only (unless a mask rule covers the field)
// In every mode, whatever the rules say: password fields (also after a type
// switch), hidden inputs and autocomplete=cc-*, one-time-code,
// current-password, new-password fields record nothing (empty value).
// A choice from a fixed list gives itself away by its length, so in every
// mode that masks a <select>'s value, everything of the select and of every
// <datalist> is CHOICE_MASK whatever its length: its value, each option's
// text, value and label, the optgroups' labels, the select's title and
// aria-label; options lose their selected state and their attribute
// mutations, rrweb's clicks on an option name the select, and a customizable
// select's <selectedcontent> (a copy of the chosen option) is blocked.
// [data-tg-mask] masks an element's text, [data-tg-block] replaces it with a
// same-size placeholder, [data-tg-unmask] records its text and values as they
// are (except the never-recorded fields). Mask wins over unmask.
import { scrubURL } from './context';
import type { MaskConfig, MaskMode } from './wire';

export const EDITABLE_SELECTOR = '[contenteditable]:not([contenteditable="false"])';
export const MEDIA_SELECTOR = 'img,picture,video,audio,canvas,svg,iframe,object,embed';
/** What every masked option, option text and select value is recorded as. */
export const CHOICE_MASK = '***';
const LIST = 'select,datalist';

export const DEFAULT_MASK: MaskConfig = { mode: 'balanced', mask_selectors: [], block_selectors: [], unmask_selectors: [] };

/** What init({privacy}) may set: a stricter mode and more mask/block rules, never unmask rules. */
export type PrivacyOption = MaskMode | { mode?: MaskMode; mask_selectors?: string[]; block_selectors?: string[] };

const MODES: MaskMode[] = ['relaxed', 'balanced', 'strict'];

/** Every tag and type, so that rrweb hands every value to maskInputFn. */
export const MASK_INPUT_OPTIONS: Record<string, boolean> = { input: true, textarea: true, select: true };

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
  getId(n: Node | undefined | null): number;
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
export function maskAll(s: string): string {
  return '*'.repeat(s.length);
}

// Emails, card-like and long digit runs, phone numbers. Conservative: better
// to mask a date range than to leak a phone number.
const PII_RE = /[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}|\+?\d[\d ().-]{6,}\d/gi;
const ISO_DATE = /^\d{4}-\d\d-\d\d$/;

/** Mask substrings that look like personal data; keep the rest readable. */
export function scrubPII(s: string): string {
  return !/[@\d]/.test(s)
    ? s
    : s.replace(PII_RE, (m) =>
        // at least 7 digits for a number-like match, so "1 - 3 of 20" survives
        m.indexOf('@') < 0 && ((m.match(/\d/g) || []).length < 7 || ISO_DATE.test(m)) ? m : maskAll(m),
      );
}

/** Drop selectors the browser cannot parse: one bad rule must not disable the rest. */
export function validSelectors(list: readonly string[] | null | undefined, doc: Document = document): string[] {
  const out: string[] = [];
  const frag = doc.createDocumentFragment();
  for (const s of list || []) {
    try {
      if (typeof s == 'string' && s.trim()) frag.querySelector(s), out.push(s.trim());
    } catch {
      console.debug('trailguide: ignoring invalid selector', s);
    }
  }
  return out;
}

const seenPassword = new WeakSet<Element>();
const NEVER_AC = /(^|\s)(cc-|one-time-code|current-password|new-password)/;

/**
 * Password fields (also once switched to another type: rrweb marks them
 * data-rr-is-password, and a field seen as a password stays one), hidden
 * inputs, card and one-time-code fields: never recorded.
 */
export function isNeverRecorded(el: Element): boolean {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (type == 'password' || el.hasAttribute('data-rr-is-password')) seenPassword.add(el);
  return seenPassword.has(el) || (type == 'hidden' && el.tagName == 'INPUT') || NEVER_AC.test((el.getAttribute('autocomplete') || '').toLowerCase());
}

const CHOICE_TYPES = /^(checkbox|radio|range|color|date|month|week|time|datetime-local)$/;
const FIELD_TAG = /^(input|textarea|select|option)$/i;
const URL_ATTR = /^(href|src|rr_src|action|formaction|poster|cite|data|background|ping|xlink:href|longdesc|srcset)$/;
const TEXT_ATTR = /^(placeholder|title|aria-label|alt|aria-description|aria-valuetext)$/;

function closest(el: Element | null, sel: string): boolean {
  try {
    return !!el && !!sel && !!el.closest(sel);
  } catch {
    return true; // fail closed
  }
}

function elementOf(n: Node | null | undefined): Element | null {
  return !n ? null : n.nodeType == 1 ? (n as Element) : n.nodeType == 11 ? (n as ShadowRoot).host || null : n.parentElement || elementOf(n.parentNode);
}

export function createMasker(cfg: MaskConfig | null | undefined, doc: Document = document, privacy?: PrivacyOption): Masker {
  const c = cfg || DEFAULT_MASK;
  const p = typeof privacy == 'string' ? { mode: privacy } : privacy || {};
  // an unknown project mode is balanced; init may only make it stricter
  const base = MODES.indexOf(c.mode);
  const mode = MODES[Math.max(base < 0 ? 1 : base, MODES.indexOf(p.mode as MaskMode))];
  const userMask = ['[data-tg-mask]', ...validSelectors(c.mask_selectors, doc), ...validSelectors(p.mask_selectors, doc)].join();
  const maskSel = userMask + ',' + EDITABLE_SELECTOR;
  const unmaskSel = ['[data-tg-unmask]', ...validSelectors(c.unmask_selectors, doc)].join();
  const blocks = ['[data-tg-block]', 'selectedcontent', ...validSelectors(c.block_selectors, doc), ...validSelectors(p.block_selectors, doc)];
  if (mode == 'strict') blocks.push(MEDIA_SELECTOR);
  const blockSelector = blocks.join();

  const unmasked = (el: Element | null): boolean => closest(el, unmaskSel) && !closest(el, userMask);

  const input = (s: string, el: Element | null): string => {
    s = s || '';
    if (!el) return maskAll(s);
    const list = el.closest(LIST);
    const f = list || el;
    if (isNeverRecorded(f)) return '';
    if (unmasked(f)) return s;
    const choice = f.tagName == 'SELECT' || (f.tagName == 'INPUT' && CHOICE_TYPES.test((f as HTMLInputElement).type));
    return mode == 'relaxed' && choice && !closest(f, userMask) ? scrubPII(s) : list ? s && CHOICE_MASK : maskAll(s);
  };
  /** `el` is in a select or datalist whose value is masked */
  const inList = (el: Element | null): boolean => !!el && !!el.closest(LIST) && input('x', el) != 'x';

  const text = (s: string, el: Element | null): string =>
    !s || !s.trim()
      ? s
      : el && (el.tagName == 'TEXTAREA' || el.closest(LIST))
        ? input(s, el)
        : unmasked(el)
          ? s
          : mode == 'strict' || closest(el, maskSel)
            ? maskAll(s)
            : scrubPII(s);

  const attr = (el: Element | null, tag: string, name: string, v: string): string => {
    if (!v) return v;
    const field = FIELD_TAG.test(tag);
    if (URL_ATTR.test(name)) {
      return name == 'srcset'
        ? v
            .split(',')
            .map((part) => part.trim().replace(/^\S+/, scrubURL))
            .join(', ')
        : scrubURL(v);
    }
    if ((name == 'value' && (field || !el)) || ((name == 'label' || TEXT_ATTR.test(name)) && el && el.closest(LIST))) return input(v, el);
    if (TEXT_ATTR.test(name)) return !el ? maskAll(v) : !field ? text(v, el) : unmasked(el) ? v : mode == 'relaxed' && !closest(el, userMask) ? scrubPII(v) : maskAll(v);
    return v;
  };

  const event = <T>(e: T, mirror?: MirrorLike | null): T => {
    const ev = e as { type?: number; data?: any };
    const d = ev && ev.data;
    if (!d) return e;
    const node = (id: number): Node | null => (mirror && mirror.getNode(id)) || null;
    // `parent`: the element a text node is in; undefined when rrweb's mirror
    // does not know it, and then its text is masked whole (fail closed).
    const walk = (n: any, parent: Element | null | undefined, tag: string): void => {
      if (!n) return;
      if (n.type == 3) {
        const t = n.textContent;
        if (t && !/^(style|script)$/i.test(tag)) n.textContent = parent === undefined ? maskAll(t) : text(t, parent);
        return;
      }
      const el = n.type == 2 ? (node(n.id) as Element | null) : null;
      const a = n.attributes || {};
      for (const k in a) if (typeof a[k] == 'string') a[k] = attr(el, n.tagName, k, a[k]);
      for (const ch of n.childNodes || []) walk(ch, n.type != 2 ? null : el || undefined, n.tagName || '');
    };
    if (ev.type == 4 && d.href) d.href = scrubURL(d.href);
    if (ev.type == 2) walk(d.node, null, '');
    if (ev.type == 3 && d.source == 0) {
      for (const a of d.adds || []) {
        const p = elementOf(node(a.parentId));
        walk(a.node, p || undefined, p ? p.tagName : '');
      }
      for (const t of d.texts || []) {
        const n = node(t.id);
        const p = elementOf(n && n.parentNode);
        if (t.value && !/^(STYLE|SCRIPT)$/.test(p ? p.tagName : '')) t.value = p ? text(t.value, p) : maskAll(t.value);
      }
      // any attribute change of an option may be its choice: dropped
      d.attributes = (d.attributes || []).filter((a: any) => {
        const el = node(a.id) as Element | null;
        return !(el && el.tagName != 'SELECT' && inList(el));
      });
      for (const a of d.attributes) {
        const el = node(a.id) as Element | null;
        for (const k in a.attributes) {
          const v = a.attributes[k];
          if (typeof v == 'string') a.attributes[k] = attr(el, el ? el.tagName.toLowerCase() : '', k, v);
        }
      }
    }
    if (ev.type == 3 && d.source == 5 && typeof d.text == 'string') d.text = input(d.text, node(d.id) as Element | null);
    // a click, focus or touch on an option: on its select
    const t = ev.type == 3 && d.source == 2 && (node(d.id) as Element | null);
    if (t && t.tagName != 'SELECT' && inList(t) && mirror) d.id = mirror.getId(t.closest('select'));
    return e;
  };

  return {
    mode,
    blockSelector,
    record: { maskAllInputs: false, maskInputOptions: MASK_INPUT_OPTIONS, maskInputFn: input, blockSelector },
    text,
    input,
    attr,
    event,
  };
}
