import { describe, expect, it } from 'vitest';
import { activeFilterCount, emptyFilters, filtersFromQuery, filtersToAPIQuery, filtersToQuery, type FilterState } from '../src/filters';

const full: FilterState = {
  range: '7d',
  from: '',
  to: '',
  url: '/checkout',
  user: 'u_42*',
  utmSource: 'google',
  device: 'mobile',
  browser: 'Safari',
  minDuration: 30,
  maxDuration: 600,
  hasError: 'true',
  signal: '',
  selector: '',
  sort: 'newest',
  segment: '',
};

describe('filter state ↔ page query', () => {
  it('round-trips every field', () => {
    const q = filtersToQuery(full).toString();
    expect(q).toBe('range=7d&url=%2Fcheckout&user=u_42*&utm_source=google&device=mobile&browser=Safari&min_duration=30&max_duration=600&has_error=true');
    expect(filtersFromQuery(q)).toEqual(full);
  });
  it('leaves empty filters out', () => {
    expect(filtersToQuery(emptyFilters).toString()).toBe('');
    expect(filtersFromQuery('')).toEqual(emptyFilters);
  });
  it('custom date ranges use from/to', () => {
    const f = { ...emptyFilters, range: 'custom' as const, from: '2026-11-01', to: '2026-11-20' };
    expect(filtersToQuery(f).toString()).toBe('from=2026-11-01&to=2026-11-20');
    expect(filtersFromQuery('from=2026-11-01&to=2026-11-20')).toEqual(f);
  });
  it('drops malformed values', () => {
    const f = filtersFromQuery('range=1y&from=yesterday&device=fridge&min_duration=-3&max_duration=abc&has_error=maybe');
    expect(f).toEqual(emptyFilters);
  });
  it('counts active filters', () => {
    expect(activeFilterCount(emptyFilters)).toBe(0);
    expect(activeFilterCount(full)).toBe(9);
    expect(activeFilterCount({ ...emptyFilters, range: 'custom' })).toBe(0);
  });
});

describe('filter state → API query', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  it('maps names to docs/API.md parameters and resolves relative ranges', () => {
    const q = filtersToAPIQuery(full, { now, cursor: 'abc' });
    expect(Object.fromEntries(q)).toEqual({
      from: '2026-11-20T12:00:00.000Z',
      url: '/checkout',
      min_duration: '30',
      max_duration: '600',
      user: 'u_42*',
      utm_source: 'google',
      device: 'mobile',
      browser: 'Safari',
      has_error: 'true',
      limit: '50',
      cursor: 'abc',
    });
  });
  it('makes the custom to date inclusive (API to is exclusive)', () => {
    const q = filtersToAPIQuery({ ...emptyFilters, range: 'custom', from: '2026-11-01', to: '2026-11-20' }, { now });
    expect(q.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(q.get('to')).toBe(new Date(2026, 10, 21).toISOString());
  });
  it('sends only limit when nothing is filtered', () => {
    expect(filtersToAPIQuery(emptyFilters, { now }).toString()).toBe('limit=50');
  });
  it('passes has_error=false through', () => {
    expect(filtersToAPIQuery({ ...emptyFilters, hasError: 'false' }, { now }).get('has_error')).toBe('false');
  });
});
