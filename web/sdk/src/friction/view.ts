// What a page view showed, for heatmaps (docs/FRICTION.md §7): the
// document height, the attention of each band of the page (visible share ×
// time in view, while someone is there), pointer positions on a grid
// normalised by the page width, and the content blocks (landmarks and large
// sections) with whether they were seen, how long at least half of them was
// in view and whether anyone interacted inside them. Sent as one `view`
// signal each time the page is hidden or left, with what was measured since
// the last one.
//
// Cheap on the main thread: passive listeners that only store numbers,
// throttled scroll reads, an IntersectionObserver for the blocks and a
// ResizeObserver for the document height (both deliver geometry after
// layout, so nothing here forces one); no timers while nothing happens.
import { scrubURL } from '../context';
import { selectorFor } from '../selector';
import type { Signal } from '../wire';

export const BANDS = 20;
export const MOVE_CELLS = 40;
export const SCROLL_SAMPLE_MS = 200;
export const MOVE_SAMPLE_MS = 100;
/** Without input for this long, nobody is looking: time stops counting (ms). */
export const IDLE_MS = 30_000;
const MAX_BLOCKS = 30;
const MAX_MOVE_CELLS = 1500;
const MIN_SECTION_PX = 150;
const LANDMARKS = 'header,nav,main,aside,footer,form,[role=banner],[role=navigation],[role=main],[role=contentinfo],[role=region],[role=complementary]';
const SECTIONS = 'section,article,main>*,body>*';

export interface ViewOptions {
  win: Window;
  now: () => number;
  add: (s: Signal) => void;
}

export interface ViewCapture {
  /** the client's signals: a pageview for another page ends this one */
  signal(s: Signal): void;
  stop(): void;
}

interface Block {
  el: Element;
  s: string;
  t: number;
  h: number;
  seen: boolean;
  i: boolean;
  /** in view (at least half of it, or half the viewport) since; 0 when not */
  since: number;
  ms: number;
}

export function startView(o: ViewOptions): ViewCapture {
  const { win, now } = o;
  const doc = win.document;
  const off: Array<() => void> = [];
  const on = (target: EventTarget, type: string, fn: (e: Event) => void, capture = true): void => {
    const h = (e: Event): void => {
      try {
        fn(e);
      } catch {
        /* never break the page */
      }
    };
    const opts = { capture, passive: true };
    target.addEventListener(type, h, opts);
    off.push(() => target.removeEventListener(type, h, opts));
  };

  let url = scrubURL(win.location.href);
  let vw = win.innerWidth;
  let vh = win.innerHeight;
  let docH = 0;
  let y = win.scrollY || 0;
  let depth = 0;
  let bands: number[] = [];
  let moves: Record<string, number> = {};
  let moveCells = 0;
  let last = now(); // attention counted up to here
  let active = last; // last input
  let lastScroll = 0;
  let lastMove = 0;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  let blocks: Block[] = [];
  let dirty = false;

  const visible = (): boolean => doc.visibilityState !== 'hidden';

  // attention since `last`, at the current scroll position
  const account = (t: number): void => {
    const until = Math.min(t, active + IDLE_MS);
    const dt = until - last;
    last = t;
    if (dt <= 0 || !visible()) return;
    const h = Math.max(docH, vh);
    const bh = h / BANDS;
    const top = y;
    const bottom = y + vh;
    depth = Math.max(depth, Math.min(100, Math.round((bottom / h) * 100)));
    for (let b = Math.floor(top / bh); b < BANDS && b * bh < bottom; b++) {
      const shown = Math.min(bottom, (b + 1) * bh) - Math.max(top, b * bh);
      if (shown > 0) bands[b] = (bands[b] || 0) + Math.round((dt * shown) / bh);
    }
    for (const k of blocks) if (k.since) (k.ms += until - Math.max(k.since, until - dt)), (k.since = t);
    dirty = true;
  };

  const input = (): void => {
    const t = now();
    if (t - active > IDLE_MS) last = t; // back from idle: the pause does not count
    active = t;
  };

  const readScroll = (): void => {
    lastScroll = now();
    account(lastScroll);
    y = win.scrollY || doc.documentElement.scrollTop || 0;
  };
  on(
    win,
    'scroll',
    () => {
      input();
      const t = now();
      if (t - lastScroll >= SCROLL_SAMPLE_MS) readScroll();
      else if (trailing === undefined)
        trailing = setTimeout(() => {
          trailing = undefined;
          readScroll();
        }, SCROLL_SAMPLE_MS);
    },
    false,
  );
  on(win, 'resize', () => {
    account(now());
    vw = win.innerWidth;
    vh = win.innerHeight;
  });
  on(doc, 'pointermove', (e) => {
    input();
    const t = now();
    if (t - lastMove < MOVE_SAMPLE_MS || (e as PointerEvent).pointerType === 'touch') return;
    lastMove = t;
    const cell = vw / MOVE_CELLS;
    const k = Math.floor((e as PointerEvent).clientX / cell) + ',' + Math.floor(((e as PointerEvent).clientY + y) / cell);
    if (moves[k]) moves[k]++;
    else if (moveCells < MAX_MOVE_CELLS) (moves[k] = 1), moveCells++;
    dirty = true;
  });
  const interact = (e: Event): void => {
    input();
    const t = e.target as Node | null;
    if (t) for (const k of blocks) if (k.el.contains(t)) k.i = dirty = true;
  };
  for (const type of ['pointerdown', 'keydown', 'input']) on(doc, type, interact);
  for (const type of ['wheel', 'touchstart']) on(doc, type, input);

  // document height: after layout, from a ResizeObserver
  let ro: ResizeObserver | undefined;
  if (typeof ResizeObserver === 'function') {
    ro = new ResizeObserver(() => {
      docH = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
    });
    ro.observe(doc.documentElement);
  }

  // blocks: landmarks and large sections, watched by an IntersectionObserver
  let io: IntersectionObserver | undefined;
  const watch = (): void => {
    if (typeof IntersectionObserver !== 'function') return;
    if (io) io.disconnect();
    const found = new Map<Element, Block>();
    for (const b of blocks) found.set(b.el, b);
    blocks = [];
    io = new IntersectionObserver(
      (entries) => {
        const t = now();
        account(t);
        for (const en of entries) {
          const b = found.get(en.target);
          if (!b) continue;
          const r = en.boundingClientRect;
          b.t = Math.round(r.top + y);
          b.h = Math.round(r.height);
          const landmark = en.target.matches(LANDMARKS);
          if (!landmark && r.height < MIN_SECTION_PX) continue;
          if (blocks.indexOf(b) < 0 && blocks.length < MAX_BLOCKS) blocks.push(b);
          if (en.isIntersecting && en.intersectionRect.height > 0) b.seen = true;
          const half = en.intersectionRatio >= 0.5 || (en.rootBounds ? en.intersectionRect.height >= en.rootBounds.height / 2 : false);
          if (half && !b.since) b.since = t;
          else if (!half && b.since) (b.ms += t - b.since), (b.since = 0);
          dirty = true;
        }
      },
      { threshold: [0, 0.5, 1] },
    );
    let n = 0;
    doc.querySelectorAll(LANDMARKS + ',' + SECTIONS).forEach((el) => {
      if (n >= MAX_BLOCKS * 2 || found.has(el) || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
      found.set(el, { el, s: selectorFor(el), t: 0, h: 0, seen: false, i: false, since: 0, ms: 0 });
      n++;
    });
    found.forEach((_b, el) => io!.observe(el));
  };
  watch();
  // a client-rendered page draws its sections after load
  const later = setTimeout(watch, 2000);
  off.push(() => clearTimeout(later));

  /** Sends what was measured since the last send, for the page at `url`. */
  const flush = (): void => {
    const t = now();
    account(t);
    if (!dirty) return;
    dirty = false;
    const props: Record<string, unknown> = { doc_h: Math.max(docH, vh), vw, vh, depth };
    if (bands.length) props.bands = Array.from(bands, (v) => v || 0);
    const mv = Object.keys(moves).map((k) => {
      const [x, yy] = k.split(',');
      return [+x, +yy, moves[k]];
    });
    if (mv.length) props.moves = mv;
    if (blocks.length)
      props.blocks = blocks.map((b) => {
        const ms = b.ms + (b.since ? t - b.since : 0);
        if (b.since) b.since = t;
        b.ms = 0;
        return { s: b.s, t: b.t, h: b.h, ms: Math.round(ms), seen: b.seen, i: b.i };
      });
    bands = [];
    moves = {};
    moveCells = 0;
    o.add({ type: 'view', ts: t, url, props });
  };
  const hidden = (): void => {
    if (!visible()) flush();
  };
  // capture on the window: before the client's own listeners send the batch
  on(win, 'pagehide', flush);
  on(win, 'visibilitychange', hidden);
  on(win, 'visibilitychange', () => {
    if (visible()) last = now(); // hidden time is not attention
  });

  return {
    signal(s: Signal) {
      if (s.type !== 'pageview' || s.url === url) return;
      flush();
      url = s.url;
      depth = 0;
      for (const b of blocks) b.seen = b.i = false;
      y = win.scrollY || 0;
      last = active = now();
      setTimeout(watch, 500);
    },
    stop() {
      if (trailing !== undefined) clearTimeout(trailing);
      if (io) io.disconnect();
      if (ro) ro.disconnect();
      for (const f of off.splice(0)) f();
    },
  };
}
