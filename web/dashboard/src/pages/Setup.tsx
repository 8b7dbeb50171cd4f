import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { User } from '../types';
import { AuthFrame } from './Login';
import { useDocumentTitle } from '../hooks';

export const MIN_PASSWORD = 8;

export function SetupPage({ token, needed, onDone }: { token: string; needed: boolean; onDone: (u: User) => void }) {
  useDocumentTitle('Set up');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!needed) {
    return (
      <AuthFrame title="Already set up" subtitle="This Trailguide already has an account. Sign in instead.">
        <a class="btn primary block" href="/login">
          Go to sign in
        </a>
      </AuthFrame>
    );
  }
  if (!token) {
    return (
      <AuthFrame title="Welcome to Trailguide" subtitle="Create the first account with the one-time setup link.">
        <div class="note">
          When the server started it printed a link like <code>/setup?token=…</code> to its log. Open that link to
          create the admin account.
        </div>
      </AuthFrame>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    // Read the fields, not state: autofill and fast submits can beat a re-render.
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const nm = String(form.get('name') ?? name);
    const em = String(form.get('email') ?? email);
    const pw = String(form.get('password') ?? password);
    if (pw.length < MIN_PASSWORD) {
      setError(`Use at least ${MIN_PASSWORD} characters for the password.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.setup({ token, name: nm.trim(), email: em.trim(), password: pw });
      onDone(user);
    } catch (err) {
      const e = err as APIError;
      if (e.status === 403) setError('This setup link is not valid any more. Restart the server for a new one.');
      else if (e.status === 409) setError('An account already exists. Sign in instead.');
      else setError(e.message);
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Create your admin account" subtitle="You are the first user of this Trailguide. You can invite your team later.">
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>Name</span>
          <input
            class="input"
            name="name"
            autocomplete="name"
            required
            autofocus
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Work email</span>
          <input
            class="input"
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            class="input"
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minLength={MIN_PASSWORD}
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          <small class="hint">At least {MIN_PASSWORD} characters.</small>
        </label>
        {error && (
          <div class="form-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="btn primary block" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthFrame>
  );
}
