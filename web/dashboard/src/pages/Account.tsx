// The Account page: who you are, and changing your password (POST
// /api/v1/me/password), which signs out every other session of yours.
import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { User } from '../types';
import { useDocumentTitle } from '../hooks';
import { checkNewPassword } from '../access';
import { SaveBar, SettingsCard } from '../components/SettingsCard';

export function AccountPage({ me }: { me: User }) {
  useDocumentTitle('Account');
  return (
    <div class="content access-page">
      <header class="page-head">
        <div>
          <h1>Account</h1>
          <p class="muted small">
            {me.email} · {me.role}
          </p>
        </div>
      </header>
      <div class="settings-stack">
        <PasswordCard />
      </div>
    </div>
  );
}

function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const bad = checkNewPassword(next, confirm);
    if (bad) {
      setError({ field: 'new_password', message: bad });
      return;
    }
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (err) {
      const a = err as APIError;
      setError({ field: a.reason, message: a.message });
    } finally {
      setBusy(false);
    }
  };
  const input = (label: string, field: string, value: string, set: (v: string) => void, autocomplete: string) => (
    <label class="field">
      <span>{label}</span>
      <input
        class={'input' + (error?.field === field ? ' invalid' : '')}
        type="password"
        autocomplete={autocomplete}
        value={value}
        onInput={(e) => {
          set((e.target as HTMLInputElement).value);
          setDone(false);
        }}
      />
    </label>
  );
  return (
    <SettingsCard
      id="pw"
      title="Change password"
      description="Every other device where you are signed in is signed out; this one stays signed in."
    >
      <form class="access-form single" onSubmit={submit} noValidate>
        {input('Current password', 'current_password', current, setCurrent, 'current-password')}
        {input('New password', 'new_password', next, setNext, 'new-password')}
        {input('New password again', 'confirm', confirm, setConfirm, 'new-password')}
        <SaveBar
          error={error?.message}
          status={done && 'Password changed; other sessions signed out'}
          busy={busy}
          canSubmit={!!current && !!next}
          label="Change password"
          busyLabel="Changing…"
        />
      </form>
    </SettingsCard>
  );
}
