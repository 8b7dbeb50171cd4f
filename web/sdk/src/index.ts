// npm entry: `import { init, track, identify, optOut, optIn } from '@trailguide/sdk'`.
import { record } from '@rrweb/record';
import { createAPI } from './api';
import type { RecorderLike } from './client';

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

export type { InitOptions, ClientEvent } from './client';
export type { TrailguideAPI } from './api';
export type { Batch, Context, Signal, SignalType, SDKConfig, MaskConfig, MaskMode, UTM } from './wire';
export type { PrivacyOption } from './mask';
