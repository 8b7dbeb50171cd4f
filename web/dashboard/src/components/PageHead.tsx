// The head of a dashboard page: its title, a line under it, and actions at
// the right; and the buttons pages share.
import type { ComponentChildren } from 'preact';
import { IconReplay } from './icons';

export function PageHead({ title, sub, children }: { title: string; sub: ComponentChildren; children?: ComponentChildren }) {
  return (
    <header class="page-head">
      <div>
        <h1>{title}</h1>
        <p class="muted small">{sub}</p>
      </div>
      {children}
    </header>
  );
}

/** The Refresh button of a report page's head; disabled while loading. */
export function RefreshButton({ onClick, loading }: { onClick: () => void; loading: boolean }) {
  return (
    <div class="head-actions">
      <button class="btn sm" onClick={onClick} disabled={loading}>
        <IconReplay size={13} /> Refresh
      </button>
    </div>
  );
}

/**
 * A button that acts on its second click: the caller arms it on the first
 * (armed shows the danger style and the confirming label it is given) and
 * disarms it on blur.
 */
export function ConfirmButton({
  armed,
  onClick,
  onDisarm,
  small = true,
  disabled,
  children,
}: {
  armed: boolean;
  onClick: () => void;
  onDisarm: () => void;
  small?: boolean;
  disabled?: boolean;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={'btn' + (small ? ' sm' : '') + (armed ? ' danger-outline' : ' ghost')}
      onClick={onClick}
      onBlur={onDisarm}
      disabled={disabled}
    >
      {children}
    </button>
  );
}
