// The project's privacy settings as the dashboard edits them
// (GET/PUT /api/v1/projects/{pid}/settings/privacy, docs/PRIVACY.md).

export type PrivacyMode = 'balanced' | 'strict' | 'relaxed';

export interface PrivacyConfig {
  mode: PrivacyMode;
  mask_selectors: string[];
  block_selectors: string[];
  unmask_selectors: string[];
}

export type RuleList = 'mask_selectors' | 'block_selectors' | 'unmask_selectors';

export const DEFAULT_PRIVACY: PrivacyConfig = { mode: 'balanced', mask_selectors: [], block_selectors: [], unmask_selectors: [] };

export const MODES: Array<{ id: PrivacyMode; title: string; blurb: string }> = [
  {
    id: 'balanced',
    title: 'Balanced',
    blurb: 'Every form value masked; emails, phone and card numbers and long numbers in page text masked; the rest of the text readable.',
  },
  {
    id: 'strict',
    title: 'Strict',
    blurb: 'All text and form values masked; images, video, canvas and iframes replaced by placeholders. Replays show layout and behaviour only.',
  },
  {
    id: 'relaxed',
    title: 'Relaxed',
    blurb: 'As balanced, but choices are recorded: selects, checkboxes, radios, ranges, dates. Labels of form fields are readable. Typed text stays masked.',
  },
];

export const RULES: Array<{ id: RuleList; label: string; hint: string; placeholder: string }> = [
  { id: 'mask_selectors', label: 'Mask', hint: 'Text replaced by *, like data-tg-mask', placeholder: '.customer-name\n[data-private]' },
  { id: 'block_selectors', label: 'Block', hint: 'Replaced by a same-size box, like data-tg-block', placeholder: '#map\n.chat-widget' },
  { id: 'unmask_selectors', label: 'Unmask', hint: 'Recorded as shown, like data-tg-unmask; never passwords', placeholder: '.plan-name\n#search-box' },
];

/** One selector per line, trimmed, without empty lines. */
export function linesToList(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export function listToLines(l: readonly string[] | null | undefined): string {
  return (l || []).join('\n');
}

/**
 * The list and line a server reason points at: "privacy.mask_selectors.2" is
 * the third non-empty line of the mask list; "privacy.mode" the mode.
 */
export function reasonToRule(reason: string | undefined, text: Record<RuleList, string>): { field: RuleList | 'mode'; line?: number } | null {
  const m = /^privacy\.(mode|mask_selectors|block_selectors|unmask_selectors)(?:\.(\d+))?$/.exec(reason || '');
  if (!m) return null;
  if (m[1] === 'mode') return { field: 'mode' };
  const field = m[1] as RuleList;
  if (m[2] === undefined) return { field };
  // index among non-empty lines -> 1-based line number in the textarea
  let n = -1;
  const lines = text[field].split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() && ++n === Number(m[2])) return { field, line: i + 1 };
  }
  return { field };
}

export function sameConfig(a: PrivacyConfig, b: PrivacyConfig): boolean {
  return JSON.stringify([a.mode, a.mask_selectors, a.block_selectors, a.unmask_selectors]) ===
    JSON.stringify([b.mode, b.mask_selectors, b.block_selectors, b.unmask_selectors]);
}
