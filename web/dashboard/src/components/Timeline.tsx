import { useRef, useState } from 'preact/hooks';
import type { Marker, Range, TabSwitch } from '../timeline';
import { positionPct } from '../timeline';
import { formatClock } from '../format';
import type { FrictionMarker } from '../friction';
import { SignalIcon, sigClass } from './Friction';

/** The scrubber: progress, inactivity shading, event markers, hover time, click/drag to seek. */
export function Timeline({
  range,
  time,
  markers,
  inactive,
  missing = [],
  switches = [],
  onSwitch,
  onSeek,
  friction = [],
  onSeekFriction,
}: {
  friction?: FrictionMarker[];
  onSeekFriction?: (abs: number) => void;
  range: Range;
  time: number;
  markers: Marker[];
  inactive: Range[];
  /** where batches are missing (data-missing notice) */
  missing?: Range[];
  switches?: TabSwitch[];
  onSwitch?: (windowId: string) => void;
  onSeek: (abs: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ pct: number; label: string } | null>(null);
  const span = Math.max(1, range.end - range.start);
  const at = (clientX: number) => {
    const r = ref.current!.getBoundingClientRect();
    const pct = Math.min(1, Math.max(0, (clientX - r.left) / r.width));
    return { pct: pct * 100, abs: range.start + pct * span };
  };
  const down = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const el = ref.current!;
    el.setPointerCapture(e.pointerId);
    onSeek(at(e.clientX).abs);
    const move = (ev: PointerEvent) => onSeek(at(ev.clientX).abs);
    const up = (ev: PointerEvent) => {
      el.releasePointerCapture(ev.pointerId);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  const pos = positionPct(time, range);
  return (
    <div
      class={'timeline' + (friction.length ? ' has-friction' : '')}
      ref={ref}
      onPointerDown={down}
      onPointerMove={(e) => {
        const p = at(e.clientX);
        const near = markers.filter((m) => Math.abs(m.pct - p.pct) < 0.8 && m.kind !== 'click');
        const nearF = friction.filter((m) => Math.abs(m.pct - p.pct) < 0.8);
        const what = nearF.length ? nearF[nearF.length - 1].label : near.length ? near[near.length - 1].label : '';
        const label = formatClock(p.abs - range.start) + (what ? ' · ' + what : '');
        setHover({ pct: p.pct, label });
      }}
      onPointerLeave={() => setHover(null)}
      role="slider"
      aria-label="Replay position"
      aria-valuemin={0}
      aria-valuemax={Math.round(span / 1000)}
      aria-valuenow={Math.round((time - range.start) / 1000)}
      aria-valuetext={formatClock(time - range.start)}
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') onSeek(time + 5000);
        else if (e.key === 'ArrowLeft') onSeek(time - 5000);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      <div class="track">
        {inactive.map((r, i) => {
          const a = positionPct(r.start, range);
          const b = positionPct(r.end, range);
          return <div key={i} class="inactive" style={{ left: a + '%', width: Math.max(0, b - a) + '%' }} title="Inactive" />;
        })}
        {missing.map((r, i) => {
          const a = positionPct(r.start, range);
          const b = positionPct(r.end, range);
          return <div key={'m' + i} class="missing" style={{ left: a + '%', width: Math.max(0.5, b - a) + '%' }} title="Data missing" />;
        })}
        <div class="progress" style={{ width: pos + '%' }} />
      </div>
      <div class="markers">
        {markers.map((m, i) => (
          <span
            key={i}
            class={'marker m-' + m.kind}
            style={{ left: m.pct + '%' }}
            title={`${formatClock(m.time - range.start)} · ${m.label}${m.count > 1 ? ` (+${m.count - 1})` : ''}`}
          />
        ))}
      </div>
      {friction.length > 0 && (
        <div class="f-markers">
          {friction.map((m, i) => (
            <button
              key={i}
              class={'f-marker ' + sigClass(m.signal)}
              style={{ left: m.pct + '%' }}
              title={`${formatClock(m.time - range.start)} · ${m.label}${m.count > 1 ? ` (+${m.count - 1} more)` : ''}`}
              aria-label={`${m.label} at ${formatClock(m.time - range.start)}`}
              onPointerDown={(e) => e.stopPropagation()}
              onClick={(e) => {
                e.stopPropagation();
                (onSeekFriction || onSeek)(m.time);
              }}
            >
              <SignalIcon signal={m.signal} size={10} />
            </button>
          ))}
        </div>
      )}
      {switches.map((sw) => (
        <button
          key={sw.windowId}
          class="tab-switch"
          style={{ left: sw.pct + '%' }}
          title={`Tab ${sw.tab} opened at ${formatClock(sw.time - range.start)}. Click to watch it.`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={(e) => {
            e.stopPropagation();
            onSwitch?.(sw.windowId);
          }}
        >
          {sw.tab}
        </button>
      ))}
      <div class="handle" style={{ left: pos + '%' }} />
      {hover && (
        <div class="hover-tip" style={{ left: hover.pct + '%' }}>
          {hover.label}
        </div>
      )}
    </div>
  );
}
