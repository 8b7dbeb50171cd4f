// Shared machinery of the detectors (Go: friction/input.go, detect.go).
import type { FrictionConfig } from './config';
import type { Detection, FrictionInput, FrictionType } from './types';

/** Tags treated as interactive even when the SDK did not say so. */
const INTERACTIVE_TAGS = ['a', 'button', 'input', 'select', 'textarea', 'label', 'summary', 'option'];

export const isInteractive = (x: FrictionInput): boolean => !!x.interactive || INTERACTIVE_TAGS.includes(x.tag || '');

/** A hover target a user weighs clicking: like isInteractive, but a <label> (a caption) needs the flag (Go: isHoverTarget). */
export const isHoverTarget = (x: FrictionInput): boolean => !!x.interactive || (x.tag !== 'label' && INTERACTIVE_TAGS.includes(x.tag || ''));

/** <input> types whose click opens browser UI no DOM observer sees. */
export const NATIVE_PICKER_TYPES = ['file', 'color', 'date', 'datetime-local', 'month', 'week', 'time'];

/**
 * The identity of a page for "same page" comparisons: the URL without its
 * fragment, unless the fragment is a route (#/… or #!…).
 */
export function pageKey(url: string | undefined): string {
  const u = url || '';
  const i = u.indexOf('#');
  if (i < 0 || u.startsWith('#/', i) || u.startsWith('#!', i)) return u;
  return u.slice(0, i);
}

/** Indexes of xs sorted by time, ties kept in list order (a stable sort). */
export function order(xs: FrictionInput[], ix?: number[]): number[] {
  return (ix || xs.map((_, i) => i)).sort((a, b) => xs[a].t - xs[b].t);
}

/** One window's inputs in time order, with the original list. */
export class Stream {
  constructor(
    readonly window: string,
    readonly cfg: FrictionConfig,
    readonly inputs: FrictionInput[],
    /** indexes into inputs, time order */
    readonly ix: number[],
  ) {}

  /** The k-th input of the stream. */
  at(k: number): FrictionInput {
    return this.inputs[this.ix[k]];
  }

  /** Starts a detection at input k, copying the target's description. */
  detection(type: FrictionType, k: number): Detection {
    const x = this.at(k);
    return { type, t: x.t, window: x.window, url: x.url, selector: x.selector, text: x.text, x: x.x, y: x.y, evidence: [] };
  }

  /** Stream positions of the inputs of one kind. */
  positions(kind: string): number[] {
    const ks: number[] = [];
    for (let k = 0; k < this.ix.length; k++) if (this.at(k).kind === kind) ks.push(k);
    return ks;
  }
}

export const dist = (a: FrictionInput, b: FrictionInput): number => Math.hypot((a.x || 0) - (b.x || 0), (a.y || 0) - (b.y || 0));

/**
 * Groups the windows of n consecutive items [i, i+n-1] for which
 * qualifies(i) holds into maximal chains of overlapping windows and returns
 * each chain as its first and last item (Go: runs).
 */
export function runs(items: number, n: number, qualifies: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + n <= items; ) {
    if (!qualifies(i)) {
      i++;
      continue;
    }
    const start = i;
    let end = i + n - 1;
    for (let j = i + 1; j + n <= items && j <= end; j++) {
      if (qualifies(j)) end = j + n - 1;
    }
    out.push([start, end]);
    i = end + 1;
  }
  return out;
}
