// Privacy rules: one MaskConfig (from GET /ingest/v1/config) becomes the
// options handed to rrweb's record() and the text masker used for signals, so
// a click's element text is masked exactly as the recording is.
//
// Rules in every mode: every input, textarea and select value is masked
// (each character becomes '*'); passwords and autocomplete=cc-* fields are
// never recorded (empty value); contenteditable text is masked in the
// snapshot and in mutations; [data-tg-mask] masks text; [data-tg-block]
// replaces the element with a placeholder.
//   balanced  + text that looks like an email, phone, card or long number
//   strict    all text masked; media (img, video, canvas, iframes...) blocked
//   relaxed   no pattern masking of ordinary text
import type { MaskConfig, MaskMode } from './wire';

export const MASK_ATTR_SELECTOR = '[data-tg-mask]';
export const BLOCK_ATTR_SELECTOR = '[data-tg-block]';
export const EDITABLE_SELECTOR = '[contenteditable]:not([contenteditable="false"])';
export const MEDIA_SELECTOR = 'img,picture,video,audio,canvas,svg,iframe,object,embed';

export const DEFAULT_MASK: MaskConfig = { mode: 'balanced', mask_selectors: [], block_selectors: [] };

/**
 * Every input type rrweb knows plus the tag names, so that no value escapes:
 * `input` matches any <input> whatever its type (hidden, file, unknown types),
 * which rrweb's own maskAllInputs list would let through.
 */
export const MASK_INPUT_OPTIONS: Record<string, boolean> = {
  input: true,
  textarea: true,
  select: true,
  color: true,
  date: true,
  'datetime-local': true,
  email: true,
  month: true,
  number: true,
  range: true,
  search: true,
  tel: true,
  text: true,
  time: true,
  url: true,
  week: true,
  password: true,
  hidden: true,
  file: true,
};

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
export function maskAll(s: string): string {
  return '*'.repeat(s.length);
}

// Emails, card-like and long digit runs, phone numbers. Conservative: better
// to mask a date range than to leak a phone number.
const PII_RE = new RegExp(
  [
    '[^\\s@<>()"\']+@[^\\s@<>()"\']+\\.[a-z]{2,}', // email
    '\\+?\\d[\\d ().\\-]{6,}\\d', // phone, card, iban-ish, long numbers (8+ chars of digits and separators)
  ].join('|'),
  'gi',
);
const PII_HINT = /[@\d]/;
const ISO_DATE = /^\d{4}-\d\d-\d\d$/;

/** Mask substrings that look like personal data; keep the rest readable. */
export function scrubPII(s: string): string {
  if (!PII_HINT.test(s)) return s;
  return s.replace(PII_RE, (m) => {
    // at least 7 digits for a number-like match, so "1 - 3 of 20" survives
    if (m.indexOf('@') < 0 && ((m.match(/\d/g) || []).length < 7 || ISO_DATE.test(m))) return m;
    return maskAll(m);
  });
}

/** Drop selectors the browser cannot parse: one bad rule must not disable the rest. */
export function validSelectors(list: readonly string[] | null | undefined, doc: Document = document): string[] {
  const out: string[] = [];
  const frag = doc.createDocumentFragment();
  for (const s of list || []) {
    if (typeof s !== 'string' || !s.trim()) continue;
    try {
      frag.querySelector(s);
      out.push(s.trim());
    } catch {
      if (typeof console !== 'undefined') console.debug('trailguide: ignoring invalid selector', s);
    }
  }
  return out;
}

function isNeverRecorded(el: Element): boolean {
  const type = (el.getAttribute('type') || '').toLowerCase();
  const ac = (el.getAttribute('autocomplete') || '').toLowerCase();
  return type === 'password' || /(^|\s)cc-/.test(ac);
}

/** Input values: nothing for passwords and card fields, '*' per character otherwise. */
export function maskInputValue(text: string, el: Element | null): string {
  if (el && isNeverRecorded(el)) return '';
  return maskAll(text || '');
}

function safeClosest(el: Element | null, sel: string): boolean {
  if (!el || !sel) return false;
  try {
    return !!el.closest(sel);
  } catch {
    return true; // fail closed
  }
}

export function createMasker(cfg: MaskConfig | null | undefined, doc: Document = document): Masker {
  const c = cfg || DEFAULT_MASK;
  const mode: MaskMode = c.mode === 'strict' || c.mode === 'relaxed' ? c.mode : 'balanced';
  const maskSelector = [MASK_ATTR_SELECTOR, EDITABLE_SELECTOR, ...validSelectors(c.mask_selectors, doc)].join(',');
  const blocks = [BLOCK_ATTR_SELECTOR, ...validSelectors(c.block_selectors, doc)];
  if (mode === 'strict') blocks.push(MEDIA_SELECTOR);
  const blockSelector = blocks.join(',');

  const text = (s: string, el: Element | null): string => {
    if (!s) return s;
    if (mode === 'strict' || safeClosest(el, maskSelector)) return maskAll(s);
    return mode === 'balanced' ? scrubPII(s) : s;
  };

  // rrweb only calls maskTextFn for text under maskTextSelector. Balanced and
  // strict need to see all text (pattern masking / full masking), so they
  // select everything and decide in maskTextFn.
  const record: MaskRecordOptions = {
    maskAllInputs: false,
    maskInputOptions: { ...MASK_INPUT_OPTIONS },
    maskInputFn: maskInputValue,
    maskTextSelector: mode === 'relaxed' ? maskSelector : '*',
    maskTextFn: mode === 'relaxed' ? maskAll : text,
    blockSelector,
  };
  return { mode, maskSelector, blockSelector, record, text };
}
