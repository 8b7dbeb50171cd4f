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
    private seq_;
    private done_;
    private timer_;
    private due_;
    private readonly o_;
    private readonly horizon_;
    constructor(o: LiveOptions);
    /** Adds one input (in time order) and the object it concerns (an Element, for the CustomEvent). */
    push(x: FrictionInput, target?: unknown): void;
    /** Runs the detectors now; with `all`, reports pending detections without waiting for them to be final. */
    evaluate(all?: boolean): void;
    stop(): void;
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
