// Wire types of the dashboard JSON API (docs/API.md). They mirror the JSON
// forms of the root Go types: user.go, trailguide.go, session.go, event.go.

export interface User {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: string;
  created_at: string;
}

export interface Project {
  id: string;
  org_id?: string;
  name: string;
  public_key: string;
  allowed_origins: string[] | null;
  retention_days: number;
  created_at: string;
}

/** A secret API key as listed; the key itself is only in the create response. */
export interface APIKey {
  id: string;
  name: string;
  prefix: string;
  scope: 'read' | 'read-write';
  created_by: string;
  created_at: string;
  last_used_at: string | null;
}

export interface UTM {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface Session {
  project_id: string;
  id: string;
  visitor_id: string;
  user_id?: string;
  user_traits?: Record<string, string>;
  started_at: string;
  last_activity_at: string;
  duration_ms: number;
  active_ms: number;
  page_count: number;
  click_count: number;
  error_count: number;
  event_count: number;
  entry_url: string;
  exit_url: string;
  referrer?: string;
  utm: UTM;
  device_class: string;
  browser: string;
  os: string;
  viewport_w: number;
  viewport_h: number;
  language?: string;
  time_zone?: string;
  user_agent?: string;
  raw_bytes: number;
  stored_bytes: number;
  closed: boolean;
  compacted: boolean;
  last_batch_at: string;
  /** Server friction detections per signal type (exits not counted); omitted while empty. */
  friction_counts?: Record<string, number>;
  /** Weighted sum of friction_counts; 0 until the worker has analysed the session. */
  frustration_score?: number;
  /** How the session ended; omitted until closed and analysed. */
  exit_class?: string;
  /** Batches the SDK reported dropping unsent (bounded buffer while the server was unreachable). */
  dropped_batches: number;
}

export interface SessionPage {
  sessions: Session[] | null;
  total: number;
  next_cursor?: string;
}

export interface SessionFacets {
  browsers: string[] | null;
  devices: string[] | null;
  utm_sources: string[] | null;
}

export type EventType =
  | 'pageview'
  | 'click'
  | 'scroll'
  | 'input'
  | 'submit'
  | 'error'
  | 'track'
  | 'identify'
  | 'friction'
  | 'guide';

export interface TGEvent {
  project_id: string;
  session_id: string;
  window_id: string;
  seq: number;
  index: number;
  type: EventType | string;
  time: string;
  url: string;
  selector?: string;
  text?: string;
  x?: number;
  y?: number;
  name?: string;
  data?: Record<string, unknown>;
}

export interface WindowInfo {
  id: string;
  first_ts: number;
  last_ts: number;
  event_count: number;
}

export interface SessionDetail {
  session: Session;
  windows: WindowInfo[] | null;
  events: TGEvent[] | null;
}

/** An rrweb event as stored; typed loosely so the dashboard does not depend on rrweb internals. */
export interface RREvent {
  type: number;
  timestamp: number;
  data: any;
  delay?: number;
}

export interface Recording {
  window: string;
  events: RREvent[] | null;
  /** seqs of this window that never arrived (docs/PROTOCOL.md) */
  gaps?: SeqGap[];
}

export interface SeqGap {
  window: string;
  from_seq: number;
  to_seq: number;
  /** last event time before the gap (0: the gap starts the window) */
  after_ts: number;
  /** first event time after it (0: nothing stored after it yet) */
  before_ts: number;
}

export interface APIErrorBody {
  error: string;
  message?: string;
  reason?: string;
}

/** One row of GET /api/v1/projects/{pid}/friction. */
export interface FrictionElement {
  url: string;
  selector: string;
  text?: string;
  signal: string;
  count: number;
  sessions: number;
  page_sessions: number;
  share_of_page_views: number;
  first_seen: string;
  last_seen: string;
  example?: { session_id: string; window_id?: string; t_ms: number; time?: string };
  /** Detections per bucket of FrictionReport.buckets. */
  trend?: number[];
  /** The same row in the period of the same length before `from`; absent when new or without `from`. */
  previous?: { count: number; sessions: number; page_sessions: number; share_of_page_views: number };
}

export interface FrictionReport {
  from?: string;
  to?: string;
  previous_from?: string;
  buckets?: string[];
  bucket_ms?: number;
  elements: FrictionElement[] | null;
  exits: Record<string, number> | null;
}

/** friction.Config as JSON (GET/PUT /api/v1/projects/{pid}/settings). */
export type { FrictionConfig } from '../../sdk/src/friction/config';
import type { FrictionConfig } from '../../sdk/src/friction/config';

/** GET /api/v1/projects/{pid}/settings. */
export interface ProjectSettings {
  friction: FrictionConfig;
  retention_days?: number;
}

/** GET /api/v1/projects/{pid}/privacy: what the server's scrubber caught. */
export interface ScrubKindStats {
  kind: 'email' | 'card' | 'jwt' | 'bearer' | 'url';
  count: number;
  last_at?: string;
}
export interface ScrubSource {
  path: string;
  kind: ScrubKindStats['kind'];
  count: number;
  last_at: string;
}
/** An erasure job (GET /api/v1/jobs/{id}). */
export interface Job {
  id: string;
  kind: 'erase_user' | 'erase_visitor' | 'erase_session';
  project_id: string;
  user_id?: string;
  visitor_id?: string;
  session_id?: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  sessions: number;
  events: number;
  chunks: number;
  blobs: number;
  error?: string;
  created_at: string;
  started_at?: string;
  finished_at?: string;
}

export interface PrivacyReport {
  total: number;
  last_at?: string;
  kinds: ScrubKindStats[];
  sources: ScrubSource[];
}

/** A project's webhook (GET /api/v1/projects/{pid}/webhooks); the secret is only in the create answer. */
export interface Webhook {
  id: string;
  project_id: string;
  url: string;
  events: string[];
  created_at: string;
}
/** One event sent to a webhook, with its attempts' outcome. */
export interface WebhookDelivery {
  id: string;
  webhook_id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status?: number;
  last_error?: string;
  next_at?: string;
  created_at: string;
  delivered_at?: string;
}
