import { type KV } from './storage';
export declare const IDLE_MS: number;
export declare const MAX_SESSION_MS: number;
/**
 * Activity is written to localStorage at most this often (and on page hide):
 * every write costs the page's main thread, and the session's 30 minutes
 * do not need a finer clock.
 */
export declare const TOUCH_WRITE_MS = 5000;
export declare const K_VISITOR = "tg_vid";
export declare const K_SESSION = "tg_sess";
export declare const K_WINDOW = "tg_win";
/** 128 random bits as 32 lowercase hex characters. */
export declare function randomId(): string;
export declare class Identity {
    private local_;
    private tab_;
    readonly visitor: string;
    session: string;
    window: string;
    private start_;
    private last_;
    private seq_;
    private lastWrite_;
    /** the last tg_sess text read and what it parsed to: activity re-reads it on every event */
    private raw_;
    private parsed_;
    constructor(local_: KV, tab_: KV, now: number);
    /** Load or create the session and window at page load. */
    private resume_;
    /** What touch(now) would do, without changing anything. */
    private decide_;
    /** True when activity at `now` would start a new session (the caller flushes the old one first). */
    wouldRoll(now: number): boolean;
    /**
     * Record user activity. Returns true when the session changed (expired, or
     * another tab already started a new one); the caller then starts a new
     * stream: seq 0, context, full snapshot, pageview. `beforeRoll` runs
     * first when it does, while the old session is still current.
     */
    touch(now: number, beforeRoll?: () => void): boolean;
    /**
     * Reserve the next seq of this window's stream (persisted at once). The
     * counter is re-read from the tab's storage first: a page restored from the
     * back/forward cache still holds its old counter while the pages visited
     * since have used the next numbers, and reusing one would make the server
     * drop this batch as a duplicate of theirs.
     */
    nextSeq(): number;
    /** Write the last activity now if it was not written yet (page hide). */
    save(): void;
    peekSeq(): number;
    private writeSession_;
    private writeWindow_;
}
