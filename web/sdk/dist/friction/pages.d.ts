import { type FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';
import { type Stream } from './stream';
export declare function quickBacks(s: Stream, out: Detection[]): void;
/**
 * Form abandonment and field struggle, visit by visit. A visit is the time
 * on one page: it ends at a pageview of another page, a page_leave or a
 * session_end. A visit still open at the end of the stream is not closed.
 */
export declare function forms(s: Stream, out: Detection[]): void;
export declare function hesitations(s: Stream, out: Detection[]): void;
/**
 * Gives the session's end one class, the first that applies. all is every
 * input index in time order; found are the window detections already made.
 */
export declare function classifyExit(c: FrictionConfig, xs: FrictionInput[], all: number[], found: Detection[]): Detection | undefined;
