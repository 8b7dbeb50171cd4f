// Visitor, session and window identity (wire protocol §ids).
//
//   visitor  localStorage, random 128-bit, lives until storage is cleared
//   session  localStorage, shared by every tab and page load of the visitor;
//            a new one after 30 min without activity or 12 h in total
//   window   sessionStorage, one per tab; survives reloads of that tab. Each
//            window is its own rrweb stream with its own seq, which is
//            persisted so that a reload continues the stream.
import { type KV, readJSON } from './storage';

export const IDLE_MS = 30 * 60 * 1000;
export const MAX_SESSION_MS = 12 * 60 * 60 * 1000;
/**
 * Activity is written to localStorage at most this often (and on page hide):
 * every write costs the page's main thread, and the session's 30 minutes
 * do not need a finer clock.
 */
export const TOUCH_WRITE_MS = 5000;

export const K_VISITOR = 'tg_vid';
export const K_SESSION = 'tg_sess';
export const K_WINDOW = 'tg_win';

interface StoredSession {
  id: string;
  start: number;
  last: number;
}

interface StoredWindow {
  id: string;
  session: string;
  seq: number;
}

/** 128 random bits as 32 lowercase hex characters. */
export function randomId(): string {
  const b = new Uint8Array(16);
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
  let s = '';
  for (let i = 0; i < 16; i++) s += (b[i] + 0x100).toString(16).slice(1);
  return s;
}

const ID_RE = /^[0-9a-f]{32}$/;

export class Identity {
  readonly visitor: string;
  session = '';
  window = '';
  private start_ = 0;
  private last_ = 0;
  private seq_ = 0;
  private lastWrite_ = 0;
  /** the last tg_sess text read and what it parsed to: activity re-reads it on every event */
  private raw_: string | null = null;
  private parsed_: StoredSession | null = null;

  constructor(
    private local_: KV,
    private tab_: KV,
    now: number,
  ) {
    let v = local_.get(K_VISITOR);
    if (!v || !ID_RE.test(v)) {
      v = randomId();
      local_.set(K_VISITOR, v);
    }
    this.visitor = v;
    this.resume_(now);
  }

  /** Load or create the session and window at page load. */
  private resume_(now: number): void {
    const s = readJSON<StoredSession>(this.local_, K_SESSION);
    if (s && ID_RE.test(s.id) && now - s.last < IDLE_MS && now - s.start < MAX_SESSION_MS) {
      this.session = s.id;
      this.start_ = s.start;
    } else {
      this.session = randomId();
      this.start_ = now;
    }
    this.last_ = now;
    this.writeSession_(now);
    const w = readJSON<StoredWindow>(this.tab_, K_WINDOW);
    this.window = w && ID_RE.test(w.id) ? w.id : randomId();
    this.seq_ = w && w.session === this.session && w.id === this.window && w.seq >= 0 ? w.seq : 0;
    this.writeWindow_();
  }

  /** What touch(now) would do, without changing anything. */
  private decide_(now: number): { session: string; start: number; last: number; rolled: boolean } {
    const raw = this.local_.get(K_SESSION);
    if (raw !== this.raw_) {
      this.raw_ = raw;
      this.parsed_ = readJSON<StoredSession>(this.local_, K_SESSION, raw);
    }
    const s = this.parsed_;
    if (s && ID_RE.test(s.id) && s.id !== this.session && now - s.last < IDLE_MS && now - s.start < MAX_SESSION_MS) {
      // another tab rolled over first: join its session
      return { session: s.id, start: s.start, last: now, rolled: true };
    }
    const last = Math.max(this.last_, s && s.id === this.session ? s.last : 0);
    if (now - last >= IDLE_MS || now - this.start_ >= MAX_SESSION_MS) {
      return { session: randomId(), start: now, last: now, rolled: true };
    }
    return { session: this.session, start: this.start_, last: now, rolled: false };
  }

  /** True when activity at `now` would start a new session (the caller flushes the old one first). */
  wouldRoll(now: number): boolean {
    return this.decide_(now).rolled;
  }

  /**
   * Record user activity. Returns true when the session changed (expired, or
   * another tab already started a new one); the caller then starts a new
   * stream: seq 0, context, full snapshot, pageview. `beforeRoll` runs
   * first when it does, while the old session is still current.
   */
  touch(now: number, beforeRoll?: () => void): boolean {
    const d = this.decide_(now);
    if (d.rolled && beforeRoll) beforeRoll();
    this.session = d.session;
    this.start_ = d.start;
    this.last_ = d.last;
    if (d.rolled) {
      this.seq_ = 0;
      this.writeSession_(now);
      this.writeWindow_();
    } else if (now - this.lastWrite_ >= TOUCH_WRITE_MS) {
      this.writeSession_(now);
    }
    return d.rolled;
  }

  /**
   * Reserve the next seq of this window's stream (persisted at once). The
   * counter is re-read from the tab's storage first: a page restored from the
   * back/forward cache still holds its old counter while the pages visited
   * since have used the next numbers, and reusing one would make the server
   * drop this batch as a duplicate of theirs.
   */
  nextSeq(): number {
    const w = readJSON<StoredWindow>(this.tab_, K_WINDOW);
    if (w && w.id === this.window && w.session === this.session && w.seq > this.seq_) this.seq_ = w.seq;
    const s = this.seq_++;
    this.writeWindow_();
    return s;
  }

  /** Write the last activity now if it was not written yet (page hide). */
  save(): void {
    const s = readJSON<StoredSession>(this.local_, K_SESSION);
    // never over another tab's newer session or activity
    if (this.last_ > this.lastWrite_ && (!s || (s.id === this.session && s.last < this.last_))) this.writeSession_(this.last_);
  }

  peekSeq(): number {
    return this.seq_;
  }

  private writeSession_(now: number): void {
    this.lastWrite_ = now;
    this.local_.set(K_SESSION, JSON.stringify({ id: this.session, start: this.start_, last: this.last_ }));
  }

  private writeWindow_(): void {
    this.tab_.set(K_WINDOW, JSON.stringify({ id: this.window, session: this.session, seq: this.seq_ }));
  }
}
