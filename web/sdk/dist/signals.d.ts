import { type Masker } from './mask';
import type { Signal } from './wire';
export declare const SCROLL_THROTTLE_MS = 250;
export declare const SCROLL_STEP = 5;
/** A hover is a dwell of at least this long on an interactive element (ms). */
export declare const HOVER_MIN_MS = 1000;
/** Pointer exits shorter than this are merged into the dwell (ms). */
export declare const HOVER_GAP_MS = 500;
/** Pointer crossings are run through the dwell logic at most this often (ms); see startSignals. */
export declare const HOVER_DRAIN_MS = 300;
export interface SignalOptions {
    win: Window;
    masker: () => Masker;
    emit: (s: Signal) => void;
    now: () => number;
    /** called before a pageview for a new URL (SPA navigation) */
    onNavigate?: () => void;
    /** requests to URLs starting with this (the SDK's own) are never reported */
    ignore?: string;
}
export interface Signals {
    /** page hidden: emit the pending click, hover and scroll depth; `gone` (pagehide, also into the bfcache) adds a `leave` */
    leave(gone?: boolean): void;
    /** emit the click whose dispatch is still running, so that signals stay in order */
    settle(): void;
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
/** The click signal and the link whose navigation is decided after dispatch (props.navigates). */
export declare function clickSignal(ev: MouseEvent, win: Window, masker: Masker, now: number): [Signal, HTMLAnchorElement | null] | null;
export declare function errorSignal(message: string, err: unknown, source: string, url: string, now: number, masker: Masker): Signal;
export declare function startSignals(o: SignalOptions): Signals;
