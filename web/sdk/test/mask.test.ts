import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createMasker, EDITABLE_SELECTOR, MASK_INPUT_OPTIONS, maskInputValue, MEDIA_SELECTOR, scrubPII, validSelectors } from '../src/mask';
import { recordOptions } from '../src/client';

beforeEach(() => {
  document.body.innerHTML = '';
});

function el(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body.firstElementChild as HTMLElement;
}

describe('options handed to rrweb record()', () => {
  test('balanced (default): every input masked, text selected for pattern masking', () => {
    const m = createMasker({ mode: 'balanced', mask_selectors: ['.secret'], block_selectors: ['#ads'] });
    const o = recordOptions(m, () => undefined);
    expect(o.maskAllInputs).toBe(false); // superseded by maskInputOptions, which covers more
    expect(o.maskInputOptions).toEqual(MASK_INPUT_OPTIONS);
    expect(o.maskInputOptions).toMatchObject({ input: true, textarea: true, select: true, password: true, hidden: true, file: true, email: true });
    expect(o.maskInputFn).toBe(maskInputValue);
    expect(o.maskTextSelector).toBe('*');
    expect(typeof o.maskTextFn).toBe('function');
    expect(o.blockSelector).toBe('[data-tg-block],#ads');
    expect(m.maskSelector).toBe(`[data-tg-mask],${EDITABLE_SELECTOR},.secret`);
    expect(o).toMatchObject({ recordCanvas: false, inlineImages: false, collectFonts: false, slimDOMOptions: 'all' });
  });

  test('strict: all text masked, media blocked', () => {
    const m = createMasker({ mode: 'strict', mask_selectors: null, block_selectors: null });
    const o = recordOptions(m, () => undefined);
    expect(o.maskTextSelector).toBe('*');
    expect(o.blockSelector).toBe(`[data-tg-block],${MEDIA_SELECTOR}`);
    expect(o.maskTextFn('Hello world', el('<p>Hello world</p>'))).toBe('***********');
    expect(o.maskInputOptions).toEqual(MASK_INPUT_OPTIONS);
  });

  test('relaxed: inputs, data-tg-mask and contenteditable still masked; no pattern masking', () => {
    const m = createMasker({ mode: 'relaxed', mask_selectors: [], block_selectors: [] });
    const o = recordOptions(m, () => undefined);
    expect(o.maskTextSelector).toBe(`[data-tg-mask],${EDITABLE_SELECTOR}`);
    expect(o.maskInputOptions).toEqual(MASK_INPUT_OPTIONS);
    expect(m.text('mail me: a@b.io', el('<p>x</p>'))).toBe('mail me: a@b.io');
  });

  test('unknown mode falls back to balanced; invalid selectors are dropped, valid ones kept', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const m = createMasker({ mode: 'bogus' as never, mask_selectors: ['[[bad', '.ok', ''], block_selectors: ['div:(', '.ad'] });
    expect(m.mode).toBe('balanced');
    expect(m.maskSelector).toBe(`[data-tg-mask],${EDITABLE_SELECTOR},.ok`);
    expect(m.blockSelector).toBe('[data-tg-block],.ad');
    expect(validSelectors(['a', '>>>'])).toEqual(['a']);
    debug.mockRestore();
  });
});

describe('masking functions', () => {
  test('input values: one * per character; passwords and cc-* fields record nothing', () => {
    expect(maskInputValue('hunter 2', el('<input type="text">'))).toBe('********');
    expect(maskInputValue('hunter2', el('<input type="password">'))).toBe('');
    expect(maskInputValue('4111111111111111', el('<input autocomplete="cc-number">'))).toBe('');
    expect(maskInputValue('x', el('<textarea></textarea>'))).toBe('*');
  });

  test('balanced text: emails, phones, cards and long numbers masked; ordinary text kept', () => {
    expect(scrubPII('Write to jane.doe@example.com today')).toBe('Write to ******************** today');
    expect(scrubPII('Call +1 (555) 010-9999')).toBe('Call ' + '*'.repeat(17));
    expect(scrubPII('Card 4111 1111 1111 1111 ok')).toBe('Card ******************* ok');
    expect(scrubPII('Showing 1 - 20 of 300 results')).toBe('Showing 1 - 20 of 300 results');
    expect(scrubPII('Released 2024-05-01')).toBe('Released 2024-05-01');
    expect(scrubPII('Plain words')).toBe('Plain words');
  });

  test('balanced masker: masked selectors and contenteditable fully masked, others pattern-masked', () => {
    const m = createMasker({ mode: 'balanced', mask_selectors: ['.secret'], block_selectors: [] });
    document.body.innerHTML =
      '<p id="a">hi a@b.io</p><div data-tg-mask><span id="b">Jane</span></div><div class="secret" id="c">Bob</div>' +
      '<div contenteditable="true"><b id="d">typed</b></div><div contenteditable="false" id="e">fixed</div>';
    const $ = (id: string) => document.getElementById(id);
    expect(m.text('hi a@b.io', $('a'))).toBe('hi ******');
    expect(m.text('Jane', $('b'))).toBe('****');
    expect(m.text('Bob', $('c'))).toBe('***');
    expect(m.text('typed', $('d'))).toBe('*****');
    expect(m.text('fixed', $('e'))).toBe('fixed');
    // what rrweb calls for text under maskTextSelector '*'
    expect(m.record.maskTextFn('typed', $('d'))).toBe('*****');
    expect(m.record.maskTextFn('no pii', $('a'))).toBe('no pii');
  });
});
