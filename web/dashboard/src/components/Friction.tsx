// Friction UI atoms: per-signal icons and chips, the score badge, the exit
// badge, and the element highlight drawn over the replay.
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { exitHelp, exitLabel, exitTone, isSignal, scoreTone, SIGNAL_HELP, signalLabel, type Highlight } from '../friction';

function G({ size = 14, children }: { size?: number; children: JSX.Element | JSX.Element[] }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      stroke-width="1.6"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

/** One glyph per signal, so colour is never the only cue. */
export function SignalIcon({ signal, size = 14 }: { signal: string; size?: number }) {
  switch (signal) {
    case 'rage_click': // burst
      return (
        <G size={size}>
          <path d="M8 1.8v2.4M8 11.8v2.4M1.8 8h2.4M11.8 8h2.4M3.6 3.6l1.7 1.7M10.7 10.7l1.7 1.7M3.6 12.4l1.7-1.7M10.7 5.3l1.7-1.7" />
        </G>
      );
    case 'dead_click': // circle with slash
      return (
        <G size={size}>
          <circle cx="8" cy="8" r="5.6" />
          <path d="M4.1 11.9 11.9 4.1" />
        </G>
      );
    case 'error_click': // pointer + bang
      return (
        <G size={size}>
          <path d="M8 2.2 14 13H2L8 2.2Z" />
          <path d="M8 6.6v2.8M8 11.2v.1" />
        </G>
      );
    case 'thrashed_cursor': // zigzag
      return (
        <G size={size}>
          <path d="M1.8 10.5 4.3 5.5l2.5 5 2.4-5 2.5 5 2.5-5" />
        </G>
      );
    case 'excessive_scrolling': // up/down
      return (
        <G size={size}>
          <path d="M5 2.5v11M2.8 4.7 5 2.5l2.2 2.2M11 13.5v-11M8.8 11.3 11 13.5l2.2-2.2" />
        </G>
      );
    case 'quick_back': // back arrow
      return (
        <G size={size}>
          <path d="M6.2 3.6 2.6 7.2l3.6 3.6M2.8 7.2h7a3.6 3.6 0 0 1 0 7.2H8.6" />
        </G>
      );
    case 'form_abandonment': // form + exit
      return (
        <G size={size}>
          <path d="M9.5 2.5h-6v11h6M3.5 6h4M3.5 9h2.5M10.5 5.5 13 8l-2.5 2.5M13 8H7.5" />
        </G>
      );
    case 'field_struggle': // text field with caret
      return (
        <G size={size}>
          <rect x="1.8" y="4.5" width="12.4" height="7" rx="1.5" />
          <path d="M5 6.5v3M6.5 6.5h-3M6.5 9.5h-3" />
        </G>
      );
    case 'hesitation': // hourglass
      return (
        <G size={size}>
          <path d="M4.2 2h7.6M4.2 14h7.6M5 2c0 3 3 3.8 3 6s-3 3-3 6M11 2c0 3-3 3.8-3 6s3 3 3 6" />
        </G>
      );
    case 'exit':
      return (
        <G size={size}>
          <path d="M6.5 2.5h-3v11h3M9.5 5 12.5 8l-3 3M12.5 8h-7" />
        </G>
      );
    default:
      return (
        <G size={size}>
          <path d="M9 1.8 3.5 9h4l-1 5.2L12.5 7h-4L9 1.8Z" />
        </G>
      );
  }
}

/** Colour class of a signal: `sig-rage_click`…, `sig-other` for types this build does not know. */
export function sigClass(signal: string): string {
  return 'sig-' + (isSignal(signal) || signal === 'exit' ? signal : 'other');
}

export function SignalChip({ signal, count, compact, iconOnly }: { signal: string; count?: number; compact?: boolean; iconOnly?: boolean }) {
  const label = signalLabel(signal);
  const help = isSignal(signal) ? SIGNAL_HELP[signal] : '';
  return (
    <span class={'sig-chip ' + sigClass(signal) + (compact ? ' compact' : '')} title={help ? `${label}: ${help}` : label}>
      <SignalIcon signal={signal} size={compact ? 11 : 12} />
      {iconOnly ? <span class="sr-only">{label}</span> : <span class="sig-chip-label">{label}</span>}
      {count != null && count > 0 && <span class="sig-chip-n">{compact ? count : `×${count}`}</span>}
    </span>
  );
}

export function ScoreBadge({ score }: { score: number }) {
  const tone = scoreTone(score);
  return (
    <span class={'score score-' + tone} aria-label={`Frustration score ${score}`}>
      {score > 0 ? score : '0'}
    </span>
  );
}

export function ExitBadge({ cls }: { cls: string }) {
  return (
    <span class={'exit-badge tone-' + exitTone(cls)} title={exitHelp(cls)}>
      {exitLabel(cls)}
    </span>
  );
}

/**
 * Outlines the element of the current friction detection inside the replay.
 * The iframe is same-origin and sandboxed without scripts: the parent reads
 * its DOM (querySelector + getBoundingClientRect) and draws a box in the
 * overlay, which shares the replay root's size and transform, so iframe
 * viewport coordinates map 1:1. Nothing is written into the recording.
 */
export function FrictionHighlight({
  root,
  target,
  time,
  style,
  scale = 1,
}: {
  root: { current: HTMLDivElement | null };
  target: Highlight | null;
  time: number;
  style: JSX.CSSProperties;
  /** The replay's fit-to-stage scale; the label is counter-scaled to stay readable. */
  scale?: number;
}) {
  const [box, setBox] = useState<{ x: number; y: number; w: number; h: number } | null>(null);
  useEffect(() => {
    if (!target) {
      setBox(null);
      return;
    }
    const iframe = root.current?.querySelector('iframe');
    const doc = iframe?.contentDocument;
    let el: Element | null = null;
    try {
      el = doc ? doc.querySelector(target.selector) : null;
    } catch {
      el = null; // a selector the browser does not accept
    }
    if (!el) {
      setBox(null);
      return;
    }
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) {
      setBox(null);
      return;
    }
    setBox((b) => (b && b.x === r.left && b.y === r.top && b.w === r.width && b.h === r.height ? b : { x: r.left, y: r.top, w: r.width, h: r.height }));
  }, [target?.selector, target?.time, Math.round(time / 100)]);
  if (!target || !box) return null;
  const pad = 4;
  return (
    <div class="replay-overlay" style={style} aria-hidden="true">
      <div
        class={'hl-box ' + sigClass(target.signal) + (box.y < 34 ? ' label-below' : '')}
        style={{ left: box.x - pad + 'px', top: box.y - pad + 'px', width: box.w + pad * 2 + 'px', height: box.h + pad * 2 + 'px' }}
      >
        <span class="hl-label" style={{ transform: `scale(${1 / Math.max(0.2, scale)})` }}>
          <SignalIcon signal={target.signal} size={11} />
          {target.label}
        </span>
      </div>
    </div>
  );
}
