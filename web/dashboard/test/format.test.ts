import { describe, expect, it } from 'vitest';
import { formatClock, formatCount, formatDuration, formatRelative, personLabel, urlPath } from '../src/format';

describe('formatDuration', () => {
  const tests: [number | null, string][] = [
    [null, '—'],
    [-5, '—'],
    [0, '0s'],
    [999, '0s'],
    [8_000, '8s'],
    [60_000, '1m'],
    [83_000, '1m 23s'],
    [3_600_000, '1h'],
    [3_723_000, '1h 2m'],
  ];
  for (const [ms, want] of tests) it(`${ms} → ${want}`, () => expect(formatDuration(ms)).toBe(want));
});

describe('formatClock', () => {
  it('pads seconds, adds hours only when needed', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(83_400)).toBe('1:23');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(-1)).toBe('0:00');
  });
});

describe('formatRelative', () => {
  const now = new Date(2026, 10, 27, 12, 0, 0).getTime();
  const tests: [number, string][] = [
    [now - 10_000, 'just now'],
    [now + 20_000, 'just now'], // small clock skew
    [now - 3 * 60_000, '3 min ago'],
    [now - 59 * 60_000, '59 min ago'],
    [now - 2 * 3600_000, '2 h ago'],
    [new Date(2026, 10, 26, 9, 0).getTime(), 'yesterday'],
    [new Date(2026, 10, 23, 9, 0).getTime(), '4 days ago'],
    [new Date(2026, 9, 3, 9, 0).getTime(), 'Oct 3'],
    [new Date(2025, 9, 3, 9, 0).getTime(), 'Oct 3, 2025'],
  ];
  for (const [t, want] of tests) it(want, () => expect(formatRelative(t, now)).toBe(want));
  it('accepts RFC 3339 strings and rejects garbage', () => {
    expect(formatRelative(new Date(now - 5 * 60_000).toISOString(), now)).toBe('5 min ago');
    expect(formatRelative('nope', now)).toBe('—');
  });
});

describe('misc', () => {
  it('formatCount groups thousands', () => expect(formatCount(1234567)).toBe('1,234,567'));
  it('urlPath keeps path and query', () => {
    expect(urlPath('https://a.example/cart?x=1#top')).toBe('/cart?x=1#top');
    expect(urlPath('https://a.example')).toBe('/');
    expect(urlPath('not a url')).toBe('not a url');
  });
  it('personLabel prefers identified users', () => {
    expect(personLabel({ visitor_id: 'v-abcdef123', user_id: 'u1', user_traits: { email: 'a@b.c' } })).toEqual({
      primary: 'a@b.c',
      secondary: 'u1',
      identified: true,
    });
    expect(personLabel({ visitor_id: 'v-abcdef123' }).primary).toBe('Visitor vabcde');
  });
});
