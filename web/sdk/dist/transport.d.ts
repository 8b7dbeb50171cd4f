import type { Context, Signal } from './wire';
import { type KV } from './storage';
export declare const BATCH_INTERVAL_MS = 5000;
export declare const BATCH_MAX_BYTES: number;
export declare const UNLOAD_MAX_BYTES: number;
/** Browsers allow about 64 KB of keepalive bodies in flight per page. */
export declare const KEEPALIVE_QUOTA: number;
export declare const BACKOFF_BASE_MS = 1000;
export declare const BACKOFF_CAP_MS = 60000;
export declare const RETRY_AFTER_CAP_MS: number;
export declare const MAX_OUTBOX = 200;
export interface StreamIds {
    readonly visitor: string;
    readonly session: string;
    readonly window: string;
    nextSeq(): number;
}
export interface TransportOptions {
    endpoint: string;
    key: string;
    sdk: string;
    ids: StreamIds;
    fetch?: typeof fetch;
    sendBeacon?: ((url: string, data: BodyInit) => boolean) | null;
    /** gzip; null disables compression */
    compress?: ((s: string) => Promise<Uint8Array>) | null;
    /**
     * Sends a batch body (ordinary, not page-hide, requests): given the main
     * thread's own way of doing it (compress, then fetch), returns another,
     * e.g. workerPost.
     */
    post?: (mainThread: Post) => Post;
    now?: () => number;
    random?: () => number;
    onStop?: () => void;
    /** snap: the server asks for a full snapshot (a batch before this one is missing) */
    onAck?: (seq: number, snap?: boolean) => void;
    debug?: (...args: unknown[]) => void;
    /**
     * Persistent storage (localStorage). What is handed to the browser on page
     * hide is also kept here, because a keepalive request or beacon can fail
     * (server down, offline) with nobody left to retry it; the next page load
     * resends it and the server acknowledges duplicates.
     */
    store?: KV;
}
/** localStorage key of the batches handed over on page hide. */
export declare const UNSENT_KEY = "tg_unsent";
/** Bounds of what is kept across page loads. */
export declare const UNSENT_MAX_BATCHES = 50;
export declare const UNSENT_MAX_CHARS: number;
interface Pending {
    seq: number;
    visitor: string;
    session: string;
    window: string;
    context?: Context;
    events: string[];
    signals: string[];
    attempts: number;
    /** the dropped count this batch reports */
    dropped?: number;
    /** in tg_unsent: batches trimmed from it before this one */
    lost?: number;
}
/** UTF-8 length without allocating. */
export declare function utf8Len(s: string): number;
/** Exponential backoff with equal jitter: attempt 0 → [0.5 s, 1 s], capped at [30 s, 60 s]. */
export declare function backoff(attempt: number, random?: () => number): number;
/** Retry-After as ms: delta-seconds or an HTTP date; null when absent or unparsable. */
export declare function parseRetryAfter(v: string | null, now: number): number | null;
export declare function gzipSupported(): boolean;
export declare function gzip(s: string): Promise<Uint8Array>;
/** What the transport reads of an answer (of the headers, only Retry-After). */
export interface ResponseLike {
    ok: boolean;
    status: number;
    headers: {
        get(name: string): string | null;
    };
    json(): Promise<unknown>;
}
/** POSTs a batch body: `gz` when it is worth compressing; rejects on a network error. */
export type Post = (url: string, json: string, gz: boolean) => Promise<ResponseLike>;
/**
 * The Worker's code, self-contained (it is run from its source text): each
 * message [id, url, json, gz] is gzipped when gz (as is when that fails),
 * POSTed, and answered [id, status, Retry-After, body text], or [id, 0] when
 * the request failed.
 */
export declare function workerMain(scope: {
    onmessage: ((e: MessageEvent) => void) | null;
    postMessage(m: unknown): void;
}): void;
/**
 * A Post that runs in a dedicated Worker made from workerMain's source (a
 * blob: URL), started at the first request. When the Worker cannot be made
 * (no Worker, or the page's CSP forbids blob: workers: the constructor
 * throws, or the Worker reports an error instead of loading), every request,
 * those waiting included, goes through `fallback` instead.
 */
export declare function workerPost(fallback: Post, src?: string): Post;
/** Build a batch body; events and signals are already-serialized JSON. */
export declare function encodeBatch(key: string, sdk: string, p: Pick<Pending, 'seq' | 'visitor' | 'session' | 'window' | 'context' | 'events' | 'signals' | 'dropped'>, sentAt: number): string;
export declare class Transport {
    private events_;
    private signals_;
    private bytes_;
    private context_;
    private outbox_;
    private timer_;
    private retryTimer_;
    private inFlight_;
    private stopped_;
    private warned_;
    /** batches dropped and not reported yet (sent in the next batch as `dropped`) */
    private dropped_;
    private offline_;
    private readonly url_;
    private readonly post_;
    private readonly o_;
    constructor(opts: TransportOptions);
    get isStopped(): boolean;
    /** Attach this context to the next batch (page load, session rollover). */
    setContext(c: Context): void;
    addEvent(e: unknown): void;
    addSignal(s: Signal): void;
    private add_;
    private arm_;
    private take_;
    private pending_;
    /** Close the current batch now and queue it for sending. */
    cut(): void;
    /** Send everything now (normal path, respects one-in-flight). */
    flush(): void;
    private pump_;
    private send_;
    private done_;
    /**
     * The browser is back online: a retry waiting because the network failed
     * goes now. One waiting for the server's Retry-After keeps waiting.
     */
    online(): void;
    /**
     * Page is being hidden or unloaded: hand everything unsent to the browser
     * in requests that outlive the page. Unsent queued batches keep their seq;
     * the open buffer is split into ≤ 60 KB bodies, each with its own seq. The
     * batch in flight is sent again (the server acknowledges duplicates), since
     * a normal request may be cancelled with the page.
     */
    unload(): void;
    /**
     * Resend what earlier page loads handed over on page hide. Those batches
     * keep their own ids and seqs, go first, and the server acknowledges any
     * that already arrived.
     */
    restore(): void;
    private persist_;
    /** Split an open buffer into parts whose bodies fit UNLOAD_MAX_BYTES. */
    private split_;
    /** Stop for this page load: drop everything, send nothing more. */
    stop(): void;
    /** Debug/test view of the queue. */
    stats(): {
        buffered: number;
        queued: number;
        inFlight: boolean;
        bytes: number;
        dropped: number;
    };
}
export {};
