// The live detector: the same detect() applied incrementally as inputs
// happen (docs/FRICTION.md §5, "SDK"). Inputs are buffered; the detectors
// are re-run over the buffer shortly after each input and at the moment a
// pending detection becomes final. A detection is final once every window
// that could still change it has passed since its last evidence input
// (dead_window_ms for a dead click, rage_change_ms / rage_selection_ms for a
// rage series, error_click_ms for an error click, ...), or at page leave,
// when the page will not see anything more. Each detection is reported once,
// keyed by its type and its first evidence input, so a rage series that keeps
// growing or a field that keeps struggling is not reported again.
import { detect } from './detect';
import { withDefaults, type FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';
import { pageKey } from './stream';

/** Re-run the detectors at most this often (ms). */
export const EVAL_DELAY_MS = 250;
/** Inputs no detector needs after this long are dropped (ms). */
const KEEP_MS = 60000;
/** Mouse moves are dropped after this long (ms); see trim_. */
const MOVE_KEEP_MS = 10000;
const MAX_INPUTS = 4000;
/** Kinds kept for the whole visit (quick back, forms). */
const VISIT_KINDS = ['pageview', 'input', 'focus', 'invalid', 'submit', 'page_leave'];

export interface LiveOptions {
  config?: Partial<FrictionConfig> | null;
  now: () => number;
  /** called once per detection, when it is final; `target` is what its first evidence input was attached to */
  report: (d: Detection, target: unknown) => void;
  setTimeout?: (f: () => void, ms: number) => unknown;
  clearTimeout?: (h: unknown) => void;
}

export class LiveDetector {
  readonly cfg: FrictionConfig;
  private inputs_: FrictionInput[] = [];
  private seqs_: number[] = [];
  private targets_: unknown[] = [];
  /** inputs carried over from an earlier page load of the tab (see carry()) */
  private carried_: boolean[] = [];
  private seq_ = 0;
  private done_ = new Set<string>();
  private timer_: unknown;
  private due_ = Infinity;
  private readonly o_: LiveOptions;
  private readonly horizon_: number;

  constructor(o: LiveOptions) {
    this.o_ = o;
    const c = (this.cfg = withDefaults(o.config));
    this.horizon_ = Math.max(
      c.rage_change_ms,
      c.rage_selection_ms,
      c.dead_window_ms,
      c.error_click_ms,
      c.hesitation_ms,
      c.thrash_window_ms,
      c.scroll_window_ms,
      c.quick_back_ms,
    );
  }

  /**
   * Adds one input and the object it concerns (an Element, for the
   * CustomEvent). Inputs come in time order, except rrweb's pointer samples,
   * which arrive when rrweb flushes them (up to 500 ms late); detect()
   * orders by time, and the thrashed cursor, the only detector that reads
   * them, is final thrash_window_ms after its last sample. A `carried` input happened in another page load of
   * the tab (a pageview or click from sessionStorage, docs/FRICTION.md §5
   * "Quick back across page loads"): it is context only. Detections are
   * reported by the page load in which their last input happened, so one
   * whose last evidence is carried, or that starts with a carried input
   * (except a quick back, which starts on the page before), is not reported
   * here: another page load did or could.
   */
  push(x: FrictionInput, target?: unknown, carried = false): void {
    this.inputs_.push(x);
    this.seqs_.push(this.seq_++);
    this.targets_.push(target);
    this.carried_.push(carried);
    if (x.kind === 'page_leave') this.evaluate(true);
    else this.schedule_(this.o_.now() + EVAL_DELAY_MS);
  }

  /** Runs the detectors now; with `all`, reports pending detections without waiting for them to be final. */
  evaluate(all = false): void {
    this.cancel_();
    const now = this.o_.now();
    const xs = this.inputs_;
    let next = Infinity;
    for (const d of detect(this.cfg, xs)) {
      if (d.type === 'exit' || !d.evidence.length) continue;
      const key = d.type + ':' + this.seqs_[d.evidence[0]];
      if (this.done_.has(key)) continue;
      const c = this.carried_;
      if (c[d.evidence[d.evidence.length - 1]] || (c[d.evidence[0]] && d.type !== 'quick_back')) continue;
      const final = this.finalAt_(d);
      if (!all && final > now) {
        next = Math.min(next, final);
        continue;
      }
      this.done_.add(key);
      const target = this.targets_[d.evidence[0]];
      try {
        this.o_.report(d, target);
      } catch {
        /* a listener must not break detection */
      }
    }
    this.trim_(now);
    if (next < Infinity) this.schedule_(next);
  }

  stop(): void {
    this.cancel_();
    this.inputs_ = [];
    this.seqs_ = [];
    this.targets_ = [];
    this.carried_ = [];
  }

  /**
   * What the next page load of the tab needs to see a quick back: the
   * pageviews of the last two pages (consecutive distinct PageKeys, the first
   * of a run of reloads) and the last click on each.
   */
  carry(): FrictionInput[] {
    const xs = this.inputs_;
    const pvs: number[] = [];
    let last = '';
    xs.forEach((x, i) => {
      if (x.kind !== 'pageview') return;
      const k = pageKey(x.url);
      if (pvs.length && k === last) return;
      pvs.push(i);
      last = k;
    });
    const out: FrictionInput[] = [];
    let click: FrictionInput | null = null;
    for (let i = pvs.length > 1 ? pvs[pvs.length - 2] : pvs.length ? pvs[0] : xs.length; i < xs.length; i++) {
      const x = xs[i];
      if (pvs.includes(i)) {
        if (click) out.push(click);
        click = null;
        out.push(x);
      } else if (x.kind === 'click') click = x;
    }
    if (click) out.push(click);
    return out;
  }

  /**
   * When nothing that happens later can change d any more: just after the
   * last window that could (bounds are inclusive, so the ms after it).
   */
  private finalAt_(d: Detection): number {
    const c = this.cfg;
    let last = d.t;
    for (const i of d.evidence) last = Math.max(last, this.inputs_[i].t);
    switch (d.type) {
      case 'rage_click':
        return last + Math.max(c.rage_change_ms, c.rage_selection_ms) + 1;
      case 'dead_click':
        return d.t + c.dead_window_ms + 1;
      case 'error_click':
        return d.t + c.error_click_ms + 1;
      case 'hesitation':
        return d.t + c.hesitation_ms + 1;
      case 'form_abandonment': // only produced once the visit has ended
      case 'field_struggle': // reported when the threshold is reached
      case 'quick_back': // complete once the return pageview is there
        return last;
      case 'excessive_scrolling': // the episode may still grow
        return last + c.scroll_window_ms + 1;
      default: // thrashed_cursor: the episode may still grow
        return last + c.thrash_window_ms + 1;
    }
  }

  /**
   * Drops inputs that no detection can need any more. Mouse moves, the bulk
   * of the buffer, only feed the thrashed cursor, whose episodes are judged
   * within thrash_window_ms; keeping them for MOVE_KEEP_MS (or twice the
   * window) rather than a minute makes each evaluation ~5x cheaper.
   */
  private trim_(now: number): void {
    const old = now - Math.max(KEEP_MS, 2 * this.horizon_);
    const oldMove = now - Math.max(MOVE_KEEP_MS, 2 * this.cfg.thrash_window_ms);
    const keep = (i: number): boolean => {
      const x = this.inputs_[i];
      return x.kind === 'mousemove' ? x.t >= oldMove : x.t >= old || VISIT_KINDS.includes(x.kind);
    };
    let ix = this.inputs_.map((_, i) => i);
    if (!ix.every(keep)) ix = ix.filter(keep);
    ix = ix.slice(-MAX_INPUTS);
    if (ix.length === this.inputs_.length) return;
    this.inputs_ = ix.map((i) => this.inputs_[i]);
    this.seqs_ = ix.map((i) => this.seqs_[i]);
    this.targets_ = ix.map((i) => this.targets_[i]);
    this.carried_ = ix.map((i) => this.carried_[i]);
  }

  private schedule_(at: number): void {
    if (at >= this.due_) return;
    this.cancel_();
    this.due_ = at;
    const st = this.o_.setTimeout || ((f: () => void, ms: number) => setTimeout(f, ms));
    this.timer_ = st(() => {
      this.timer_ = undefined;
      this.due_ = Infinity;
      this.evaluate();
    }, Math.max(0, at - this.o_.now()));
  }

  private cancel_(): void {
    if (this.timer_ !== undefined) (this.o_.clearTimeout || ((h: unknown) => clearTimeout(h as number)))(this.timer_);
    this.timer_ = undefined;
    this.due_ = Infinity;
  }
}
