import { describe, expect, it } from 'vitest';
import {
  ALL_SIGNALS,
  configToForm,
  defaultConfig,
  formToConfig,
  groupOf,
  isDefault,
  npmSnippet,
  NUM_FIELDS,
  reasonToField,
  scriptSnippet,
  type FrictionConfig,
} from '../src/settings';

describe('install snippets', () => {
  it('builds the one-tag snippet from the origin and key', () => {
    expect(scriptSnippet('https://tg.example.com', 'pk_abc')).toBe(
      '<script src="https://tg.example.com/sdk/trailguide.js" data-key="pk_abc" async></script>',
    );
  });
  it('drops a trailing slash of the origin', () => {
    expect(scriptSnippet('http://127.0.0.1:8096/', 'k')).toBe(
      '<script src="http://127.0.0.1:8096/sdk/trailguide.js" data-key="k" async></script>',
    );
  });
  it('escapes the key for the attribute and the JS string', () => {
    expect(scriptSnippet('http://a', 'x"y')).toContain('data-key="x&quot;y"');
    expect(npmSnippet('http://a', "x'y")).toContain("key: 'x\\'y'");
  });
  it('builds the npm snippet', () => {
    expect(npmSnippet('https://tg.example.com', 'pk_abc')).toBe(
      "import { init } from '@trailguide/sdk';\ninit({ key: 'pk_abc', endpoint: 'https://tg.example.com' })",
    );
  });
});

describe('config ↔ form', () => {
  it('covers every numeric threshold of the config exactly once', () => {
    const numeric = Object.entries(defaultConfig())
      .filter(([, v]) => typeof v === 'number')
      .map(([k]) => k)
      .sort();
    expect(NUM_FIELDS.map((f) => f.key).sort()).toEqual(numeric);
  });

  it('lists every signal type the server knows (friction.Types)', () => {
    expect(ALL_SIGNALS).toEqual([
      'rage_click',
      'dead_click',
      'error_click',
      'thrashed_cursor',
      'excessive_scrolling',
      'quick_back',
      'form_abandonment',
      'field_struggle',
      'hesitation',
      'exit',
    ]);
  });

  it('shows values in display units', () => {
    const v = configToForm(defaultConfig());
    expect(v.nums.rage_clicks).toBe('3');
    expect(v.nums.rage_window_ms).toBe('1000');
    expect(v.nums.scroll_min_fraction).toBe('25');
    expect(v.nums.quick_back_ms).toBe('10');
    expect(v.nums.hesitation_ms).toBe('3');
    expect(v.nums.exit_idle_ms).toBe('5');
    expect(v.nums.thrash_min_speed).toBe('0.5');
    expect(v.dead_interactive_only).toBe(true);
    expect(v.events).toBe('');
    expect(Object.values(v.enabled).every(Boolean)).toBe(true);
  });

  it('round-trips the defaults to the full default config', () => {
    const { config, errors } = formToConfig(configToForm(null));
    expect(errors).toEqual({});
    const d = defaultConfig();
    expect(config).toEqual({ ...d, conversion: {} });
    expect(isDefault(configToForm(null))).toBe(true);
  });

  it('round-trips a customised config', () => {
    const cfg: FrictionConfig = {
      ...defaultConfig(),
      rage_clicks: 5,
      rage_radius_px: 12.5,
      scroll_min_fraction: 0.07,
      exit_idle_ms: 90000,
      dead_interactive_only: false,
      conversion: { events: ['signup', 'order'], urls: ['/thanks', '/checkout/*/done'] },
      disabled: ['hesitation', 'exit'],
    };
    const v = configToForm(cfg);
    expect(v.nums.exit_idle_ms).toBe('1.5');
    expect(v.nums.scroll_min_fraction).toBe('7');
    expect(v.enabled.hesitation).toBe(false);
    expect(v.enabled.exit).toBe(false);
    expect(v.events).toBe('signup\norder');
    const r = formToConfig(v);
    expect(r.errors).toEqual({});
    expect(r.config).toEqual(cfg);
    expect(isDefault(v)).toBe(false);
  });

  it('converts display units back to the wire', () => {
    const v = configToForm(null);
    v.nums.quick_back_ms = '2.5';
    v.nums.exit_idle_ms = '10';
    v.nums.scroll_min_fraction = '50';
    const { config } = formToConfig(v);
    expect(config.quick_back_ms).toBe(2500);
    expect(config.exit_idle_ms).toBe(600000);
    expect(config.scroll_min_fraction).toBe(0.5);
  });

  it('treats an empty input as the default', () => {
    const v = configToForm(null);
    v.nums.rage_clicks = '  ';
    expect(formToConfig(v).config.rage_clicks).toBe(3);
  });

  it('splits list inputs on lines and commas and drops blanks', () => {
    const v = configToForm(null);
    v.events = ' signup \n\norder, paid ';
    v.urls = '/thanks\n';
    expect(formToConfig(v).config.conversion).toEqual({ events: ['signup', 'order', 'paid'], urls: ['/thanks'] });
  });

  it('reports what the browser can check, per field', () => {
    const v = configToForm(null);
    v.nums.rage_clicks = '1';
    v.nums.rage_window_ms = 'abc';
    v.nums.struggle_edits = '2.5';
    v.nums.hesitation_ms = '0';
    v.nums.rage_radius_px = '0';
    const { errors } = formToConfig(v);
    expect(errors).toEqual({
      rage_clicks: 'Must be at least 2',
      rage_window_ms: 'Enter a number',
      struggle_edits: 'Enter a whole number',
      hesitation_ms: 'Must be more than 0',
    });
  });

  it('checks the dead-click quick window against the dead-click window', () => {
    const v = configToForm(null);
    v.nums.dead_quick_ms = '3000';
    expect(formToConfig(v).errors).toEqual({ dead_quick_ms: 'Must be at most the dead-click window' });
  });
});

describe('reasonToField', () => {
  it('maps a 400 reason to the field it names', () => {
    expect(reasonToField('friction.rage_clicks')).toBe('rage_clicks');
    expect(reasonToField('friction.scroll_min_fraction')).toBe('scroll_min_fraction');
    expect(reasonToField('friction.dead_interactive_only')).toBe('dead_interactive_only');
    expect(reasonToField('friction.conversion.events')).toBe('conversion.events');
    expect(reasonToField('friction.conversion.urls')).toBe('conversion.urls');
    expect(reasonToField('friction.conversion')).toBe('conversion.events');
    expect(reasonToField('friction.disabled')).toBe('disabled');
  });
  it('returns null for reasons no field shows', () => {
    expect(reasonToField('friction')).toBeNull();
    expect(reasonToField('friction.rage_count')).toBeNull();
    expect(reasonToField('limit')).toBeNull();
    expect(reasonToField(undefined)).toBeNull();
    expect(reasonToField('')).toBeNull();
  });
  it('finds the group of a field', () => {
    expect(groupOf('rage_radius_px')?.id).toBe('rage_click');
    expect(groupOf('conversion.urls')?.id).toBe('exit');
    expect(groupOf('dead_interactive_only')?.id).toBe('dead_click');
    expect(groupOf('nope')).toBeNull();
  });
});
