import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Project, Session, SessionFacets } from '../types';
import {
  activeFilterCount,
  emptyFilters,
  filtersFromQuery,
  filtersToAPIQuery,
  filtersToQuery,
  RANGE_PRESETS,
  type FilterState,
} from '../filters';
import { navigate, paths } from '../router';
import { useDocumentTitle, useLoad, useLocation, useNow, useRequest } from '../hooks';
import {
  capitalize,
  formatCount,
  formatDuration,
  formatExact,
  formatRelative,
  personLabel,
  urlHost,
  urlPath,
} from '../format';
import { DeviceIcon, IconClose, IconPlay, IconReplay, IconSearch, IconSessions, IconUser } from '../components/icons';
import { InTableError, Spinner } from '../components/States';
import { PageHead } from '../components/PageHead';
import { SignalChip, ScoreBadge } from '../components/Friction';
import { SIGNALS, signalLabel, topSignals, exitLabel } from '../friction';
import { SegmentBar } from '../components/SegmentBar';
import { segmentFromParam, segmentToParam } from '../segments';

interface ListState {
  sessions: Session[];
  total: number;
  next: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
}

export function SessionsPage({ project }: { project: Project }) {
  useDocumentTitle('Sessions');
  const loc = useLocation();
  const filters = useMemo(() => filtersFromQuery(loc.search), [loc.search]);
  const queryKey = filtersToQuery(filters).toString();
  const facetsLoad = useLoad((signal) => api.facets(project.id, signal), [project.id]);
  const facets: SessionFacets | null = facetsLoad.error ? { browsers: [], devices: [], utm_sources: [] } : facetsLoad.data;
  const [list, setList] = useState<ListState>({ sessions: [], total: 0, next: null, loading: true, loadingMore: false, error: null });
  const now = useNow();
  const run = useRequest();

  // Relative ranges resolve once per list, so "Load more" pages use the same bounds.
  const baseNow = useRef(Date.now());
  const load = (cursor?: string) => {
    if (!cursor) baseNow.current = Date.now();
    setList((l) => ({ ...l, loading: !cursor, loadingMore: !!cursor, error: null }));
    run(
      (signal) => api.sessions(project.id, filtersToAPIQuery(filters, { cursor, now: baseNow.current }), signal),
      (page) => {
        setList((l) => ({
          sessions: cursor ? [...l.sessions, ...(page.sessions || [])] : page.sessions || [],
          total: page.total ?? 0,
          next: page.next_cursor || null,
          loading: false,
          loadingMore: false,
          error: null,
        }));
      },
      (err) => setList((l) => ({ ...l, loading: false, loadingMore: false, error: err.message })),
    );
  };

  useEffect(() => {
    load();
    sessionStorage.setItem('tg.list.' + project.id, paths.sessions(project.id, queryKey));
  }, [project.id, queryKey]);

  const setFilters = (f: FilterState, replace = false) => {
    navigate(paths.sessions(project.id, filtersToQuery(f).toString()), { replace });
  };
  const nActive = activeFilterCount(filters);

  return (
    <div class="content">
      <PageHead
        title="Sessions"
        sub={list.loading ? '\u00a0' : `${formatCount(list.total)} ${list.total === 1 ? 'session' : 'sessions'}${nActive ? ' match these filters' : ''}`}
      >
        <div class="head-actions">
          <div class="seg" role="group" aria-label="Sort">
            <button class={filters.sort === 'newest' ? 'active' : ''} aria-pressed={filters.sort === 'newest'} onClick={() => setFilters({ ...filters, sort: 'newest' })}>
              Newest
            </button>
            <button
              class={filters.sort === 'frustration' ? 'active' : ''}
              aria-pressed={filters.sort === 'frustration'}
              onClick={() => setFilters({ ...filters, sort: 'frustration' })}
              title="Highest frustration score first (rage, error and dead clicks weigh most)"
            >
              Most frustrating
            </button>
          </div>
          <button class="btn sm" onClick={() => load()} disabled={list.loading} title="Fetch the newest sessions">
            <IconReplay size={13} /> Refresh
          </button>
        </div>
      </PageHead>
      {(nActive > 0 || list.loading || list.total > 0 || list.error) && <FilterBar filters={filters} facets={facets} onChange={setFilters} />}
      {(nActive > 0 || list.loading || list.total > 0 || list.error) && (
        <SegmentBar
          pid={project.id}
          value={segmentFromParam(filters.segment)}
          onChange={(seg) => setFilters({ ...filters, segment: segmentToParam(seg) })}
          suggestions={{ utm_source: facets?.utm_sources || [], first_utm_source: facets?.utm_sources || [], browser: facets?.browsers || [] }}
        />
      )}
      <div class="table-wrap">
        {list.error ? (
          <InTableError title="Could not load sessions" message={list.error} onRetry={() => load()} />
        ) : list.loading ? (
          <SkeletonTable />
        ) : list.sessions.length === 0 ? (
          nActive ? (
            <div class="empty in-table">
              <div class="empty-icon">
                <IconSearch size={20} />
              </div>
              <h2>No sessions match these filters</h2>
              <p>Try a wider date range or remove a filter.</p>
              <button class="btn" onClick={() => setFilters({ ...emptyFilters, sort: filters.sort })}>
                Clear filters
              </button>
            </div>
          ) : (
            <InstallHint project={project} />
          )
        ) : (
          <SessionTable project={project} sessions={list.sessions} now={now} search={loc.search} />
        )}
        {!list.loading && !list.error && list.next && (
          <div class="load-more">
            <button class="btn" disabled={list.loadingMore} onClick={() => load(list.next!)}>
              {list.loadingMore ? <Spinner size={14} /> : null}
              {list.loadingMore ? 'Loading…' : `Load more`}
            </button>
            <span class="muted small">
              Showing {formatCount(list.sessions.length)} of {formatCount(list.total)}
            </span>
          </div>
        )}
      </div>
    </div>
  );
}

function InstallHint({ project }: { project: Project }) {
  const snippet = `<script src="${location.origin}/sdk/trailguide.js" data-key="${project.public_key}" async></script>`;
  return (
    <div class="empty in-table">
      <div class="empty-icon">
        <IconSessions size={20} />
      </div>
      <h2>No sessions recorded yet</h2>
      <p>Add the Trailguide SDK to your site. Sessions show up here a few seconds after someone visits.</p>
      <pre class="snippet">
        <code>{snippet}</code>
      </pre>
      <p class="muted small">
        Project key <code>{project.public_key}</code>
      </p>
    </div>
  );
}

const COLS = ['When', 'Person', 'Duration', 'Friction', 'Pages', 'Errors', 'Entry page', 'Device', 'Source'];

function SkeletonTable() {
  return (
    <table class="table">
      <thead>
        <tr>
          {COLS.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: 10 }, (_, i) => (
          <tr key={i} class="skeleton-row">
            {COLS.map((c) => (
              <td key={c}>
                <span class="skeleton" style={{ width: c === 'Entry page' ? '70%' : c === 'Person' ? '60%' : '40%' }} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SessionTable({ project, sessions, now }: { project: Project; sessions: Session[]; now: number; search: string }) {
  return (
    <table class="table sessions">
      <thead>
        <tr>
          <th class="col-when">When</th>
          <th class="col-person">Person</th>
          <th class="col-dur">Duration</th>
          <th class="col-friction" title="Frustration score and the signals detected once the session ended">
            Friction
          </th>
          <th class="num">Pages</th>
          <th class="num">Errors</th>
          <th class="col-entry">Entry page</th>
          <th class="col-device">Device</th>
          <th class="col-source">Source</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <SessionRow key={s.id} project={project} s={s} now={now} />
        ))}
      </tbody>
    </table>
  );
}

function SessionRow({ project, s, now }: { project: Project; s: Session; now: number }) {
  const href = paths.session(project.id, s.id);
  const person = personLabel(s);
  const activePct = s.duration_ms > 0 ? Math.min(100, Math.round((s.active_ms / s.duration_ms) * 100)) : 0;
  const live = !s.closed && now - Date.parse(s.last_activity_at) < 5 * 60_000;
  const open = (e: MouseEvent) => {
    if ((e.target as Element).closest('a')) return;
    if (e.metaKey || e.ctrlKey) window.open(href, '_blank');
    else navigate(href);
  };
  return (
    <tr class="row-link" onClick={open}>
      <td class="col-when">
        <a href={href} class="when" title={formatExact(s.started_at)}>
          {formatRelative(s.started_at, now)}
        </a>
        {live && <span class="live-dot" title="Active now" />}
        <span class="row-play" aria-hidden="true">
          <IconPlay size={11} />
        </span>
      </td>
      <td class="col-person">
        <div class="person">
          <span class={'avatar sm' + (person.identified ? '' : ' anon')}>
            {person.identified ? person.primary[0]?.toUpperCase() : <IconUser size={13} />}
          </span>
          <span class="person-text">
            <span class="person-name" title={s.user_id || s.visitor_id}>
              {person.primary}
            </span>
            {person.secondary && <span class="person-sub">{person.secondary}</span>}
          </span>
        </div>
      </td>
      <td class="col-dur">
        <div class="dur" title={`${formatDuration(s.active_ms)} active of ${formatDuration(s.duration_ms)}`}>
          <span class="num-text">{formatDuration(s.duration_ms)}</span>
          <span class="meter" aria-hidden="true">
            <span style={{ width: activePct + '%' }} />
          </span>
        </div>
      </td>
      <td class="col-friction">
        <FrictionCell s={s} />
      </td>
      <td class="num">{formatCount(s.page_count)}</td>
      <td class="num">
        {s.error_count > 0 ? (
          <span class="badge danger" title={`${s.error_count} JavaScript ${s.error_count === 1 ? 'error' : 'errors'}`}>
            {formatCount(s.error_count)}
          </span>
        ) : (
          <span class="muted">–</span>
        )}
      </td>
      <td class="col-entry">
        <span class="url" title={s.entry_url}>
          <span class="url-path">{urlPath(s.entry_url) || '—'}</span>
          <span class="url-host">{urlHost(s.entry_url)}</span>
        </span>
      </td>
      <td class="col-device">
        <span class="device" title={[capitalize(s.device_class), s.browser, s.os].filter(Boolean).join(' · ')}>
          <DeviceIcon device={s.device_class} size={15} />
          <span>{s.browser || 'Unknown'}</span>
          {s.os && <span class="muted">{s.os}</span>}
        </span>
      </td>
      <td class="col-source">
        {s.utm?.source ? (
          <span class="tag" title={[s.utm.source, s.utm.medium, s.utm.campaign].filter(Boolean).join(' / ')}>
            {s.utm.source}
          </span>
        ) : s.referrer ? (
          <span class="muted" title={s.referrer}>
            {urlHost(s.referrer) || 'Referral'}
          </span>
        ) : (
          <span class="muted">Direct</span>
        )}
      </td>
    </tr>
  );
}

function FrictionCell({ s }: { s: Session }) {
  const chips = topSignals(s.friction_counts, 2);
  const all = topSignals(s.friction_counts, 99);
  const more = all.length - chips.length;
  if (!s.closed && !s.frustration_score && !chips.length) {
    return (
      <span class="muted small" title="Friction is analysed when the session ends">
        Pending
      </span>
    );
  }
  if (!chips.length && !s.frustration_score) {
    return s.exit_class === 'converted' ? (
      <span class="chip-exit good" title="No friction detected · converted">
        Converted
      </span>
    ) : (
      <span class="muted" title={s.exit_class ? `No friction detected · ${exitLabel(s.exit_class)}` : 'No friction detected'}>
        –
      </span>
    );
  }
  const title = [
    `Frustration score ${s.frustration_score || 0}`,
    ...all.map((c) => `${signalLabel(c.signal)} ×${c.count}`),
    s.exit_class ? `Exit: ${exitLabel(s.exit_class)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span class="friction-cell" title={title}>
      <ScoreBadge score={s.frustration_score || 0} />
      {chips.map((c, i) => (
        <SignalChip key={c.signal} signal={c.signal} count={c.count} compact iconOnly={i > 0} />
      ))}
      {more > 0 && <span class="chip-more">+{more}</span>}
    </span>
  );
}

const MIN_DUR = [10, 30, 60, 300, 900];
const MAX_DUR = [30, 60, 300, 900, 1800, 3600];

function durLabel(s: number) {
  return formatDuration(s * 1000);
}

function FilterBar({
  filters,
  facets,
  onChange,
}: {
  filters: FilterState;
  facets: SessionFacets | null;
  onChange: (f: FilterState, replace?: boolean) => void;
}) {
  const set = (patch: Partial<FilterState>, replace = false) => onChange({ ...filters, ...patch }, replace);
  const withCurrent = (list: string[] | null | undefined, cur: string) => {
    const l = [...(list || [])];
    if (cur && !l.includes(cur)) l.unshift(cur);
    return l;
  };
  const devices = withCurrent(facets?.devices?.length ? facets.devices : ['desktop', 'tablet', 'mobile'], filters.device);
  const browsers = withCurrent(facets?.browsers, filters.browser);
  const utms = withCurrent(facets?.utm_sources, filters.utmSource);
  const minOpts = filters.minDuration != null && !MIN_DUR.includes(filters.minDuration) ? [filters.minDuration, ...MIN_DUR] : MIN_DUR;
  const maxOpts = filters.maxDuration != null && !MAX_DUR.includes(filters.maxDuration) ? [filters.maxDuration, ...MAX_DUR] : MAX_DUR;
  const n = activeFilterCount(filters);
  return (
    <div class="filters">
      <Select
        label="Date"
        value={filters.range}
        onChange={(v) => set({ range: v as FilterState['range'], from: v === 'custom' ? filters.from : '', to: v === 'custom' ? filters.to : '' })}
        options={[{ value: '', label: 'Any time' }, ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })), { value: 'custom', label: 'Custom range…' }]}
      />
      {filters.range === 'custom' && (
        <span class="date-range">
          <input class="input sm" type="date" aria-label="From date" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: (e.target as HTMLInputElement).value })} />
          <span class="muted">–</span>
          <input class="input sm" type="date" aria-label="To date" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: (e.target as HTMLInputElement).value })} />
        </span>
      )}
      <Select
        label="Signal"
        value={filters.signal}
        onChange={(v) => set({ signal: v })}
        options={[
          { value: '', label: 'Any' },
          ...(filters.signal && !(SIGNALS as readonly string[]).includes(filters.signal) ? [{ value: filters.signal, label: signalLabel(filters.signal) }] : []),
          ...SIGNALS.map((sg) => ({ value: sg, label: signalLabel(sg) })),
        ]}
      />
      <TextFilter
        placeholder="Selector"
        title="Sessions with a friction signal on this element (exact CSS selector, e.g. #export-pdf)"
        value={filters.selector}
        onCommit={(v) => set({ selector: v })}
        width={132}
        mono
      />
      <TextFilter
        placeholder="URL contains…"
        title="Sessions that visited a page whose URL contains this text"
        value={filters.url}
        onCommit={(v) => set({ url: v })}
        width={132}
      />
      <TextFilter
        placeholder="User id"
        title="Exact user id; end with * to match every id that starts with it"
        value={filters.user}
        onCommit={(v) => set({ user: v })}
        width={96}
      />
      <DurationFilter
        min={filters.minDuration}
        max={filters.maxDuration}
        minOpts={minOpts}
        maxOpts={maxOpts}
        onChange={(minDuration, maxDuration) => set({ minDuration, maxDuration })}
      />
      <Select
        label="Device"
        value={filters.device}
        onChange={(v) => set({ device: v })}
        options={[{ value: '', label: 'Any' }, ...devices.map((d) => ({ value: d, label: capitalize(d) }))]}
      />
      <Select
        label="Browser"
        value={filters.browser}
        onChange={(v) => set({ browser: v })}
        options={[{ value: '', label: 'Any' }, ...browsers.map((b) => ({ value: b, label: b }))]}
      />
      <Select
        label="UTM"
        value={filters.utmSource}
        onChange={(v) => set({ utmSource: v })}
        options={[{ value: '', label: 'Any' }, ...utms.map((b) => ({ value: b, label: b }))]}
      />
      <Select
        label="Errors"
        value={filters.hasError}
        onChange={(v) => set({ hasError: v as FilterState['hasError'] })}
        options={[
          { value: '', label: 'Any' },
          { value: 'true', label: 'With errors' },
          { value: 'false', label: 'Without errors' },
        ]}
      />
      {n > 0 && (
        <button class="btn ghost sm" onClick={() => onChange({ ...emptyFilters, sort: filters.sort })}>
          <IconClose size={13} /> Clear {n > 1 ? 'all' : ''}
        </button>
      )}
    </div>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  const cur = options.find((o) => o.value === value) || options[0];
  const active = value !== '';
  return (
    <label class={'pill' + (active ? ' active' : '')}>
      <span class="pill-label">{label}</span>
      <span class="pill-value">{cur?.label}</span>
      <svg class="pill-caret" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
        <path d="M2 3.75 5 6.75 8 3.75" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
      </svg>
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

export function durationSummary(min: number | null, max: number | null): string {
  if (min != null && max != null) return `${durLabel(min)} – ${durLabel(max)}`;
  if (min != null) return `≥ ${durLabel(min)}`;
  if (max != null) return `≤ ${durLabel(max)}`;
  return 'Any';
}

/** One pill for the duration bounds; a small popover holds the min and max menus. */
function DurationFilter({
  min,
  max,
  minOpts,
  maxOpts,
  onChange,
}: {
  min: number | null;
  max: number | null;
  minOpts: number[];
  maxOpts: number[];
  onChange: (min: number | null, max: number | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  const active = min != null || max != null;
  const num = (v: string) => (v === '' ? null : Number(v));
  return (
    <div class="pop-wrap" ref={ref}>
      <button class={'pill' + (active ? ' active' : '')} onClick={() => setOpen(!open)} aria-expanded={open}>
        <span class="pill-label">Duration</span>
        <span class="pill-value">{durationSummary(min, max)}</span>
        <svg class="pill-caret" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M2 3.75 5 6.75 8 3.75" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
        </svg>
      </button>
      {open && (
        <div class="popover">
          <label class="pop-field">
            <span>At least</span>
            <select class="input sm" value={min == null ? '' : String(min)} onChange={(e) => onChange(num((e.target as HTMLSelectElement).value), max)}>
              <option value="">No minimum</option>
              {minOpts.map((s) => (
                <option key={s} value={String(s)}>
                  {durLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <label class="pop-field">
            <span>At most</span>
            <select class="input sm" value={max == null ? '' : String(max)} onChange={(e) => onChange(min, num((e.target as HTMLSelectElement).value))}>
              <option value="">No maximum</option>
              {maxOpts.map((s) => (
                <option key={s} value={String(s)}>
                  {durLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <p class="muted small">Sessions shorter than 10 s are usually bounces.</p>
        </div>
      )}
    </div>
  );
}

/** A text filter that commits on Enter, on blur, or 500 ms after typing stops. */
function TextFilter({
  placeholder,
  value,
  onCommit,
  width,
  title,
  mono,
}: {
  placeholder: string;
  value: string;
  onCommit: (v: string) => void;
  width: number;
  title?: string;
  mono?: boolean;
}) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setDraft(value), [value]);
  const commit = (v: string) => {
    clearTimeout(timer.current);
    if (v.trim() !== value) onCommit(v.trim());
  };
  return (
    <span class={'search-input' + (value ? ' active' : '')} style={{ width: width + 'px' }} title={title}>
      <IconSearch size={13} />
      <input
        class={'bare' + (mono ? ' mono' : '')}
        placeholder={placeholder}
        aria-label={placeholder}
        value={draft}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setDraft(v);
          clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(v), 500);
        }}
        onKeyDown={(e) => e.key === 'Enter' && commit((e.target as HTMLInputElement).value)}
        onBlur={(e) => commit((e.target as HTMLInputElement).value)}
      />
      {draft && (
        <button
          class="clear-x"
          aria-label="Clear"
          onClick={() => {
            setDraft('');
            commit('');
          }}
        >
          <IconClose size={11} />
        </button>
      )}
    </span>
  );
}
