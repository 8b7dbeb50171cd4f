// The API keys page (admins): the organisation's secret keys for the JSON
// API. A new key is shown once, right after it is made; the list shows only
// its first characters (GET/POST /api/v1/keys, DELETE /api/v1/keys/{kid}).
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { APIKey } from '../types';
import { useDocumentTitle, useLoad, useNow, useSubmit } from '../hooks';
import { formatExact, formatRelative } from '../format';
import { maskedKey, SCOPES } from '../access';
import { IconLock, IconPlus } from '../components/icons';
import { LoadGate } from '../components/States';
import { AccessTable } from '../components/AccessTable';
import { FormError, SettingsCard } from '../components/SettingsCard';
import { ConfirmButton, PageHead } from '../components/PageHead';
import { CopyButton } from './Settings';

export function ApiKeysPage() {
  useDocumentTitle('API keys');
  const now = useNow();
  const load = useLoad((signal) => api.keys(signal).then((r) => r.keys), []);
  const keys = load.data;
  const [fresh, setFresh] = useState<{ key: APIKey; secret: string } | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (k: APIKey) => {
    if (confirmRevoke !== k.id) {
      setConfirmRevoke(k.id);
      return;
    }
    setError(null);
    try {
      await api.revokeKey(k.id);
      load.setData((l) => l && l.filter((x) => x.id !== k.id));
      if (fresh?.key.id === k.id) setFresh(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setConfirmRevoke(null);
    }
  };

  return (
    <div class="content access-page">
      <PageHead title="API keys" sub="Secret keys for scripts and integrations that call the Trailguide API." />
      <div class="settings-stack">
        <CreateKeyCard
          onCreated={(key, secret) => {
            setFresh({ key, secret });
            load.setData((l) => l && [...l, key]);
          }}
        />
        {fresh && (
          <SettingsCard
            id="secret"
            class="secret-card"
            role="status"
            title={`Copy your new key “${fresh.key.name}” now`}
            description="This is the only time it is shown. Trailguide keeps only a hash of it; if you lose it, revoke it and make another."
          >
            <div class="settings-body">
              <div class="snippet">
                <pre>
                  <code class="secret-value">{fresh.secret}</code>
                </pre>
                <CopyButton text={fresh.secret} what="secret key" />
              </div>
              <div class="snippet">
                <pre>
                  <code>{`curl -H "Authorization: Bearer $TRAILGUIDE_KEY" ${location.origin}/api/v1/projects`}</code>
                </pre>
              </div>
              <div class="settings-actions">
                <span class="grow" />
                <button class="btn" onClick={() => setFresh(null)}>
                  I have stored it
                </button>
              </div>
            </div>
          </SettingsCard>
        )}
        <FormError message={error} />
        <LoadGate load={load} errorTitle="Could not load the keys">
          {keys && keys.length === 0 && (
            <div class="panel panel-empty-box">
              <p class="muted">No API keys yet. Create one above for each script or integration, so you can revoke them one by one.</p>
            </div>
          )}
          {keys && keys.length > 0 && (
            <AccessTable
              columns={
                <>
                  <th class="col-key">Key</th>
                  <th class="col-scope">Scope</th>
                  <th class="col-added">Created</th>
                  <th class="col-added">Last used</th>
                </>
              }
            >
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    <div class="person-text">
                      <span class="person-name">{k.name}</span>
                      <span class="person-sub muted">by {k.created_by || 'unknown'}</span>
                    </div>
                  </td>
                  <td class="col-key">
                    <code class="mono">{maskedKey(k.prefix)}</code>
                  </td>
                  <td class="col-scope">
                    <span class={'tag' + (k.scope === 'read-write' ? ' scope-rw' : '')}>{k.scope}</span>
                  </td>
                  <td class="col-added muted" title={formatExact(k.created_at)}>
                    {formatRelative(k.created_at, now)}
                  </td>
                  <td class="col-added muted" title={k.last_used_at ? formatExact(k.last_used_at) : undefined}>
                    {k.last_used_at ? formatRelative(k.last_used_at, now) : 'Never'}
                  </td>
                  <td class="col-actions">
                    <ConfirmButton armed={confirmRevoke === k.id} onClick={() => revoke(k)} onDisarm={() => setConfirmRevoke(null)}>
                      {confirmRevoke === k.id ? 'Click again to revoke' : 'Revoke'}
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </AccessTable>
          )}
        </LoadGate>
        <p class="hint key-note keys-foot">
          <IconLock size={12} />
          <span>
            Send a key as <code>Authorization: Bearer tg_sk_…</code>. Keys belong to the organisation, never have admin
            rights, and stop working the moment they are revoked. The public key in your page snippet is a different
            thing: it can only send recordings.
          </span>
        </p>
      </div>
    </div>
  );
}

function CreateKeyCard({ onCreated }: { onCreated: (k: APIKey, secret: string) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<string>('read');
  const { busy, error, run } = useSubmit();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return;
    await run(async () => {
      const r = await api.createKey(name.trim(), scope);
      onCreated(r.key, r.secret);
      setName('');
    });
  };
  return (
    <SettingsCard id="new-key" title="Create a key">
      <form class="key-form" onSubmit={submit}>
        <label class="field grow">
          <span>Name</span>
          <input
            class="input"
            placeholder="What uses it, e.g. Nightly export"
            value={name}
            maxLength={100}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Scope</span>
          <select class="input" value={scope} onChange={(e) => setScope((e.target as HTMLSelectElement).value)}>
            {SCOPES.map((s) => (
              <option key={s.id} value={s.id} title={s.help}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn primary" disabled={busy || !name.trim()}>
          <IconPlus size={14} /> {busy ? 'Creating…' : 'Create key'}
        </button>
        <FormError message={error} />
      </form>
    </SettingsCard>
  );
}
