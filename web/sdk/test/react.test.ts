// The React entry (@trailguide/sdk/react): the provider starts the one
// client of the page, hooks called before it has started are queued, and
// usePageview sends explicit pageviews once per URL.
import { afterEach, describe, expect, test } from 'vitest';
import { act, createElement, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { TrailguideProvider, usePageview, useTrailguide } from '../src/react';
import { flush } from '../src/index';
import { fakeFetch, settle } from './helpers';
import { fakeRecorder } from './scenario';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('react helpers', () => {
  test('provider, useTrailguide and usePageview', async () => {
    history.replaceState(null, '', '/start');
    const ff = fakeFetch();
    const options = { key: 'pk_demo_1234', endpoint: 'https://tg.example.com', fetch: ff.fetch, sendBeacon: null, compress: null, recorder: fakeRecorder() };
    function Page({ path }: { path: string }) {
      const tg = useTrailguide();
      usePageview(path);
      useEffect(() => tg.track('page_mounted', { path }), [path]);
      return createElement('p', null, path);
    }
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    const render = (path: string) => act(() => root.render(createElement(TrailguideProvider, { options }, createElement(Page, { path }))));
    await render('/a');
    await settle();
    await render('/b');
    await render('/b'); // same path: no second pageview
    await settle();
    flush();
    await settle(50);
    const signals = ff.batches().flatMap((b) => b.json.signals as Array<{ type: string; url: string; name?: string }>);
    const pages = signals.filter((s) => s.type === 'pageview').map((s) => new URL(s.url).pathname);
    expect(pages).toEqual(['/start', '/a', '/b']);
    expect(signals.filter((s) => s.type === 'track').map((s) => s.name)).toEqual(['page_mounted', 'page_mounted']);
    expect(el.textContent).toBe('/b');
    act(() => root.unmount());
  });
});
