import type { Session, TGEvent, WindowInfo } from '../types';
import { capitalize, formatBytes, formatClock, formatCount, formatDuration, formatExact, toMs } from '../format';
import { DeviceIcon } from './icons';
import { ExitBadge, ScoreBadge, SignalChip } from './Friction';
import { exitFromEvents, exitHelp, frictionEvents, signalLabel, topSignals } from '../friction';

function Row({ k, v, mono, title }: { k: string; v: any; mono?: boolean; title?: string }) {
  if (v == null || v === '') return null;
  return (
    <div class="kv">
      <dt>{k}</dt>
      <dd class={mono ? 'mono' : ''} title={title ?? (typeof v === 'string' ? v : undefined)}>
        {v}
      </dd>
    </div>
  );
}

/** Everything we know about a session, grouped as a product person reads it. Location-free by design. */
export function MetaPanel({
  s,
  windows,
  events = [],
  onSeek,
  start = 0,
}: {
  s: Session;
  windows: WindowInfo[];
  events?: TGEvent[];
  onSeek?: (abs: number) => void;
  start?: number;
}) {
  const exit = exitFromEvents(events);
  const exitCls = s.exit_class || exit?.cls || '';
  const chips = topSignals(s.friction_counts, 99);
  const firstBySignal = new Map<string, number>();
  for (const e of frictionEvents(events)) {
    const t = toMs(e.time);
    if (e.name && t != null && !firstBySignal.has(e.name)) firstBySignal.set(e.name, t);
  }
  const traits = Object.entries(s.user_traits || {});
  const utm = s.utm || {};
  const hasUtm = utm.source || utm.medium || utm.campaign || utm.term || utm.content;
  return (
    <div class="meta">
      <section>
        <h3>Friction</h3>
        {!s.closed && !exitCls && !chips.length ? (
          <p class="muted small meta-note">Friction is analysed when the session ends (after 30 min without activity).</p>
        ) : (
          <dl>
            <Row k="Exit" v={exitCls ? <ExitBadge cls={exitCls} /> : 'Not analysed'} title={exitHelp(exitCls)} />
            {exit?.signal && <Row k="Last straw" v={signalLabel(exit.signal)} />}
            <Row k="Score" v={<ScoreBadge score={s.frustration_score || 0} />} title="Weighted sum of the friction signals" />
            {chips.length > 0 && (
              <div class="kv kv-chips">
                <dt>Signals</dt>
                <dd>
                  {chips.map((c) => {
                    const t = firstBySignal.get(c.signal);
                    return onSeek && t != null ? (
                      <button key={c.signal} class="chip-btn" onClick={() => onSeek(t)} title={`Jump to the first one at ${formatClock(t - start)}`}>
                        <SignalChip signal={c.signal} count={c.count} />
                      </button>
                    ) : (
                      <SignalChip key={c.signal} signal={c.signal} count={c.count} />
                    );
                  })}
                </dd>
              </div>
            )}
          </dl>
        )}
      </section>
      <section>
        <h3>Person</h3>
        <dl>
          <Row k="User id" v={s.user_id || 'Anonymous'} mono={!!s.user_id} />
          <Row k="Visitor id" v={s.visitor_id} mono />
          {traits.map(([k, v]) => (
            <Row key={k} k={capitalize(k.replace(/_/g, ' '))} v={v} />
          ))}
        </dl>
      </section>
      <section>
        <h3>Session</h3>
        <dl>
          <Row k="Started" v={formatExact(s.started_at)} />
          <Row k="Last activity" v={formatExact(s.last_activity_at)} />
          <Row k="Duration" v={formatDuration(s.duration_ms)} />
          <Row k="Active time" v={formatDuration(s.active_ms)} />
          <Row k="Pages" v={formatCount(s.page_count)} />
          <Row k="Clicks" v={formatCount(s.click_count)} />
          <Row
            k="Errors"
            v={s.error_count ? <span class="badge danger">{formatCount(s.error_count)}</span> : '0'}
          />
          <Row k="Events" v={formatCount(s.event_count)} />
          <Row k="Tabs" v={formatCount(windows.length || 1)} />
          <Row k="Status" v={s.closed ? 'Ended' : 'In progress'} />
        </dl>
      </section>
      <section>
        <h3>Pages</h3>
        <dl>
          <Row k="Entry" v={s.entry_url} mono />
          <Row k="Exit" v={s.exit_url} mono />
          <Row k="Referrer" v={s.referrer || 'Direct'} mono={!!s.referrer} />
        </dl>
      </section>
      {hasUtm && (
        <section>
          <h3>Campaign</h3>
          <dl>
            <Row k="Source" v={utm.source} />
            <Row k="Medium" v={utm.medium} />
            <Row k="Campaign" v={utm.campaign} />
            <Row k="Term" v={utm.term} />
            <Row k="Content" v={utm.content} />
          </dl>
        </section>
      )}
      <section>
        <h3>Device</h3>
        <dl>
          <Row
            k="Device"
            v={
              <span class="device">
                <DeviceIcon device={s.device_class} size={14} /> {capitalize(s.device_class || 'unknown')}
              </span>
            }
            title={s.device_class}
          />
          <Row k="Browser" v={s.browser} />
          <Row k="OS" v={s.os} />
          <Row k="Viewport" v={s.viewport_w ? `${s.viewport_w} × ${s.viewport_h}` : ''} />
          <Row k="Language" v={s.language} />
          <Row k="User agent" v={s.user_agent} mono />
        </dl>
      </section>
      <section>
        <h3>Recording</h3>
        <dl>
          <Row k="Size" v={s.stored_bytes ? `${formatBytes(s.stored_bytes)} stored (${formatBytes(s.raw_bytes)} raw)` : ''} />
          <Row k="Session id" v={s.id} mono />
        </dl>
      </section>
    </div>
  );
}
