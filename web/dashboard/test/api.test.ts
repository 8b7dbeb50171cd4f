import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, onUnauthorized, requestInit } from '../src/api';

afterEach(() => vi.unstubAllGlobals());

describe('requestInit', () => {
  it('sends X-TG-CSRF on every state-changing method, same-origin credentials always', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const init = requestInit(m, {});
      expect((init.headers as Record<string, string>)['X-TG-CSRF']).toBe('1');
      expect(init.credentials).toBe('same-origin');
    }
    const get = requestInit('GET');
    expect((get.headers as Record<string, string>)['X-TG-CSRF']).toBeUndefined();
    expect(get.credentials).toBe('same-origin');
  });
});

describe('fetch wrapper', () => {
  it('calls the unauthorized handler on 401 for data calls, not for login', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ error: 'unauthorized', message: 'Unauthorized.' }), { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    const handler = vi.fn();
    onUnauthorized(handler);
    await expect(api.projects()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(api.login('a@b.c', 'x')).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/login');
    expect((init.headers as Record<string, string>)['X-TG-CSRF']).toBe('1');
    expect(JSON.parse(init.body as string)).toEqual({ email: 'a@b.c', password: 'x' });
  });
  it('builds session URLs with the query', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ sessions: [], total: 0 }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await api.sessions('p1', new URLSearchParams('limit=50&browser=Chrome'));
    await api.recording('p1', 's1', 'w 2');
    expect(fetchMock.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      '/api/v1/projects/p1/sessions?limit=50&browser=Chrome',
      '/api/v1/projects/p1/sessions/s1/recording?window=w%202',
    ]);
  });
});
