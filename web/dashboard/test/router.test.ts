import { describe, expect, it } from 'vitest';
import { parseRoute, paths, safeNext } from '../src/router';

describe('parseRoute', () => {
  const tests: [string, string, unknown][] = [
    ['/', '', { name: 'root' }],
    ['/login', '', { name: 'login', next: null }],
    ['/login', '?next=%2Fprojects%2Fp1%2Fsessions', { name: 'login', next: '/projects/p1/sessions' }],
    ['/login', '?next=https%3A%2F%2Fevil.example', { name: 'login', next: null }],
    ['/setup', '?token=abc', { name: 'setup', token: 'abc' }],
    ['/setup', '', { name: 'setup', token: '' }],
    ['/projects/p1/sessions', '', { name: 'sessions', pid: 'p1' }],
    ['/projects/p1/sessions/', '?browser=Chrome', { name: 'sessions', pid: 'p1' }],
    ['/projects/p1', '', { name: 'sessions', pid: 'p1' }],
    ['/projects/p1/sessions/s%2F1', '?t=10', { name: 'session', pid: 'p1', sid: 's/1' }],
    ['/projects/p1/sessions/s1/extra', '', { name: 'notfound', path: '/projects/p1/sessions/s1/extra' }],
    ['/projects/p1/settings', '', { name: 'settings', pid: 'p1' }],
    ['/projects/p%201/settings/', '', { name: 'settings', pid: 'p 1' }],
    ['/projects/p1/settings/x', '', { name: 'notfound', path: '/projects/p1/settings/x' }],
    ['/team', '', { name: 'team' }],
    ['/api-keys/', '', { name: 'keys' }],
    ['/account', '', { name: 'account' }],
    ['/projects/p1/privacy', '', { name: 'privacy', pid: 'p1' }],
    ['/projects/p1/privacy/x', '', { name: 'notfound', path: '/projects/p1/privacy/x' }],
    ['/nope', '', { name: 'notfound', path: '/nope' }],
  ];
  for (const [path, search, want] of tests) it(`${path}${search}`, () => expect(parseRoute(path, search)).toEqual(want));
});

describe('safeNext', () => {
  it('only allows same-origin paths', () => {
    expect(safeNext('/projects/p/sessions?x=1')).toBe('/projects/p/sessions?x=1');
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('javascript:alert(1)')).toBeNull();
    expect(safeNext('/login')).toBeNull();
  });
});

describe('paths', () => {
  it('builds client routes', () => {
    expect(paths.login('/projects/p/sessions')).toBe('/login?next=%2Fprojects%2Fp%2Fsessions');
    expect(paths.sessions('p1', 'browser=Chrome')).toBe('/projects/p1/sessions?browser=Chrome');
    expect(paths.session('p1', 's1', { t: 12.7, window: 'w' })).toBe('/projects/p1/sessions/s1?t=12&window=w');
    expect(paths.session('p1', 's1')).toBe('/projects/p1/sessions/s1');
    // parse(build(x)) == x
    expect(parseRoute('/projects/p%201/sessions/s1')).toEqual({ name: 'session', pid: 'p 1', sid: 's1' });
    expect(paths.sessions('p 1')).toBe('/projects/p%201/sessions');
  });
});

describe('paths.privacy', () => {
  it('encodes the project id', () => {
    expect(paths.privacy('p 1')).toBe('/projects/p%201/privacy');
  });
});

describe('paths.settings', () => {
  it('encodes the project id and parses back', () => {
    expect(paths.settings('p 1')).toBe('/projects/p%201/settings');
    expect(parseRoute(paths.settings('p/1'))).toEqual({ name: 'settings', pid: 'p/1' });
  });
});
