// The Heatmaps page (GET /api/v1/projects/{pid}/heatmaps…): one page (a path
// or a pattern such as /product/:id) on one device class, rebuilt from a
// recent full snapshot in the sandboxed replay iframe, with switchable
// layers drawn on a canvas over it, and the top elements beside it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Project, RREvent } from '../types';
import { filtersFromQuery, filtersToAPIQuery, filtersToQuery, rangeToAPI, type FilterState } from '../filters';
import { navigate, paths } from '../router';
import { useDocumentTitle, useLoad, useLocation } from '../hooks';
import { formatCount } from '../format';
import { loadReplayer, mountReplayer, type ReplayHandle } from '../replayer';
import {
  countOf,
  depthShareAt,
  drawAttention,
  drawBlocks,
  drawDepth,
  drawHeat,
  locateIn,
  nearest,
  pct,
  placeClicks,
  placeMoves,
  seconds,
  type ClickKind,
  type HeatmapReport,
  type HeatPoint,
} from '../heatmap';
import { loadStatus } from '../components/States';
import { PageHead, RefreshButton } from '../components/PageHead';
import { RangePicker } from './Friction';

export type Layer = 'clicks' | 'moves' | 'depth' | 'attention' | 'dead';
const LAYERS: { id: Layer; label: string }[] = [
  { id: 'clicks', label: 'Clicks' },
  { id: 'moves', label: 'Moves' },
  { id: 'depth', label: 'Scroll depth' },
  { id: 'attention', label: 'Attention' },
  { id: 'dead', label: 'Dead zones' },
];
const KINDS: { id: ClickKind; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'rage', label: 'Rage' },
  { id: 'dead', label: 'Dead' },
  { id: 'error', label: 'Error' },
];
const DEVICES = ['desktop', 'tablet', 'mobile'];
/** analytics.DeadZoneMinViews */
const DEAD_ZONE_MIN_VIEWS = 20;

interface HeatState {
  page: string;
  device: string;
  layer: Layer;
  kind: ClickKind;
  range: Pick<FilterState, 'range' | 'from' | 'to'>;
  /** The session filters of the sessions list (device and range aside): one struct, so the segment model can replace it. */
  sessions: FilterState;
}

/** The session filters of a filter state, without what the heatmap has of its own. */
function sessionPart(f: FilterState): FilterState {
  return { ...f, range: '', from: '', to: '', device: '', sort: 'newest' };
}

function stateFrom(search: string): HeatState {
  const q = new URLSearchParams(search);
  const f = filtersFromQuery(search);
  const layer = (q.get('layer') || 'clicks') as Layer;
  const kind = (q.get('kind') || 'all') as ClickKind;
  return {
    page: q.get('page') || '',
    device: DEVICES.includes(q.get('device') || '') ? (q.get('device') as string) : 'desktop',
    layer: LAYERS.some((l) => l.id === layer) ? layer : 'clicks',
    kind: KINDS.some((k) => k.id === kind) ? kind : 'all',
    range: { range: f.range, from: f.from, to: f.to },
    sessions: sessionPart(f),
  };
}

function stateQuery(s: HeatState): string {
  const q = new URLSearchParams();
  if (s.page) q.set('page', s.page);
  if (s.device !== 'desktop') q.set('device', s.device);
  if (s.layer !== 'clicks') q.set('layer', s.layer);
  if (s.kind !== 'all') q.set('kind', s.kind);
  if (s.range.range === 'custom') {
    if (s.range.from) q.set('from', s.range.from);
    if (s.range.to) q.set('to', s.range.to);
  } else if (s.range.range) q.set('range', s.range.range);
  filtersToQuery(s.sessions).forEach((v, k) => q.set(k, v));
  return q.toString();
}

/** The API query of a state: page, device, range and the session filters (one place, so the segment model can replace them). */
export function heatmapAPIQuery(s: HeatState): URLSearchParams {
  const q = new URLSearchParams();
  q.set('page', s.page);
  q.set('device', s.device);
  const r = rangeToAPI(s.range);
  if (r.from) q.set('from', r.from);
  if (r.to) q.set('to', r.to);
  const sq = filtersToAPIQuery(s.sessions);
  sq.delete('limit');
  // the heatmap API names the session list's selector filter session_selector
  sq.forEach((v, k) => q.set(k === 'selector' ? 'session_selector' : k, v));
  return q;
}

export function HeatmapsPage({ project }: { project: Project }) {
  useDocumentTitle('Heatmaps');
  const loc = useLocation();
  const st = useMemo(() => stateFrom(loc.search), [loc.search]);
  const set = (p: Partial<HeatState>) => navigate(paths.heatmaps(project.id, stateQuery({ ...st, ...p })), { replace: true });

  const pages = useLoad(
    (signal) => api.heatmapPages(project.id, st.device, signal),
    [project.id, st.device],
  );
  // default to the most viewed page
  useEffect(() => {
    if (!st.page && pages.data && pages.data.pages.length) set({ page: pages.data.pages[0].path });
  }, [pages.data, st.page]);

  const apiQuery = heatmapAPIQuery(st);
  // only the layer shown is aggregated (the top elements come with each)
  const reportQuery = new URLSearchParams(apiQuery);
  reportQuery.set('maps', st.layer);
  const key = reportQuery.toString();
  const report = useLoad<HeatmapReport | null>(
    (signal) => (st.page ? api.heatmap(project.id, reportQuery, signal) : Promise.resolve(null)),
    [project.id, key],
  );
  const snapQ = new URLSearchParams({ page: st.page, device: st.device }).toString();
  const snap = useLoad<{ view: SnapView; events: RREvent[] } | null>(
    (signal) => (st.page ? api.heatmapSnapshot(project.id, new URLSearchParams(snapQ), signal) : Promise.resolve(null)),
    [project.id, snapQ],
  );
  const [pattern, setPattern] = useState(st.page);
  useEffect(() => setPattern(st.page), [st.page]);
  const [picked, setPicked] = useState<{ selector: string; kind: ClickKind } | null>(null);
  const status = loadStatus(report, 'Could not load the heatmap');
  const r = report.data;
  const pageOptions = pages.data?.pages || [];

  return (
    <div class="content heatmaps-page">
      <PageHead
        title="Heatmaps"
        sub={r ? `${formatCount(r.views)} page views of ${r.page} on ${r.device}${r.paths.length > 1 ? ` (${r.paths.length} pages)` : ''}` : 'Where people click, how far they scroll, what they look at'}
      >
        <RefreshButton onClick={report.reload} loading={report.loading} />
      </PageHead>
      <div class="filters heat-filters">
        <form
          class="heat-page-form"
          onSubmit={(e) => {
            e.preventDefault();
            set({ page: pattern.trim() });
          }}
        >
          <input
            class="input sm heat-page-input"
            aria-label="Page or pattern"
            list="heat-pages"
            placeholder="/product/:id"
            value={pattern}
            onInput={(e) => setPattern((e.target as HTMLInputElement).value)}
            onChange={(e) => set({ page: (e.target as HTMLInputElement).value.trim() })}
          />
          <datalist id="heat-pages">
            {pageOptions.map((p) => (
              <option key={p.path} value={p.path}>
                {formatCount(p.views)} views
              </option>
            ))}
          </datalist>
        </form>
        <Select label="Device" value={st.device} options={DEVICES.map((d) => ({ value: d, label: d[0].toUpperCase() + d.slice(1) }))} onChange={(v) => set({ device: v })} />
        <RangePicker value={st.range} onChange={(range) => set({ range })} />
        <Select
          label="Sessions"
          value={st.sessions.hasError}
          options={[
            { value: '', label: 'All' },
            { value: 'true', label: 'With errors' },
            { value: 'false', label: 'Without errors' },
          ]}
          onChange={(v) => set({ sessions: { ...st.sessions, hasError: v as FilterState['hasError'] } })}
        />
      </div>
      <div class="heat-layers" role="toolbar" aria-label="Layers">
        {LAYERS.map((l) => (
          <button key={l.id} type="button" class={'seg' + (st.layer === l.id ? ' active' : '')} aria-pressed={st.layer === l.id} onClick={() => set({ layer: l.id })}>
            {l.label}
          </button>
        ))}
        {st.layer === 'clicks' && (
          <span class="heat-kinds">
            {KINDS.map((k) => (
              <button key={k.id} type="button" class={'seg sm' + (st.kind === k.id ? ' active' : '')} aria-pressed={st.kind === k.id} onClick={() => set({ kind: k.id })}>
                {k.label}
              </button>
            ))}
          </span>
        )}
        <ExportButton />
      </div>
      {!st.page && !pages.loading ? (
        <div class="empty">No page views with heatmap data yet. Sessions appear here once they have been idle for 30 minutes and are analysed.</div>
      ) : status ? (
        status
      ) : r ? (
        <div class={'heat-grid' + (report.loading ? ' is-loading' : '')}>
          <HeatStage report={r} snap={snap.data} snapError={snap.error ? snap.error.message : null} layer={st.layer} kind={st.kind} />
          <aside class="panel heat-side">
            <TopElements project={project} report={r} kind={st.layer === 'clicks' ? st.kind : 'all'} picked={picked} onPick={setPicked} query={apiQuery} />
            {st.layer === 'dead' && <DeadZoneList report={r} />}
            {st.layer === 'depth' && <DepthList report={r} />}
          </aside>
        </div>
      ) : null}
    </div>
  );
}

interface SnapView {
  session_id: string;
  window_id: string;
  time: string;
  path: string;
  vw: number;
  vh: number;
  doc_h: number;
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: { value: string; label: string }[]; onChange: (v: string) => void }) {
  const cur = options.find((o) => o.value === value) || options[0];
  return (
    <label class={'pill' + (value ? ' active' : '')}>
      <span class="pill-label">{label}</span>
      <span class="pill-value">{cur.label}</span>
      <select aria-label={label} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The rebuilt page, scaled to the stage, with the layer canvas over it. */
function HeatStage({ report, snap, snapError, layer, kind }: { report: HeatmapReport; snap: { view: SnapView; events: RREvent[] } | null; snapError: string | null; layer: Layer; kind: ClickKind }) {
  const stage = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const handle = useRef<ReplayHandle | null>(null);
  const [doc, setDoc] = useState<Document | null>(null);
  const [size, setSize] = useState<{ w: number; h: number }>({ w: 1280, h: 2000 });
  const [scale, setScale] = useState(1);
  const [err, setErr] = useState<string | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const points = useRef<HeatPoint[]>([]);

  // rebuild the snapshot
  useEffect(() => {
    if (!snap || !root.current) return;
    let live = true;
    setErr(null);
    loadReplayer().then(
      (Ctor) => {
        if (!live || !root.current) return;
        root.current.innerHTML = '';
        try {
          const h = mountReplayer(Ctor, root.current, snap.events, { speed: 1, skipInactive: false });
          handle.current = h;
          h.replayer.pause(Math.max(0, h.endTime - h.startTime));
          // the whole document, not one viewport: the iframe as tall as the page
          setTimeout(() => {
            if (!live) return;
            const iframe = h.replayer.iframe;
            const d = iframe.contentDocument;
            const w = snap.view.vw || iframe.offsetWidth || 1280;
            const docH = Math.max(d?.documentElement?.scrollHeight || 0, d?.body?.scrollHeight || 0, snap.view.doc_h || 0, snap.view.vh || 0, 400);
            iframe.setAttribute('width', String(w));
            iframe.setAttribute('height', String(docH));
            iframe.style.width = w + 'px';
            iframe.style.height = docH + 'px';
            const wrap = h.replayer.wrapper as HTMLElement;
            wrap.style.width = w + 'px';
            wrap.style.height = docH + 'px';
            // the tall frame re-lays out: measure again once it has
            requestAnimationFrame(() => {
              if (!live) return;
              const full = Math.max(d?.documentElement?.scrollHeight || 0, docH);
              iframe.setAttribute('height', String(full));
              iframe.style.height = full + 'px';
              wrap.style.height = full + 'px';
              setSize({ w, h: full });
              setDoc(d || null);
            });
          }, 50);
        } catch (e) {
          setErr((e as Error).message);
        }
      },
      (e) => setErr(String(e)),
    );
    return () => {
      live = false;
      handle.current?.destroy();
      handle.current = null;
      setDoc(null);
    };
  }, [snap]);

  // no snapshot: a blank page of the report's size
  useEffect(() => {
    if (!snap && report) setSize({ w: report.device === 'mobile' ? 390 : report.device === 'tablet' ? 820 : 1280, h: Math.max(report.doc_h, 1600) });
  }, [snap, report]);

  // fit to the stage's width
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const fit = () => setScale(Math.min(1, (el.clientWidth - 2) / size.w));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [size.w]);

  // draw the layer
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = size.w;
    c.height = size.h;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, c.width, c.height);
    const locate = locateIn(doc);
    const docH = size.h;
    points.current = [];
    if (layer === 'clicks') {
      const pts = placeClicks(report.clicks, kind, locate, size.w);
      points.current = pts;
      drawHeat(ctx, pts, Math.max(18, size.w / 45));
    } else if (layer === 'moves') {
      drawHeat(ctx, placeMoves(report.moves, size.w), Math.max(22, size.w / 30));
    } else if (layer === 'depth') {
      drawDepth(ctx, report, docH, 1 / scale);
    } else if (layer === 'attention') {
      drawAttention(ctx, report, docH, 1 / scale);
    } else if (layer === 'dead') {
      drawBlocks(ctx, report.blocks, locate, docH, 1 / scale);
    }
    c.dataset.points = JSON.stringify(points.current.map((p) => ({ selector: p.cell.selector, x: Math.round(p.x), y: Math.round(p.y), n: p.n, anchored: p.anchored })));
  }, [report, doc, size, layer, kind, scale]);

  const onMove = (e: MouseEvent) => {
    const c = canvas.current;
    if (!c) return;
    const b = c.getBoundingClientRect();
    const x = (e.clientX - b.left) / scale;
    const y = (e.clientY - b.top) / scale;
    let text = '';
    if (layer === 'clicks') {
      const p = nearest(points.current, x, y, 24 / scale);
      if (p) {
        const el = report.elements.find((r) => r.selector === p.cell.selector);
        text = `${p.cell.selector}\n${p.n} ${kind === 'all' ? '' : kind + ' '}clicks here` + (el ? ` · ${countOf(el, kind)} on the element · ${pct(kind === 'all' ? el.share : el[`${kind}_share` as 'rage_share'])} of views` : '');
      }
    } else if (layer === 'depth') {
      text = `${pct(depthShareAt(report.depth, y, size.h))} of views reached ${Math.round(y)} px`;
    } else if (layer === 'attention') {
      const band = report.attention.find((b) => y >= (b.from / 100) * size.h && y < (b.to / 100) * size.h);
      if (band) text = `${band.from}–${band.to}% of the page: ${seconds(band.mean_ms)} in view per page view`;
    }
    setTip(text ? { x: e.clientX - b.left + 14, y: e.clientY - b.top + 14, text } : null);
  };

  return (
    <section class="panel heat-stage" ref={stage}>
      {(err || snapError) && (
        <div class="heat-note">{err || (snapError ? 'No recorded snapshot of this page on this device: the layers are drawn on a blank page.' : '')}</div>
      )}
      <div class="heat-canvas-wrap" style={{ width: size.w * scale + 'px', height: size.h * scale + 'px' }}>
        <div class="heat-scaled" style={{ width: size.w + 'px', height: size.h + 'px', transform: `scale(${scale})` }}>
          <div class="heat-replay" ref={root} />
          <canvas class="heat-layer" ref={canvas} data-layer={layer} data-scale={String(scale)} onMouseMove={onMove} onMouseLeave={() => setTip(null)} />
        </div>
        {tip && (
          <div class="heat-tip" style={{ left: tip.x + 'px', top: tip.y + 'px' }} role="tooltip">
            {tip.text}
          </div>
        )}
      </div>
    </section>
  );
}

function TopElements({ project, report, kind, picked, onPick, query }: { project: Project; report: HeatmapReport; kind: ClickKind; picked: { selector: string; kind: ClickKind } | null; onPick: (p: { selector: string; kind: ClickKind } | null) => void; query: URLSearchParams }) {
  const rows = report.elements
    .filter((e) => countOf(e, kind) > 0)
    .sort((a, b) => countOf(b, kind) - countOf(a, kind))
    .slice(0, 25);
  const share = (e: (typeof rows)[number]) => (kind === 'all' ? e.share : kind === 'rage' ? e.rage_share : kind === 'dead' ? e.dead_share : e.error_share);
  return (
    <div class="heat-top">
      <div class="panel-head">
        <h2>Top elements</h2>
        <span class="muted small">by {kind === 'all' ? 'clicks' : kind + ' clicks'}</span>
      </div>
      {rows.length ? (
        <table class="table heat-table">
          <thead>
            <tr>
              <th>Element</th>
              <th class="num">Clicks</th>
              <th class="num" title="Page views with at least one such click on the element ÷ page views">Views</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <>
                <tr key={e.selector} class={'heat-row' + (picked?.selector === e.selector ? ' active' : '')} onClick={() => onPick(picked?.selector === e.selector ? null : { selector: e.selector, kind })}>
                  <td class="heat-el">
                    <span class="el-text">{e.text || <span class="muted">(no text)</span>}</span>
                    <code class="el-sel" title={e.selector}>
                      {e.selector}
                    </code>
                  </td>
                  <td class="num" title={`${e.clicks} clicks · ${e.rage} rage · ${e.dead} dead · ${e.error} error`}>
                    {formatCount(countOf(e, kind))}
                  </td>
                  <td class="num">{pct(share(e))}</td>
                </tr>
                {picked?.selector === e.selector && (
                  <tr key={e.selector + ':s'}>
                    <td colSpan={3}>
                      <ElementSessions project={project} selector={e.selector} kind={picked.kind} query={query} />
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted panel-empty">No {kind === 'all' ? '' : kind + ' '}clicks on this page in this range.</p>
      )}
    </div>
  );
}

function ElementSessions({ project, selector, kind, query }: { project: Project; selector: string; kind: ClickKind; query: URLSearchParams }) {
  const q = new URLSearchParams(query);
  q.set('selector', selector);
  q.set('kind', kind);
  const list = useLoad((signal) => api.heatmapSessions(project.id, q, signal), [project.id, q.toString()]);
  if (list.loading) return <span class="muted small">Loading sessions…</span>;
  if (list.error) return <span class="muted small">Could not load the sessions.</span>;
  const rows = list.data?.sessions || [];
  return (
    <ul class="heat-sessions">
      {rows.map((s) => (
        <li key={s.session_id}>
          <a href={paths.session(project.id, s.session_id, { t: Math.max(0, s.t_ms - 1500), window: s.window_id, back: undefined })}>
            Replay at the click
          </a>
          <span class="muted small">
            {' '}
            {new Date(s.time).toLocaleString()} · {s.clicks} {s.clicks === 1 ? 'click' : 'clicks'}
          </span>
        </li>
      ))}
      {!rows.length && <li class="muted small">No sessions.</li>}
    </ul>
  );
}

function DeadZoneList({ report }: { report: HeatmapReport }) {
  const dead = report.blocks.filter((b) => b.dead);
  return (
    <div class="heat-dead">
      <div class="panel-head">
        <h2>Dead zones</h2>
        <span class="muted small">seen by most, dwelt on by few</span>
      </div>
      {dead.length ? (
        <ul>
          {dead.map((b) => (
            <li key={b.selector}>
              <code>{b.selector}</code>
              <span class="muted small">
                {' '}
                {pct(b.seen_share)} of views saw it · {pct(b.short_share)} under 1 s · {pct(b.interact_share)} interacted
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted panel-empty">
          {report.views < DEAD_ZONE_MIN_VIEWS
            ? `Dead zones need at least ${DEAD_ZONE_MIN_VIEWS} page views with the current SDK; this page has ${report.views}.`
            : 'No dead zones: every block most views reach holds attention or gets used.'}
        </p>
      )}
    </div>
  );
}

function DepthList({ report }: { report: HeatmapReport }) {
  return (
    <div class="heat-depth">
      <div class="panel-head">
        <h2>Scroll depth</h2>
        <span class="muted small">share of page views reaching</span>
      </div>
      <ul>
        {report.depth
          .filter((d) => d.depth % 25 === 0)
          .map((d) => (
            <li key={d.depth}>
              {d.depth}% of the page: <strong>{pct(d.share)}</strong>
            </li>
          ))}
      </ul>
    </div>
  );
}

/** Exports the stage (snapshot + layer) as a PNG. */
function ExportButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="btn sm heat-export"
      disabled={busy}
      onClick={async (e) => {
        const btn = e.currentTarget as HTMLButtonElement;
        setBusy(true);
        try {
          const { exportPNG } = await import('../heatexport');
          const r = await exportPNG();
          // what was exported, for tests and the curious
          if (r) {
            Object.assign(btn.dataset, { bytes: String(r.blob.size), page: String(r.page) });
            (btn as HTMLButtonElement & { png?: Blob }).png = r.blob;
          }
        } finally {
          setBusy(false);
        }
      }}
    >
      Export PNG
    </button>
  );
}
