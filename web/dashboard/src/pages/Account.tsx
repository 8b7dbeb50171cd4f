// The Account page: who you are, and changing your password (POST
// /api/v1/me/password), which signs out every other session of yours.
import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { User } from '../types';
import { useDocumentTitle, useSubmit } from '../hooks';
import { checkNewPassword } from '../access';
import { SaveBar, SettingsCard } from '../components/SettingsCard';
import { PageHead } from '../components/PageHead';

export function AccountPage({ me }: { me: User }) {
  useDocumentTitle('Account');
  return (
    <div class="content access-page">
      <PageHead title="Account" sub={`${me.email} · ${me.role}`} />
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
  const { busy, error, setError, run } = useSubmit<{ field?: string; message: string }>((err) => {
    const a = err as APIError;
    return { field: a.reason, message: a.message };
  });
  const [done, setDone] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const bad = checkNewPassword(next, confirm);
    if (bad) {
      setError({ field: 'new_password', message: bad });
      return;
    }
    setDone(false);
    await run(async () => {
      await api.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    });
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
