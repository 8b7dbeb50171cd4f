import type { Detection } from './types';
import { type Stream } from './stream';
export declare function thrashedCursor(s: Stream, out: Detection[]): void;
export declare function excessiveScrolling(s: Stream, out: Detection[]): void;
