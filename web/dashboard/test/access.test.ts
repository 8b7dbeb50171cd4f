import { describe, expect, it } from 'vitest';
import { checkNewPassword, checkOrigins, maskedKey, parseOriginsText } from '../src/access';

describe('parseOriginsText', () => {
  it('splits lines, commas and spaces and drops blanks', () => {
    expect(parseOriginsText(' https://a.example\n\nhttp://localhost:3000, https://b.example  ')).toEqual([
      'https://a.example',
      'http://localhost:3000',
      'https://b.example',
    ]);
    expect(parseOriginsText('  \n ')).toEqual([]);
  });
});

describe('checkOrigins', () => {
  const tests: [string[], boolean][] = [
    [['https://shop.example'], true],
    [['https://shop.example/'], true],
    [['http://localhost:3000'], true],
    [['HTTPS://Shop.Example'], true],
    [['shop.example'], false],
    [['https://shop.example/path'], false],
    [['https://shop.example?x=1'], false],
    [['ftp://shop.example'], false],
    [['https://user@shop.example'], false],
    [['https://ok.example', '*'], false],
  ];
  for (const [list, ok] of tests) {
    it(list.join(' '), () => expect(checkOrigins(list) === null).toBe(ok));
  }
});

describe('checkNewPassword', () => {
  it('wants 8 characters and a matching confirmation', () => {
    expect(checkNewPassword('short', 'short')).toMatch(/8/);
    expect(checkNewPassword('long enough', 'long enougH')).toMatch(/differ/);
    expect(checkNewPassword('long enough', 'long enough')).toBeNull();
  });
});

describe('maskedKey', () => {
  it('shows the prefix only', () => expect(maskedKey('tg_sk_abc123')).toBe('tg_sk_abc123…'));
});
