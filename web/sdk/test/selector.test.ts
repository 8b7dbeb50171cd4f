import { beforeEach, describe, expect, test } from 'vitest';
import { createMasker } from '../src/mask';
import { clickTarget, elementText, isStableClass, isStableId, selectorFor } from '../src/selector';

beforeEach(() => {
  document.body.innerHTML = '';
});

const q = (s: string) => document.querySelector(s)!;

describe('selectorFor', () => {
  test('prefers a stable id', () => {
    document.body.innerHTML = '<main><button id="buy">Buy</button></main>';
    expect(selectorFor(q('button'))).toBe('#buy');
  });

  test('then data-testid / data-tg-id', () => {
    document.body.innerHTML = '<div><a data-testid="nav-home">Home</a><span data-tg-id="promo">x</span></div>';
    expect(selectorFor(q('a'))).toBe('[data-testid="nav-home"]');
    expect(selectorFor(q('span'))).toBe('[data-tg-id="promo"]');
  });

  test('then a tag.class:nth-of-type path up to an anchor or body', () => {
    document.body.innerHTML =
      '<div id="cart"><ul class="items"><li class="item">a</li><li class="item selected">b</li></ul></div>';
    const li = document.querySelectorAll('li')[1];
    const sel = selectorFor(li);
    expect(sel).toBe('#cart > ul.items > li.item.selected:nth-of-type(2)');
    expect(document.querySelector(sel)).toBe(li);
  });

  test('skips generated ids and classes', () => {
    expect(isStableId(':r1:')).toBe(false);
    expect(isStableId('ember123')).toBe(false);
    expect(isStableId('3f2a9c1e-aaaa-bbbb')).toBe(false);
    expect(isStableId('checkout')).toBe(true);
    expect(isStableClass('css-1x2y3z')).toBe(false);
    expect(isStableClass('Button_root__a1B2c')).toBe(false);
    expect(isStableClass('btn-primary')).toBe(true);
    document.body.innerHTML = '<section><p id=":r5:" class="css-abc123 lead">x</p></section>';
    expect(selectorFor(q('p'))).toBe('body > section > p.lead');
  });

  test('duplicate ids are not trusted', () => {
    document.body.innerHTML = '<div><i id="x">1</i></div><div><i id="x">2</i></div>';
    const second = document.querySelectorAll('i')[1];
    const sel = selectorFor(second);
    expect(sel).not.toContain('#x');
    expect(document.querySelector(sel)).toBe(second);
  });

  test('clicks on inner spans are attributed to the button', () => {
    document.body.innerHTML = '<button id="go"><span><b>Go</b></span></button>';
    expect(clickTarget(q('b'))).toBe(q('button'));
    document.body.innerHTML = '<div><p>text</p></div>';
    expect(clickTarget(q('p'))).toBe(q('p'));
  });

  test('a click on an option, however deep, or on a customizable select\'s button, is a click on the select', () => {
    document.body.innerHTML =
      '<select id="s" multiple><optgroup label="g"><option><span><b><i><u><em id="deep">Oslo</em></u></i></b></span></option></optgroup></select>' +
      '<select id="c"><button><selectedcontent>Oslo</selectedcontent></button><option>Oslo</option></select>';
    expect(clickTarget(q('#deep'))).toBe(q('#s'));
    expect(clickTarget(q('#s option'))).toBe(q('#s'));
    expect(clickTarget(q('#c button'))).toBe(q('#c'));
    expect(clickTarget(q('selectedcontent'))).toBe(q('#c'));
  });
});

describe('elementText', () => {
  const balanced = createMasker({ mode: 'balanced', mask_selectors: [], block_selectors: ['.ad'] });

  test('short, whitespace-collapsed, at most 80 chars', () => {
    document.body.innerHTML = `<button>  Add   to\n cart </button><p>${'long '.repeat(40)}</p>`;
    expect(elementText(q('button'), balanced)).toBe('Add to cart');
    expect(elementText(q('p'), balanced).length).toBe(80);
  });

  test('never input values, masked descendants masked, blocked ones skipped', () => {
    document.body.innerHTML =
      '<form><label>Name <input value="Jane Doe"></label><textarea>secret</textarea><select><option>Opt</option></select>' +
      '<span data-tg-mask>Jane</span> <span class="ad">AD</span> mail a@b.io</form>';
    const t = elementText(q('form'), balanced);
    expect(t).toBe('Name **** mail ******');
    expect(elementText(q('input'), balanced)).toBe('');
    expect(elementText(q('textarea'), balanced)).toBe('');
  });

  test('nothing of a select or datalist, not even around a customizable select\'s copy of the choice', () => {
    document.body.innerHTML =
      '<div id="d">City <input list="l"><datalist id="l">Pick <option>Oslo</option></datalist></div>' +
      '<div id="w"><button id="b"><selectedcontent>Oslo</selectedcontent> ▾</button></div>';
    expect(elementText(q('#d'), balanced)).toBe('City');
    expect(elementText(q('#l'), balanced)).toBe('');
    // a <selectedcontent> outside a select is still blocked: it only ever holds a copy of an option
    expect(elementText(q('#b'), balanced)).toBe('▾');
  });

  test('strict masks every character', () => {
    document.body.innerHTML = '<a>Hi there</a>';
    expect(elementText(q('a'), createMasker({ mode: 'strict', mask_selectors: [], block_selectors: [] }))).toBe('********');
  });
});
