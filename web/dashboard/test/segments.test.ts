import { describe, expect, it } from 'vitest';
import { cleanCondition, describe as describeNode, draftProblem, fromClauses, opsFor, segmentFromParam, toClauses } from '../src/segments';
import { filtersFromQuery, filtersToAPIQuery, emptyFilters } from '../src/filters';
import { funnelStateFromQuery, funnelStateToQuery, STARTER, stepTitle, withStepValue } from '../src/funnels';

describe('segment clauses', () => {
  it('round-trips a flat and/or list with negation', () => {
    const f = { and: [{ field: 'utm_source', op: 'eq', value: 'google' }, { not: { field: 'visited', value: '/pricing*' } }] };
    const { match, clauses } = toClauses(f);
    expect(match).toBe('all');
    expect(clauses.map((c) => c.negated)).toEqual([false, true]);
    expect(fromClauses(match, clauses)).toEqual(f);
    expect(fromClauses('any', clauses)).toEqual({ or: f.and });
    expect(fromClauses('all', clauses.slice(0, 1))).toEqual(f.and[0]);
    expect(fromClauses('all', [])).toBeNull();
  });
  it('describes conditions for chips', () => {
    expect(describeNode({ field: 'utm_source', op: 'eq', value: 'google' })).toBe('UTM source is google');
    expect(describeNode({ field: 'trait', key: 'role', op: 'eq', value: 'admin' })).toBe('Trait role is admin');
    expect(describeNode({ field: 'device', op: 'eq', value: 'mobile' })).toBe('Device is mobile');
    expect(describeNode({ field: 'friction', value: 'rage_click', selector: '#plan' })).toBe('Had rage click on #plan');
    expect(describeNode({ not: { field: 'event', value: 'signup_completed' } })).toBe('not Did signup_completed');
  });
  it('checks and cleans drafts as the API wants them', () => {
    expect(draftProblem({ field: 'trait', op: 'eq', value: 'x' })).toMatch(/trait/);
    expect(draftProblem({ field: 'viewport_w', op: 'gt', value: 'wide' })).toMatch(/number/);
    expect(draftProblem({ field: 'submitted' })).toBeNull();
    expect(cleanCondition({ field: 'visited', op: 'eq', value: ' /x* ' })).toEqual({ field: 'visited', value: '/x*' });
    expect(cleanCondition({ field: 'os', op: 'in', values: ['iOS', ' Android', ''] })).toEqual({ field: 'os', op: 'in', values: ['iOS', 'Android'] });
    expect(opsFor('trait', 'number')).toContain('gt');
    expect(opsFor('device')).not.toContain('contains');
  });
  it('travels in the sessions page URL and reaches the API as segment', () => {
    const seg = JSON.stringify({ field: 'os', op: 'eq', value: 'iOS' });
    const f = filtersFromQuery('seg=' + encodeURIComponent(seg));
    expect(f).toEqual({ ...emptyFilters, segment: seg });
    expect(filtersToAPIQuery(f).get('segment')).toBe(seg);
    expect(filtersFromQuery('seg=%7Bnope').segment).toBe('');
    expect(segmentFromParam('[1]')).toBeNull();
  });
});

describe('funnel page state', () => {
  it('round-trips through the URL and falls back to the starter funnel', () => {
    const st = { q: { funnel: { steps: [{ kind: 'pageview' as const, url: '/signup' }], order: 'strict' as const } }, range: '7d' };
    expect(funnelStateFromQuery(funnelStateToQuery(st))).toEqual(st);
    expect(funnelStateFromQuery('f=garbage').q.funnel).toEqual(STARTER);
  });
  it('keeps a step value across kinds', () => {
    expect(withStepValue({ kind: 'click' }, '#go')).toEqual({ kind: 'click', selector: '#go' });
    expect(stepTitle({ kind: 'submit', selector: '' })).toBe('Submitted a form');
  });
});
