// The card every settings form sits in (Settings, Account, Team, API keys):
// a titled panel with an optional description and state tag, and the bar at
// the foot of a form with its error, its save status and its submit button.
import type { ComponentChildren } from 'preact';
import type { LoadError } from '../hooks';
import { IconCheck } from './icons';
import { LoadGate } from './States';

export function SettingsCard({
  id,
  title,
  description,
  tag,
  class: extra,
  role,
  load,
  children,
}: {
  /** Names the heading (`${id}-h`) the card is labelled by. */
  id: string;
  title: ComponentChildren;
  description?: ComponentChildren;
  /** A state tag at the right of the heading, e.g. "Defaults". */
  tag?: ComponentChildren;
  class?: string;
  role?: 'status';
  /** While given and loading or failed, a spinner or the error (with a retry) stands in for the body. */
  load?: { loading: boolean; error: LoadError | null; reload: () => void; errorTitle: string };
  children?: ComponentChildren;
}) {
  return (
    <section class={'panel settings-card' + (extra ? ' ' + extra : '')} aria-labelledby={id + '-h'} role={role}>
      <div class="panel-head">
        <div>
          <h2 id={id + '-h'}>{title}</h2>
          {description && <p class="muted small">{description}</p>}
        </div>
        {tag}
      </div>
      {load ? (
        <LoadGate load={load} errorTitle={load.errorTitle}>
          {children}
        </LoadGate>
      ) : (
        children
      )}
    </section>
  );
}

/** A form error, shown with role=alert. */
export function FormError({ message, class: extra }: { message?: string | null; class?: string }) {
  if (!message) return null;
  return (
    <div class={'form-error' + (extra ? ' ' + extra : '')} role="alert">
      {message}
    </div>
  );
}

/**
 * The foot of a settings form: its error, then the save status ("Saved", or
 * "Unsaved changes" while dirty), any extra buttons and the submit button.
 * sticky keeps it in view at the bottom of a long form.
 */
export function SaveBar({
  error,
  status,
  dirty = false,
  busy,
  pending = busy,
  canSubmit = dirty,
  label,
  busyLabel = 'Saving…',
  sticky,
  children,
}: {
  error?: string | null;
  status?: ComponentChildren;
  dirty?: boolean;
  /** Disables the submit button. */
  busy: boolean;
  /** Shows busyLabel on the submit button; defaults to busy. */
  pending?: boolean;
  /** Enables the submit button when not busy; defaults to dirty. */
  canSubmit?: boolean;
  label: string;
  busyLabel?: string;
  sticky?: boolean;
  /** Buttons before the submit button. */
  children?: ComponentChildren;
}) {
  const bar = (
    <>
      <FormError message={error} />
      <div class="settings-actions">
        <span class="save-status" aria-live="polite">
          {status && !dirty && (
            <>
              <IconCheck size={14} /> {status}
            </>
          )}
          {dirty && <span class="muted">Unsaved changes</span>}
        </span>
        {children}
        <button type="submit" class="btn primary" disabled={busy || !canSubmit}>
          {pending ? busyLabel : label}
        </button>
      </div>
    </>
  );
  return sticky ? <div class="settings-foot">{bar}</div> : bar;
}
