// Retention and erasure on the Privacy page: the project's retention period
// (PUT /api/v1/projects/{pid}/settings {retention_days}) and erasing one
// identified user or one visitor id (DELETE /api/v1/projects/{pid}/users/{userId}
// or .../visitors/{visitorId}, then the job's status from GET
// /api/v1/jobs/{id}). Admins only; others read.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Job, Project } from '../types';
import { IconCheck, IconLock } from './icons';

export const MIN_RETENTION = 1;
export const MAX_RETENTION = 3650;

/** The retention input's value as days, or an error message. */
export function parseRetention(v: string): number | string {
  const t = v.trim();
  if (!/^\d+$/.test(t)) return 'Enter a whole number of days.';
  const n = parseInt(t, 10);
  if (n < MIN_RETENTION || n > MAX_RETENTION) return `Retention must be ${MIN_RETENTION} to ${MAX_RETENTION} days.`;
  return n;
}

/** What an erasure job erases, for people: “user-42”, visitor “abc…”, session “…”. */
export function jobTarget(j: Job): string {
  if (j.kind === 'erase_visitor') return `visitor “${j.visitor_id}”`;
  if (j.kind === 'erase_session') return `session “${j.session_id}”`;
  return `“${j.user_id}”`;
}

/** One line about an erasure job. */
export function jobSummary(j: Job): string {
  const n = (c: number, one: string) => `${c} ${one}${c === 1 ? '' : 's'}`;
  switch (j.status) {
    case 'done':
      return `Erased ${n(j.sessions, 'session')}, ${n(j.events, 'event')}, ${n(j.chunks, 'recording chunk')} and ${n(j.blobs, 'file')} of ${jobTarget(j)}.`;
    case 'failed':
      return `Erasing ${jobTarget(j)} failed: ${j.error || 'unknown error'}. Run it again.`;
    default:
      return `Erasing ${jobTarget(j)}… (job ${j.id}, ${j.status})`;
  }
}

export function RetentionPanel({ project, isAdmin, days, onSaved }: { project: Project; isAdmin: boolean; days: number | null; onSaved: (d: number) => void }) {
  const [text, setText] = useState(days != null ? String(days) : '');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [user, setUser] = useState('');
  const [by, setBy] = useState<'user' | 'visitor'>('user');
  const [job, setJob] = useState<Job | null>(null);
  const [jobErr, setJobErr] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setText(days != null ? String(days) : ''), [days]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const save = (e: Event) => {
    e.preventDefault();
    const d = parseRetention(text);
    if (typeof d === 'string') return setMsg({ ok: false, text: d });
    setBusy(true);
    api.saveRetention(project.id, d).then(
      (r) => {
        setBusy(false);
        onSaved(r.retention_days ?? d);
        setMsg({ ok: true, text: 'Saved' });
      },
      (err) => {
        setBusy(false);
        setMsg({ ok: false, text: err.message });
      },
    );
  };
  const poll = (id: string) => {
    api.job(id).then(
      (j) => {
        setJob(j);
        if (j.status === 'queued' || j.status === 'running') timer.current = window.setTimeout(() => poll(id), 1000);
      },
      (err) => setJobErr(err.message),
    );
  };
  const erase = (e: Event) => {
    e.preventDefault();
    const u = user.trim();
    if (!u) return setJobErr(by === 'user' ? 'Enter the user id given to identify().' : 'Enter the visitor id (shown in a session’s details).');
    const what = by === 'user' ? `“${u}”` : `visitor “${u}”`;
    if (!window.confirm(`Erase every session, event and recording of ${what} in ${project.name}? This cannot be undone.`)) return;
    setJobErr(null);
    (by === 'user' ? api.eraseUser(project.id, u) : api.eraseVisitor(project.id, u)).then(
      (j) => {
        setJob(j);
        setUser('');
        poll(j.id);
      },
      (err) => setJobErr(err.message),
    );
  };
  const dirty = text.trim() !== (days != null ? String(days) : '');

  return (
    <section class="panel privacy-retention" aria-labelledby="retention-h">
      <div class="panel-head">
        <h2 id="retention-h">Retention and erasure</h2>
      </div>
      <div class="panel-body small">
        {!isAdmin && (
          <div class="readonly-note" role="note">
            <IconLock size={14} />
            <span>Only admins can change the retention period or erase a user.</span>
          </div>
        )}
        <form class="retention-row" onSubmit={save} noValidate>
          <label for="retention-days">Keep sessions for</label>
          <input
            id="retention-days"
            class="input sm retention-input"
            inputMode="numeric"
            disabled={!isAdmin}
            value={text}
            aria-invalid={msg && !msg.ok ? 'true' : undefined}
            onInput={(e) => {
              setText((e.target as HTMLInputElement).value);
              setMsg(null);
            }}
          />
          <span>days after their last activity, then delete them with their events, recordings and files.</span>
          {isAdmin && (
            <button type="submit" class="btn sm primary" disabled={busy || !dirty}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          )}
          {msg && (
            <span class={msg.ok ? 'save-status' : 'form-error inline'} role={msg.ok ? 'status' : 'alert'}>
              {msg.ok && <IconCheck size={14} />} {msg.text}
            </span>
          )}
        </form>
        {isAdmin && (
          <form class="retention-row" onSubmit={erase} noValidate>
            <label for="erase-user">Erase</label>
            <select
              class="input sm"
              aria-label="Erase by"
              value={by}
              onChange={(e) => {
                setBy((e.target as HTMLSelectElement).value as 'user' | 'visitor');
                setJobErr(null);
              }}
            >
              <option value="user">a user</option>
              <option value="visitor">a visitor</option>
            </select>
            <input
              id="erase-user"
              class="input sm erase-input"
              placeholder={by === 'user' ? 'user id given to identify()' : 'visitor id (one browser)'}
              value={user}
              onInput={(e) => {
                setUser((e.target as HTMLInputElement).value);
                setJobErr(null);
              }}
            />
            <button type="submit" class="btn sm danger" disabled={!user.trim()}>
              Erase
            </button>
          </form>
        )}
        {jobErr && (
          <div class="form-error" role="alert">
            {jobErr}
          </div>
        )}
        {job && (
          <p class={'job-status ' + job.status} role="status">
            {jobSummary(job)}
          </p>
        )}
        <p class="muted">
          Also from the shell: <code>trailguide erase --project {project.id} --user &lt;user id&gt;</code> (or{' '}
          <code>--visitor &lt;visitor id&gt;</code>, <code>--session &lt;session id&gt;</code>; one session is also deleted from its
          replay page). A session still in progress is erased too, and what it sends afterwards is refused.
        </p>
      </div>
    </section>
  );
}
