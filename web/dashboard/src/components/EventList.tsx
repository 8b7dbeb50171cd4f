import { memo } from 'preact/compat';
import { useEffect, useRef } from 'preact/hooks';
import type { TGEvent } from '../types';
import { eventTitle, type ActivityItem } from '../timeline';
import { formatClock, urlPath } from '../format';
import { frictionSubtitle, frictionTitle } from '../friction';
import { SignalIcon, sigClass } from './Friction';
import { IconAlert, IconBolt, IconClick, IconInput, IconPage, IconScroll, IconSend, IconStar, IconUser } from './icons';

export type ListItem = ActivityItem;

function icon(type: string) {
  switch (type) {
    case 'pageview':
      return <IconPage size={14} />;
    case 'click':
      return <IconClick size={14} />;
    case 'error':
      return <IconAlert size={14} />;
    case 'input':
      return <IconInput size={14} />;
    case 'submit':
      return <IconSend size={14} />;
    case 'scroll':
      return <IconScroll size={14} />;
    case 'friction':
      return <IconBolt size={14} />;
    case 'identify':
      return <IconUser size={14} />;
    default:
      return <IconStar size={14} />;
  }
}

function subtitle(e: TGEvent): string {
  if (e.type === 'pageview') return e.url;
  if (e.type === 'error') return (e.data && typeof (e.data as any).source === 'string' ? (e.data as any).source : '') || urlPath(e.url);
  if (e.type === 'click' && e.text && e.selector) return e.selector;
  if (e.type === 'friction') return frictionSubtitle(e) || urlPath(e.url);
  return urlPath(e.url);
}

/** The activity list, synced with the player: current item highlighted and kept in view; click seeks. */
export const EventList = memo(function EventList({
  items,
  current,
  start,
  onSeek,
}: {
  items: ListItem[];
  current: number;
  start: number;
  onSeek: (abs: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const userScrolledAt = useRef(0);
  useEffect(() => {
    if (current < 0 || !box.current) return;
    if (Date.now() - userScrolledAt.current < 2500) return;
    const el = box.current.querySelector<HTMLElement>(`[data-i="${current}"]`);
    if (!el) return;
    const b = box.current.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) {
      box.current.scrollTop += r.top - b.top - b.height / 3;
    }
  }, [current]);
  if (!items.length) {
    return (
      <div class="list-empty">
        <p>No activity recorded in this tab.</p>
      </div>
    );
  }
  return (
    <div class="event-list" ref={box} onWheel={() => (userScrolledAt.current = Date.now())}>
      {items.map((it, i) => (
        <button
          key={i}
          data-i={i}
          class={'ev t-' + it.e.type + (it.e.type === 'friction' ? ' ' + sigClass(it.e.name || '') : '') + (i === current ? ' current' : i > current ? ' future' : '')}
          onClick={() => onSeek(it.time)}
          title={`Jump to ${formatClock(it.time - start)}`}
        >
          <span class="ev-icon">{it.e.type === 'friction' ? <SignalIcon signal={it.e.name || ''} size={14} /> : icon(it.e.type)}</span>
          <span class="ev-body">
            <span class="ev-title">
              {it.e.type === 'friction' ? frictionTitle(it.e) : eventTitle(it.e)}
              {it.count > 1 && <span class="ev-count">×{it.count}</span>}
            </span>
            <span class="ev-sub">{subtitle(it.e)}</span>
          </span>
          <span class="ev-time">{formatClock(Math.max(0, it.time - start))}</span>
        </button>
      ))}
    </div>
  );
});
