import type { FrictionConfig } from './config';
import type { Detection, FrictionInput, FrictionType } from './types';
export declare const isInteractive: (x: FrictionInput) => boolean;
/** A hover target a user weighs clicking: like isInteractive, but a <label> (a caption) needs the flag (Go: isHoverTarget). */
export declare const isHoverTarget: (x: FrictionInput) => boolean;
/** <input> types whose click opens browser UI no DOM observer sees. */
export declare const NATIVE_PICKER_TYPES: string[];
/**
 * The identity of a page for "same page" comparisons: the URL without its
 * fragment, unless the fragment is a route (#/… or #!…).
 */
export declare function pageKey(url: string | undefined): string;
/** Indexes of xs sorted by time, ties kept in list order (a stable sort). */
export declare function order(xs: FrictionInput[], ix?: number[]): number[];
/** One window's inputs in time order, with the original list. */
export declare class Stream {
    readonly window: string;
    readonly cfg: FrictionConfig;
    readonly inputs: FrictionInput[];
    /** indexes into inputs, time order */
    readonly ix: number[];
    constructor(window: string, cfg: FrictionConfig, inputs: FrictionInput[], 
    /** indexes into inputs, time order */
    ix: number[]);
    /** The k-th input of the stream. */
    at(k: number): FrictionInput;
    /** Starts a detection at input k, copying the target's description. */
    detection(type: FrictionType, k: number): Detection;
    /** Stream positions of the inputs of one kind. */
    positions(kind: string): number[];
}
export declare const dist: (a: FrictionInput, b: FrictionInput) => number;
/**
 * Groups the windows of n consecutive items [i, i+n-1] for which
 * qualifies(i) holds into maximal chains of overlapping windows and returns
 * each chain as its first and last item (Go: runs).
 */
export declare function runs(items: number, n: number, qualifies: (i: number) => boolean): [number, number][];
