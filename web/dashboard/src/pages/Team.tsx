// The Team page (admins): the organisation's users, their roles, adding a
// user with an initial password, changing roles, removing users
// (GET/POST /api/v1/users, PATCH/DELETE /api/v1/users/{uid}).
import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { User } from '../types';
import { useDocumentTitle, useLoad, useNow } from '../hooks';
import { formatRelative, formatExact } from '../format';
import { MIN_PASSWORD, ROLES } from '../access';
import { IconCheck, IconPlus } from '../components/icons';
import { ErrorState, Spinner } from '../components/States';
import { SaveBar, SettingsCard } from '../components/SettingsCard';

export function TeamPage({ me }: { me: User }) {
  useDocumentTitle('Team');
  const now = useNow();
  const load = useLoad((signal) => api.users(signal).then((r) => r.users), []);
  const users = load.data;
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<User | null>(null);
  const isAdmin = me.role === 'admin';

  const replace = (u: User) => load.setData((l) => l && l.map((x) => (x.id === u.id ? u : x)));

  const setRole = async (u: User, role: string) => {
    setRowError(null);
    try {
      const r = await api.setRole(u.id, role);
      replace(r.user);
    } catch (err) {
      setRowError({ id: u.id, message: (err as Error).message });
      replace({ ...u }); // re-render the select with the stored role
    }
  };

  const remove = async (u: User) => {
    if (confirmRemove !== u.id) {
      setConfirmRemove(u.id);
      return;
    }
    setRowError(null);
    try {
      await api.removeUser(u.id);
      load.setData((l) => l && l.filter((x) => x.id !== u.id));
    } catch (err) {
      setRowError({ id: u.id, message: (err as Error).message });
    } finally {
      setConfirmRemove(null);
    }
  };

  return (
    <div class="content access-page">
      <header class="page-head">
        <div>
          <h1>Team</h1>
          <p class="muted small">
            People in your organisation and what they may do. Roles apply from their next click.
          </p>
        </div>
        {isAdmin && !adding && (
          <button
            class="btn primary"
            onClick={() => {
              setAdding(true);
              setAdded(null);
            }}
          >
            <IconPlus size={14} /> Add user
          </button>
        )}
      </header>
      <div class="settings-stack">
        {adding && (
          <AddUserCard
            onCancel={() => setAdding(false)}
            onCreated={(u) => {
              setAdding(false);
              setAdded(u);
              load.setData((l) => l && [...l, u]);
            }}
          />
        )}
        {added && (
          <div class="note ok-note" role="status">
            <IconCheck size={14} />
            <span>
              Added {added.email} as {added.role}. Hand over the initial password; they can change it under Account.
            </span>
          </div>
        )}
        {load.loading && (
          <div class="center-pad">
            <Spinner />
          </div>
        )}
        {load.error && <ErrorState title="Could not load the team" message={load.error.message} onRetry={load.reload} />}
        {!load.loading && !load.error && users && (
          <div class="table-wrap">
            <table class="table access-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th class="col-role">Role</th>
                  <th class="col-added">Added</th>
                  <th class="col-actions">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <div class="person-text">
                        <span class="person-name">
                          {u.name || u.email}
                          {u.id === me.id && <span class="tag you-tag">you</span>}
                        </span>
                        <span class="person-sub muted">{u.email}</span>
                      </div>
                      {rowError?.id === u.id && (
                        <div class="form-error row-error" role="alert">
                          {rowError.message}
                        </div>
                      )}
                    </td>
                    <td class="col-role">
                      {isAdmin ? (
                        <select
                          class="input sm"
                          value={u.role}
                          aria-label={`Role of ${u.email}`}
                          onChange={(e) => setRole(u, (e.target as HTMLSelectElement).value)}
                        >
                          {ROLES.map((r) => (
                            <option key={r.id} value={r.id}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span class="tag">{u.role}</span>
                      )}
                    </td>
                    <td class="col-added muted" title={formatExact(u.created_at)}>
                      {formatRelative(u.created_at, now)}
                    </td>
                    <td class="col-actions">
                      {isAdmin && u.id !== me.id && (
                        <button
                          class={'btn sm' + (confirmRemove === u.id ? ' danger-outline' : ' ghost')}
                          onClick={() => remove(u)}
                          onBlur={() => setConfirmRemove(null)}
                        >
                          {confirmRemove === u.id ? 'Click again to remove' : 'Remove'}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="note role-legend">
          {ROLES.map((r) => (
            <div key={r.id}>
              <strong>{r.label}</strong> — {r.help}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function AddUserCard({ onCreated, onCancel }: { onCreated: (u: User) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('member');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if ([...password].length < MIN_PASSWORD) {
      setError({ field: 'password', message: `The initial password needs at least ${MIN_PASSWORD} characters.` });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api.createUser({ email: email.trim(), name: name.trim(), role, password });
      onCreated(r.user);
    } catch (err) {
      const a = err as APIError;
      setError({ field: a.reason, message: a.status === 409 ? 'A user with this email already exists.' : a.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard
      id="add-user"
      title="Add a user"
      description="You set an initial password and hand it over; they sign in with it and change it under Account. Changing a password signs out every other session."
    >
      <form class="access-form" onSubmit={submit} noValidate>
        <label class="field">
          <span>Email</span>
          <input
            class={'input' + (error?.field === 'email' ? ' invalid' : '')}
            type="email"
            required
            autocomplete="off"
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Name</span>
          <input
            class="input"
            placeholder="Optional"
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Role</span>
          <select class="input" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {ROLES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label} — {r.help}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Initial password</span>
          <input
            class={'input' + (error?.field === 'password' ? ' invalid' : '')}
            type="password"
            autocomplete="new-password"
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <SaveBar error={error?.message} busy={busy} canSubmit={!!email.trim()} label="Add user" busyLabel="Adding…">
          <button type="button" class="btn ghost" onClick={onCancel}>
            Cancel
          </button>
        </SaveBar>
      </form>
    </SettingsCard>
  );
}
