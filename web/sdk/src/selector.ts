// Stable CSS selectors and short element text for signals. A selector must
// survive re-renders so that heatmaps and funnels can aggregate on it:
// prefer an id that does not look generated, then data-testid / data-tg-id,
// then a tag.class:nth-of-type path anchored at the nearest such element.
import type { Masker } from './mask';

const MAX_DEPTH = 8;
const MAX_CLASSES = 2;
export const MAX_TEXT = 80;

export function cssEscape(s: string): string {
  if (typeof CSS !== 'undefined' && CSS.escape) return CSS.escape(s);
  return s.replace(/[^\w-]/g, '\\$&').replace(/^(-?)(\d)/, (_m, dash: string, d: string) => `${dash}\\3${d} `);
}

/** Ids from frameworks (React useId ":r1:", ember123, uuid-ish, long digit runs) change between renders. */
export function isStableId(id: string): boolean {
  return !!id && id.length <= 64 && !/[:]|\d{3,}|^[0-9a-f]{8,}$|^[a-z]+-?\d+$|[0-9a-f]{8}-[0-9a-f]{4}/i.test(id);
}

/** CSS-in-JS and hashed module classes (css-1x2y3z, sc-abc, jsx-123, Button_root__a1B2c) are unstable. */
export function isStableClass(c: string): boolean {
  return !!c && c.length <= 40 && !/^(css|sc|jsx|emotion|tw)-|__[\w-]*[0-9][\w-]*$|\d{3,}|^[a-z]{1,3}\d|:/i.test(c);
}

function attrSelector(el: Element): string | null {
  for (const a of ['data-tg-id', 'data-testid']) {
    const v = el.getAttribute(a);
    if (v && v.length <= 100) return `[${a}="${v.replace(/["\\]/g, '\\$&')}"]`;
  }
  return null;
}

function unique(doc: Document | null, sel: string, el: Element): boolean {
  if (!doc) return true;
  try {
    const found = doc.querySelectorAll(sel);
    return found.length === 1 && found[0] === el;
  } catch {
    return false;
  }
}

/** The anchor part for `el` when it has a stable identifier, else null. */
function anchor(el: Element): string | null {
  const id = el.getAttribute('id');
  if (id && isStableId(id)) {
    const s = '#' + cssEscape(id);
    if (unique(el.ownerDocument, s, el)) return s;
  }
  const a = attrSelector(el);
  if (a) {
    const tagged = el.tagName.toLowerCase() + a;
    if (unique(el.ownerDocument, a, el)) return a;
    return tagged;
  }
  return null;
}

function step(el: Element): string {
  const tag = el.tagName.toLowerCase();
  let s = tag;
  const cls = (el.getAttribute('class') || '').split(/\s+/).filter(isStableClass).slice(0, MAX_CLASSES);
  for (const c of cls) s += '.' + cssEscape(c);
  const parent = el.parentElement;
  if (parent) {
    let n = 0;
    let idx = 0;
    for (let c = parent.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === el.tagName) {
        n++;
        if (c === el) idx = n;
      }
    }
    if (n > 1) s += `:nth-of-type(${idx})`;
  }
  return s;
}

/** A short, stable CSS selector for `el`. */
export function selectorFor(el: Element): string {
  const parts: string[] = [];
  let cur: Element | null = el;
  for (let depth = 0; cur && depth < MAX_DEPTH; depth++) {
    const tag = cur.tagName.toLowerCase();
    if (tag === 'html') break;
    const a = anchor(cur);
    if (a) {
      parts.unshift(a);
      return parts.join(' > ');
    }
    if (tag === 'body') {
      parts.unshift('body');
      return parts.join(' > ');
    }
    parts.unshift(step(cur));
    cur = cur.parentElement;
  }
  return parts.join(' > ');
}

const INTERACTIVE = 'a,button,[role="button"],[role="link"],[role="menuitem"],[role="tab"],input,select,textarea,label,summary,[data-tg-id],[data-testid]';

/** The element a click is about: the nearest interactive ancestor (a <span> inside a <button> is the button). */
export function clickTarget(el: Element): Element {
  // an option, or a customizable select's button: the select (which option is no one's business)
  let cur: Element | null = el.closest('select') || el;
  for (let i = 0; cur && i < 5; i++, cur = cur.parentElement) {
    try {
      if (cur.matches(INTERACTIVE)) return cur;
    } catch {
      break;
    }
  }
  return el;
}

const NO_TEXT_TAGS = /^(SCRIPT|STYLE|NOSCRIPT|TEXTAREA|SELECT|OPTION|DATALIST|TEMPLATE|INPUT)$/;

/**
 * Up to MAX_TEXT characters of visible text inside `el`, masked per text node
 * exactly as the recording masks it. Never an input value: form fields
 * contribute nothing, and blocked subtrees are skipped.
 */
export function elementText(el: Element, masker: Masker): string {
  if (NO_TEXT_TAGS.test(el.tagName)) return '';
  if (matchesClosest(el, masker.blockSelector)) return '';
  let out = '';
  const walk = (node: Node): boolean => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        const raw = (c.nodeValue || '').replace(/\s+/g, ' ');
        if (!raw.trim() && out.endsWith(' ')) continue;
        out += masker.text(raw, c.parentElement);
        if (out.length > MAX_TEXT * 2) return false;
      } else if (c.nodeType === 1) {
        const e = c as Element;
        if (NO_TEXT_TAGS.test(e.tagName) || safeMatches(e, masker.blockSelector)) continue;
        if (!walk(e)) return false;
      }
    }
    return true;
  };
  walk(el);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_TEXT ? out.slice(0, MAX_TEXT) : out;
}

function safeMatches(el: Element, sel: string): boolean {
  try {
    return el.matches(sel);
  } catch {
    return true;
  }
}

function matchesClosest(el: Element, sel: string): boolean {
  try {
    return !!el.closest(sel);
  } catch {
    return true;
  }
}
