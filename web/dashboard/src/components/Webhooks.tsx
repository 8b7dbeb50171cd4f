// The "Webhooks" card of a project's Settings page: subscribe a URL to
// events (POST /api/v1/projects/{pid}/webhooks), see each webhook's
// delivery log, send a test event, delete. Admins only: the API refuses
// everyone else, so others see a note.
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Project, Webhook, WebhookDelivery } from '../types';
import { useLoad, useSubmit } from '../hooks';
import { copyText } from '../clipboard';
import { formatExact, formatRelative } from '../format';
import { IconCopy, IconLock } from './icons';
import { SaveBar, SettingsCard } from './SettingsCard';
import { ConfirmButton } from './PageHead';

/** What each event means, for people. */
export const WEBHOOK_EVENTS: { id: string; label: string; hint: string }[] = [
  { id: 'friction.spike', label: 'Friction spike', hint: 'an element’s friction of one kind in the last 2 h is ≥ 5 and ≥ 3× the 2 h before' },
  { id: 'session.error', label: 'Session with errors', hint: 'a session with JavaScript errors or failed requests has ended' },
  { id: 'guide.impact_significant', label: 'Guide impact significant', hint: 'a guide’s effect on friction became significant (sent once guides exist)' },
];

/** A delivery's outcome in one line. */
export function deliveryOutcome(d: WebhookDelivery): string {
  const tries = `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`;
  switch (d.status) {
    case 'delivered':
      return `Delivered (HTTP ${d.last_status}) after ${tries}`;
    case 'failed':
      return `Failed after ${tries}: ${d.last_error || 'no answer'}`;
    default:
      return d.attempts === 0 ? 'Waiting for its first attempt' : `Retrying (${tries}, last: ${d.last_error || 'HTTP ' + d.last_status})`;
  }
}

export function WebhooksCard({ project, isAdmin }: { project: Project; isAdmin: boolean }) {
  if (!isAdmin) {
    return (
      <SettingsCard id="webhooks" title="Webhooks" description="Send friction spikes and sessions with errors to your own systems.">
        <div class="settings-body">
          <div class="readonly-note" role="note">
            <IconLock size={14} />
            <span>Only admins can see and change webhooks.</span>
          </div>
        </div>
      </SettingsCard>
    );
  }
  return <WebhooksAdmin project={project} />;
}

function WebhooksAdmin({ project }: { project: Project }) {
  const load = useLoad((signal) => api.webhooks(project.id, signal), [project.id]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['friction.spike', 'session.error']);
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const { busy, error, setError, run } = useSubmit();
  const hooks = load.data?.webhooks || [];

  const add = async (e: Event) => {
    e.preventDefault();
    if (!/^https?:\/\/\S+$/.test(url.trim())) return setError('Enter an http:// or https:// URL.');
    if (events.length === 0) return setError('Pick at least one event.');
    await run(async () => {
      const r = await api.createWebhook(project.id, url.trim(), events);
      setSecret({ id: r.webhook.id, secret: r.secret });
      setUrl('');
      load.reload();
    });
  };
  const toggle = (id: string) => setEvents((es) => (es.includes(id) ? es.filter((x) => x !== id) : [...es, id]));

  return (
    <SettingsCard
      id="webhooks"
      title="Webhooks"
      description="POST a signed JSON event to your URL when friction spikes on an element or a session ends with errors. Failed deliveries are retried for about 7 hours."
      tag={<span class={'tag settings-state' + (hooks.length ? ' custom' : '')}>{hooks.length ? `${hooks.length} webhook${hooks.length > 1 ? 's' : ''}` : 'None'}</span>}
      load={{ ...load, errorTitle: 'Could not load the webhooks' }}
    >
      <div class="settings-body webhooks">
        {hooks.map((h) => (
          <WebhookRow key={h.id} project={project} hook={h} secret={secret?.id === h.id ? secret.secret : null} onDeleted={load.reload} />
        ))}
        <form class="webhook-add" onSubmit={add} noValidate>
          <label class="field">
            <span>Endpoint URL</span>
            <input
              class="input"
              type="url"
              placeholder="https://hooks.example.com/trailguide"
              value={url}
              onInput={(e) => {
                setUrl((e.target as HTMLInputElement).value);
                setError(null);
              }}
            />
          </label>
          <fieldset class="webhook-events">
            <legend class="webhook-legend">Events</legend>
            {WEBHOOK_EVENTS.map((ev) => (
              <label key={ev.id} class="check">
                <input type="checkbox" checked={events.includes(ev.id)} onChange={() => toggle(ev.id)} />
                <span>
                  {ev.label} <code>{ev.id}</code>
                  <span class="hint"> — {ev.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <SaveBar error={error} busy={busy} canSubmit={!!url.trim()} label="Add webhook" busyLabel="Adding…" />
        </form>
        <p class="hint">
          Each request carries <code>X-Trailguide-Signature: t=UNIX,v1=HEX</code>, the HMAC-SHA256 of <code>UNIX.body</code> with the
          webhook’s secret; check it and the time before trusting the body (docs/API.md, “Webhooks”).
        </p>
      </div>
    </SettingsCard>
  );
}

function WebhookRow({ project, hook, secret, onDeleted }: { project: Project; hook: Webhook; secret: string | null; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const [log, setLog] = useState<WebhookDelivery[] | null>(null);
  const [armed, setArmed] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const refresh = () => api.webhookDeliveries(project.id, hook.id).then((r) => setLog(r.deliveries), (e) => setMsg(e.message));
  const show = () => {
    setOpen(!open);
    if (!open) refresh();
  };
  const test = () =>
    api.testWebhook(project.id, hook.id).then(
      () => {
        setMsg('Test event queued; it is sent within seconds.');
        setOpen(true);
        window.setTimeout(refresh, 6000);
        refresh();
      },
      (e) => setMsg(e.message),
    );
  const del = () => {
    if (!armed) return setArmed(true);
    api.deleteWebhook(project.id, hook.id).then(onDeleted, (e) => setMsg(e.message));
  };
  return (
    <div class="webhook-row">
      <div class="webhook-head">
        <code class="webhook-url">{hook.url}</code>
        <span class="webhook-tags">
          {hook.events.map((e) => (
            <span key={e} class="tag">
              {e}
            </span>
          ))}
        </span>
        <span class="webhook-actions">
          <button type="button" class="btn sm ghost" onClick={show} aria-expanded={open}>
            Deliveries
          </button>
          <button type="button" class="btn sm ghost" onClick={test}>
            Send test
          </button>
          <ConfirmButton armed={armed} onClick={del} onDisarm={() => setArmed(false)}>
            {armed ? 'Confirm delete' : 'Delete'}
          </ConfirmButton>
        </span>
      </div>
      {secret && (
        <div class="webhook-secret" role="status">
          <span>Signing secret, shown once:</span> <code>{secret}</code>
          <button type="button" class="btn sm ghost" onClick={() => copyText(secret)} title="Copy the secret">
            <IconCopy size={13} />
          </button>
        </div>
      )}
      {msg && <p class="hint">{msg}</p>}
      {open && (
        <table class="table webhook-log">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {log && log.length === 0 && (
              <tr>
                <td colSpan={3} class="muted">
                  Nothing sent yet.
                </td>
              </tr>
            )}
            {(log || []).map((d) => (
              <tr key={d.id} class={'delivery ' + d.status}>
                <td title={formatExact(d.created_at)}>{formatRelative(d.created_at)}</td>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>{deliveryOutcome(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
