import { type ReactNode } from 'react';
import * as core from './index.js';
import type { InitOptions } from './client';
/** The SDK's API as the hooks return it. */
export type Trailguide = Pick<typeof core, 'track' | 'identify' | 'consent' | 'optOut' | 'optIn' | 'flush' | 'on' | 'page'>;
/** Starts Trailguide with `options` on mount (once per page load: init ignores later calls) and provides the API to useTrailguide(). Renders nothing of its own. */
export declare function TrailguideProvider({ options, children }: {
    options: InitOptions;
    children?: ReactNode;
}): import("react").FunctionComponentElement<import("react").ProviderProps<Trailguide | null>>;
/** The Trailguide API (track, identify, consent, page…). Works outside a provider too: calls made before init() are queued. */
export declare function useTrailguide(): Trailguide;
/** Sends a pageview whenever `path` changes, for routers that change the page without the history API or that should name pages themselves; give it the router's location (e.g. `useLocation().pathname + useLocation().search`). A pageview the SDK already saw for that URL is not sent twice. */
export declare function usePageview(path: string, title?: string): void;
