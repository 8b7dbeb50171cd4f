import { useState } from 'preact/hooks';
import { api } from '../api';
import type { User } from '../types';
import { Logo } from '../components/icons';
import { useDocumentTitle } from '../hooks';

export function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: string; children: any }) {
  return (
    <div class="auth">
      <div class="auth-card">
        <div class="auth-brand">
          <Logo size={28} />
          <span>Trailguide</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <p class="muted">{subtitle}</p>}
        {children}
      </div>
    </div>
  );
}

export function LoginPage({ onDone }: { onDone: (u: User) => void }) {
  useDocumentTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    // Read the fields, not state: autofill and fast submits can beat a re-render.
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const em = String(form.get('email') ?? email);
    const pw = String(form.get('password') ?? password);
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.login(em.trim(), pw);
      onDone(user);
    } catch (err: any) {
      setError(err?.status === 401 ? 'That email and password do not match an account.' : err.message);
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Sign in" subtitle="Watch sessions, find friction, fix it.">
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>Email</span>
          <input
            class="input"
            type="email"
            name="email"
            autocomplete="username"
            required
            autofocus
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
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <div class="form-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="btn primary block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}
