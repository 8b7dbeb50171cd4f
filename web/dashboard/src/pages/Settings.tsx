// The project Settings page: how to install the SDK for this project, and the
// friction thresholds (GET/PUT /api/v1/projects/{pid}/settings).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { Project, User } from '../types';
import { useDocumentTitle, useLoad } from '../hooks';
import { copyText } from '../clipboard';
import {
  configToForm,
  defaultConfig,
  defaultHint,
  displayValue,
  formToConfig,
  GROUPS,
  isDefault,
  npmSnippet,
  rangeText,
  reasonToField,
  scriptSnippet,
  NUM_FIELDS,
  type FormValues,
  type FrictionConfig,
  type Group,
  type NumField,
} from '../settings';
import { IconCheck, IconCopy, IconLock } from '../components/icons';
import { SaveBar, SettingsCard } from '../components/SettingsCard';
import { ConfirmButton, PageHead } from '../components/PageHead';
import { AllowedOriginsCard } from '../components/AllowedOrigins';
import { PrivacyCard } from '../components/PrivacyCard';
import { WebhooksCard } from '../components/Webhooks';

export function SettingsPage({ project, user }: { project: Project; user: User }) {
  useDocumentTitle('Settings');
  return (
    <div class="content settings-page">
      <PageHead title="Settings" sub={project.name} />
      <div class="settings-stack">
        <InstallCard project={project} />
        <AllowedOriginsCard project={project} isAdmin={user.role === 'admin'} />
        <FrictionCard project={project} isAdmin={user.role === 'admin'} />
        <PrivacyCard project={project} isAdmin={user.role === 'admin'} />
        <WebhooksCard project={project} isAdmin={user.role === 'admin'} />
      </div>
    </div>
  );
}

// ---------- install ----------

function InstallCard({ project }: { project: Project }) {
  const origin = location.origin;
  const key = project.public_key;
  return (
    <SettingsCard id="install" title="Install" description="Add Trailguide to every page you want to record.">
      <div class="settings-body">
        <div class="snippet-block">
          <div class="snippet-label">
            <span>Script tag</span>
            <span class="hint">Paste into the &lt;head&gt; of your pages</span>
          </div>
          <Snippet text={scriptSnippet(origin, key)} what="script tag" />
        </div>
        <div class="snippet-block">
          <div class="snippet-label">
            <span>npm</span>
            <span class="hint">
              Or, with a bundler: <code>npm install @trailguide/sdk</code>
            </span>
          </div>
          <Snippet text={npmSnippet(origin, key)} what="npm snippet" />
        </div>
        <div class="key-row">
          <div class="key-main">
            <span class="snippet-label">Public key</span>
            <code class="key-value">{key}</code>
          </div>
          <CopyButton text={key} what="public key" />
        </div>
        <p class="hint key-note">
          <IconLock size={12} /> Write-only: this key can only send recordings to this project and cannot read any data, so it
          is safe to ship in your pages.
        </p>
      </div>
    </SettingsCard>
  );
}

function Snippet({ text, what }: { text: string; what: string }) {
  return (
    <div class="snippet">
      <pre>
        <code>{text}</code>
      </pre>
      <CopyButton text={text} what={what} />
    </div>
  );
}

export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 1800);
  };
  return (
    <button class={'btn sm copy-btn' + (state === 'copied' ? ' copied' : '')} onClick={copy} aria-label={`Copy ${what}`}>
      {state === 'copied' ? <IconCheck size={13} /> : <IconCopy size={13} />}
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : 'Copy'}</span>
    </button>
  );
}

// ---------- friction thresholds ----------

function FrictionCard({ project, isAdmin }: { project: Project; isAdmin: boolean }) {
  const [saved, setSaved] = useState<FrictionConfig | null>(null);
  const [values, setValues] = useState<FormValues>(() => configToForm(null));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'reset' | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const readOnly = !isAdmin || forbidden;

  const load = useLoad((signal) => api.settings(project.id, signal), [project.id], (r) => {
    setSaved(r.friction);
    setValues(configToForm(r.friction));
  });

  const savedKey = useMemo(() => JSON.stringify(formToConfig(configToForm(saved)).config), [saved]);
  const current = useMemo(() => formToConfig(values), [values]);
  const dirty = JSON.stringify(current.config) !== savedKey || Object.keys(current.errors).length > 0;
  const atDefaults = saved ? isDefault(configToForm(saved)) : true;

  const edit = (fn: (v: FormValues) => FormValues, field?: string) => {
    setValues((v) => fn(v));
    setStatus(null);
    setConfirmReset(false);
    if (field) {
      setFieldErrors((errs) => {
        if (!errs[field]) return errs;
        const next = { ...errs };
        delete next[field];
        return next;
      });
    }
  };

  const put = async (body: Partial<FrictionConfig>, kind: 'save' | 'reset') => {
    setBusy(kind);
    setFormError(null);
    setStatus(null);
    try {
      const r = await api.saveSettings(project.id, body);
      setSaved(r.friction);
      setValues(configToForm(r.friction));
      setFieldErrors({});
      setStatus(kind === 'reset' ? 'Reset to defaults' : 'Saved');
    } catch (err) {
      const e = err as APIError;
      if (e.status === 403) {
        // Not an admin after all (role changed since sign-in): show the stored values, read-only.
        setForbidden(true);
        setFormError(null);
        setFieldErrors({});
        setValues(configToForm(saved));
      } else if (e.status === 400) {
        const field = reasonToField(e.reason);
        if (field && field !== 'disabled') {
          setFieldErrors({ [field]: serverFieldMessage(field, e.message) });
          focusField(field);
        } else setFormError(e.message);
      } else setFormError(e.message);
    } finally {
      setBusy(null);
      setConfirmReset(false);
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    const r = formToConfig(values);
    setFieldErrors(r.errors);
    const bad = Object.keys(r.errors);
    if (bad.length) {
      setFormError(null);
      focusField(bad[0]);
      return;
    }
    put(r.config, 'save');
  };

  const reset = () => {
    if (!confirmReset) {
      setConfirmReset(true);
      return;
    }
    put({}, 'reset');
  };

  return (
    <SettingsCard
      id="friction"
      title="Friction thresholds"
      description="When a behaviour counts as friction. Changes apply to sessions analysed after saving and to pages that load the SDK afterwards."
      tag={
        !load.loading &&
        !load.error && <span class={'tag settings-state' + (atDefaults ? '' : ' custom')}>{atDefaults ? 'Defaults' : 'Customised'}</span>
      }
      load={{ ...load, errorTitle: 'Could not load the settings' }}
    >
      <form class="thresholds" onSubmit={save} noValidate>
        {readOnly && (
          <div class="readonly-note" role="note">
            <IconLock size={14} />
            <span>
              Only admins can change these thresholds. You are seeing this project's current values; ask an admin if
              a signal fires too often or too rarely.
            </span>
          </div>
        )}
        <fieldset disabled={readOnly} class="thresholds-set">
          {GROUPS.map((g) => (
            <GroupRow key={g.id} group={g} values={values} errors={fieldErrors} edit={edit} />
          ))}
        </fieldset>
        {!readOnly && (
          <SaveBar sticky error={formError} status={status} dirty={dirty} busy={busy != null} pending={busy === 'save'} label="Save">
            <ConfirmButton
              small={false}
              armed={confirmReset}
              onClick={reset}
              onDisarm={() => setConfirmReset(false)}
              disabled={busy != null || (atDefaults && !dirty)}
            >
              {busy === 'reset' ? 'Resetting…' : confirmReset ? 'Click again to reset every threshold' : 'Reset to defaults'}
            </ConfirmButton>
          </SaveBar>
        )}
      </form>
    </SettingsCard>
  );
}

function serverFieldMessage(field: string, message: string): string {
  const f = NUM_FIELDS.find((x) => x.key === field);
  if (field === 'dead_quick_ms') return 'Must be between 0 and the dead-click window';
  if (f && /out of range/.test(message)) return rangeText(f);
  return message;
}

function focusField(field: string) {
  requestAnimationFrame(() => {
    const el = document.getElementById('f-' + field) as HTMLElement | null;
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.focus({ preventScroll: true });
  });
}

type Edit = (fn: (v: FormValues) => FormValues, field?: string) => void;

function GroupRow({
  group,
  values,
  errors,
  edit,
}: {
  group: Group;
  values: FormValues;
  errors: Record<string, string>;
  edit: Edit;
}) {
  const sig = group.signals[0];
  const on = values.enabled[sig] !== false;
  const d = defaultConfig();
  return (
    <div class={'tg-group' + (on ? '' : ' off')}>
      <div class="tg-group-head">
        <label class="toggle">
          <input
            type="checkbox"
            checked={on}
            onChange={(e) =>
              edit((v) => ({ ...v, enabled: { ...v.enabled, [sig]: (e.target as HTMLInputElement).checked } }))
            }
            aria-label={`Detect ${group.title.toLowerCase()}`}
          />
          <span class="switch" />
        </label>
        <div>
          <h3>{group.title}</h3>
          <p class="muted small">{on ? group.blurb : 'Off: not detected in new sessions.'}</p>
        </div>
      </div>
      {on && (group.fields.length > 0 || group.flag || group.conversion) && (
        <div class="tg-fields">
          {group.fields.map((f) => (
            <NumInput key={f.key} f={f} value={values.nums[f.key] ?? ''} error={errors[f.key]} edit={edit} />
          ))}
          {group.flag && (
            <label class="tg-flag" id={'f-' + group.flag.key}>
              <input
                type="checkbox"
                checked={values.dead_interactive_only}
                onChange={(e) =>
                  edit((v) => ({ ...v, dead_interactive_only: (e.target as HTMLInputElement).checked }), 'dead_interactive_only')
                }
              />
              <span>
                <span class="tg-flag-label">{group.flag.label}</span>
                <span class="hint">
                  {group.flag.help}. Default {d.dead_interactive_only ? 'on' : 'off'}
                </span>
                {errors.dead_interactive_only && <span class="field-error">{errors.dead_interactive_only}</span>}
              </span>
            </label>
          )}
          {group.conversion && (
            <>
              <ListInput
                id="conversion.events"
                label="Conversion events"
                placeholder={'signup_completed\norder_placed'}
                hint="track() names, one per line"
                value={values.events}
                error={errors['conversion.events']}
                onInput={(s) => edit((v) => ({ ...v, events: s }), 'conversion.events')}
              />
              <ListInput
                id="conversion.urls"
                label="Conversion pages"
                placeholder={'/thanks\n/checkout/*/done'}
                hint="URL paths, one per line; * matches anything"
                value={values.urls}
                error={errors['conversion.urls']}
                onInput={(s) => edit((v) => ({ ...v, urls: s }), 'conversion.urls')}
              />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function NumInput({ f, value, error, edit }: { f: NumField; value: string; error?: string; edit: Edit }) {
  const id = 'f-' + f.key;
  const def = defaultHint(f);
  return (
    <div class={'tg-field' + (error ? ' invalid' : '')}>
      <label for={id}>{f.label}</label>
      <div class="unit-input">
        <input
          id={id}
          class="input"
          inputMode="decimal"
          autoComplete="off"
          spellcheck={false}
          value={value}
          placeholder={displayValue(f, defaultConfig()[f.key] as number)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={id + '-hint'}
          onInput={(e) => {
            const s = (e.target as HTMLInputElement).value;
            edit((v) => ({ ...v, nums: { ...v.nums, [f.key]: s } }), f.key);
          }}
        />
        <span class="unit">{f.unit}</span>
      </div>
      <span id={id + '-hint'} class={error ? 'field-error' : 'hint'}>
        {error || (f.help ? `${f.help}. ${def}` : def)}
      </span>
    </div>
  );
}

function ListInput({
  id,
  label,
  placeholder,
  hint,
  value,
  error,
  onInput,
}: {
  id: string;
  label: string;
  placeholder: string;
  hint: string;
  value: string;
  error?: string;
  onInput: (s: string) => void;
}) {
  return (
    <div class={'tg-field wide' + (error ? ' invalid' : '')}>
      <label for={'f-' + id}>{label}</label>
      <textarea
        id={'f-' + id}
        class="input"
        rows={3}
        spellcheck={false}
        placeholder={placeholder}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
      />
      <span class={error ? 'field-error' : 'hint'}>{error || hint + '. Default none'}</span>
    </div>
  );
}
