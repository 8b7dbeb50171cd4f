// Friction Signal Spec v1 (docs/FRICTION.md) in TypeScript: the types. They
// mirror the Go package friction (friction/input.go, detect.go) field for
// field, including the JSON names, so the shared vectors in
// testdata/friction decode into them unchanged. Absent fields mean unknown
// or false, as in Go.

/** Input kinds (docs/FRICTION.md, "Input model"). */
export type FrictionKind =
  | 'click'
  | 'dblclick'
  | 'mutation'
  | 'pageview'
  | 'navigation'
  | 'url_change'
  | 'scroll'
  | 'focus'
  | 'selection'
  | 'value'
  | 'media'
  | 'input'
  | 'invalid'
  | 'submit'
  | 'error'
  | 'request_failed'
  | 'mousemove'
  | 'hover'
  | 'track'
  | 'page_leave'
  | 'session_end';

/** One normalised fact of a session, the only thing detectors read. */
export interface FrictionInput {
  t: number;
  kind: FrictionKind | string;
  window?: string;
  url?: string;
  selector?: string;
  tag?: string;
  type?: string;
  text?: string;
  form?: string;
  x?: number;
  y?: number;
  interactive?: boolean;
  new_tab?: boolean;
  download?: boolean;
  modifier?: boolean;
  no_rage?: boolean;
  text_entry?: boolean;
  navigates?: boolean;
  native?: boolean;
  unobserved?: boolean;
  scroll_y?: number;
  viewport_h?: number;
  empty?: boolean;
  selected?: boolean;
  duration?: number;
  name?: string;
  status?: number;
  started?: number;
}

/** Signal types, as stored in friction events and reported by the SDK. */
export type FrictionType =
  | 'rage_click'
  | 'dead_click'
  | 'error_click'
  | 'thrashed_cursor'
  | 'excessive_scrolling'
  | 'quick_back'
  | 'form_abandonment'
  | 'field_struggle'
  | 'hesitation'
  | 'exit';

export const FRICTION_TYPES: readonly FrictionType[] = [
  'rage_click',
  'dead_click',
  'error_click',
  'thrashed_cursor',
  'excessive_scrolling',
  'quick_back',
  'form_abandonment',
  'field_struggle',
  'hesitation',
  'exit',
];

/** One friction signal found in a stream (Go: friction.Detection). */
export interface Detection {
  type: FrictionType;
  /** When the behaviour started (see docs/FRICTION.md per signal). */
  t: number;
  window?: string;
  url?: string;
  selector?: string;
  text?: string;
  x?: number;
  y?: number;
  /** Indexes (into the inputs given to detect) in stream order. */
  evidence: number[];
  details?: Record<string, string | number>;
}
