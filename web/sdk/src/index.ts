// npm entry: `import { init, track, identify, optOut, optIn } from '@trailguide/sdk'`.
import { record } from '@rrweb/record';
import { createAPI } from './api';
import type { RecorderLike } from './client';
import { scrubURL } from './context';
import type { Signal } from './wire';

const api = createAPI(record as unknown as RecorderLike);

/** Start recording for this page load. `key` is the project's public key; `endpoint` the Trailguide server's base URL. */
export const init = api.init;
/** Send a custom event. */
export const track = api.track;
/** Tie this visitor to a user id and traits; remembered for later page loads. */
export const identify = api.identify;
/** With init({requireConsent: true}): consent(true) starts capturing, consent(false) stops it and deletes stored ids. */
export const consent = api.consent;
/** Stop recording and sending at once; remembered (localStorage) until optIn(). */
export const optOut = api.optOut;
/** Undo optOut() and start recording again. */
export const optIn = api.optIn;
/** Send what is queued now. */
export const flush = api.flush;
/** Listen to 'signal', 'ack', 'stop' or 'ready'; returns an unsubscribe function. */
export const on = api.on;
export const version = api.version;

let lastPage = '';
const pendingPages: Array<[string | undefined, string | undefined]> = [];
on('ready', () => {
  for (const [u, t] of pendingPages.splice(0)) page(u, t);
});
on('signal', (s) => {
  const sig = s as Signal;
  if (sig && sig.type === 'pageview') lastPage = sig.url;
});

/**
 * Send a pageview explicitly, for SPA routers: `url` (absolute, or a path
 * resolved against the current location; default location.href) and an
 * optional title. The SDK already records pageviews when the history API
 * changes the URL; a call for the URL of the last pageview it sent is
 * ignored, so calling page() after every route change never counts one twice.
 */
export function page(url?: string, title?: string): void {
  const c = api.client();
  if (!c) {
    // before init(): sent once the SDK is configured and running
    pendingPages.push([url, title]);
    return;
  }
  let href: string;
  try {
    href = new URL(url || location.href, location.href).href;
  } catch {
    return;
  }
  const scrubbed = scrubURL(href);
  if (scrubbed === lastPage) return;
  const s: Signal = { type: 'pageview', ts: Date.now(), url: scrubbed };
  if (title) s.title = title.slice(0, 200);
  c.signal(s);
}

export type { InitOptions, ClientEvent } from './client';
export type { TrailguideAPI } from './api';
export type { Batch, Context, Signal, SignalType, SDKConfig, MaskConfig, MaskMode, UTM } from './wire';
export type { PrivacyOption } from './mask';
