import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Project, RREvent, SeqGap, SessionDetail, WindowInfo } from '../types';
import { navigate, paths } from '../router';
import { useDocumentTitle, useLoad, useLocation } from '../hooks';
import { copyText } from '../clipboard';
import {
  buildMarkers,
  currentIndex,
  deepLink,
  activityItems,
  inactivePeriods,
  missingPeriods,
  matchesActivity,
  nextWindow,
  parseDeepLinkT,
  tabSwitches,
  type ActivityFilter,
  timelineRange,
  urlAt,
  urlPoints,
} from '../timeline';
import { capitalize, formatClock, formatDuration, formatExact, formatRelative, personLabel } from '../format';
import { loadReplayer, SPEEDS, type Speed } from '../replayer';
import { usePlayer } from '../components/usePlayer';
import { Timeline } from '../components/Timeline';
import { EventList, type ListItem } from '../components/EventList';
import { MetaPanel } from '../components/MetaPanel';
import { Spinner, ErrorState } from '../components/States';
import { FrictionHighlight, SignalIcon, sigClass } from '../components/Friction';
import { activeHighlight, frictionMarkers, signalLabel, withoutShadowedFriction } from '../friction';
import {
  DeviceIcon,
  IconAlert,
  IconChevronLeft,
  IconLink,
  IconPause,
  IconPlay,
  IconReplay,
  IconWindow,
} from '../components/icons';

const NO_GAPS: SeqGap[] = [];

const LIST_TYPES = new Set(['pageview', 'click', 'input', 'submit', 'error', 'track', 'friction', 'guide', 'identify', 'scroll']);

export function SessionPage({ project, sid, isAdmin = false }: { project: Project; sid: string; isAdmin?: boolean }) {
  const loc = useLocation();
  const q = new URLSearchParams(loc.search);
  const wantWindow = q.get('window');
  const [initialT] = useState(() => parseDeepLinkT(q.get('t')));
  // at: an absolute moment (ms since the epoch), as funnel drill-downs link.
  const [initialAt] = useState(() => {
    const v = Number(q.get('at'));
    return Number.isFinite(v) && v > 0 ? v : null;
  });
  useEffect(() => {
    loadReplayer().catch(() => undefined); // start fetching the player chunk now
  }, [project.id, sid]);
  const load = useLoad<SessionDetail>((signal) => api.session(project.id, sid, signal), [project.id, sid]);
  const { error } = load;
  const detail = load.loading ? null : load.data;

  useDocumentTitle(detail ? `Session of ${personLabel(detail.session).primary}` : 'Session');

  if (error) {
    return error.status === 404 ? (
      <ErrorState title="Session not found" message="It may have expired under the project's retention policy." />
    ) : (
      <ErrorState title="Could not load this session" message={error.message} onRetry={load.reload} />
    );
  }
  if (!detail) {
    return (
      <div class="center-fill">
        <Spinner size={22} />
      </div>
    );
  }
  const windows = [...(detail.windows || [])].sort((a, b) => a.first_ts - b.first_ts);
  const win = windows.find((w) => w.id === wantWindow) || windows[0] || null;
  return (
    <SessionView
      key={win?.id || 'none'}
      project={project}
      detail={detail}
      windows={windows}
      win={win}
      initialT={wantWindow && win?.id !== wantWindow ? null : initialT}
      initialAt={wantWindow && win?.id !== wantWindow ? null : initialAt}
      isAdmin={isAdmin}
    />
  );
}

function SessionView({
  project,
  detail,
  windows,
  win,
  initialT,
  isAdmin,
  initialAt,
}: {
  isAdmin: boolean;
  project: Project;
  detail: SessionDetail;
  windows: WindowInfo[];
  win: WindowInfo | null;
  initialT: number | null;
  initialAt?: number | null;
}) {
  const s = detail.session;
  const [speed, setSpeed] = useState<Speed>(() => (Number(localStorage.getItem('tg.speed')) as Speed) || 1);
  const [skip, setSkip] = useState(() => localStorage.getItem('tg.skip') !== '0');
  const [tab, setTab] = useState<'activity' | 'details'>('activity');
  const [activity, setActivity] = useState<ActivityFilter>('all');
  const [toast, setToast] = useState<string | null>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  const recLoad = useLoad<{ events: RREvent[]; gaps: SeqGap[] }>(
    async (signal) => {
      if (!win) return { events: [], gaps: NO_GAPS };
      const r = await api.recording(project.id, s.id, win.id, signal);
      return { events: (r.events || []).slice().sort((a, b) => a.timestamp - b.timestamp), gaps: r.gaps || NO_GAPS };
    },
    [project.id, s.id, win?.id],
  );
  const rec = recLoad.loading || recLoad.error ? null : recLoad.data?.events || null;
  const gaps = (rec && recLoad.data?.gaps) || NO_GAPS;
  const recError = recLoad.error && (recLoad.error.status === 404 ? 'The recording of this tab is no longer stored.' : recLoad.error.message);

  useEffect(() => localStorage.setItem('tg.speed', String(speed)), [speed]);
  useEffect(() => localStorage.setItem('tg.skip', skip ? '1' : '0'), [skip]);

  const range = useMemo(() => timelineRange(win, rec), [win, rec]);
  const events = useMemo(() => withoutShadowedFriction(detail.events || []), [detail.events]);
  const markers = useMemo(
    () => buildMarkers(events.filter((e) => e.type !== 'friction'), win?.id || null, range),
    [events, win?.id, range],
  );
  const fMarkers = useMemo(() => frictionMarkers(events, win?.id || null, range), [events, win?.id, range]);
  const signalsHere = useMemo(() => [...new Set(fMarkers.map((m) => m.signal))], [fMarkers]);
  const inactive = useMemo(() => inactivePeriods(rec, 5000), [rec]);
  const missing = useMemo(() => missingPeriods(rec, gaps), [rec, gaps]);
  const points = useMemo(() => urlPoints(rec, events, win?.id || null), [rec, events, win?.id]);
  const items: ListItem[] = useMemo(
    () => activityItems(events, win?.id || null, (t) => LIST_TYPES.has(t) && matchesActivity(t, activity)),
    [events, win?.id, activity],
  );
  const switches = useMemo(() => tabSwitches(windows, win?.id || null, range), [windows, win?.id, range]);
  const next = nextWindow(windows, win?.id || null);
  const goWindow = (id: string) => navigate(paths.session(project.id, s.id, { window: id }), { replace: true });
  const itemTimes = useMemo(() => items.map((i) => i.time), [items]);

  const startAt =
    initialT != null ? range.start + initialT : initialAt != null ? Math.min(Math.max(range.start, initialAt), range.end) : null;
  const [player, ctl] = usePlayer(stageRef, rootRef, rec, { speed, skipInactive: skip, startAt, autoplay: true });
  // Stable callbacks so the (memoised) event list re-renders only when its current item changes.
  const ctlRef = useRef(ctl);
  ctlRef.current = ctl;
  const seekAndPlay = useCallback((t: number) => ctlRef.current.seek(t, true), []);
  const seek = useCallback((t: number) => ctlRef.current.seek(t), []);
  const time = player.ready ? player.time : startAt ?? range.start;
  const cur = currentIndex(itemTimes, time);
  const url = urlAt(points, time) || s.entry_url;
  const offset = Math.max(0, time - range.start);
  const total = range.end - range.start;
  const hl = player.ready ? activeHighlight(events, win?.id || null, time) : null;
  const gapNow = missing.find((r) => time >= r.start && time < r.end);

  // Keyboard: space toggles, arrows seek 5 s.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === ' ' || e.key === 'k') {
        e.preventDefault();
        ctl.toggle();
      } else if (e.key === 'ArrowRight' || e.key === 'l') ctl.seek(time + 5000);
      else if (e.key === 'ArrowLeft' || e.key === 'j') ctl.seek(time - 5000);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const share = async () => {
    const link = deepLink(location.origin, project.id, s.id, offset, windows.length > 1 ? win?.id : null);
    if (await copyText(link)) setToast(`Link to ${formatClock(offset)} copied`);
    else setToast(link);
  };
  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), toast.startsWith('http') ? 8000 : 2200);
    return () => clearTimeout(id);
  }, [toast]);

  const person = personLabel(s);
  const back = sessionStorage.getItem('tg.list.' + project.id) || paths.sessions(project.id);

  return (
    <div class="session-page">
      <header class="session-head">
        <a class="back" href={back} title="Back to sessions">
          <IconChevronLeft />
        </a>
        <div class="session-title">
          <h1>
            {person.primary}
            {s.error_count > 0 && (
              <span class="badge danger" title="JavaScript errors in this session">
                <IconAlert size={12} /> {s.error_count} {s.error_count === 1 ? 'error' : 'errors'}
              </span>
            )}
          </h1>
          <div class="session-sub">
            <span title={formatExact(s.started_at)}>{formatRelative(s.started_at)}</span>
            <span class="dot">·</span>
            <span>{formatDuration(s.duration_ms)}</span>
            <span class="dot">·</span>
            <span>
              {s.page_count} {s.page_count === 1 ? 'page' : 'pages'}
            </span>
            <span class="dot">·</span>
            <span class="device">
              <DeviceIcon device={s.device_class} size={13} />
              {[s.browser, s.os].filter(Boolean).join(' on ') || capitalize(s.device_class)}
            </span>
            {s.user_id && (
              <>
                <span class="dot">·</span>
                <a class="header-link" href={paths.sessions(project.id, new URLSearchParams({ user: s.user_id }).toString())}>
                  All sessions of this user
                </a>
              </>
            )}
          </div>
        </div>
        <div class="head-actions">
          <button class="btn" onClick={share} disabled={!player.ready} title="Copy a link to this moment">
            <IconLink size={14} /> Share at {formatClock(offset)}
          </button>
          {isAdmin && <DeleteSessionButton project={project} sid={s.id} back={back} />}
        </div>
      </header>

      <div class="session-body">
        <div class="player">
          {windows.length > 1 && (
            <div class="windows" role="tablist" aria-label="Tabs">
              {windows.map((w, i) => (
                <a
                  key={w.id}
                  role="tab"
                  aria-selected={w.id === win?.id}
                  class={'window-tab' + (w.id === win?.id ? ' active' : '')}
                  href={paths.session(project.id, s.id, { window: w.id })}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(paths.session(project.id, s.id, { window: w.id }), { replace: true });
                  }}
                  title={`${formatExact(w.first_ts)} – ${formatExact(w.last_ts)}`}
                >
                  <IconWindow size={13} />
                  Tab {i + 1}
                  <span class="muted">{formatDuration(w.last_ts - w.first_ts)}</span>
                </a>
              ))}
            </div>
          )}
          <div class="urlbar" title={url}>
            <span class="urlbar-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            <span class="urlbar-text">{url || '—'}</span>
            {player.viewport && (
              <span class="urlbar-vp">
                {player.viewport.width}×{player.viewport.height}
                {player.scale < 0.999 ? ` · ${Math.round(player.scale * 100)}%` : ''}
              </span>
            )}
          </div>
          <div class="stage" ref={stageRef}>
            <div
              class="replay-root"
              ref={rootRef}
              style={
                player.viewport
                  ? {
                      width: player.viewport.width + 'px',
                      height: player.viewport.height + 'px',
                      transform: `translate(-50%, -50%) scale(${player.scale})`,
                    }
                  : { visibility: 'hidden' }
              }
            />
            <FrictionHighlight
              root={rootRef}
              target={hl}
              time={time}
              scale={player.scale}
              style={
                player.viewport
                  ? {
                      width: player.viewport.width + 'px',
                      height: player.viewport.height + 'px',
                      transform: `translate(-50%, -50%) scale(${player.scale})`,
                    }
                  : { display: 'none' }
              }
            />
            {!rec && !recError && (
              <div class="stage-msg">
                <Spinner size={22} />
                <span>Loading recording…</span>
              </div>
            )}
            {(recError || player.error) && (
              <div class="stage-msg">
                <IconAlert size={20} />
                <span>{recError || player.error}</span>
              </div>
            )}
            {rec && rec.length === 0 && !recError && (
              <div class="stage-msg">
                <span>{win ? 'No recording was stored for this tab.' : 'No recording has arrived for this session yet.'}</span>
              </div>
            )}
            {gapNow && (
              <div class="stage-msg gap-notice" role="status">
                <IconAlert size={20} />
                <strong>Data missing</strong>
                <span>
                  Part of this tab's recording never reached the server
                  {s.dropped_batches
                    ? ` (the browser dropped ${s.dropped_batches} ${s.dropped_batches === 1 ? 'batch' : 'batches'} of this session while the server was unreachable)`
                    : ''}
                  . The replay resumes at {formatClock(gapNow.end - range.start)}.
                </span>
              </div>
            )}
            {player.skipping && <div class="skip-pill">Skipping inactivity…</div>}
            {player.finished && next && (
              <div class="continue">
                <span>This tab ends here.</span>
                <button class="btn primary sm" onClick={() => goWindow(next.win.id)}>
                  Continue in Tab {next.tab} →
                </button>
              </div>
            )}
          </div>
          <div class="controls">
            <Timeline range={range} time={time} markers={markers} friction={fMarkers} onSeekFriction={seekAndPlay} inactive={inactive} missing={missing} switches={switches} onSwitch={goWindow} onSeek={seek} />
            <div class="control-row">
              <button
                class="play-btn"
                onClick={() => ctl.toggle()}
                disabled={!player.ready}
                aria-label={player.playing ? 'Pause' : 'Play'}
                title={player.playing ? 'Pause (space)' : 'Play (space)'}
              >
                {player.playing ? <IconPause /> : player.finished ? <IconReplay /> : <IconPlay />}
              </button>
              <span class="clock">
                {formatClock(offset)} <span class="muted">/ {formatClock(total)}</span>
              </span>
              <div class="legend">
                <span><i class="marker m-page" /> Page</span>
                <span><i class="marker m-click" /> Click</span>
                <span><i class="marker m-error" /> Error</span>
                {signalsHere.map((sg) => (
                  <span key={sg} class={'legend-sig ' + sigClass(sg)}>
                    <SignalIcon signal={sg} size={11} /> {signalLabel(sg)}
                  </span>
                ))}
                {switches.length > 0 && (
                  <span>
                    <i class="marker m-tab" /> Other tab opened
                  </span>
                )}
              </div>
              <div class="grow" />
              <label class="toggle" title="Fast-forward through periods without user activity">
                <input type="checkbox" checked={skip} onChange={(e) => setSkip((e.target as HTMLInputElement).checked)} />
                <span class="switch" aria-hidden="true" />
                Skip inactivity
              </label>
              <div class="speeds" role="group" aria-label="Speed">
                {SPEEDS.map((sp) => (
                  <button key={sp} class={sp === speed ? 'active' : ''} aria-pressed={sp === speed} onClick={() => setSpeed(sp)}>
                    {sp}×
                  </button>
                ))}
              </div>
            </div>
          </div>
        </div>

        <aside class="side">
          <div class="side-tabs" role="tablist">
            <button role="tab" aria-selected={tab === 'activity'} class={tab === 'activity' ? 'active' : ''} onClick={() => setTab('activity')}>
              Activity <span class="count">{items.length}</span>
            </button>
            <button role="tab" aria-selected={tab === 'details'} class={tab === 'details' ? 'active' : ''} onClick={() => setTab('details')}>
              Details
            </button>
          </div>
          {tab === 'activity' && (
            <div class="activity-filter" role="group" aria-label="Show">
              {(
                [
                  ['all', 'All'],
                  ['pages', 'Pages'],
                  ['clicks', 'Clicks'],
                  ['issues', 'Errors & friction'],
                ] as [ActivityFilter, string][]
              ).map(([k, label]) => (
                <button key={k} class={activity === k ? 'active' : ''} aria-pressed={activity === k} onClick={() => setActivity(k)}>
                  {label}
                </button>
              ))}
            </div>
          )}
          {tab === 'activity' ? (
            <EventList items={items} current={cur} start={range.start} onSeek={seekAndPlay} />
          ) : (
            <MetaPanel s={s} windows={windows} events={events} onSeek={seekAndPlay} start={range.start} />
          )}
        </aside>
      </div>
      {toast && (
        <div class="toast" role="status">
          {toast}
        </div>
      )}
    </div>
  );
}

/** Deletes this session (DELETE /api/v1/projects/{pid}/sessions/{sid}: its
 * events, recording chunks and files) after a confirmation, then returns to
 * the list. Admins only. */
function DeleteSessionButton({ project, sid, back }: { project: Project; sid: string; back: string }) {
  const [state, setState] = useState<'idle' | 'busy' | string>('idle');
  const del = () => {
    if (!window.confirm('Delete this session with its events, recording and files? This cannot be undone.')) return;
    setState('busy');
    api.deleteSession(project.id, sid).then(
      () => navigate(back),
      (err) => setState(err.message || 'Could not delete the session.'),
    );
  };
  return (
    <>
      <button class="btn danger-outline" onClick={del} disabled={state === 'busy'} title="Delete this session and its recording">
        {state === 'busy' ? 'Deleting…' : 'Delete session'}
      </button>
      {state !== 'idle' && state !== 'busy' && (
        <span class="form-error inline" role="alert">
          {state}
        </span>
      )}
    </>
  );
}
