import { describe, expect, test } from 'vitest';
import { DEFAULT_PRIVACY, linesToList, listToLines, reasonToRule, sameConfig } from '../src/privacy';

describe('privacy settings form', () => {
  test('one selector per line, blank lines and spaces dropped', () => {
    expect(linesToList(' .a \n\n#b\n   \n[data-x="1"]')).toEqual(['.a', '#b', '[data-x="1"]']);
    expect(listToLines(['.a', '#b'])).toBe('.a\n#b');
    expect(listToLines(null)).toBe('');
  });

  test('a server reason points at the list and the line of the bad selector', () => {
    const text = { mask_selectors: '.a\n\n  \np::before', block_selectors: '', unmask_selectors: '#x' };
    expect(reasonToRule('privacy.mask_selectors.1', text)).toEqual({ field: 'mask_selectors', line: 4 });
    expect(reasonToRule('privacy.unmask_selectors.0', text)).toEqual({ field: 'unmask_selectors', line: 1 });
    expect(reasonToRule('privacy.block_selectors', text)).toEqual({ field: 'block_selectors' });
    expect(reasonToRule('privacy.mode', text)).toEqual({ field: 'mode' });
    expect(reasonToRule('privacy.mask_selectors.9', text)).toEqual({ field: 'mask_selectors' });
    expect(reasonToRule('friction.rage_clicks', text)).toBeNull();
    expect(reasonToRule(undefined, text)).toBeNull();
  });

  test('sameConfig compares what is saved', () => {
    expect(sameConfig(DEFAULT_PRIVACY, { ...DEFAULT_PRIVACY, mask_selectors: [] })).toBe(true);
    expect(sameConfig(DEFAULT_PRIVACY, { ...DEFAULT_PRIVACY, mode: 'strict' })).toBe(false);
    expect(sameConfig(DEFAULT_PRIVACY, { ...DEFAULT_PRIVACY, unmask_selectors: ['.a'] })).toBe(false);
  });
});
