import { type FrictionConfig } from './config';
import type { Detection, FrictionInput } from './types';
/**
 * Runs every enabled detector over a session's inputs and returns the
 * detections sorted by time, then type, then selector, then evidence.
 * Inputs need not be sorted (ties keep their list order). Windows are
 * detected separately; a session_end belongs to every window, and the exit
 * is only produced when the stream contains one.
 */
export declare function detect(cfg: FrictionConfig, inputs: FrictionInput[]): Detection[];
/** Sorts by t, type, selector, then evidence (lexicographic), stably. */
export declare function sortDetections(ds: Detection[]): Detection[];
