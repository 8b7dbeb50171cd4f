import { type Masker, type MaskRecordOptions, type MirrorLike, type PrivacyOption } from './mask';
import type { FrictionOptions, LiveFriction } from './friction/dom';
import { type KV } from './storage';
import type { SDKConfig, Signal } from './wire';
export declare const K_OPTOUT = "tg_optout";
export declare const K_USER = "tg_user";
export declare const K_CONSENT = "tg_consent";
export declare const CHECKOUT_EVERY_MS: number;
/** Activity is handled at most this often (ms). */
export declare const ACTIVITY_MS = 1000;
/** The part of rrweb's `record` the client uses. */
export interface RecorderLike {
    (options: RecordOptions): (() => void) | undefined;
    takeFullSnapshot?: (isCheckout?: boolean) => void;
    /** rrweb's node lookup, so that masking rules see the element behind each serialized node */
    mirror?: MirrorLike;
}
export interface RecordOptions extends MaskRecordOptions {
    emit: (event: unknown, isCheckout?: boolean) => void;
    [option: string]: unknown;
}
export interface InitOptions {
    /** the project's public key */
    key: string;
    /** base URL of the Trailguide server; default: this page's origin (the loader passes its own origin) */
    endpoint?: string;
    /** use this configuration instead of fetching GET /ingest/v1/config */
    config?: SDKConfig;
    /**
     * a stricter privacy mode than the project's, and more mask/block
     * selectors (docs/PRIVACY.md); it can never loosen the project's rules
     */
    privacy?: PrivacyOption;
    /** send and store nothing (not even ids) until consent(true) */
    requireConsent?: boolean;
    /** record nothing when the browser sends Global Privacy Control (navigator.globalPrivacyControl) */
    respectGPC?: boolean;
    /** record rrweb events (default true); signals are sent either way */
    record?: boolean;
    /** capture clicks, scroll, forms, errors and pageviews automatically (default true) */
    autocapture?: boolean;
    /**
     * live friction detection (docs/FRICTION.md): false turns it off; a start
     * function runs it in this bundle; by default the script-tag install loads
     * friction.js from next to recorder.js
     */
    friction?: boolean | ((o: FrictionOptions) => LiveFriction);
    /** injected for tests and alternative builds */
    recorder?: RecorderLike;
    fetch?: typeof fetch;
    sendBeacon?: ((url: string, data: BodyInit) => boolean) | null;
    compress?: ((s: string) => Promise<Uint8Array>) | null;
    storage?: {
        local: KV;
        session: KV;
    };
    now?: () => number;
    random?: () => number;
    window?: Window;
}
export type ClientEvent = 'signal' | 'ack' | 'stop' | 'ready' | 'friction';
type Listener = (arg?: unknown) => void;
/** Deterministic sampling by session so every tab of a session agrees. */
export declare function sampled(session: string, rate: number): boolean;
/** Options handed to rrweb's record(): masking from the project config plus fixed costs/benefits choices. */
export declare function recordOptions(masker: Masker, emit: RecordOptions['emit']): RecordOptions;
export declare class Client {
    private readonly o_;
    private readonly win_;
    private readonly local_;
    private readonly tab_;
    private readonly now_;
    private ids_;
    private transport_;
    private signals_;
    private friction_;
    private stopRecording_;
    private masker_;
    private config_;
    private running_;
    private consent_;
    private user_;
    /** the server said stop: nothing more for this page load, not even after optIn() */
    private dead_;
    private listeners_;
    private offPage_;
    /** when activity was last handled */
    private active_;
    constructor(opts: InitOptions);
    get endpoint(): string;
    isOptedOut(): boolean;
    /** Nothing may be captured: opted out, Global Privacy Control honoured, or consent required and not given. */
    private blocked_;
    /** Start capturing for this page load (no-op when blocked or already running). */
    start(): void;
    private loadConfig_;
    /**
     * Apply the project's rules, then start capturing. Without a config (server
     * unreachable) the project's rules are unknown, so fail closed: record and
     * capture signals in strict mode (all text masked, media blocked) and let
     * the transport hold the batches until the server is back. A page loaded
     * during an outage is then still replayable, with nothing readable in it.
     */
    private configure_;
    /** Starts the live friction detector, loading its chunk first when needed. */
    private startFriction_;
    private startRecording_;
    private event_;
    /** Activity keeps the session alive; an expired session starts a new stream first. */
    private activity_;
    private snapshot_;
    /** Queue a signal (all signal sources end here). */
    signal(s: Signal): void;
    private url_;
    track(name: string, props?: Record<string, unknown>): void;
    identify(userId: string, traits?: Record<string, unknown>): void;
    /** Send the stored identity once per session (and whenever identify() is called). */
    private sendIdentityIfNew_;
    private scrubbedURL_;
    flush(): void;
    optOut(): void;
    /**
     * The visitor's answer for requireConsent: true starts capturing (and is
     * remembered); false stops it and deletes what the SDK stored.
     */
    consent(granted: boolean): void;
    optIn(): void;
    on(ev: ClientEvent, fn: Listener): () => void;
    private fire_;
    /** `gone`: pagehide (persisted or not), not a tab switch */
    private pageHide_;
    /** Stop recording, capturing and sending at once, for this page load. */
    private halt_;
    /** For tests and debugging. */
    debugState(): {
        running: boolean;
        session?: string;
        window?: string;
        visitor?: string;
        config: SDKConfig | null;
        key: string;
    };
}
export {};
