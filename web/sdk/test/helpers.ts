// Test helpers: a fake fetch that records what would leave the browser and
// answers from a script, plus deterministic storage and ids.
import { memoryKV, type KV } from '../src/storage';
import { Transport } from '../src/transport';
import type { Signal } from '../src/wire';

export interface SentRequest {
  url: string;
  method: string;
  keepalive: boolean;
  body: string;
  /** parsed JSON body (gzip bodies are decompressed first) */
  json: any;
  gzip: boolean;
}

type Answer = Response | Error | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  requests: SentRequest[];
  /** batch requests only (POST /ingest/v1/batch) */
  batches(): SentRequest[];
  /** answers in order; default 200 {"ack": seq} */
  queue: Array<Answer | ((r: SentRequest) => Answer)>;
  inFlight: number;
  maxInFlight: number;
}

export function ok(body: unknown = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function status(code: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: 'x' }), { status: code, headers });
}

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

async function bodyText(body: unknown): Promise<{ text: string; gzip: boolean }> {
  if (typeof body === 'string') return { text: body, gzip: false };
  if (body instanceof Uint8Array) {
    const ds = new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    return { text: await new Response(ds).text(), gzip: true };
  }
  return { text: '', gzip: false };
}

export function fakeFetch(config: SDKConfigLike | null = { sample_rate: 1, mask: { mode: 'balanced', mask_selectors: [], block_selectors: [] } }): FakeFetch {
  const f: FakeFetch = {
    requests: [],
    queue: [],
    inFlight: 0,
    maxInFlight: 0,
    batches: () => f.requests.filter((r) => r.url.includes('/ingest/v1/batch')),
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input);
      if (url.includes('/ingest/v1/config')) {
        return config ? ok(config) : status(401);
      }
      const { text, gzip } = await bodyText(init.body);
      const req: SentRequest = {
        url,
        method: init.method || 'GET',
        keepalive: !!init.keepalive,
        body: text,
        json: text ? JSON.parse(text) : null,
        gzip,
      };
      f.requests.push(req);
      if (req.keepalive) return ok({ ack: req.json.seq });
      f.inFlight++;
      f.maxInFlight = Math.max(f.maxInFlight, f.inFlight);
      try {
        let a = f.queue.shift();
        if (typeof a === 'function') a = a(req);
        if (a === undefined) return ok({ ack: req.json.seq });
        if (a instanceof Error) throw a;
        return await a;
      } finally {
        f.inFlight--;
      }
    }) as typeof fetch,
  };
  return f;
}

interface SDKConfigLike {
  sample_rate: number;
  mask: { mode: string; mask_selectors: string[]; block_selectors: string[] };
}

/** Let pending promise chains (fetch → json → next pump) settle. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export const VISITOR = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const SESSION = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
export const WINDOW = 'cccccccccccccccccccccccccccccccc';

/** Storage pre-seeded with fixed ids (as if an earlier page load created them). */
export function seededStorage(now: number): { local: KV; session: KV } {
  const local = memoryKV();
  const session = memoryKV();
  local.set('tg_vid', VISITOR);
  local.set('tg_sess', JSON.stringify({ id: SESSION, start: now - 1000, last: now - 1000 }));
  session.set('tg_win', JSON.stringify({ id: WINDOW, session: SESSION, seq: 0 }));
  return { local, session };
}

/** A Transport on a fake fetch, uncompressed, with fresh ids; `extra` overrides any option. */
export function makeTransport(ff: FakeFetch, extra: Partial<ConstructorParameters<typeof Transport>[0]> = {}): Transport {
  let seq = 0;
  return new Transport({
    endpoint: 'https://tg.example/',
    key: 'pk_test',
    sdk: 'trailguide-js/test',
    ids: { visitor: 'v'.repeat(32), session: 's'.repeat(32), window: 'w'.repeat(32), nextSeq: () => seq++ },
    fetch: ff.fetch,
    compress: null,
    random: () => 0.5,
    debug: () => undefined,
    ...extra,
  });
}

/** The i-th track signal. */
export const sig = (i: number): Signal => ({ type: 'track', ts: 1000 + i, url: 'https://app.example/', name: 'e' + i });
