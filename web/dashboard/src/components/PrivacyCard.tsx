// The Privacy section of the Settings page: the project's masking mode and
// its mask / block / unmask rules (CSS selectors), as the SDK applies them
// in visitors' browsers (docs/PRIVACY.md). Admins edit; others read.
import { useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { Project } from '../types';
import {
  DEFAULT_PRIVACY,
  linesToList,
  listToLines,
  MODES,
  reasonToRule,
  RULES,
  sameConfig,
  type PrivacyConfig,
  type PrivacyMode,
  type RuleList,
} from '../privacy';
import { useLoad } from '../hooks';
import { IconLock } from './icons';
import { SaveBar, SettingsCard } from './SettingsCard';
type Texts = Record<RuleList, string>;

const toTexts = (c: PrivacyConfig): Texts => ({
  mask_selectors: listToLines(c.mask_selectors),
  block_selectors: listToLines(c.block_selectors),
  unmask_selectors: listToLines(c.unmask_selectors),
});

export function PrivacyCard({ project, isAdmin }: { project: Project; isAdmin: boolean }) {
  const [saved, setSaved] = useState<PrivacyConfig>(DEFAULT_PRIVACY);
  const [mode, setMode] = useState<PrivacyMode>('balanced');
  const [texts, setTexts] = useState<Texts>(toTexts(DEFAULT_PRIVACY));
  const [errors, setErrors] = useState<Partial<Record<RuleList | 'mode', string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const readOnly = !isAdmin || forbidden;

  const show = (c: PrivacyConfig) => {
    setSaved(c);
    setMode(c.mode);
    setTexts(toTexts(c));
  };
  const load = useLoad((signal) => api.privacy(project.id, signal), [project.id], show);
  const ready = !load.loading && !load.error;

  const current: PrivacyConfig = {
    mode,
    mask_selectors: linesToList(texts.mask_selectors),
    block_selectors: linesToList(texts.block_selectors),
    unmask_selectors: linesToList(texts.unmask_selectors),
  };
  const dirty = !sameConfig(current, saved);

  const editText = (id: RuleList, s: string) => {
    setTexts((t) => ({ ...t, [id]: s }));
    setErrors((e) => ({ ...e, [id]: undefined }));
    setStatus(null);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly) return;
    setBusy(true);
    setFormError(null);
    setStatus(null);
    try {
      show(await api.savePrivacy(project.id, current));
      setErrors({});
      setStatus('Saved');
    } catch (err) {
      const ae = err as APIError;
      const at = ae.status === 400 ? reasonToRule(ae.reason, texts) : null;
      if (ae.status === 403) {
        setForbidden(true);
        show(saved);
      } else if (at) {
        const msg = ae.message.replace(/\.$/, '');
        setErrors({ [at.field]: at.line ? `Line ${at.line}: ${msg}` : msg });
        requestAnimationFrame(() => document.getElementById('p-' + at.field)?.focus());
      } else setFormError(ae.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard
      id="privacy"
      class="privacy-card"
      title="Privacy"
      description="What the SDK records. Masking happens in the visitor's browser, before anything is sent; changes reach pages that load the SDK afterwards."
      tag={
        ready && (
          <span class={'tag settings-state' + (saved.mode === 'balanced' ? '' : ' custom')}>
            {MODES.find((m) => m.id === saved.mode)?.title}
          </span>
        )
      }
      load={{ ...load, errorTitle: 'Could not load the privacy settings' }}
    >
      <form onSubmit={save} noValidate>
        {readOnly && (
          <div class="readonly-note" role="note">
            <IconLock size={14} />
            <span>Only admins can change the privacy settings.</span>
          </div>
        )}
        <fieldset disabled={readOnly} class="thresholds-set">
          <div class="privacy-block">
            <div class="privacy-label" id="p-mode-l">
              Mode
            </div>
            <div class="privacy-modes" role="radiogroup" aria-labelledby="p-mode-l" id="p-mode">
              {MODES.map((m) => (
                <label key={m.id} class={'privacy-mode' + (mode === m.id ? ' on' : '')}>
                  <input
                    type="radio"
                    name="privacy-mode"
                    value={m.id}
                    checked={mode === m.id}
                    onChange={() => {
                      setMode(m.id);
                      setStatus(null);
                    }}
                  />
                  <span class="privacy-mode-title">
                    {m.title}
                    {m.id === 'balanced' && <span class="muted"> · default</span>}
                  </span>
                  <span class="privacy-mode-blurb">{m.blurb}</span>
                </label>
              ))}
            </div>
            {errors.mode && <span class="field-error">{errors.mode}</span>}
            <p class="privacy-never small">
              <IconLock size={13} />
              <span>
                Never recorded, in any mode and whatever the rules say: password fields (also when switched to show the
                password), hidden inputs, card fields marked <code>autocomplete="cc-…"</code> and one-time codes.
              </span>
            </p>
          </div>
          <div class="privacy-block">
            <div class="privacy-label">Rules</div>
            <p class="muted small privacy-rules-help">
              CSS selectors, one per line. They add to the <code>data-tg-mask</code>, <code>data-tg-block</code> and{' '}
              <code>data-tg-unmask</code> attributes in your pages; a mask wins over an unmask.
            </p>
            <div class="privacy-rules">
              {RULES.map((r) => (
                <div key={r.id} class={'tg-field' + (errors[r.id] ? ' invalid' : '')}>
                  <label for={'p-' + r.id}>{r.label}</label>
                  <textarea
                    id={'p-' + r.id}
                    class="input mono"
                    rows={4}
                    spellcheck={false}
                    autoComplete="off"
                    placeholder={r.placeholder}
                    value={texts[r.id]}
                    aria-invalid={errors[r.id] ? 'true' : undefined}
                    onInput={(e) => editText(r.id, (e.target as HTMLTextAreaElement).value)}
                  />
                  <span class={errors[r.id] ? 'field-error' : 'hint'}>{errors[r.id] || r.hint}</span>
                </div>
              ))}
            </div>
          </div>
        </fieldset>
        {!readOnly && <SaveBar sticky error={formError} status={status} dirty={dirty} busy={busy} label="Save" />}
      </form>
    </SettingsCard>
  );
}
