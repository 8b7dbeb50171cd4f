import type { Masker } from '../mask';
import { type KV } from '../storage';
import type { Signal } from '../wire';
import type { FrictionConfig } from './config';
import type { Detection } from './types';
export declare const MOUSEMOVE_SAMPLE_MS = 50;
export declare const SCROLL_SAMPLE_MS = 100;
export interface FrictionOptions {
    win: Window;
    config?: Partial<FrictionConfig> | null;
    masker: () => Masker;
    now: () => number;
    /** a final detection and the element it concerns (the document when none) */
    report: (d: Detection, target: EventTarget) => void;
    /**
     * The tab's storage (sessionStorage) and window id: the last two pages
     * are carried to the next page load of the window for quick back. Without
     * them, quick back is seen only within this document.
     */
    tab?: KV;
    window?: string;
    /**
     * True while rrweb records the page: the live detector then takes its
     * pointer samples from rrweb's own mousemove events (recorded()), the
     * ones the server sees, instead of sampling them itself.
     */
    recording?: () => boolean;
}
export interface LiveFriction {
    /** the client's own signals: pageview, track, hover and failed requests become inputs */
    signal(s: Signal): void;
    /** every rrweb event, as emitted (mousemove positions become inputs while recording) */
    recorded?(e: unknown): void;
    stop(): void;
}
export declare function startFriction(o: FrictionOptions): LiveFriction;
