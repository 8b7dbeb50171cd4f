// The one place that creates rrweb Replayers. Recorded pages are untrusted
// input: the replay iframe must stay sandboxed WITHOUT allow-scripts
// (DESIGN.md §5). @rrweb/replay 2.1.6 creates it with sandbox="allow-same-origin"
// unless UNSAFE_replayCanvas is set, so that option is pinned to false here,
// the options are checked before use, and the mounted iframe is checked after.
import type { Replayer, playerConfig } from '@rrweb/replay';
import type { RREvent } from './types';

export const SPEEDS = [1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];

/** Keys of playerConfig that could loosen the sandbox; never set to a truthy value. */
const FORBIDDEN_KEYS = ['UNSAFE_replayCanvas'];

export function replayerOptions(
  root: Element,
  opts: { speed: number; skipInactive: boolean },
): Partial<playerConfig> {
  return {
    root,
    speed: opts.speed,
    skipInactive: opts.skipInactive,
    // Skip gaps of 5 s or more when skipping inactivity.
    inactivePeriodThreshold: 5000,
    maxSpeed: 360,
    UNSAFE_replayCanvas: false,
    showWarning: false,
    showDebug: false,
    triggerFocus: false,
    pauseAnimation: true,
    useVirtualDom: true,
    liveMode: false,
    mouseTail: { duration: 600, lineCap: 'round', lineWidth: 3, strokeStyle: 'rgba(94, 106, 210, 0.55)' },
    insertStyleRules: [],
  };
}

/** Throws if options would let the replay iframe run scripts. */
export function assertSafeOptions(o: Record<string, unknown>): void {
  for (const k of FORBIDDEN_KEYS) {
    if (o[k]) throw new Error(`replayer option ${k} is not allowed`);
  }
  const text = JSON.stringify(o, (key, v) => (key === 'root' || key === 'logger' ? undefined : v));
  if (/allow-scripts/i.test(text)) throw new Error('replayer options must not mention allow-scripts');
}

/** True when the iframe's sandbox is exactly "allow-same-origin". */
export function iframeIsSafe(iframe: HTMLIFrameElement | null | undefined): boolean {
  if (!iframe) return false;
  const tokens = (iframe.getAttribute('sandbox') || '').split(/\s+/).filter(Boolean);
  return tokens.length === 1 && tokens[0] === 'allow-same-origin';
}

export interface ReplayHandle {
  replayer: Replayer;
  /** Offset of the replayer's clock (ms since its first event). */
  current(): number;
  startTime: number;
  endTime: number;
  destroy(): void;
}

export type ReplayerClass = typeof Replayer;

let loading: Promise<ReplayerClass> | null = null;

/**
 * Loads @rrweb/replay (two thirds of the bundle) as a separate chunk, so the
 * session list does not pay for it. Called as soon as a session page opens,
 * in parallel with fetching the recording.
 */
export function loadReplayer(): Promise<ReplayerClass> {
  if (!loading) {
    loading = import('@rrweb/replay').then((m) => m.Replayer);
    loading.catch(() => (loading = null));
  }
  return loading;
}

export function mountReplayer(
  ReplayerCtor: ReplayerClass,
  root: HTMLElement,
  events: RREvent[],
  opts: { speed: number; skipInactive: boolean },
): ReplayHandle {
  const options = replayerOptions(root, opts);
  assertSafeOptions(options as Record<string, unknown>);
  const replayer = new ReplayerCtor(events as any, options);
  if (!iframeIsSafe(replayer.iframe)) {
    replayer.destroy();
    throw new Error('The replay frame is not sandboxed as required; refusing to play.');
  }
  const meta = replayer.getMetaData();
  return {
    replayer,
    current: () => replayer.getCurrentTime(),
    startTime: meta.startTime,
    endTime: meta.endTime,
    destroy: () => {
      try {
        replayer.pause();
      } catch {
        /* already stopped */
      }
      replayer.destroy();
    },
  };
}
