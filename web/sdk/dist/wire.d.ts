/** Body of POST /ingest/v1/batch. */
export interface Batch {
    key: string;
    visitor: string;
    session: string;
    window: string;
    seq: number;
    /** ms since the epoch, client clock, set when the request is made */
    sent_at: number;
    /** e.g. "trailguide-js/0.1.0" */
    sdk: string;
    /** batches this tab dropped unsent (memory bound) since the last acknowledged report */
    dropped?: number;
    /** first batch of every page load (and of a session that rolled over) */
    context?: Context;
    /** rrweb events, replayed as-is */
    events: unknown[];
    signals: Signal[];
}
export interface UTM {
    source?: string;
    medium?: string;
    campaign?: string;
    term?: string;
    content?: string;
}
export interface Context {
    url: string;
    referrer?: string;
    utm: UTM;
    viewport_w: number;
    viewport_h: number;
    screen_w: number;
    screen_h: number;
    user_agent: string;
    language?: string;
    time_zone?: string;
}
export type SignalType = 'pageview' | 'click' | 'scroll' | 'input' | 'submit' | 'error' | 'track' | 'identify' | 'friction' | 'guide' | 'field' | 'hover' | 'leave';
/** One analytics event. Which optional fields are set depends on type (docs/PROTOCOL.md). */
export interface Signal {
    type: SignalType;
    /** ms since the epoch, client clock */
    ts: number;
    url: string;
    title?: string;
    referrer?: string;
    selector?: string;
    tag?: string;
    text?: string;
    x?: number;
    y?: number;
    ex?: number;
    ey?: number;
    ew?: number;
    eh?: number;
    vw?: number;
    vh?: number;
    depth?: number;
    scroll_y?: number;
    name?: string;
    props?: Record<string, unknown>;
    stack?: string;
    source?: string;
    user_id?: string;
    traits?: Record<string, string>;
}
/** GET /ingest/v1/config?key= */
export interface SDKConfig {
    sample_rate: number;
    mask: MaskConfig;
}
export type MaskMode = 'balanced' | 'strict' | 'relaxed';
export interface MaskConfig {
    mode: MaskMode;
    mask_selectors: string[] | null;
    block_selectors: string[] | null;
    /** elements whose text and values are recorded as they are (never-recorded fields excepted) */
    unmask_selectors?: string[] | null;
}
/** 200 answer to a batch: {"ack": seq} or {"stop": true}. */
export interface IngestResponse {
    ack?: number;
    stop?: boolean;
    /** a batch before this one is missing: take a full snapshot */
    snapshot?: boolean;
}
export declare const BATCH_FIELDS: readonly ["key", "visitor", "session", "window", "seq", "sent_at", "sdk", "dropped", "context", "events", "signals"];
export declare const CONTEXT_FIELDS: readonly ["url", "referrer", "utm", "viewport_w", "viewport_h", "screen_w", "screen_h", "user_agent", "language", "time_zone"];
export declare const UTM_FIELDS: readonly ["source", "medium", "campaign", "term", "content"];
export declare const SIGNAL_FIELDS: readonly ["type", "ts", "url", "title", "referrer", "selector", "tag", "text", "x", "y", "ex", "ey", "ew", "eh", "vw", "vh", "depth", "scroll_y", "name", "props", "stack", "source", "user_id", "traits"];
export declare const SIGNAL_TYPES: readonly SignalType[];
