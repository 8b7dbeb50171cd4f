// Guide wire types: the answer of POST /ingest/v1/guides (guide/guide.go
// Served and Eligibility; trailguide.GuideStep and friends in guide.go).
export interface GuideButton {
  label: string;
  action: 'next' | 'back' | 'done' | 'link' | 'action';
  url?: string;
  name?: string;
}

export interface GuideStep {
  title: string;
  /** sanitised rich text: b, strong, i, em, a href, ul, ol, li, p, br */
  body?: string;
  image?: string;
  selector?: string;
  text?: string;
  page?: string;
  placement?: 'top' | 'bottom' | 'left' | 'right';
  buttons?: GuideButton[];
}

export interface GuideTrigger {
  type: 'page_load' | 'click' | 'event' | 'time_on_page' | 'friction';
  selector?: string;
  event?: string;
  seconds?: number;
  friction?: string[];
}

export interface ServedGuide {
  id: string;
  type: 'tooltip' | 'walkthrough' | 'hotspot' | 'modal';
  version: number;
  priority: number;
  steps: GuideStep[] | null;
  trigger: GuideTrigger;
  url_scope?: string[];
  held_out?: boolean;
  suppressed?: string;
}

export interface Eligibility {
  guides: ServedGuide[];
  held_out: ServedGuide[];
  suppressed: ServedGuide[];
  retry?: boolean;
}

/** The public members of the SDK's Client the guides runtime uses (mangled members differ between bundles). */
export interface HostClient {
  readonly endpoint: string;
  signal(s: { type: 'guide'; ts: number; url: string; name: string; props: Record<string, unknown> }): void;
  on(ev: string, fn: (arg?: unknown) => void): () => void;
  debugState(): { running: boolean; session?: string; visitor?: string; key: string };
}
