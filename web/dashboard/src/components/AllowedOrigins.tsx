// The "Allowed origins" card of a project's Settings page (PUT
// /api/v1/projects/{pid}/allowed-origins). Kept in its own file so the
// Settings page only mounts it.
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Project } from '../types';
import { checkOrigins, parseOriginsText } from '../access';
import { IconLock } from './icons';
import { FormError, SaveBar, SettingsCard } from './SettingsCard';
import { useSubmit } from '../hooks';

export function AllowedOriginsCard({ project, isAdmin }: { project: Project; isAdmin: boolean }) {
  const [saved, setSaved] = useState<string[]>(project.allowed_origins || []);
  const [text, setText] = useState(saved.join('\n'));
  const { busy, error, setError, run } = useSubmit();
  const [status, setStatus] = useState<string | null>(null);
  const list = parseOriginsText(text);
  const dirty = list.join('\n') !== saved.join('\n');

  const save = async (e: Event) => {
    e.preventDefault();
    const bad = checkOrigins(list);
    if (bad) {
      setError(bad);
      return;
    }
    await run(async () => {
      const r = await api.setAllowedOrigins(project.id, list);
      const stored = r.project.allowed_origins || [];
      project.allowed_origins = stored;
      setSaved(stored);
      setText(stored.join('\n'));
      setStatus('Saved');
    });
  };

  return (
    <SettingsCard
      id="origins"
      title="Allowed origins"
      description="When this list is not empty, recordings are accepted only from pages on these origins. It keeps other sites that copy your snippet from filling this project with noise. It is not a security boundary: the public key is in every page, and a script outside a browser can claim any origin."
      tag={
        <span class={'tag settings-state' + (saved.length ? ' custom' : '')}>
          {saved.length ? `${saved.length} origin${saved.length > 1 ? 's' : ''}` : 'Any origin'}
        </span>
      }
    >
      <form class="settings-body" onSubmit={save} noValidate>
        {!isAdmin && (
          <div class="readonly-note origins-readonly" role="note">
            <IconLock size={14} />
            <span>Only admins can change the allowed origins.</span>
          </div>
        )}
        <label class="field">
          <span class="sr-only">Allowed origins, one per line</span>
          <textarea
            class="input origins-input"
            rows={3}
            placeholder={'https://app.example.com\nhttp://localhost:3000'}
            disabled={!isAdmin}
            value={text}
            spellcheck={false}
            onInput={(e) => {
              setText((e.target as HTMLTextAreaElement).value);
              setStatus(null);
              setError(null);
            }}
          />
        </label>
        <p class="hint origins-hint">One origin per line: scheme, host and port, no path. Empty accepts every origin.</p>
        {isAdmin ? (
          <SaveBar error={error} status={status} dirty={dirty} busy={busy} label="Save origins" />
        ) : (
          <FormError message={error} />
        )}
      </form>
    </SettingsCard>
  );
}
