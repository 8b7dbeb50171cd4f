// Drives one rrweb Replayer: mounting, clock, play/pause/seek, speed,
// inactivity skipping and fit-to-stage scaling.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RREvent } from '../types';
import { loadReplayer, mountReplayer, type ReplayHandle, type ReplayerClass, type Speed } from '../replayer';
import { viewportAt } from '../timeline';

export interface PlayerState {
  ready: boolean;
  error: string | null;
  playing: boolean;
  finished: boolean;
  skipping: boolean;
  /** Absolute time (ms since epoch) of the replay position. */
  time: number;
  viewport: { width: number; height: number } | null;
  scale: number;
}

export interface PlayerControls {
  play(): void;
  pause(): void;
  toggle(): void;
  seek(abs: number, play?: boolean): void;
}

export function usePlayer(
  stage: { current: HTMLDivElement | null },
  root: { current: HTMLDivElement | null },
  events: RREvent[] | null,
  opts: { speed: Speed; skipInactive: boolean; startAt: number | null; autoplay: boolean },
): [PlayerState, PlayerControls] {
  const handle = useRef<ReplayHandle | null>(null);
  const raf = useRef(0);
  const [st, setSt] = useState<PlayerState>({
    ready: false,
    error: null,
    playing: false,
    finished: false,
    skipping: false,
    time: 0,
    viewport: null,
    scale: 1,
  });
  const optsRef = useRef(opts);
  optsRef.current = opts;

  const tick = useCallback(() => {
    const h = handle.current;
    if (!h) return;
    setSt((s) => ({ ...s, time: h.startTime + h.current() }));
    raf.current = requestAnimationFrame(tick);
  }, []);

  const stopLoop = () => cancelAnimationFrame(raf.current);

  const [Ctor, setCtor] = useState<ReplayerClass | null>(null);
  useEffect(() => {
    let live = true;
    loadReplayer().then(
      (c) => live && setCtor(() => c),
      () => live && setSt((s) => ({ ...s, error: 'Could not load the player. Reload the page to try again.' })),
    );
    return () => {
      live = false;
    };
  }, []);

  // Mount / unmount the replayer when the recording changes.
  useEffect(() => {
    if (!events || !root.current || !Ctor) return;
    if (events.length < 2) {
      setSt((s) => ({ ...s, error: events.length ? 'This recording is too short to replay.' : null }));
      return;
    }
    root.current.innerHTML = '';
    let h: ReplayHandle;
    try {
      h = mountReplayer(Ctor, root.current, events, { speed: optsRef.current.speed, skipInactive: optsRef.current.skipInactive });
    } catch (err) {
      setSt((s) => ({ ...s, error: (err as Error).message || 'Could not start the replay.' }));
      return;
    }
    handle.current = h;
    const r = h.replayer;
    const vp = viewportAt(events, h.startTime);
    r.on('resize', (d: any) => {
      if (d && d.width && d.height) setSt((s) => ({ ...s, viewport: { width: d.width, height: d.height } }));
    });
    r.on('finish', () => {
      stopLoop();
      setSt((s) => ({ ...s, playing: false, finished: true, skipping: false, time: h.endTime }));
    });
    r.on('skip-start', () => setSt((s) => ({ ...s, skipping: true })));
    r.on('skip-end', () => setSt((s) => ({ ...s, skipping: false })));
    const start = optsRef.current.startAt != null ? Math.min(Math.max(optsRef.current.startAt, h.startTime), h.endTime) : h.startTime;
    const offset = start - h.startTime;
    const autoplay = optsRef.current.autoplay && start < h.endTime;
    if (autoplay) {
      r.play(offset);
      raf.current = requestAnimationFrame(tick);
    } else {
      r.pause(offset);
    }
    setSt((s) => ({ ...s, ready: true, error: null, playing: autoplay, finished: false, time: start, viewport: vp || s.viewport }));
    return () => {
      stopLoop();
      handle.current = null;
      h.destroy();
      setSt((s) => ({ ...s, ready: false, playing: false }));
    };
  }, [events, Ctor]);

  // Speed and skipping apply live.
  useEffect(() => {
    handle.current?.replayer.setConfig({ speed: opts.speed, skipInactive: opts.skipInactive });
    if (!opts.skipInactive) setSt((s) => ({ ...s, skipping: false }));
  }, [opts.speed, opts.skipInactive]);

  // Fit the recorded viewport into the stage.
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const fit = () => {
      const vp = st.viewport;
      if (!vp) return;
      const pad = 24;
      const w = el.clientWidth - pad * 2;
      const h = el.clientHeight - pad * 2;
      const scale = Math.max(0.05, Math.min(w / vp.width, h / vp.height, 1));
      setSt((s) => (Math.abs(s.scale - scale) > 0.001 ? { ...s, scale } : s));
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [st.viewport?.width, st.viewport?.height]);

  const controls: PlayerControls = {
    play() {
      const h = handle.current;
      if (!h) return;
      let offset = h.current();
      if (offset >= h.endTime - h.startTime - 50) offset = 0;
      h.replayer.play(offset);
      stopLoop();
      raf.current = requestAnimationFrame(tick);
      setSt((s) => ({ ...s, playing: true, finished: false }));
    },
    pause() {
      const h = handle.current;
      if (!h) return;
      h.replayer.pause();
      stopLoop();
      setSt((s) => ({ ...s, playing: false, skipping: false, time: h.startTime + h.current() }));
    },
    toggle() {
      if (st.playing) controls.pause();
      else controls.play();
    },
    seek(abs: number, play?: boolean) {
      const h = handle.current;
      if (!h) return;
      const t = Math.min(Math.max(abs, h.startTime), h.endTime);
      const offset = t - h.startTime;
      const playNow = play ?? st.playing;
      stopLoop();
      if (playNow && t < h.endTime) {
        h.replayer.play(offset);
        raf.current = requestAnimationFrame(tick);
      } else {
        h.replayer.pause(offset);
      }
      setSt((s) => ({ ...s, time: t, playing: playNow && t < h.endTime, finished: false }));
    },
  };
  return [st, controls];
}
