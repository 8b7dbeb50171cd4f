// The Team page (admins): the organisation's users, their roles, adding a
// user with an initial password, changing roles, removing users
// (GET/POST /api/v1/users, PATCH/DELETE /api/v1/users/{uid}).
import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { User } from '../types';
import { useDocumentTitle, useLoad, useNow, useSubmit } from '../hooks';
import { formatRelative, formatExact } from '../format';
import { MIN_PASSWORD, ROLES } from '../access';
import { IconCheck, IconPlus } from '../components/icons';
import { LoadGate } from '../components/States';
import { AccessTable } from '../components/AccessTable';
import { SaveBar, SettingsCard } from '../components/SettingsCard';
import { ConfirmButton, PageHead } from '../components/PageHead';

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
      <PageHead title="Team" sub="People in your organisation and what they may do. Roles apply from their next click.">
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
      </PageHead>
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
        <LoadGate load={load} errorTitle="Could not load the team">
          {users && (
            <AccessTable
              columns={
                <>
                  <th class="col-role">Role</th>
                  <th class="col-added">Added</th>
                </>
              }
            >
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
                      <ConfirmButton armed={confirmRemove === u.id} onClick={() => remove(u)} onDisarm={() => setConfirmRemove(null)}>
                        {confirmRemove === u.id ? 'Click again to remove' : 'Remove'}
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </AccessTable>
          )}
        </LoadGate>
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
  const { busy, error, setError, run } = useSubmit<{ field?: string; message: string }>((err) => {
    const a = err as APIError;
    return { field: a.reason, message: a.status === 409 ? 'A user with this email already exists.' : a.message };
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    if ([...password].length < MIN_PASSWORD) {
      setError({ field: 'password', message: `The initial password needs at least ${MIN_PASSWORD} characters.` });
      return;
    }
    await run(async () => {
      const r = await api.createUser({ email: email.trim(), name: name.trim(), role, password });
      onCreated(r.user);
    });
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
