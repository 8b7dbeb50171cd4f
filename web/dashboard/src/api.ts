// HTTP client for /api/v1 (docs/API.md). Every request is same-origin with
// credentials; every state-changing request carries X-TG-CSRF: 1. A 401 from
// any call except the auth probes hands control to onUnauthorized, which the
// app uses to send the user to /login while remembering where they were.
import type {
  APIKey,
  FrictionConfig,
  FrictionReport,
  Job,
  PrivacyReport,
  Project,
  ProjectSettings,
  Recording,
  RREvent,
  SessionDetail,
  SessionFacets,
  SessionPage,
  User,
  Webhook,
  WebhookDelivery,
} from './types';
import type { PrivacyConfig } from './privacy';
import type { HeatmapReport } from './heatmap';
import type { SavedSegment, SegmentFilter } from './segments';
import type { DropReport, Funnel, FunnelQuery, FunnelResult, FunnelSessions, StruggleReport } from './funnels';

export class APIError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public reason?: string,
  ) {
    super(message);
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Registers what happens when the API answers 401 (session expired, logged out). */
export function onUnauthorized(fn: () => void): void {
  unauthorizedHandler = fn;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds the fetch init for a request; exported for tests. */
export function requestInit(method: string, body?: unknown): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (MUTATING.has(method)) headers['X-TG-CSRF'] = '1';
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return init;
}

interface CallOptions {
  body?: unknown;
  /** Do not redirect to /login on 401 (login, setup and the /me probe). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const init = requestInit(method, opts.body);
  if (opts.signal) init.signal = opts.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new APIError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  let data: any = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401 && unauthorizedHandler) unauthorizedHandler();
    const code = (data && data.error) || String(res.status);
    const msg = (data && data.message) || defaultMessage(res.status);
    throw new APIError(res.status, code, msg, data?.reason);
  }
  return data as T;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Please sign in.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Try again in a moment.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return 'Request failed.';
}

const enc = encodeURIComponent;

export const api = {
  guides: (pid: string) => call<{ guides: any[] }>('GET', `/api/v1/projects/${enc(pid)}/guides`),
  saveGuide: (pid: string, g: any) =>
    g.id ? call<any>('PUT', `/api/v1/projects/${enc(pid)}/guides/${enc(g.id)}`, { body: g }) : call<any>('POST', `/api/v1/projects/${enc(pid)}/guides`, { body: g }),
  guideStatus: (pid: string, id: string, action: 'publish' | 'pause') => call<any>('POST', `/api/v1/projects/${enc(pid)}/guides/${enc(id)}/${action}`),
  guideImpact: (pid: string, id: string) => call<any>('GET', `/api/v1/projects/${enc(pid)}/guides/${enc(id)}/impact`),
  setupNeeded: () => call<{ needed: boolean }>('GET', '/api/v1/setup', { quiet401: true }),
  setup: (body: { token: string; email: string; name: string; password: string }) =>
    call<{ user: User }>('POST', '/api/v1/setup', { body, quiet401: true }),
  login: (email: string, password: string) =>
    call<{ user: User }>('POST', '/api/v1/login', { body: { email, password }, quiet401: true }),
  logout: () => call<void>('POST', '/api/v1/logout', { quiet401: true }),
  me: () => call<{ user: User }>('GET', '/api/v1/me', { quiet401: true }),
  projects: () => call<{ projects: Project[] | null }>('GET', '/api/v1/projects'),
  createProject: (name: string) => call<{ project: Project }>('POST', '/api/v1/projects', { body: { name } }),
  sessions: (pid: string, query: URLSearchParams, signal?: AbortSignal) => {
    const qs = query.toString();
    return call<SessionPage>('GET', `/api/v1/projects/${enc(pid)}/sessions${qs ? '?' + qs : ''}`, { signal });
  },
  friction: (pid: string, query: URLSearchParams, signal?: AbortSignal) => {
    const qs = query.toString();
    return call<FrictionReport>('GET', `/api/v1/projects/${enc(pid)}/friction${qs ? '?' + qs : ''}`, { signal });
  },
  heatmapPages: (pid: string, device: string, signal?: AbortSignal) =>
    call<{ pages: { path: string; views: number }[] }>('GET', `/api/v1/projects/${enc(pid)}/heatmaps/pages?device=${enc(device)}`, { signal }),
  heatmap: (pid: string, query: URLSearchParams, signal?: AbortSignal) =>
    call<HeatmapReport>('GET', `/api/v1/projects/${enc(pid)}/heatmaps?${query}`, { signal }),
  heatmapSnapshot: (pid: string, query: URLSearchParams, signal?: AbortSignal) =>
    call<{ view: { session_id: string; window_id: string; time: string; path: string; vw: number; vh: number; doc_h: number }; events: RREvent[] }>(
      'GET',
      `/api/v1/projects/${enc(pid)}/heatmaps/snapshot?${query}`,
      { signal },
    ),
  heatmapSessions: (pid: string, query: URLSearchParams, signal?: AbortSignal) =>
    call<{ sessions: { session_id: string; window_id: string; time: string; t_ms: number; clicks: number }[] }>(
      'GET',
      `/api/v1/projects/${enc(pid)}/heatmaps/sessions?${query}`,
      { signal },
    ),
  settings: (pid: string, signal?: AbortSignal) =>
    call<ProjectSettings>('GET', `/api/v1/projects/${enc(pid)}/settings`, { signal }),
  saveSettings: (pid: string, friction: Partial<FrictionConfig>) =>
    call<{ friction: FrictionConfig }>('PUT', `/api/v1/projects/${enc(pid)}/settings`, { body: { friction } }),
  saveRetention: (pid: string, days: number) =>
    call<{ retention_days: number }>('PUT', `/api/v1/projects/${enc(pid)}/settings`, { body: { retention_days: days } }),
  eraseUser: (pid: string, userId: string) =>
    call<Job>('DELETE', `/api/v1/projects/${enc(pid)}/users/${enc(userId)}`),
  eraseVisitor: (pid: string, visitorId: string) =>
    call<Job>('DELETE', `/api/v1/projects/${enc(pid)}/visitors/${enc(visitorId)}`),
  deleteSession: (pid: string, sid: string) => call<Job>('DELETE', `/api/v1/projects/${enc(pid)}/sessions/${enc(sid)}`),
  webhooks: (pid: string, signal?: AbortSignal) =>
    call<{ webhooks: Webhook[]; events: string[] }>('GET', `/api/v1/projects/${enc(pid)}/webhooks`, { signal }),
  createWebhook: (pid: string, url: string, events: string[]) =>
    call<{ webhook: Webhook; secret: string }>('POST', `/api/v1/projects/${enc(pid)}/webhooks`, { body: { url, events } }),
  deleteWebhook: (pid: string, wid: string) => call<void>('DELETE', `/api/v1/projects/${enc(pid)}/webhooks/${enc(wid)}`),
  webhookDeliveries: (pid: string, wid: string) =>
    call<{ deliveries: WebhookDelivery[] }>('GET', `/api/v1/projects/${enc(pid)}/webhooks/${enc(wid)}/deliveries`),
  testWebhook: (pid: string, wid: string) => call<WebhookDelivery>('POST', `/api/v1/projects/${enc(pid)}/webhooks/${enc(wid)}/test`),
  job: (id: string) => call<Job>('GET', `/api/v1/jobs/${enc(id)}`),
  setAllowedOrigins: (pid: string, origins: string[]) =>
    call<{ project: Project }>('PUT', `/api/v1/projects/${enc(pid)}/allowed-origins`, { body: { allowed_origins: origins } }),
  users: (signal?: AbortSignal) => call<{ users: User[] }>('GET', '/api/v1/users', { signal }),
  createUser: (body: { email: string; name: string; role: string; password: string }) =>
    call<{ user: User }>('POST', '/api/v1/users', { body }),
  setRole: (uid: string, role: string) => call<{ user: User }>('PATCH', `/api/v1/users/${enc(uid)}`, { body: { role } }),
  removeUser: (uid: string) => call<void>('DELETE', `/api/v1/users/${enc(uid)}`),
  changePassword: (current: string, next: string) =>
    call<void>('POST', '/api/v1/me/password', { body: { current_password: current, new_password: next } }),
  keys: (signal?: AbortSignal) => call<{ keys: APIKey[] }>('GET', '/api/v1/keys', { signal }),
  createKey: (name: string, scope: string) =>
    call<{ key: APIKey; secret: string }>('POST', '/api/v1/keys', { body: { name, scope } }),
  revokeKey: (kid: string) => call<void>('DELETE', `/api/v1/keys/${enc(kid)}`),
  privacy: (pid: string, signal?: AbortSignal) =>
    call<PrivacyConfig>('GET', `/api/v1/projects/${enc(pid)}/settings/privacy`, { signal }),
  savePrivacy: (pid: string, cfg: PrivacyConfig) =>
    call<PrivacyConfig>('PUT', `/api/v1/projects/${enc(pid)}/settings/privacy`, { body: cfg }),
  privacyReport: (pid: string, signal?: AbortSignal) =>
    call<PrivacyReport>('GET', `/api/v1/projects/${enc(pid)}/privacy`, { signal }),
  facets: (pid: string, signal?: AbortSignal) =>
    call<SessionFacets>('GET', `/api/v1/projects/${enc(pid)}/sessions/facets`, { signal }),
  session: (pid: string, sid: string, signal?: AbortSignal) =>
    call<SessionDetail>('GET', `/api/v1/projects/${enc(pid)}/sessions/${enc(sid)}`, { signal }),
  segments: (pid: string, signal?: AbortSignal) =>
    call<{ segments: SavedSegment[] }>('GET', `/api/v1/projects/${enc(pid)}/segments`, { signal }),
  saveSegment: (pid: string, body: { name: string; filter: SegmentFilter }, id?: string) =>
    id
      ? call<SavedSegment>('PUT', `/api/v1/projects/${enc(pid)}/segments/${enc(id)}`, { body })
      : call<SavedSegment>('POST', `/api/v1/projects/${enc(pid)}/segments`, { body }),
  deleteSegment: (pid: string, id: string) => call<void>('DELETE', `/api/v1/projects/${enc(pid)}/segments/${enc(id)}`),
  funnel: (pid: string, q: FunnelQuery, signal?: AbortSignal) =>
    call<FunnelResult>('GET', `/api/v1/projects/${enc(pid)}/funnel?q=${enc(JSON.stringify(q))}`, { signal }),
  funnelSessions: (pid: string, q: FunnelQuery & { step: number; outcome: 'dropped' | 'converted'; limit?: number }, signal?: AbortSignal) =>
    call<FunnelSessions>('GET', `/api/v1/projects/${enc(pid)}/funnel/sessions?q=${enc(JSON.stringify(q))}`, { signal }),
  funnels: (pid: string, signal?: AbortSignal) => call<{ funnels: Funnel[] }>('GET', `/api/v1/projects/${enc(pid)}/funnels`, { signal }),
  saveFunnel: (pid: string, f: Funnel) => call<Funnel>('POST', `/api/v1/projects/${enc(pid)}/funnels`, { body: f }),
  deleteFunnel: (pid: string, id: string) => call<void>('DELETE', `/api/v1/projects/${enc(pid)}/funnels/${enc(id)}`),
  dropoff: (pid: string, q: FunnelQuery & { step: number; limit?: number }, signal?: AbortSignal) =>
    call<DropReport>('GET', `/api/v1/projects/${enc(pid)}/funnel/dropoff?q=${enc(JSON.stringify(q))}`, { signal }),
  struggles: (pid: string, query: URLSearchParams, signal?: AbortSignal) =>
    call<StruggleReport>('GET', `/api/v1/projects/${enc(pid)}/struggles?${query.toString()}`, { signal }),
  recording: (pid: string, sid: string, window?: string, signal?: AbortSignal) =>
    call<Recording>(
      'GET',
      `/api/v1/projects/${enc(pid)}/sessions/${enc(sid)}/recording${window ? '?window=' + enc(window) : ''}`,
      { signal },
    ),
};
