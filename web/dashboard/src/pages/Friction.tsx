// The Friction page: for a date range, the elements that frustrate people
// most, grouped by page, and how sessions end (GET /api/v1/projects/{pid}/friction).
import { useMemo } from 'preact/hooks';
import { api } from '../api';
import type { FrictionElement, FrictionReport, Project } from '../types';
import type { StruggleReport } from '../funnels';
import type { SegmentFilter } from '../segments';
import { filtersFromQuery, frictionAPIQuery, RANGE_PRESETS, rangeToQuery, sessionsQueryFor, type FilterState } from '../filters';
import { navigate, paths } from '../router';
import { useDocumentTitle, useLoad, useLocation, useNow } from '../hooks';
import { formatCount, formatExact, formatRelative } from '../format';
import { exampleHref, exitBars, exitHelp, formatShare, groupByPage, SIGNAL_HELP, SIGNALS, signalLabel, sparkBars, trendChange } from '../friction';
import { SignalChip, SignalIcon, sigClass } from '../components/Friction';
import { IconBolt, IconPlay } from '../components/icons';
import { loadStatus } from '../components/States';
import { PageHead, RefreshButton } from '../components/PageHead';

type Range = Pick<FilterState, 'range' | 'from' | 'to'>;

export function FrictionPage({ project }: { project: Project }) {
  useDocumentTitle('Friction');
  const loc = useLocation();
  const range: Range = useMemo(() => {
    const f = filtersFromQuery(loc.search);
    return { range: f.range, from: f.from, to: f.to };
  }, [loc.search]);
  const key = rangeToQuery(range).toString();
  const now = useNow();
  const report = useLoad<FrictionReport>(
    (signal) => api.friction(project.id, frictionAPIQuery(range, { limit: 200 }), signal),
    [project.id, key],
  );
  const { data, loading } = report;
  const status = loadStatus(report, 'Could not load the friction report');

  const setRange = (r: Range) => navigate(paths.friction(project.id, rangeToQuery(r).toString()));
  const groups = useMemo(() => groupByPage(data?.elements), [data]);
  const bars = useMemo(() => exitBars(data?.exits), [data]);
  const exitTotal = bars.reduce((s, b) => s + b.count, 0);
  const detections = (data?.elements || []).reduce((s, e) => s + e.count, 0);
  const preset = RANGE_PRESETS.find((p) => p.value === range.range);
  const prevLabel = preset ? 'the ' + preset.label.replace(/^Last /, 'previous ') : 'the previous period';

  return (
    <div class="content friction-page">
      <PageHead
        title="Friction"
        sub={
          loading || !data
            ? '\u00a0'
            : detections
              ? `${formatCount(detections)} detections on ${formatCount(data.elements?.length || 0)} elements across ${groups.length} ${groups.length === 1 ? 'page' : 'pages'}`
              : 'Where people get stuck, and how their sessions end'
        }
      >
        <RefreshButton onClick={report.reload} loading={loading} />
      </PageHead>
      <div class="filters">
        <RangePicker value={range} onChange={setRange} />
      </div>
      {status ? (
        status
      ) : !groups.length && !exitTotal ? (
        <FrictionEmpty ranged={!!key} onAnyTime={() => setRange({ range: '', from: '', to: '' })} />
      ) : (
        <div class={'friction-grid' + (loading ? ' is-loading' : '')}>
          <section class="panel">
            <div class="panel-head">
              <h2>Most frustrating elements</h2>
              <span class="muted small">By page · most detections first</span>
            </div>
            {groups.length ? (
              groups.map((g) => (
                <div class="page-group" key={g.url}>
                  <div class="page-group-head">
                    <span class="page-url" title={g.url}>
                      {g.url || '/'}
                    </span>
                    <span class="muted small">
                      {formatCount(g.total)} {g.total === 1 ? 'detection' : 'detections'} · {formatCount(g.pageSessions)}{' '}
                      {g.pageSessions === 1 ? 'session' : 'sessions'} viewed this page
                    </span>
                  </div>
                  <table class="table friction-table">
                    <thead>
                      <tr>
                        <th class="col-sig">Signal</th>
                        <th class="col-el">Element</th>
                        <th class="num">Count</th>
                        <th class="num col-sess">Sessions</th>
                        <th class="col-share" title="Sessions with this signal ÷ sessions that viewed the page">
                          Share of page views
                        </th>
                        <th class="col-trend" title={`Detections over the range, and the change in share of page views against ${prevLabel}`}>
                          Trend
                        </th>
                        <th class="col-seen">Seen</th>
                        <th class="col-ex" aria-label="Example" />
                      </tr>
                    </thead>
                    <tbody>
                      {g.rows.map((el, i) => (
                        <ElementRow key={i} project={project} el={el} range={range} now={now} hasPrevious={!!data?.previous_from} prevLabel={prevLabel} />
                      ))}
                    </tbody>
                  </table>
                </div>
              ))
            ) : (
              <p class="muted panel-empty">No friction detected on any element in this range.</p>
            )}
          </section>
          <section class="panel exits-panel">
            <div class="panel-head">
              <h2>How sessions end</h2>
              <span class="muted small">{formatCount(exitTotal)} analysed sessions</span>
            </div>
            {bars.length ? (
              <ul class="exit-bars">
                {bars.map((b) => (
                  <li key={b.cls} title={exitHelp(b.cls)}>
                    <div class="exit-row">
                      <span class="exit-name">{b.label}</span>
                      <span class="exit-num">
                        {formatCount(b.count)} <span class="muted">· {formatShare(b.share)}</span>
                      </span>
                    </div>
                    <span class="exit-track" aria-hidden="true">
                      <span class={'exit-fill tone-' + b.tone} style={{ width: Math.max(1.5, b.share * 100) + '%' }} />
                    </span>
                    <p class="exit-help">{exitHelp(b.cls)}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted panel-empty">No session in this range has been analysed yet.</p>
            )}
          </section>
        </div>
      )}
      {!status && <WhoStruggles project={project} range={range} />}
    </div>
  );
}

const DIM_LABELS: Record<string, string> = {
  utm_source: 'UTM source',
  utm_campaign: 'UTM campaign',
  first_utm_source: 'First-touch source',
  device: 'Device',
  browser: 'Browser',
  visitor: 'Visitor',
  'trait:role': 'Role',
  'trait:plan': 'Plan',
};

/** The segment (segments.ts) of one dimension value, for the sessions list link. */
function dimensionSegment(dim: string, value: string): SegmentFilter {
  const [field, key] = dim.split(':');
  if (field === 'trait') return value ? { field: 'trait', key, op: 'eq', value } : { not: { field: 'trait', key, op: 'exists' } };
  if (!value && field !== 'visitor' && field !== 'device') return { not: { field, op: 'exists' } };
  return { field, op: 'eq', value };
}

/** Who struggles: friction rates by segment dimension, against everyone else. */
function WhoStruggles({ project, range }: { project: Project; range: Range }) {
  const q = new URLSearchParams(frictionAPIQuery(range, { limit: 30 }));
  const load = useLoad<StruggleReport>((signal) => api.struggles(project.id, q, signal), [project.id, q.toString()]);
  const rows = (load.data?.rows || []).slice(0, 15);
  if (load.error || !rows.length) return null;
  return (
    <section class="panel struggles" aria-label="Who struggles">
      <div class="panel-head">
        <h2>Who struggles</h2>
        <span class="muted small">Groups with more friction than everyone else · target guidance at them</span>
      </div>
      <table class="table struggle-table">
        <thead>
          <tr>
            <th>Group</th>
            <th>Signal</th>
            <th>Rate</th>
            <th>Everyone else</th>
            <th>Ratio</th>
            <th title="Two-proportion z test">Significance</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const seg = dimensionSegment(r.dimension, r.value);
            const qs = sessionsQueryFor(range, r.signal, r.selector || '');
            qs.set('seg', JSON.stringify(seg));
            return (
              <tr key={i} class="row-link" onClick={() => navigate(paths.sessions(project.id, qs.toString()))}>
                <td>
                  {DIM_LABELS[r.dimension] || r.dimension} <strong>{r.value || '(none)'}</strong>
                </td>
                <td>
                  <SignalChip signal={r.signal} /> {r.selector && <code class="el-sel">{r.selector}</code>}
                </td>
                <td>
                  {formatShare(r.rate)} <span class="muted small">({r.with_signal} of {r.sessions})</span>
                </td>
                <td>{formatShare(r.other_rate)}</td>
                <td>
                  <strong>{r.ratio.toFixed(1)}×</strong>
                </td>
                <td class={r.significant ? 'sig-yes' : 'muted'}>{r.significant ? `p = ${r.p_value.toPrecision(2)}` : `p = ${r.p_value.toPrecision(2)} (not significant)`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function ElementRow({ project, el, range, now, hasPrevious, prevLabel }: { project: Project; el: FrictionElement; range: Range; now: number; hasPrevious: boolean; prevLabel: string }) {
  const change = trendChange(el, hasPrevious, prevLabel);
  const bars = sparkBars(el.trend);
  const listHref = paths.sessions(project.id, sessionsQueryFor(range, el.signal, el.selector).toString());
  const share = Math.max(0, Math.min(1, el.share_of_page_views || 0));
  const open = (e: MouseEvent) => {
    if ((e.target as Element).closest('a')) return;
    navigate(listHref);
  };
  return (
    <tr class="row-link" onClick={open} title={`Show the ${el.sessions} ${el.sessions === 1 ? 'session' : 'sessions'} with this signal`}>
      <td class="col-sig">
        <SignalChip signal={el.signal} />
      </td>
      <td class="col-el">
        <a href={listHref} class="el-cell">
          {el.text ? (
            <>
              <span class="el-text">“{el.text}”</span>
              <code class="el-sel">{el.selector || '—'}</code>
            </>
          ) : (
            <code class="el-sel main">{el.selector || '—'}</code>
          )}
        </a>
      </td>
      <td class="num strong">{formatCount(el.count)}</td>
      <td class="num col-sess">{formatCount(el.sessions)}</td>
      <td class="col-share">
        <span class="share" title={`${el.sessions} of ${el.page_sessions} sessions that viewed ${el.url}`}>
          <span class="share-bar">
            <span class={'share-fill ' + sigClass(el.signal)} style={{ width: Math.max(2, share * 100) + '%' }} />
          </span>
          <span class="share-pct">{formatShare(share)}</span>
        </span>
      </td>
      <td class="col-trend">
        <span class="trend">
          {bars.length > 1 && (
            <svg class={'spark ' + sigClass(el.signal)} viewBox={`0 0 ${bars.length * 4} 16`} preserveAspectRatio="none" aria-label={`Detections over time: ${(el.trend || []).join(', ')}`} role="img">
              {bars.map((h, i) => (
                <rect key={i} x={i * 4 + 0.5} y={16 - Math.max(h > 0 ? 2 : 0.6, h * 16)} width="3" height={Math.max(h > 0 ? 2 : 0.6, h * 16)} class={h > 0 ? 'on' : 'off'} />
              ))}
            </svg>
          )}
          {change.kind !== 'none' && (
            <span class={'trend-chg ' + change.kind} title={change.title}>
              {change.label}
            </span>
          )}
        </span>
      </td>
      <td class="col-seen">
        <span class="seen" title={`First ${formatExact(el.first_seen)}\nLast ${formatExact(el.last_seen)}`}>
          <span>{formatRelative(el.last_seen, now)}</span>
          <span class="muted small">since {formatRelative(el.first_seen, now)}</span>
        </span>
      </td>
      <td class="col-ex">
        <a class="btn sm ghost add-guide" href={paths.guides(project.id, new URLSearchParams({ new: '1', selector: el.selector, page: el.url, signal: el.signal, text: el.text || '' }).toString())} title="Add guidance here: a new guide on this element, for this signal" aria-label="Add guidance here">
          + Guide
        </a>
        {el.example && (
          <a class="btn sm ghost watch" href={exampleHref(project.id, el.example)} title="Watch the latest occurrence" aria-label="Watch the latest occurrence">
            <IconPlay size={11} />
          </a>
        )}
      </td>
    </tr>
  );
}

export function RangePicker({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  const options = [{ value: '', label: 'Any time' }, ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })), { value: 'custom', label: 'Custom range…' }];
  const cur = options.find((o) => o.value === value.range) || options[0];
  return (
    <>
      <label class={'pill' + (value.range ? ' active' : '')}>
        <span class="pill-label">Date</span>
        <span class="pill-value">{cur.label}</span>
        <svg class="pill-caret" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M2 3.75 5 6.75 8 3.75" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
        </svg>
        <select
          aria-label="Date"
          value={value.range}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value as Range['range'];
            onChange({ range: v, from: v === 'custom' ? value.from : '', to: v === 'custom' ? value.to : '' });
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {value.range === 'custom' && (
        <span class="date-range">
          <input class="input sm" type="date" aria-label="From date" value={value.from} max={value.to || undefined} onChange={(e) => onChange({ ...value, from: (e.target as HTMLInputElement).value })} />
          <span class="muted">–</span>
          <input class="input sm" type="date" aria-label="To date" value={value.to} min={value.from || undefined} onChange={(e) => onChange({ ...value, to: (e.target as HTMLInputElement).value })} />
        </span>
      )}
    </>
  );
}

function FrictionEmpty({ ranged, onAnyTime }: { ranged: boolean; onAnyTime: () => void }) {
  return (
    <div class="table-wrap">
      <div class="empty in-table friction-empty">
        <div class="empty-icon">
          <IconBolt size={20} />
        </div>
        <h2>{ranged ? 'No friction in this range' : 'No friction detected yet'}</h2>
        <p>
          Friction signals are moments where people struggle: clicks that do nothing, repeated clicks, errors right after a
          click, forms given up. Trailguide detects them when a session ends (after 30 minutes without activity), so new
          sessions show up here a little later.
        </p>
        <ul class="sig-legend">
          {SIGNALS.map((s) => (
            <li key={s}>
              <span class={'sig-dot ' + sigClass(s)}>
                <SignalIcon signal={s} size={12} />
              </span>
              <span>
                <strong>{signalLabel(s)}</strong> <span class="muted">{SIGNAL_HELP[s]}</span>
              </span>
            </li>
          ))}
        </ul>
        <p class="muted small">
          Every signal follows an exact, versioned definition:{' '}
          <a href="https://github.com/trailguide/trailguide/blob/main/docs/FRICTION.md#2-signals" target="_blank" rel="noopener external">
            Friction Signal Spec (docs/FRICTION.md)
          </a>
          .
        </p>
        {ranged && (
          <button class="btn" onClick={onAnyTime}>
            Show any time
          </button>
        )}
      </div>
    </div>
  );
}
