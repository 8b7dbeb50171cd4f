import { type FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';
/** Re-run the detectors at most this often (ms). */
export declare const EVAL_DELAY_MS = 250;
export interface LiveOptions {
    config?: Partial<FrictionConfig> | null;
    now: () => number;
    /** called once per detection, when it is final; `target` is what its first evidence input was attached to */
    report: (d: Detection, target: unknown) => void;
    setTimeout?: (f: () => void, ms: number) => unknown;
    clearTimeout?: (h: unknown) => void;
}
export declare class LiveDetector {
    readonly cfg: FrictionConfig;
    private inputs_;
    private seqs_;
    private targets_;
    /** inputs carried over from an earlier page load of the tab (see carry()) */
    private carried_;
    private seq_;
    private done_;
    private timer_;
    private due_;
    private readonly o_;
    private readonly horizon_;
    constructor(o: LiveOptions);
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
    push(x: FrictionInput, target?: unknown, carried?: boolean): void;
    /** Runs the detectors now; with `all`, reports pending detections without waiting for them to be final. */
    evaluate(all?: boolean): void;
    stop(): void;
    /**
     * What the next page load of the tab needs to see a quick back: the
     * pageviews of the last two pages (consecutive distinct PageKeys, the first
     * of a run of reloads) and the last click on each.
     */
    carry(): FrictionInput[];
    /**
     * When nothing that happens later can change d any more: just after the
     * last window that could (bounds are inclusive, so the ms after it).
     */
    private finalAt_;
    /**
     * Drops inputs that no detection can need any more. Mouse moves, the bulk
     * of the buffer, only feed the thrashed cursor, whose episodes are judged
     * within thrash_window_ms; keeping them for MOVE_KEEP_MS (or twice the
     * window) rather than a minute makes each evaluation ~5x cheaper.
     */
    private trim_;
    private schedule_;
    private cancel_;
}
