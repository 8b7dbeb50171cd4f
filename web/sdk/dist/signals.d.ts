import { type Masker } from './mask';
import type { Signal } from './wire';
export declare const SCROLL_THROTTLE_MS = 250;
export declare const SCROLL_STEP = 5;
export interface SignalOptions {
    win: Window;
    masker: () => Masker;
    emit: (s: Signal) => void;
    now: () => number;
    /** called before a pageview for a new URL (SPA navigation) */
    onNavigate?: () => void;
}
export interface Signals {
    /** emit the pending scroll depth (page leave) */
    leave(): void;
    /** a new session started on this page: emit its pageview */
    restart(): void;
    stop(): void;
}
/** What counts as "another page": path, query and hash routes, not in-page anchors. */
export declare function pageKey(href: string): string;
export declare function scrollDepth(win: Window): {
    depth: number;
    y: number;
};
export declare function clickSignal(ev: MouseEvent, win: Window, masker: Masker, now: number): Signal | null;
export declare function errorSignal(message: string, err: unknown, source: string, url: string, now: number, masker: Masker): Signal;
export declare function startSignals(o: SignalOptions): Signals;
