import type { Detection, FrictionInput } from './types';
import type { FrictionConfig } from './config';
import { type Stream } from './stream';
export declare function rageClicks(s: Stream, out: Detection[]): void;
export declare function deadClicks(s: Stream, out: Detection[]): void;
/** The exclusions: clicks whose effect no DOM observer can see, choices and modifier clicks. */
export declare function deadCandidate(c: FrictionConfig, x: FrictionInput): boolean;
export declare function errorClicks(s: Stream, out: Detection[]): void;
