// Transport: turns queued rrweb events and signals into batches and delivers
// them (wire protocol v1).
//
//   - a batch is cut 5 s after its first item or once it holds 64 KB
//   - each batch takes the next seq of this window's stream
//   - at most one request in flight; batches go out in seq order
//   - gzip via CompressionStream when available, else plain JSON; no custom
//     headers, so no CORS preflight (the server sniffs the gzip magic bytes)
//   - in the browser, gzip and the POST run in a Worker (workerPost), off
//     the page's main thread; where the page forbids it (CSP worker-src) or
//     Workers are missing, both run on the main thread as before
//   - 200 {"ack"} → next; 200 {"stop":true} → stop for this page load, never
//     retried; 429/503/5xx/network error → retry the same batch with
//     exponential backoff and jitter (cap 60 s) or after Retry-After; any
//     other 4xx → drop the batch (console.debug once) and continue
//   - on page hide: everything unsent leaves at once via fetch keepalive
//     (each body ≤ 60 KB, split into parts with consecutive seqs) or
//     sendBeacon when keepalive is unavailable or over its quota
import type { Batch, Context, IngestResponse, Signal } from './wire';
import { readJSON, type KV } from './storage';

export const BATCH_INTERVAL_MS = 5000;
export const BATCH_MAX_BYTES = 64 * 1024;
export const UNLOAD_MAX_BYTES = 60 * 1024;
/** Browsers allow about 64 KB of keepalive bodies in flight per page. */
export const KEEPALIVE_QUOTA = 64 * 1024;
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 60_000;
export const RETRY_AFTER_CAP_MS = 60 * 60 * 1000;
export const MAX_OUTBOX = 200;
/** Smaller bodies are not worth compressing. */
const GZIP_MIN_BYTES = 1024;

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
export const UNSENT_KEY = 'tg_unsent';
/** Bounds of what is kept across page loads. */
export const UNSENT_MAX_BATCHES = 50;
export const UNSENT_MAX_CHARS = 2 * 1024 * 1024;

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

const NON_ASCII = /[^\x00-\x7f]/;

/** UTF-8 length without allocating. */
export function utf8Len(s: string): number {
  // most JSON is ASCII: one native scan instead of a loop over every character
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Exponential backoff with equal jitter: attempt 0 → [0.5 s, 1 s], capped at [30 s, 60 s]. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const d = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Math.min(attempt, 16)));
  return Math.round(d / 2 + random() * (d / 2));
}

/** Retry-After as ms: delta-seconds or an HTTP date; null when absent or unparsable. */
export function parseRetryAfter(v: string | null, now: number): number | null {
  if (!v) return null;
  const t = v.trim();
  let ms: number;
  if (/^\d+$/.test(t)) ms = parseInt(t, 10) * 1000;
  else {
    const d = Date.parse(t);
    if (isNaN(d)) return null;
    ms = d - now;
  }
  return Math.max(0, Math.min(RETRY_AFTER_CAP_MS, ms));
}

export function gzipSupported(): boolean {
  return typeof CompressionStream !== 'undefined' && typeof Response !== 'undefined' && typeof Blob !== 'undefined';
}

export async function gzip(s: string): Promise<Uint8Array> {
  const stream = new Blob([s]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What the transport reads of an answer (of the headers, only Retry-After). */
export interface ResponseLike {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
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
export function workerMain(scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void }): void {
  scope.onmessage = async (e) => {
    const [id, url, json, gz] = e.data as [number, string, string, boolean];
    let body: BodyInit = json;
    if (gz) {
      try {
        body = new Uint8Array(await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
      } catch {
        /* sent as is */
      }
    }
    try {
      const r = await fetch(url, { method: 'POST', body, credentials: 'omit', mode: 'cors' });
      // an unreadable body: as if empty
      scope.postMessage([id, r.status, r.headers.get('Retry-After'), await r.text().catch(() => '')]);
    } catch {
      scope.postMessage([id, 0]);
    }
  };
}

/**
 * A Post that runs in a dedicated Worker made from workerMain's source (a
 * blob: URL), started at the first request. When the Worker cannot be made
 * (no Worker, or the page's CSP forbids blob: workers: the constructor
 * throws, or the Worker reports an error instead of loading), every request,
 * those waiting included, goes through `fallback` instead.
 */
export function workerPost(fallback: Post, src = `(${workerMain})(self)`): Post {
  let w: Worker | null | undefined; // undefined: not started yet; null: unavailable
  let n = 0;
  const waiting = new Map<number, [Parameters<Post>, (r: ResponseLike) => void, (e: unknown) => void]>();
  const broken = (): void => {
    w = null;
    for (const [a, ok, fail] of waiting.values()) fallback(...a).then(ok, fail);
    waiting.clear();
  };
  return (...a) => {
    if (w === undefined) {
      try {
        w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        w.onmessage = (e) => {
          const [id, status, retry, text] = e.data as [number, number, string | null, string];
          const p = waiting.get(id);
          if (!p) return;
          waiting.delete(id);
          if (!status) return p[2](Error('network'));
          // fetch exposes no 1xx; the transport reads no header but Retry-After
          p[1]({ ok: status < 300, status, headers: { get: () => retry }, json: async () => JSON.parse(text) });
        };
        w.onerror = broken;
      } catch {
        w = null;
      }
    }
    if (!w) return fallback(...a);
    const worker = w;
    return new Promise((ok, fail) => {
      waiting.set(++n, [a, ok, fail]);
      worker.postMessage([n, ...a]);
    });
  };
}

/** Build a batch body; events and signals are already-serialized JSON. */
export function encodeBatch(
  key: string,
  sdk: string,
  p: Pick<Pending, 'seq' | 'visitor' | 'session' | 'window' | 'context' | 'events' | 'signals' | 'dropped'>,
  sentAt: number,
): string {
  const head: Omit<Batch, 'events' | 'signals'> = {
    key,
    visitor: p.visitor,
    session: p.session,
    window: p.window,
    seq: p.seq,
    sent_at: sentAt,
    sdk,
  };
  if (p.dropped) head.dropped = p.dropped;
  if (p.context) head.context = p.context;
  const h = JSON.stringify(head);
  return `${h.slice(0, -1)},"events":[${p.events.join(',')}],"signals":[${p.signals.join(',')}]}`;
}

export class Transport {
  private events_: string[] = [];
  private signals_: string[] = [];
  private bytes_ = 0;
  private context_: Context | undefined;
  private outbox_: Pending[] = [];
  private timer_: ReturnType<typeof setTimeout> | undefined;
  private retryTimer_: ReturnType<typeof setTimeout> | undefined;
  private inFlight_: Pending | null = null;
  private stopped_ = false;
  private warned_ = false;
  /** batches dropped and not reported yet (sent in the next batch as `dropped`) */
  private dropped_ = 0;
  private offline_ = false;
  private readonly url_: string;
  private readonly post_: Post;
  private readonly o_: Required<Omit<TransportOptions, 'sendBeacon' | 'compress' | 'onStop' | 'onAck' | 'store' | 'post'>> &
    Pick<TransportOptions, 'sendBeacon' | 'compress' | 'onStop' | 'onAck' | 'store'>;

  constructor(opts: TransportOptions) {
    // Callers pass optional injectables through as `undefined`; a spread
    // would let that undefined replace the default, so pick each one.
    this.o_ = {
      ...opts,
      fetch: opts.fetch || ((...a) => fetch(...a)),
      now: opts.now || (() => Date.now()),
      random: opts.random || Math.random,
      debug: opts.debug || ((...a) => console.debug(...a)),
    };
    this.url_ = opts.endpoint.replace(/\/+$/, '') + '/ingest/v1/batch';
    const compress = opts.compress;
    const main: Post = (url, json, gz) => {
      // stopped while compressing: send nothing
      const send = (body: BodyInit): Promise<ResponseLike> =>
        this.stopped_ ? Promise.reject(new Error('stopped')) : this.o_.fetch(url, { method: 'POST', body, credentials: 'omit', mode: 'cors' });
      return gz && compress ? compress(json).then((b) => send(b as BodyInit), () => send(json)) : send(json);
    };
    this.post_ = opts.post ? opts.post(main) : main;
  }

  get isStopped(): boolean {
    return this.stopped_;
  }

  /** Attach this context to the next batch (page load, session rollover). */
  setContext(c: Context): void {
    this.context_ = c;
    this.arm_();
  }

  addEvent(e: unknown): void {
    this.add_(this.events_, JSON.stringify(e));
  }

  addSignal(s: Signal): void {
    this.add_(this.signals_, JSON.stringify(s));
  }

  private add_(list: string[], json: string | undefined): void {
    if (this.stopped_ || json === undefined) return;
    list.push(json);
    this.bytes_ += utf8Len(json) + 1;
    if (this.bytes_ >= BATCH_MAX_BYTES) this.cut();
    else this.arm_();
  }

  private arm_(): void {
    if (this.timer_ === undefined && !this.stopped_) {
      this.timer_ = setTimeout(() => {
        this.timer_ = undefined;
        this.cut();
      }, BATCH_INTERVAL_MS);
    }
  }

  private take_(): { context?: Context; events: string[]; signals: string[] } | null {
    if (this.timer_ !== undefined) {
      clearTimeout(this.timer_);
      this.timer_ = undefined;
    }
    if (!this.events_.length && !this.signals_.length && !this.context_) return null;
    const t = { context: this.context_, events: this.events_, signals: this.signals_ };
    this.context_ = undefined;
    this.events_ = [];
    this.signals_ = [];
    this.bytes_ = 0;
    return t;
  }

  private pending_(t: { context?: Context; events: string[]; signals: string[] }): Pending {
    const ids = this.o_.ids;
    return { seq: ids.nextSeq(), visitor: ids.visitor, session: ids.session, window: ids.window, attempts: 0, ...t };
  }

  /** Close the current batch now and queue it for sending. */
  cut(): void {
    const t = this.take_();
    if (!t || this.stopped_) return;
    this.outbox_.push(this.pending_(t));
    if (this.outbox_.length > MAX_OUTBOX) {
      // keep memory bounded while the server is unreachable; never drop the one in flight
      const i = this.outbox_[0] === this.inFlight_ ? 1 : 0;
      this.outbox_.splice(i, 1);
      this.dropped_++;
      this.o_.debug('trailguide: dropping an old batch, server unreachable');
    }
    this.pump_();
  }

  /** Send everything now (normal path, respects one-in-flight). */
  flush(): void {
    this.cut();
  }

  private pump_(): void {
    if (this.stopped_ || this.inFlight_ || this.retryTimer_ !== undefined || !this.outbox_.length) return;
    const p = this.outbox_[0];
    this.inFlight_ = p;
    void this.send_(p);
  }

  private async send_(p: Pending): Promise<void> {
    let delay: number | null = null;
    this.offline_ = false;
    p.dropped = this.dropped_;
    try {
      const json = encodeBatch(this.o_.key, this.o_.sdk, p, this.o_.now());
      const res = await this.post_(this.url_, json, !!this.o_.compress && json.length >= GZIP_MIN_BYTES);
      if (res.ok) {
        let r: IngestResponse = {};
        try {
          r = (await res.json()) as IngestResponse;
        } catch {
          /* an empty 200 is an ack */
        }
        if (r && r.stop) {
          this.stop();
          this.o_.onStop && this.o_.onStop();
          return;
        }
        this.done_(p);
        this.dropped_ -= p.dropped || 0;
        this.o_.onAck && this.o_.onAck(p.seq, r.snapshot);
      } else if (res.status === 429 || res.status === 408 || res.status >= 500) {
        delay = parseRetryAfter(res.headers.get('Retry-After'), this.o_.now());
        if (delay === null) delay = backoff(p.attempts, this.o_.random);
      } else {
        if (!this.warned_) {
          this.warned_ = true;
          this.o_.debug(`trailguide: batch rejected with status ${res.status}, dropped`);
        }
        this.done_(p);
      }
    } catch {
      delay = backoff(p.attempts, this.o_.random);
      this.offline_ = true;
    } finally {
      if (this.inFlight_ === p) this.inFlight_ = null;
    }
    if (this.stopped_) return;
    if (delay !== null) {
      p.attempts++;
      this.retryTimer_ = setTimeout(() => {
        this.retryTimer_ = undefined;
        this.pump_();
      }, delay);
      return;
    }
    this.pump_();
  }

  private done_(p: Pending): void {
    const i = this.outbox_.indexOf(p);
    if (i >= 0) this.outbox_.splice(i, 1);
  }

  /**
   * The browser is back online: a retry waiting because the network failed
   * goes now. One waiting for the server's Retry-After keeps waiting.
   */
  online(): void {
    if (this.offline_ && this.retryTimer_ !== undefined) {
      clearTimeout(this.retryTimer_);
      this.retryTimer_ = undefined;
      this.pump_();
    }
  }

  /**
   * Page is being hidden or unloaded: hand everything unsent to the browser
   * in requests that outlive the page. Unsent queued batches keep their seq;
   * the open buffer is split into ≤ 60 KB bodies, each with its own seq. The
   * batch in flight is sent again (the server acknowledges duplicates), since
   * a normal request may be cancelled with the page.
   */
  unload(): void {
    if (this.stopped_) return;
    const parts: Pending[] = [...this.outbox_];
    const t = this.take_();
    if (t) {
      for (const part of this.split_(t)) parts.push(part);
    }
    if (this.retryTimer_ !== undefined) {
      clearTimeout(this.retryTimer_);
      this.retryTimer_ = undefined;
    }
    this.persist_(parts);
    let quota = KEEPALIVE_QUOTA;
    const now = this.o_.now();
    for (const p of parts) {
      const body = encodeBatch(this.o_.key, this.o_.sdk, p, now);
      const size = utf8Len(body);
      let sent = false;
      if (size <= quota && size <= UNLOAD_MAX_BYTES) {
        try {
          void this.o_
            .fetch(this.url_, { method: 'POST', body, keepalive: true, credentials: 'omit', mode: 'cors' })
            .catch(() => undefined);
          quota -= size;
          sent = true;
        } catch {
          /* keepalive unsupported: try a beacon */
        }
      }
      if (!sent && this.o_.sendBeacon) {
        try {
          sent = this.o_.sendBeacon(this.url_, body);
        } catch {
          sent = false;
        }
      }
      if (!sent) this.o_.debug(`trailguide: could not send batch ${p.seq} on page hide`);
    }
    // Handed over (or lost): do not send them again if the page comes back.
    this.outbox_ = this.inFlight_ ? [this.inFlight_] : [];
  }

  /**
   * Resend what earlier page loads handed over on page hide. Those batches
   * keep their own ids and seqs, go first, and the server acknowledges any
   * that already arrived.
   */
  restore(): void {
    const st = this.o_.store;
    if (!st || this.stopped_) return;
    const saved = readJSON<Pending[]>(st, UNSENT_KEY);
    st.remove(UNSENT_KEY);
    if (!Array.isArray(saved) || !saved.length) return;
    const ok = saved.filter(
      (p) => p && typeof p.seq === 'number' && typeof p.session === 'string' && typeof p.window === 'string' && Array.isArray(p.events) && Array.isArray(p.signals),
    );
    const start = this.inFlight_ ? 1 : 0;
    for (const p of ok) this.dropped_ += p.lost || 0;
    this.outbox_.splice(start, 0, ...ok.map((p) => ({ ...p, attempts: 0, lost: 0 })));
    this.pump_();
  }

  private persist_(parts: Pending[]): void {
    const st = this.o_.store;
    if (!st || !parts.length) return;
    const prev = readJSON<Pending[]>(st, UNSENT_KEY);
    let all = (Array.isArray(prev) ? prev : []).concat(parts.map((p) => ({ ...p, attempts: 0 })));
    const n = all.length;
    // counted as dropped by the page that restores them (kept on the oldest)
    let lost = 0;
    for (const p of all) (lost += p.lost || 0), (p.lost = 0);
    if (n > UNSENT_MAX_BATCHES) all = all.slice(n - UNSENT_MAX_BATCHES);
    let json = JSON.stringify(all);
    while (json.length > UNSENT_MAX_CHARS && all.length > 1) {
      all = all.slice(1); // drop the oldest first
      json = JSON.stringify(all);
    }
    if ((lost += n - all.length)) {
      all[0].lost = lost;
      json = JSON.stringify(all);
    }
    if (json.length <= UNSENT_MAX_CHARS) st.set(UNSENT_KEY, json);
  }

  /** Split an open buffer into parts whose bodies fit UNLOAD_MAX_BYTES. */
  private split_(t: { context?: Context; events: string[]; signals: string[] }): Pending[] {
    const ids = this.o_.ids;
    // head + sent_at digits + seq digits; measured on a real empty body
    const overhead = (ctx?: Context): number =>
      utf8Len(encodeBatch(this.o_.key, this.o_.sdk, { seq: 1e12, visitor: ids.visitor, session: ids.session, window: ids.window, context: ctx, events: [], signals: [] }, 1e13));
    const out: Pending[] = [];
    let cur: { context?: Context; events: string[]; signals: string[] } = { context: t.context, events: [], signals: [] };
    let size = overhead(t.context);
    const flushCur = (): void => {
      out.push(this.pending_(cur));
      cur = { events: [], signals: [] };
      size = overhead();
    };
    const put = (json: string, kind: 'events' | 'signals'): void => {
      const n = utf8Len(json) + 1;
      if (size + n > UNLOAD_MAX_BYTES && (cur.events.length || cur.signals.length)) flushCur();
      cur[kind].push(json);
      size += n;
    };
    // signals first: they are small and what analytics need most
    for (const s of t.signals) put(s, 'signals');
    for (const e of t.events) put(e, 'events');
    if (cur.events.length || cur.signals.length || cur.context) out.push(this.pending_(cur));
    return out;
  }

  /** Stop for this page load: drop everything, send nothing more. */
  stop(): void {
    this.stopped_ = true;
    this.take_();
    this.outbox_ = [];
    if (this.retryTimer_ !== undefined) clearTimeout(this.retryTimer_);
    this.retryTimer_ = undefined;
  }

  /** Debug/test view of the queue. */
  stats(): { buffered: number; queued: number; inFlight: boolean; bytes: number; dropped: number } {
    return { buffered: this.events_.length + this.signals_.length, queued: this.outbox_.length, inFlight: !!this.inFlight_, bytes: this.bytes_, dropped: this.dropped_ };
  }
}
