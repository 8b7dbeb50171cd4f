// Guides (issue 11): the project's guides with their status, a form editor
// with a live preview (the SDK's own look, rendered from the sanitised
// subset with DOM nodes), publish and pause, and each guide's impact report
// (exposed vs holdout). "Add guidance here" on the Friction page opens the
// editor pre-filled (?new=1&selector=&page=&signal=&text=).
import { useEffect, useState } from 'preact/hooks';
import { api, APIError } from '../api';
import type { Project } from '../types';
import { PageHead } from '../components/PageHead';
import { useDocumentTitle } from '../hooks';

interface Draft {
  id?: string;
  version?: number;
  name: string;
  type: string;
  status?: string;
  title: string;
  body: string;
  selector: string;
  text: string;
  scope: string;
  trigger: string;
  event: string;
  seconds: number;
  holdout: number;
  goal: string;
}

const blank: Draft = { name: '', type: 'tooltip', title: '', body: '', selector: '', text: '', scope: '', trigger: 'page_load', event: '', seconds: 10, holdout: 10, goal: '' };

function fromGuide(g: any): Draft {
  const st = (g.steps && g.steps[0]) || {};
  const t = g.trigger || {};
  return {
    id: g.id, version: g.version, status: g.status, name: g.name, type: g.type, title: st.title || '', body: st.body || '',
    selector: st.selector || t.selector || '', text: st.text || '', scope: (g.url_scope || []).join(', '),
    trigger: t.type === 'friction' ? 'friction:' + ((t.friction || [])[0] || 'rage_click') : t.type || 'page_load',
    event: t.event || '', seconds: t.seconds || 10, holdout: g.holdout_percent ?? 10, goal: (g.goal && g.goal.event) || '',
  };
}

function toGuide(d: Draft): any {
  const [type, kind] = d.trigger.split(':');
  const trigger: any = { type };
  if (type === 'friction') Object.assign(trigger, { selector: d.selector, friction: [kind] });
  if (type === 'click') trigger.selector = d.selector;
  if (type === 'event') trigger.event = d.event;
  if (type === 'time_on_page') trigger.seconds = d.seconds;
  return {
    id: d.id, version: d.version, status: d.status, name: d.name, type: d.type, trigger, holdout_percent: d.holdout,
    steps: [{ title: d.title, body: d.body, selector: d.type === 'modal' ? '' : d.selector, text: d.type === 'modal' ? '' : d.text }],
    url_scope: d.scope.split(',').map((s) => s.trim()).filter(Boolean),
    goal: d.goal ? { event: d.goal } : undefined,
  };
}

// The preview renders the body the way the SDK does: parsed inert, rebuilt
// from the allowlist with DOM nodes (never innerHTML of the string).
function Body({ html }: { html: string }) {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!el) return;
    el.textContent = '';
    const inert = new DOMParser().parseFromString('<body>' + html, 'text/html');
    const copy = (from: Node, to: Node) =>
      from.childNodes.forEach((n) => {
        if (n.nodeType === 3) to.appendChild(document.createTextNode(n.textContent || ''));
        else if (n.nodeType === 1) {
          const tag = (n as Element).tagName;
          if (/^(SCRIPT|STYLE|IFRAME|SVG|OBJECT|EMBED)$/.test(tag)) return;
          if (!/^(B|STRONG|I|EM|A|UL|OL|LI|P|BR)$/.test(tag)) return copy(n, to);
          const out = document.createElement(tag.toLowerCase());
          const href = tag === 'A' ? (n as Element).getAttribute('href') || '' : '';
          if (/^(https?:|mailto:)/i.test(href)) out.setAttribute('href', href);
          copy(n, out);
          to.appendChild(out);
        }
      });
    copy(inert.body, el);
  }, [el, html]);
  return <div class="gp-body" ref={setEl} />;
}

function pct(x: number) {
  return (x * 100).toFixed(1) + ' %';
}

function Impact({ pid, id }: { pid: string; id: string }) {
  const [im, setIm] = useState<any>(null);
  useEffect(() => void api.guideImpact(pid, id).then(setIm, () => setIm(null)), [pid, id]);
  if (!im) return <p class="muted small">Loading the impact report…</p>;
  const row = (label: string, c: any) =>
    c && (
      <tr>
        <td>{label}</td>
        <td class="num">{c.exposed_hit} / {c.exposed} ({pct(c.exposed_rate)})</td>
        <td class="num">{c.holdout_hit} / {c.holdout} ({pct(c.holdout_rate)})</td>
        <td class="num">{(c.diff * 100).toFixed(1)} pts [{(c.ci_low * 100).toFixed(1)}, {(c.ci_high * 100).toFixed(1)}]</td>
        <td>{!c.enough ? 'too few visitors' : c.significant ? `significant (p = ${c.p.toFixed(3)})` : `not significant (p = ${c.p.toFixed(2)})`}</td>
      </tr>
    );
  return (
    <div class="card gd-impact">
      <h3>Impact</h3>
      <table class="table">
        <thead>
          <tr><th>outcome</th><th class="num">exposed</th><th class="num">holdout</th><th class="num">difference (95 % CI)</th><th /></tr>
        </thead>
        <tbody>
          {row(`${im.friction_kinds.join(', ')} on ${im.anchor || '—'}`, im.friction)}
          {row('goal', im.goal)}
        </tbody>
      </table>
      <p class="muted small">Shown to {im.shown}, dismissed by {im.dismissed}. {im.harm.length ? <b class="gd-harm">Guardrail: {im.harm.join(', ')}</b> : 'No guardrail fired.'}</p>
    </div>
  );
}

export function GuidesPage({ project, query }: { project: Project; query: string }) {
  useDocumentTitle('Guides');
  const [list, setList] = useState<any[] | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [err, setErr] = useState('');
  const [sel, setSel] = useState<string | null>(null);
  const load = () => api.guides(project.id).then((r) => setList(r.guides), (e) => setErr(String(e.message || e)));
  useEffect(() => {
    load();
    const q = new URLSearchParams(query);
    if (q.get('new')) {
      const sig = q.get('signal') || 'rage_click';
      let page = q.get('page') || '';
      try {
        page = new URL(page).pathname;
      } catch {
        /* keep */
      }
      setDraft({ ...blank, name: `Help on ${q.get('text') || q.get('selector')}`, selector: q.get('selector') || '', text: q.get('text') || '',
        scope: page, trigger: /^(rage|dead|error)_click$/.test(sig) ? 'friction:' + sig : 'friction:rage_click', title: 'Need a hand?' });
    }
  }, [project.id]);
  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...(draft as Draft), [k]: (e.target as HTMLInputElement).type === 'number' ? +(e.target as HTMLInputElement).value : (e.target as HTMLInputElement).value });
  const save = async (publish?: boolean) => {
    setErr('');
    try {
      let g = await api.saveGuide(project.id, toGuide(draft as Draft));
      if (publish) g = await api.guideStatus(project.id, g.id, 'publish');
      setDraft(fromGuide(g));
      load();
    } catch (e) {
      setErr(e instanceof APIError ? `${e.message}${e.reason ? ' (' + e.reason + ')' : ''}` : String(e));
    }
  };
  const status = async (g: any, action: 'publish' | 'pause') => {
    await api.guideStatus(project.id, g.id, action).catch((e) => setErr(String(e.message)));
    load();
  };
  return (
    <div class="content guides-page">
      <PageHead title="Guides" sub={project.name}>
        <button class="btn primary" onClick={() => setDraft({ ...blank })}>New guide</button>
      </PageHead>
      {err && <p class="error-text" role="alert">{err}</p>}
      {draft && (
        <div class="card gd-editor">
          <form class="gd-form" onSubmit={(e) => (e.preventDefault(), save())}>
            <label>Name<input value={draft.name} onInput={set('name')} required /></label>
            <label>Type
              <select value={draft.type} onChange={set('type')}>
                <option value="tooltip">Tooltip</option><option value="modal">Modal</option><option value="hotspot">Hotspot</option>
              </select>
            </label>
            <label>Title<input value={draft.title} onInput={set('title')} required /></label>
            <label>Body <span class="muted small">(b, i, links, lists)</span><textarea rows={3} value={draft.body} onInput={set('body')} /></label>
            {draft.type !== 'modal' && <label>Anchor selector<input value={draft.selector} onInput={set('selector')} placeholder="#plan" /></label>}
            <label>Pages <span class="muted small">(URL patterns, comma-separated; empty: all)</span><input value={draft.scope} onInput={set('scope')} placeholder="/pricing*" /></label>
            <label>Show when
              <select value={draft.trigger} onChange={set('trigger')}>
                <option value="page_load">the page loads</option><option value="friction:rage_click">rage clicks on the anchor</option>
                <option value="friction:dead_click">dead clicks on the anchor</option><option value="friction:error_click">error clicks on the anchor</option>
                <option value="click">the anchor is clicked</option><option value="event">a custom event fires</option><option value="time_on_page">after time on page</option>
              </select>
            </label>
            {draft.trigger === 'event' && <label>Event name<input value={draft.event} onInput={set('event')} /></label>}
            {draft.trigger === 'time_on_page' && <label>Seconds<input type="number" min={1} value={draft.seconds} onInput={set('seconds')} /></label>}
            <label>Holdout %<input type="number" min={0} max={50} value={draft.holdout} onInput={set('holdout')} /></label>
            <label>Goal event <span class="muted small">(optional)</span><input value={draft.goal} onInput={set('goal')} placeholder="signup_completed" /></label>
            <div class="gd-actions">
              <button class="btn" type="submit">Save draft</button>
              <button class="btn primary" type="button" onClick={() => save(true)}>Save and publish</button>
              <button class="btn ghost" type="button" onClick={() => setDraft(null)}>Close</button>
            </div>
          </form>
          <div class="gd-preview" aria-label="Preview">
            <p class="muted small">Preview{draft.selector && draft.type !== 'modal' ? ` · anchored to ${draft.selector}` : ''}</p>
            <div class={'gp-box' + (draft.type === 'modal' ? ' modal' : '')}>
              <h2>{draft.title || 'Title'}</h2>
              <Body html={draft.body} />
              <div class="gp-bar"><button class="btn primary sm" type="button">Got it</button></div>
            </div>
          </div>
        </div>
      )}
      {list && list.length === 0 && !draft && <p class="muted">No guides yet. Create one, or use “Add guidance here” on a row of the Friction page.</p>}
      {list && list.length > 0 && (
        <table class="table gd-list">
          <thead><tr><th>name</th><th>type</th><th>trigger</th><th>status</th><th class="num">version</th><th /></tr></thead>
          <tbody>
            {list.map((g) => (
              <>
                <tr key={g.id}>
                  <td><a href="#" onClick={(e) => (e.preventDefault(), setDraft(fromGuide(g)))}>{g.name}</a></td>
                  <td>{g.type}</td>
                  <td>{g.trigger.type}{g.trigger.selector ? ' · ' + g.trigger.selector : ''}</td>
                  <td><span class={'gd-status ' + g.status}>{g.status}</span></td>
                  <td class="num">{g.version}</td>
                  <td class="gd-row-actions">
                    {g.status === 'published' ? <button class="btn sm" onClick={() => status(g, 'pause')}>Pause</button> : <button class="btn sm primary" onClick={() => status(g, 'publish')}>Publish</button>}
                    <button class="btn sm ghost" onClick={() => setSel(sel === g.id ? null : g.id)}>Impact</button>
                  </td>
                </tr>
                {sel === g.id && (
                  <tr><td colSpan={6}><Impact pid={project.id} id={g.id} /></td></tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
