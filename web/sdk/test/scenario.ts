// A whole page load driven through the real Client with a fake recorder,
// fake fetch and frozen time. Used by client.test.ts and to produce the
// example bodies in testdata/wire.
import { vi } from 'vitest';
import { Client, type InitOptions, type RecordOptions, type RecorderLike } from '../src/client';
import { fakeFetch, seededStorage, settle, type FakeFetch } from './helpers';

export const T0 = 1_700_000_000_000;

export interface FakeRecorder extends RecorderLike {
  options?: RecordOptions;
  stop: ReturnType<typeof vi.fn>;
  takeFullSnapshot: ReturnType<typeof vi.fn>;
  emit(e: unknown): void;
}

export function fakeRecorder(): FakeRecorder {
  const stop = vi.fn();
  let now = () => T0;
  const r = ((options: RecordOptions) => {
    r.options = options;
    r.emit({ type: 4, data: { href: location.href, width: 1024, height: 768 }, timestamp: now() });
    r.emit({
      type: 2,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
            { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [{ type: 2, id: 4, tagName: 'body', attributes: {}, childNodes: [{ type: 3, id: 5, textContent: 'Hello' }] }] },
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
      timestamp: now(),
    });
    return stop;
  }) as unknown as FakeRecorder;
  r.stop = stop;
  // the nodes of the snapshot above that exist in the page: <html> and <body>
  r.mirror = { getNode: (id: number) => (id == 3 ? document.documentElement : id == 4 ? document.body : null), getId: () => -1 };
  r.takeFullSnapshot = vi.fn(() => r.emit({ type: 2, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } }, timestamp: now() }));
  r.emit = (e) => r.options && r.options.emit(e);
  (r as unknown as { setNow(f: () => number): void }).setNow = (f) => (now = f);
  return r;
}

export interface Page {
  client: Client;
  ff: FakeFetch;
  rec: FakeRecorder;
  clock: { t: number };
  storage: ReturnType<typeof seededStorage>;
}

export async function openPage(opts: Partial<InitOptions> & { ff?: FakeFetch; storage?: ReturnType<typeof seededStorage>; clock?: { t: number } } = {}): Promise<Page> {
  const clock = opts.clock || { t: T0 };
  const ff = opts.ff || fakeFetch();
  const rec = fakeRecorder();
  (rec as unknown as { setNow(f: () => number): void }).setNow(() => clock.t);
  const storage = opts.storage || seededStorage(clock.t);
  const client = new Client({
    key: 'pk_demo_1234',
    endpoint: 'https://tg.example.com',
    fetch: ff.fetch,
    sendBeacon: null,
    compress: null,
    recorder: rec,
    storage,
    now: () => clock.t,
    random: () => 0.5,
    ...opts,
  });
  client.start();
  await settle();
  return { client, ff, rec, clock, storage };
}

/** Stop a page's client without persisting anything (test teardown). */
export function closePage(p: Page): void {
  (p.client as unknown as { halt_(): void }).halt_();
}
