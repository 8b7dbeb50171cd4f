// The public API as one object: what `window.trailguide` becomes once the
// recorder chunk has loaded, and what the npm entry exports. Calls made
// before init() are queued and replayed by it.
import { Client, type ClientEvent, type InitOptions, K_OPTOUT, type RecorderLike } from './client';
import { webKV } from './storage';
import { VERSION } from './version';

export interface TrailguideAPI {
  init(options: InitOptions): void;
  track(name: string, props?: Record<string, unknown>): void;
  identify(userId: string, traits?: Record<string, unknown>): void;
  /** Answer for init({requireConsent: true}): true starts capturing, false stops it and deletes stored ids. */
  consent(granted: boolean): void;
  optOut(): void;
  optIn(): void;
  flush(): void;
  on(event: ClientEvent, fn: (arg?: unknown) => void): () => void;
  readonly version: string;
}

export function createAPI(recorder?: RecorderLike): TrailguideAPI & { client(): Client | null } {
  let client: Client | null = null;
  const queue: Array<() => void> = [];
  const pendingOn: Array<[ClientEvent, (arg?: unknown) => void, { off?: () => void; cancelled?: boolean }]> = [];
  const later = (f: (c: Client) => void): void => {
    if (client) f(client);
    else queue.push(() => client && f(client));
  };
  return {
    version: VERSION,
    client: () => client,
    init(options) {
      if (client) {
        console.debug('trailguide: init called twice, ignored');
        return;
      }
      if (!options || !options.key) {
        console.debug('trailguide: init needs a key');
        return;
      }
      client = new Client({ recorder, ...options });
      for (const [ev, fn, h] of pendingOn.splice(0)) if (!h.cancelled) h.off = client.on(ev, fn);
      client.start();
      for (const f of queue.splice(0)) f();
    },
    track: (name, props) => later((c) => c.track(name, props)),
    identify: (id, traits) => later((c) => c.identify(id, traits)),
    consent: (granted) => later((c) => c.consent(granted)),
    optOut() {
      // persist at once, even before init
      if (client) client.optOut();
      else {
        webKV('localStorage').set(K_OPTOUT, '1');
        queue.length = 0;
      }
    },
    optIn() {
      if (client) client.optIn();
      else webKV('localStorage').remove(K_OPTOUT);
    },
    flush: () => later((c) => c.flush()),
    on(ev, fn) {
      if (client) return client.on(ev, fn);
      const h: { off?: () => void; cancelled?: boolean } = {};
      pendingOn.push([ev, fn, h]);
      return () => {
        h.cancelled = true;
        if (h.off) h.off();
      };
    },
  };
}
