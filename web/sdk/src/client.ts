// The client ties identity, masking, signals, the recorder and the transport
// together for one page load. The rrweb recorder is injected (RecorderLike)
// so that everything here is testable without rrweb.
import { buildContext, scrubURL } from './context';
import { Identity, K_SESSION, K_VISITOR, K_WINDOW } from './ids';
import { createMasker, DEFAULT_MASK, type Masker, type MaskRecordOptions, type MirrorLike, type PrivacyOption } from './mask';
import type { FrictionOptions, LiveFriction } from './friction/dom';
import { startSignals, type Signals } from './signals';
import { type KV, K_FRICTION, readJSON, webKV } from './storage';
import { gzip, gzipSupported, Transport, UNSENT_KEY, workerPost } from './transport';
import { SDK_NAME } from './version';
import type { SDKConfig, Signal } from './wire';

export const K_OPTOUT = 'tg_optout';
export const K_USER = 'tg_user';
export const K_CONSENT = 'tg_consent';
export const CHECKOUT_EVERY_MS = 10 * 60 * 1000;
/** Activity is handled at most this often (ms). */
export const ACTIVITY_MS = 1000;

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
  storage?: { local: KV; session: KV };
  now?: () => number;
  random?: () => number;
  window?: Window;
}

export type ClientEvent = 'signal' | 'ack' | 'stop' | 'ready' | 'friction';
type Listener = (arg?: unknown) => void;

interface StoredUser {
  id: string;
  traits?: Record<string, string>;
  /** session the identify signal was last sent in */
  sent?: string;
}

/** rrweb incremental sources that mean a person is there: mouse, clicks, scroll, input, touch, drag. */
const ACTIVE_SOURCES = [1, 2, 3, 5, 6, 12];

/** Deterministic sampling by session so every tab of a session agrees. */
export function sampled(session: string, rate: number): boolean {
  if (!(rate < 1)) return true;
  if (!(rate > 0)) return false;
  return parseInt(session.slice(0, 8), 16) / 0x100000000 < rate;
}

/** Options handed to rrweb's record(): masking from the project config plus fixed costs/benefits choices. */
export function recordOptions(masker: Masker, emit: RecordOptions['emit']): RecordOptions {
  return {
    emit,
    ...masker.record,
    slimDOMOptions: 'all',
    sampling: { mousemove: 50, scroll: 150, media: 800, input: 'last' },
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    recordCrossOriginIframes: false,
    checkoutEveryNms: CHECKOUT_EVERY_MS,
  };
}

function cleanTraits(t: unknown): Record<string, string> | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
    if (v === undefined || v === null || typeof v === 'function' || n >= 50) continue;
    out[String(k).slice(0, 100)] = (typeof v === 'object' ? JSON.stringify(v) : String(v)).slice(0, 500);
    n++;
  }
  return n ? out : undefined;
}

function cleanProps(p: unknown): Record<string, unknown> | undefined {
  if (!p || typeof p !== 'object') return undefined;
  try {
    const json = JSON.stringify(p);
    if (!json || json.length > 8192) return undefined;
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class Client {
  private readonly o_: InitOptions;
  private readonly win_: Window;
  private readonly local_: KV;
  private readonly tab_: KV;
  private readonly now_: () => number;
  private ids_: Identity | null = null;
  private transport_: Transport | null = null;
  private signals_: Signals | null = null;
  private friction_: LiveFriction | null = null;
  private stopRecording_: (() => void) | undefined;
  // Until the project's rules arrive, signal text is masked as strictly as possible.
  private masker_: Masker;
  private config_: SDKConfig | null = null;
  private running_ = false;
  private consent_ = false;
  private user_: StoredUser | undefined;
  /** the server said stop: nothing more for this page load, not even after optIn() */
  private dead_ = false;
  private listeners_: Record<string, Listener[]> = {};
  private offPage_: Array<() => void> = [];
  /** when activity was last handled */
  private active_ = -Infinity;

  constructor(opts: InitOptions) {
    this.o_ = opts;
    this.win_ = opts.window || window;
    this.local_ = opts.storage ? opts.storage.local : webKV('localStorage', [K_SESSION]);
    this.tab_ = opts.storage ? opts.storage.session : webKV('sessionStorage');
    this.now_ = opts.now || (() => Date.now());
    this.masker_ = createMasker({ mode: 'strict', mask_selectors: [], block_selectors: [] });
  }

  get endpoint(): string {
    return (this.o_.endpoint || this.win_.location.origin).replace(/\/+$/, '');
  }

  isOptedOut(): boolean {
    return this.local_.get(K_OPTOUT) === '1';
  }

  /** Nothing may be captured: opted out, Global Privacy Control honoured, or consent required and not given. */
  private blocked_(): boolean {
    const gpc = this.o_.respectGPC && (this.win_.navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
    return this.isOptedOut() || !!gpc || (!!this.o_.requireConsent && !this.consent_ && this.local_.get(K_CONSENT) !== '1');
  }

  /** Start capturing for this page load (no-op when blocked or already running). */
  start(): void {
    if (this.running_ || this.dead_ || this.blocked_() || !this.o_.key) return;
    this.running_ = true;
    const now = this.now_();
    const ids = (this.ids_ = new Identity(this.local_, this.tab_, now));
    if (this.user_) this.local_.set(K_USER, JSON.stringify(this.user_));
    this.transport_ = new Transport({
      endpoint: this.endpoint,
      key: this.o_.key,
      sdk: SDK_NAME,
      ids,
      fetch: this.o_.fetch,
      sendBeacon:
        this.o_.sendBeacon !== undefined
          ? this.o_.sendBeacon
          : typeof this.win_.navigator.sendBeacon === 'function'
            ? (u, d) => this.win_.navigator.sendBeacon(u, d)
            : null,
      compress: this.o_.compress !== undefined ? this.o_.compress : gzipSupported() ? gzip : null,
      // off the main thread, unless a test or build brings its own fetch
      post: this.o_.fetch || typeof Worker == 'undefined' ? undefined : workerPost,
      now: this.now_,
      random: this.o_.random,
      onStop: () => {
        this.dead_ = true;
        this.halt_();
        this.fire_('stop');
      },
      onAck: (seq, snap) => {
        if (snap) this.snapshot_();
        this.fire_('ack', seq);
      },
      store: this.local_,
    });
    this.transport_.restore();
    this.transport_.setContext(buildContext(this.win_));
    this.sendIdentityIfNew_();
    // Every pagehide is a leave, one into the back/forward cache too: the
    // live detector ends the visit there, and the server must see the same
    // leave (docs/FRICTION.md §5). A tab switch (visibilitychange) is not.
    const hide = (): void => this.pageHide_(true);
    const vis = (): void => {
      if (this.win_.document.visibilityState === 'hidden') this.pageHide_();
    };
    const online = (): void => void (this.transport_ && this.transport_.online());
    this.win_.addEventListener('pagehide', hide);
    this.win_.addEventListener('online', online);
    this.win_.document.addEventListener('visibilitychange', vis);
    this.offPage_.push(
      () => this.win_.removeEventListener('pagehide', hide),
      () => this.win_.removeEventListener('online', online),
      () => this.win_.document.removeEventListener('visibilitychange', vis),
    );
    if (this.o_.config) this.configure_(this.o_.config);
    else void this.loadConfig_();
  }

  private async loadConfig_(): Promise<void> {
    let cfg: SDKConfig | null = null;
    try {
      const f = this.o_.fetch || ((...a: Parameters<typeof fetch>) => fetch(...a));
      const res = await f(`${this.endpoint}/ingest/v1/config?key=${encodeURIComponent(this.o_.key)}`, { credentials: 'omit', mode: 'cors' });
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        console.debug(`trailguide: config refused (${res.status}), not recording`);
        this.dead_ = true;
        this.halt_();
        return;
      }
      if (res.ok) cfg = (await res.json()) as SDKConfig;
    } catch {
      /* unreachable: see configure_ */
    }
    this.configure_(cfg);
  }

  /**
   * Apply the project's rules, then start capturing. Without a config (server
   * unreachable) the project's rules are unknown, so fail closed: record and
   * capture signals in strict mode (all text masked, media blocked) and let
   * the transport hold the batches until the server is back. A page loaded
   * during an outage is then still replayable, with nothing readable in it.
   */
  private configure_(cfg: SDKConfig | null): void {
    if (!this.running_ || !this.ids_) return;
    this.config_ = cfg;
    if (cfg || this.o_.privacy) this.masker_ = createMasker(cfg ? cfg.mask || DEFAULT_MASK : { ...DEFAULT_MASK, mode: 'strict' }, this.win_.document, this.o_.privacy);
    if (this.o_.autocapture !== false && !this.signals_) {
      this.signals_ = startSignals({
        win: this.win_,
        masker: () => this.masker_,
        emit: (s) => this.signal(s),
        now: this.now_,
        ignore: this.endpoint + '/ingest/',
      });
    }
    this.startFriction_(cfg);
    const rate = cfg && typeof cfg.sample_rate === 'number' ? cfg.sample_rate : 1;
    if (this.o_.record !== false && this.o_.recorder && sampled(this.ids_.session, rate)) this.startRecording_();
    this.fire_('ready', cfg);
  }

  /** Starts the live friction detector, loading its chunk first when needed. */
  private startFriction_(cfg: SDKConfig | null): void {
    const opt = this.o_.friction;
    const win = this.win_;
    const doc = win.document;
    const w = win as unknown as { __trailguide_friction?: (o: FrictionOptions) => LiveFriction };
    const boot = (): void => {
      const start = typeof opt === 'function' ? opt : w.__trailguide_friction;
      if (!start || this.friction_ || !this.running_) return;
      this.friction_ = start({
        win,
        config: (cfg as { friction?: FrictionOptions['config'] } | null)?.friction,
        masker: () => this.masker_,
        now: this.now_,
        tab: this.tab_,
        window: this.ids_ ? this.ids_.window : '',
        recording: () => !!this.stopRecording_,
        add: (s) => this.transport_ && this.transport_.addSignal(s),
        report: (d, el) => {
          const s: Signal = { type: 'friction', ts: d.t, url: d.url || this.scrubbedURL_(), name: d.type, props: d.details };
          if (d.selector) s.selector = d.selector;
          if (d.text) s.text = d.text;
          if (d.x || d.y) (s.x = d.x), (s.y = d.y);
          if (this.transport_) this.transport_.addSignal(s);
          this.fire_('signal', s);
          this.fire_('friction', d);
          el.dispatchEvent(new CustomEvent('trailguide:friction', { detail: d, bubbles: true }));
        },
      });
    };
    if (opt === false || this.friction_) return;
    if (typeof opt === 'function' || w.__trailguide_friction) return boot();
    const me = doc.querySelector('script[src*="recorder.js"]') as HTMLScriptElement | null;
    if (!me) return;
    const sc = doc.createElement('script');
    sc.src = me.src.replace(/recorder\.js([?#].*)?$/, 'friction.js');
    sc.async = true;
    sc.onload = boot;
    (doc.head || doc.documentElement).appendChild(sc);
  }

  private startRecording_(): void {
    const rec = this.o_.recorder;
    if (!rec || this.stopRecording_) return;
    try {
      this.stopRecording_ = rec(recordOptions(this.masker_, (e) => this.event_(e))) || (() => undefined);
    } catch (err) {
      console.debug('trailguide: recorder failed to start', err);
    }
  }

  private event_(e: unknown): void {
    if (!this.transport_) return;
    if (this.friction_ && this.friction_.recorded) this.friction_.recorded(e);
    const ev = e as { type?: number; data?: { source?: number } };
    if (ev && ev.type === 3 && ev.data && ACTIVE_SOURCES.indexOf(ev.data.source as number) >= 0) this.activity_();
    this.transport_.addEvent(this.masker_.event(e, this.o_.recorder && this.o_.recorder.mirror));
  }

  /** Activity keeps the session alive; an expired session starts a new stream first. */
  private activity_(): void {
    const ids = this.ids_;
    const t = this.transport_;
    if (!ids || !t) return;
    // rrweb reports activity many times a second; the session's 30 minutes
    // need no finer clock than ACTIVITY_MS (the first activity after a
    // pause is always seen, so an idle session still rolls over at once)
    const now = this.now_();
    if (now - this.active_ < ACTIVITY_MS && now >= this.active_) return;
    this.active_ = now;
    // what was captured so far belongs to the old session
    if (!ids.touch(now, () => t.cut())) return;
    t.setContext(buildContext(this.win_));
    this.sendIdentityIfNew_();
    this.snapshot_();
    if (this.signals_) this.signals_.restart();
  }

  private snapshot_(): void {
    if (this.stopRecording_ && this.o_.recorder && this.o_.recorder.takeFullSnapshot) this.o_.recorder.takeFullSnapshot();
  }

  /** Queue a signal (all signal sources end here). */
  signal(s: Signal): void {
    if (!this.transport_ || this.transport_.isStopped) return;
    if (this.signals_) this.signals_.settle(); // a click still in dispatch goes first
    // a hover or leave is sent when it ends, possibly after a long idle: not activity
    if (!/^(error|leave|hover)$/.test(s.type)) this.activity_();
    this.transport_.addSignal(s);
    this.fire_('signal', s);
    if (this.friction_) this.friction_.signal(s);
  }

  private url_(): string {
    return this.win_.location.href;
  }

  track(name: string, props?: Record<string, unknown>): void {
    if (typeof name !== 'string' || !name) return;
    const s: Signal = { type: 'track', ts: this.now_(), url: this.scrubbedURL_(), name: name.slice(0, 200) };
    const p = cleanProps(props);
    if (p) s.props = p;
    this.signal(s);
  }

  identify(userId: string, traits?: Record<string, unknown>): void {
    if (userId === undefined || userId === null || userId === '') return;
    const u: StoredUser = { id: String(userId).slice(0, 200), traits: cleanTraits(traits) };
    // nothing is stored before consent: kept in memory, written by start()
    if (this.blocked_()) return void (this.user_ = u);
    this.local_.set(K_USER, JSON.stringify(u));
    this.sendIdentityIfNew_(true);
  }

  /** Send the stored identity once per session (and whenever identify() is called). */
  private sendIdentityIfNew_(force = false): void {
    const u = readJSON<StoredUser>(this.local_, K_USER);
    if (!u || !u.id || !this.ids_ || !this.transport_) return;
    if (!force && u.sent === this.ids_.session) return;
    const s: Signal = { type: 'identify', ts: this.now_(), url: this.scrubbedURL_(), user_id: u.id };
    if (u.traits) s.traits = u.traits;
    u.sent = this.ids_.session;
    this.local_.set(K_USER, JSON.stringify(u));
    this.transport_.addSignal(s);
    this.fire_('signal', s);
  }

  private scrubbedURL_(): string {
    return scrubURL(this.url_());
  }

  flush(): void {
    if (this.transport_) this.transport_.flush();
  }

  optOut(): void {
    this.local_.set(K_OPTOUT, '1');
    this.local_.remove(K_USER);
    this.local_.remove(UNSENT_KEY);
    this.halt_();
  }

  /**
   * The visitor's answer for requireConsent: true starts capturing (and is
   * remembered); false stops it and deletes what the SDK stored.
   */
  consent(granted: boolean): void {
    this.consent_ = !!granted;
    if (granted) {
      this.local_.set(K_CONSENT, '1');
      this.start();
      return;
    }
    this.halt_();
    for (const k of [K_CONSENT, K_USER, UNSENT_KEY, K_VISITOR, K_SESSION]) this.local_.remove(k);
    this.tab_.remove(K_WINDOW);
    this.tab_.remove(K_FRICTION);
  }

  optIn(): void {
    this.local_.remove(K_OPTOUT);
    if (!this.running_) this.start();
  }

  on(ev: ClientEvent, fn: Listener): () => void {
    (this.listeners_[ev] = this.listeners_[ev] || []).push(fn);
    return () => {
      const l = this.listeners_[ev];
      const i = l ? l.indexOf(fn) : -1;
      if (i >= 0) l.splice(i, 1);
    };
  }

  private fire_(ev: ClientEvent, arg?: unknown): void {
    for (const fn of (this.listeners_[ev] || []).slice()) {
      try {
        fn(arg);
      } catch {
        /* a listener must not break capture */
      }
    }
  }

  /** `gone`: pagehide (persisted or not), not a tab switch */
  private pageHide_(gone?: boolean): void {
    if (!this.transport_) return;
    if (this.signals_) this.signals_.leave(gone);
    if (this.ids_) this.ids_.save();
    this.transport_.unload();
  }

  /** Stop recording, capturing and sending at once, for this page load. */
  private halt_(): void {
    if (this.stopRecording_) {
      try {
        this.stopRecording_();
      } catch {
        /* ignore */
      }
    }
    this.stopRecording_ = undefined;
    if (this.signals_) this.signals_.stop();
    this.signals_ = null;
    if (this.friction_) this.friction_.stop();
    this.friction_ = null;
    if (this.transport_) this.transport_.stop();
    this.transport_ = null;
    for (const f of this.offPage_.splice(0)) f();
    this.running_ = false;
  }

  /** For tests and debugging. */
  debugState(): { running: boolean; session?: string; window?: string; visitor?: string; config: SDKConfig | null; key: string } {
    return { running: this.running_, session: this.ids_?.session, window: this.ids_?.window, visitor: this.ids_?.visitor, config: this.config_, key: this.o_.key };
  }
}
