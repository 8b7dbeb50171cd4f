// React helpers, a separate entry point (`@trailguide/sdk/react`) so that the
// core never needs React: <TrailguideProvider options={...}> starts the SDK
// once, useTrailguide() returns the API, usePageview(path) sends an explicit
// pageview when a router's location changes. React is a peer dependency of
// this entry only. Written with createElement (no JSX) so that it builds
// with any JSX setting.
import { createContext, createElement, useContext, useEffect, type ReactNode } from 'react';
import * as core from './index.js';
import type { InitOptions } from './client';

/** The SDK's API as the hooks return it. */
export type Trailguide = Pick<typeof core, 'track' | 'identify' | 'consent' | 'optOut' | 'optIn' | 'flush' | 'on' | 'page'>;

const api: Trailguide = {
  track: core.track,
  identify: core.identify,
  consent: core.consent,
  optOut: core.optOut,
  optIn: core.optIn,
  flush: core.flush,
  on: core.on,
  page: core.page,
};

const Ctx = createContext<Trailguide | null>(null);

/** Starts Trailguide with `options` on mount (once per page load: init ignores later calls) and provides the API to useTrailguide(). Renders nothing of its own. */
export function TrailguideProvider({ options, children }: { options: InitOptions; children?: ReactNode }) {
  const key = options.key;
  useEffect(() => {
    core.init(options);
    // options are read once: init() runs once per page load
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return createElement(Ctx.Provider, { value: api }, children);
}

/** The Trailguide API (track, identify, consent, page…). Works outside a provider too: calls made before init() are queued. */
export function useTrailguide(): Trailguide {
  return useContext(Ctx) || api;
}

/** Sends a pageview whenever `path` changes, for routers that change the page without the history API or that should name pages themselves; give it the router's location (e.g. `useLocation().pathname + useLocation().search`). A pageview the SDK already saw for that URL is not sent twice. */
export function usePageview(path: string, title?: string): void {
  useEffect(() => {
    core.page(path, title);
  }, [path, title]);
}
