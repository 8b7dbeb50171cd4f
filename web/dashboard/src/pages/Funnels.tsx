// The Funnels page: build a funnel (steps, order, window, counting unit),
// filter it by a segment, break it down by one property, and drill into
// the sessions that dropped off or converted at each step; each opens the
// replay a few seconds before the last step it reached.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import type { Project, User } from '../types';
import { navigate, paths } from '../router';
import { useDocumentTitle, useLoad, useLocation } from '../hooks';
import { RANGE_PRESETS } from '../filters';
import { formatCount, formatDuration, formatRelative, formatExact } from '../format';
import { PageHead, RefreshButton } from '../components/PageHead';
import { loadStatus } from '../components/States';
import { SegmentBar } from '../components/SegmentBar';
import { IconClose, IconPlay } from '../components/icons';
import {
  BREAKDOWNS,
  funnelStateFromQuery,
  funnelStateToQuery,
  percent,
  REPLAY_LEAD_MS,
  STEP_KINDS,
  stepProblem,
  stepTitle,
  stepValue,
  withStepValue,
  WINDOWS,
  type Funnel,
  type FunnelPageState,
  type FunnelQuery,
  type FunnelResult,
  type FunnelStep,
  type FunnelStepResult,
  type StepKind,
  type DropFactor,
  points,
} from '../funnels';
import { signalLabel } from '../friction';

function apiQuery(st: FunnelPageState, now: number): FunnelQuery {
  const preset = RANGE_PRESETS.find((p) => p.value === st.range);
  const q: FunnelQuery = { ...st.q };
  // A preset overrides the query's from; "since" keeps the from of the link.
  if (preset) q.from = new Date(now - preset.ms).toISOString();
  else if (st.range !== 'since') delete q.from;
  return q;
}

export function FunnelsPage({ project, user }: { project: Project; user: User }) {
  useDocumentTitle('Funnels');
  const loc = useLocation();
  const saved = useLoad((signal) => api.funnels(project.id, signal), [project.id]);
  const savedList = saved.data?.funnels || [];
  // Without a funnel in the link: the first saved funnel, else a starter.
  const st = useMemo(() => funnelStateFromQuery(loc.search, savedList[0] ? definition(savedList[0]) : undefined), [loc.search, savedList]);
  const key = funnelStateToQuery(st);
  const problem = st.q.funnel.steps.map(stepProblem).find(Boolean) || null;
  const [now] = useState(() => Date.now());
  const q = useMemo(() => apiQuery(st, now), [key, now]);
  const res = useLoad<FunnelResult | null>((signal) => (problem ? Promise.resolve(null) : api.funnel(project.id, q, signal)), [project.id, key]);
  const [drill, setDrill] = useState<{ step: number; outcome: 'dropped' | 'converted' } | null>(null);
  useEffect(() => setDrill(null), [key]);

  const set = (next: FunnelPageState) => navigate(paths.funnels(project.id, funnelStateToQuery(next)), { replace: true });
  const setFunnel = (patch: Partial<FunnelQuery['funnel']>) => set({ ...st, q: { ...st.q, funnel: { ...st.q.funnel, ...patch } } });
  const setSteps = (steps: FunnelStep[]) => setFunnel({ steps });
  const steps = st.q.funnel.steps;
  const status = problem ? null : loadStatus(res, 'Could not compute the funnel');
  const data = res.data;

  return (
    <div class="content funnels-page">
      <PageHead title="Funnels" sub="Where people drop off, and the recordings of those who did">
        <RefreshButton onClick={res.reload} loading={res.loading} />
      </PageHead>

      <section class="panel funnel-builder">
        <div class="panel-head">
          <h2>Steps</h2>
          <SavedFunnels
            list={savedList}
            current={st.q.funnel}
            canSave={user.role !== 'viewer'}
            onPick={(f) => set({ ...st, q: { ...st.q, funnel: definition(f) } })}
            onSave={async (name) => {
              await api.saveFunnel(project.id, { ...definition(st.q.funnel), name });
              saved.reload();
            }}
          />
        </div>
        <ol class="step-list">
          {steps.map((s, i) => (
            <li key={i} class="step-row">
              <span class="step-num">{i + 1}</span>
              <select
                class="input sm"
                aria-label={`Step ${i + 1} kind`}
                value={s.kind}
                onChange={(e) => {
                  const kind = (e.target as HTMLSelectElement).value as StepKind;
                  setSteps(steps.map((x, j) => (j === i ? withStepValue({ kind }, stepValue(x)) : x)));
                }}
              >
                {STEP_KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
              <StepInput
                step={s}
                index={i}
                onCommit={(v) => setSteps(steps.map((x, j) => (j === i ? withStepValue(x, v) : x)))}
              />
              <button class="btn ghost sm" aria-label={`Remove step ${i + 1}`} disabled={steps.length < 2} onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
                <IconClose size={12} />
              </button>
            </li>
          ))}
        </ol>
        <div class="builder-foot">
          <button class="btn sm" disabled={steps.length >= 10} onClick={() => setSteps([...steps, { kind: 'pageview', url: '' }])}>
            + Add step
          </button>
          <label class="inline-field">
            <span>Order</span>
            <select class="input sm" aria-label="Order" value={st.q.funnel.order || 'sequential'} onChange={(e) => setFunnel({ order: (e.target as HTMLSelectElement).value as any })}>
              <option value="sequential">In this order</option>
              <option value="strict">Strictly in this order</option>
              <option value="any">In any order</option>
            </select>
          </label>
          <label class="inline-field">
            <span>Within</span>
            <select class="input sm" aria-label="Conversion window" value={String(st.q.funnel.window_ms || 0)} onChange={(e) => setFunnel({ window_ms: Number((e.target as HTMLSelectElement).value) })}>
              {WINDOWS.map((w) => (
                <option key={w.value} value={String(w.value)}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <label class="inline-field">
            <span>Count</span>
            <select class="input sm" aria-label="Count by" value={st.q.funnel.count_by || 'session'} onChange={(e) => setFunnel({ count_by: (e.target as HTMLSelectElement).value as any })}>
              <option value="session">Sessions</option>
              <option value="visitor">Visitors</option>
            </select>
          </label>
          <label class="inline-field">
            <span>Date</span>
            <select class="input sm" aria-label="Date range" value={st.range} onChange={(e) => set({ ...st, range: (e.target as HTMLSelectElement).value })}>
              {RANGE_PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
              {st.range === 'since' && st.q.from && <option value="since">Since {new Date(st.q.from).toLocaleString()}</option>}
              <option value="all">Any time</option>
            </select>
          </label>
          <label class="inline-field">
            <span>Break down by</span>
            <select
              class="input sm"
              aria-label="Break down by"
              value={st.q.breakdown || ''}
              onChange={(e) => {
                const breakdown = (e.target as HTMLSelectElement).value;
                const next = { ...st.q, breakdown: breakdown || undefined, breakdown_key: breakdown === 'trait' ? st.q.breakdown_key || 'role' : undefined };
                set({ ...st, q: next });
              }}
            >
              {BREAKDOWNS.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </label>
          {st.q.breakdown === 'trait' && (
            <input
              class="input sm trait-key"
              aria-label="Trait name"
              value={st.q.breakdown_key || ''}
              onChange={(e) => set({ ...st, q: { ...st.q, breakdown_key: (e.target as HTMLInputElement).value.trim() } })}
            />
          )}
        </div>
      </section>

      <SegmentBar
        pid={project.id}
        value={st.q.segment || null}
        onChange={(segment) => set({ ...st, q: { ...st.q, segment: segment || undefined } })}
        canSave={user.role !== 'viewer'}
      />

      {problem ? (
        <p class="muted funnel-hint">{problem}</p>
      ) : status ? (
        status
      ) : data ? (
        <div class={res.loading ? 'is-loading' : ''}>
          <FunnelChart steps={data.steps} funnel={steps} unit={st.q.funnel.count_by === 'visitor' ? 'visitors' : 'sessions'} drill={drill} onDrill={setDrill} />
          {drill && <DrillDown project={project} q={q} step={drill.step} outcome={drill.outcome} title={stepTitle(steps[drill.step])} onClose={() => setDrill(null)} />}
          {drill?.outcome === 'dropped' && <WhyDropped project={project} q={q} step={drill.step} />}
          {data.breakdown && data.breakdown.length > 0 && <Breakdown groups={data.breakdown} steps={steps} title={BREAKDOWNS.find((b) => b.value === st.q.breakdown)?.label || ''} />}
        </div>
      ) : null}
    </div>
  );
}

/** A funnel's definition without its saved identity, for comparisons and the URL. */
function definition(f: Funnel): Funnel {
  return { steps: f.steps, order: f.order || 'sequential', count_by: f.count_by || 'session', window_ms: f.window_ms || 0 };
}

function SavedFunnels({
  list,
  current,
  canSave,
  onPick,
  onSave,
}: {
  list: Funnel[];
  current: Funnel;
  canSave: boolean;
  onPick: (f: Funnel) => void;
  onSave: (name: string) => Promise<void>;
}) {
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const cur = JSON.stringify(definition(current));
  const match = list.find((f) => JSON.stringify(definition(f)) === cur);
  return (
    <span class="saved-funnels">
      <select
        class="input sm"
        aria-label="Saved funnel"
        value={match?.id || ''}
        onChange={(e) => {
          const f = list.find((x) => x.id === (e.target as HTMLSelectElement).value);
          if (f) onPick(f);
        }}
      >
        <option value="">{match ? '' : 'Unsaved funnel'}</option>
        {list.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      {canSave && !match &&
        (naming ? (
          <>
            <input class="input sm" aria-label="Funnel name" placeholder="Funnel name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            <button
              class="btn sm primary"
              disabled={!name.trim()}
              onClick={async () => {
                try {
                  await onSave(name.trim());
                  setNaming(false);
                  setError(null);
                } catch (err) {
                  setError((err as Error).message);
                }
              }}
            >
              Save
            </button>
          </>
        ) : (
          <button class="btn sm ghost" onClick={() => setNaming(true)}>
            Save funnel
          </button>
        ))}
      {error && <span class="form-error small">{error}</span>}
    </span>
  );
}

function StepInput({ step, index, onCommit }: { step: FunnelStep; index: number; onCommit: (v: string) => void }) {
  const [draft, setDraft] = useState(stepValue(step));
  useEffect(() => setDraft(stepValue(step)), [stepValue(step), step.kind]);
  const kind = STEP_KINDS.find((k) => k.value === step.kind)!;
  return (
    <input
      class={'input sm step-value' + (kind.field === 'selector' ? ' mono' : '')}
      aria-label={`Step ${index + 1} ${kind.field === 'url' ? 'page' : kind.field}`}
      placeholder={kind.placeholder}
      value={draft}
      onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
      onKeyDown={(e) => e.key === 'Enter' && onCommit(draft.trim())}
      onBlur={() => draft.trim() !== stepValue(step) && onCommit(draft.trim())}
    />
  );
}

function FunnelChart({
  steps,
  funnel,
  unit,
  drill,
  onDrill,
}: {
  steps: FunnelStepResult[];
  funnel: FunnelStep[];
  unit: string;
  drill: { step: number; outcome: string } | null;
  onDrill: (d: { step: number; outcome: 'dropped' | 'converted' }) => void;
}) {
  const first = steps[0]?.entered || 0;
  const last = steps[steps.length - 1];
  return (
    <section class="panel funnel-chart">
      <div class="panel-head">
        <h2>
          {formatCount(first)} {unit} entered · {percent(last && first ? last.entered / first : 0)} converted
        </h2>
        <span class="muted small">Click a figure to see the sessions</span>
      </div>
      <div class="funnel-steps">
        {steps.map((s, i) => (
          <div class="funnel-step" key={i} data-step={i}>
            <div class="fs-head">
              <span class="step-num">{i + 1}</span>
              <span class="fs-name" title={stepTitle(funnel[i])}>
                {stepTitle(funnel[i])}
              </span>
              {i > 0 && s.entered > 0 && (
                <span class="muted small" title={`p90 ${formatDuration(s.p90_ms)}`}>
                  median {formatDuration(s.median_ms)} from step {i}
                </span>
              )}
            </div>
            <div class="fs-bar-track">
              <div class="fs-bar" style={{ width: `${first ? (100 * s.entered) / first : 0}%` }} />
            </div>
            <div class="fs-figures">
              <button
                class={'fs-fig' + (drill?.step === i && drill.outcome === 'converted' ? ' active' : '')}
                disabled={!s.entered}
                onClick={() => onDrill({ step: i, outcome: 'converted' })}
                title={i + 1 < steps.length ? `Sessions that went on to step ${i + 2}` : 'Sessions that completed the funnel'}
              >
                <strong class="entered">{formatCount(s.entered)}</strong> {unit} · {percent(s.conversion_rate)} of entrants
                {i > 0 && <span class="muted"> · {percent(s.step_rate)} of step {i}</span>}
              </button>
              {i + 1 < steps.length && (
                <button
                  class={'fs-fig drop' + (drill?.step === i && drill.outcome === 'dropped' ? ' active' : '')}
                  disabled={!s.dropped_off}
                  onClick={() => onDrill({ step: i, outcome: 'dropped' })}
                >
                  <strong class="dropped">{formatCount(s.dropped_off)}</strong> dropped off here
                </button>
              )}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

function DrillDown({
  project,
  q,
  step,
  outcome,
  title,
  onClose,
}: {
  project: Project;
  q: FunnelQuery;
  step: number;
  outcome: 'dropped' | 'converted';
  title: string;
  onClose: () => void;
}) {
  const key = JSON.stringify([q, step, outcome]);
  const load = useLoad((signal) => api.funnelSessions(project.id, { ...q, step, outcome, limit: 100 }, signal), [project.id, key]);
  const status = loadStatus(load, 'Could not load the sessions');
  const n = q.funnel.steps.length;
  return (
    <section class="panel drill" aria-label="Sessions of the step">
      <div class="panel-head">
        <h2>
          {outcome === 'dropped' ? `Dropped off after step ${step + 1}` : step + 1 < n ? `Went on from step ${step + 1} to ${step + 2}` : 'Completed the funnel'}
          <span class="muted small"> · {title}</span>
        </h2>
        <button class="btn ghost sm" onClick={onClose} aria-label="Close">
          <IconClose size={12} />
        </button>
      </div>
      {status || (
        <table class="table drill-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Last step reached</th>
              <th>When</th>
              <th class="col-watch" />
            </tr>
          </thead>
          <tbody>
            {(load.data?.units || []).map((u) => {
              const at = new Date(u.at).getTime();
              const href = paths.session(project.id, u.session_id, { window: u.window_id, at: at - REPLAY_LEAD_MS });
              return (
                <tr key={u.session_id + u.at} class="drill-row">
                  <td class="mono">
                    <a href={href}>{u.session_id.slice(0, 10)}</a>
                  </td>
                  <td>
                    Step {u.reached} · {stepTitle(q.funnel.steps[u.reached - 1])}
                  </td>
                  <td title={formatExact(u.at)}>{formatRelative(u.at)}</td>
                  <td class="col-watch">
                    <a class="btn sm ghost watch" href={href} title="Watch from a few seconds before this step">
                      <IconPlay size={12} /> Watch
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {load.data && load.data.total > load.data.units.length && (
        <p class="muted small drill-more">
          Showing the latest {formatCount(load.data.units.length)} of {formatCount(load.data.total)}
        </p>
      )}
    </section>
  );
}

function Breakdown({ groups, steps, title }: { groups: { name: string; units: number; steps: FunnelStepResult[] }[]; steps: FunnelStep[]; title: string }) {
  return (
    <section class="panel breakdown">
      <div class="panel-head">
        <h2>By {title.replace(/…$/, '').toLowerCase()}</h2>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>{title.replace(/…$/, '')}</th>
            {steps.map((s, i) => (
              <th key={i} title={stepTitle(s)}>
                Step {i + 1}
              </th>
            ))}
            <th>Converted</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const first = g.steps[0]?.entered || 0;
            const last = g.steps[g.steps.length - 1]?.entered || 0;
            return (
              <tr key={g.name}>
                <td>{g.name || <span class="muted">(none)</span>}</td>
                {g.steps.map((s, i) => (
                  <td key={i}>{formatCount(s.entered)}</td>
                ))}
                <td>
                  <strong>{percent(first ? last / first : 0)}</strong>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function factorLabel(f: DropFactor): string {
  const where = f.selector ? ` on ${f.selector}` : '';
  const page = f.url ? ` (${f.url})` : '';
  if (f.kind === 'friction') return `${signalLabel(f.signal || '')}${where}${page}`;
  if (f.kind === 'error') return `Error: ${f.name}`;
  return `Clicked ${f.selector}${f.text ? ` “${f.text}”` : ''}${page}`;
}

/** Why they dropped: what is over-represented among those who dropped after a step. */
function WhyDropped({ project, q, step }: { project: Project; q: FunnelQuery; step: number }) {
  const key = JSON.stringify([q, step]);
  const load = useLoad((signal) => api.dropoff(project.id, { ...q, step, limit: 20 }, signal), [project.id, key]);
  const status = loadStatus(load, 'Could not analyse the drop-off');
  const rep = load.data;
  return (
    <section class="panel why" aria-label="Why they dropped">
      <div class="panel-head">
        <h2>Why they dropped after step {step + 1}</h2>
        {rep && (
          <span class="muted small">
            {formatCount(rep.dropped)} dropped vs {formatCount(rep.converted)} went on · ranked by conversions lost
          </span>
        )}
      </div>
      {status ||
        (rep && rep.factors.length === 0 ? (
          <p class="panel-empty muted">Nothing is more common among those who dropped than among those who went on.</p>
        ) : (
          <table class="table why-table">
            <thead>
              <tr>
                <th class="col-factor">What happened after the step</th>
                <th>Dropped</th>
                <th>Went on</th>
                <th title="Rate among those who dropped over the rate among those who went on">Lift</th>
                <th title="Difference of the two rates, 95% interval">Difference</th>
                <th title="Estimated conversions this cost">Lost</th>
                <th class="col-watch" />
              </tr>
            </thead>
            <tbody>
              {rep?.factors.map((f, i) => {
                const ex = f.examples[0];
                return (
                  <tr key={i} class="why-row">
                    <td class="col-factor" title={factorLabel(f)}>
                      {factorLabel(f)}
                    </td>
                    <td>
                      {percent(f.dropped_rate)} <span class="muted small">({f.dropped})</span>
                    </td>
                    <td>
                      {percent(f.converted_rate)} <span class="muted small">({f.converted})</span>
                    </td>
                    <td>{f.lift.toFixed(1)}×</td>
                    <td title={`p = ${f.p_value.toPrecision(2)}`}>
                      {points(f.dropped_rate - f.converted_rate)}{' '}
                      <span class="muted small">
                        [{points(f.ci_low)}, {points(f.ci_high)}]
                      </span>
                    </td>
                    <td>
                      <strong>{f.conversions_lost.toFixed(1)}</strong>
                    </td>
                    <td class="col-watch">
                      {ex && (
                        <a
                          class="btn sm ghost watch"
                          href={paths.session(project.id, ex.session_id, { window: ex.window_id, at: new Date(ex.at).getTime() - REPLAY_LEAD_MS })}
                          title="Watch the latest session that dropped with this, at the moment"
                        >
                          <IconPlay size={12} /> Watch
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
    </section>
  );
}
