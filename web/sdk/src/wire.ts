// Wire protocol v1 types. They mirror the Go types in batch.go and ingest.go
// field by field (JSON names, optionality); sdk/test/wire.test.ts checks the
// example bodies in testdata/wire against the field lists below, and the Go
// side decodes the same files strictly, so drift on either side fails a test.

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
  /** navigator.maxTouchPoints (0 without a touch screen) */
  touch_points?: number;
  language?: string;
  time_zone?: string;
}

export type SignalType =
  | 'pageview'
  | 'click'
  | 'scroll'
  | 'input'
  | 'submit'
  | 'error'
  | 'track'
  | 'identify'
  | 'friction'
  | 'guide'
  | 'field'
  | 'hover'
  | 'leave'
  | 'view';

/** One analytics event. Which optional fields are set depends on type (docs/PROTOCOL.md). */
export interface Signal {
  type: SignalType;
  /** ms since the epoch, client clock */
  ts: number;
  url: string;
  // pageview
  title?: string;
  referrer?: string;
  // click, input, submit, field, hover: the target element
  selector?: string;
  tag?: string;
  text?: string;
  // click
  x?: number;
  y?: number;
  ex?: number;
  ey?: number;
  ew?: number;
  eh?: number;
  vw?: number;
  vh?: number;
  // scroll
  depth?: number;
  scroll_y?: number;
  // track, error, friction, guide, field (focus | invalid)
  name?: string;
  props?: Record<string, unknown>;
  stack?: string;
  source?: string;
  // identify
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

// Field lists used by the drift test; keep them in the order of the Go structs.
export const BATCH_FIELDS = ['key', 'visitor', 'session', 'window', 'seq', 'sent_at', 'sdk', 'dropped', 'context', 'events', 'signals'] as const;
export const CONTEXT_FIELDS = ['url', 'referrer', 'utm', 'viewport_w', 'viewport_h', 'screen_w', 'screen_h', 'user_agent', 'touch_points', 'language', 'time_zone'] as const;
export const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export const SIGNAL_FIELDS = [
  'type', 'ts', 'url', 'title', 'referrer', 'selector', 'tag', 'text',
  'x', 'y', 'ex', 'ey', 'ew', 'eh', 'vw', 'vh', 'depth', 'scroll_y',
  'name', 'props', 'stack', 'source', 'user_id', 'traits',
] as const;
export const SIGNAL_TYPES: readonly SignalType[] = [
  'pageview', 'click', 'scroll', 'input', 'submit', 'error', 'track', 'identify', 'friction', 'guide', 'field', 'hover', 'leave', 'view',
];

// Compile-time checks that the field lists cover exactly the interface keys.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _b: Exact<keyof Batch, (typeof BATCH_FIELDS)[number]> = true;
const _c: Exact<keyof Context, (typeof CONTEXT_FIELDS)[number]> = true;
const _u: Exact<keyof UTM, (typeof UTM_FIELDS)[number]> = true;
const _s: Exact<keyof Signal, (typeof SIGNAL_FIELDS)[number]> = true;
void _b; void _c; void _u; void _s;
