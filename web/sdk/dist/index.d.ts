/** Start recording for this page load. `key` is the project's public key; `endpoint` the Trailguide server's base URL. */
export declare const init: (options: import("./client").InitOptions) => void;
/** Send a custom event. */
export declare const track: (name: string, props?: Record<string, unknown>) => void;
/** Tie this visitor to a user id and traits; remembered for later page loads. */
export declare const identify: (userId: string, traits?: Record<string, unknown>) => void;
/** With init({requireConsent: true}): consent(true) starts capturing, consent(false) stops it and deletes stored ids. */
export declare const consent: (granted: boolean) => void;
/** Stop recording and sending at once; remembered (localStorage) until optIn(). */
export declare const optOut: () => void;
/** Undo optOut() and start recording again. */
export declare const optIn: () => void;
/** Send what is queued now. */
export declare const flush: () => void;
/** Listen to 'signal', 'ack', 'stop' or 'ready'; returns an unsubscribe function. */
export declare const on: (event: import("./client").ClientEvent, fn: (arg?: unknown) => void) => () => void;
export declare const version: string;
export type { InitOptions, ClientEvent } from './client';
export type { TrailguideAPI } from './api';
export type { Batch, Context, Signal, SignalType, SDKConfig, MaskConfig, MaskMode, UTM } from './wire';
export type { PrivacyOption } from './mask';
