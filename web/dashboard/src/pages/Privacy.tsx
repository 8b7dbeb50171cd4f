// The Privacy page: what the server's scrubber caught in this project's
// recordings (GET /api/v1/projects/{pid}/privacy). Masking happens in the
// browser; the server scrubs everything again before storing it, so every
// catch here is a masking rule missing in the browser.
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { PrivacyReport, Project, ScrubKindStats, User } from '../types';
import { RetentionPanel } from '../components/Retention';
import { useDocumentTitle, useLoad, useNow } from '../hooks';
import { formatCount, formatExact, formatRelative } from '../format';
import { IconCheck, IconLock } from '../components/icons';
import { loadStatus } from '../components/States';
import { PageHead, RefreshButton } from '../components/PageHead';

export const KIND_INFO: Record<ScrubKindStats['kind'], { label: string; help: string }> = {
  email: { label: 'Email addresses', help: 'Text that looks like an e-mail address, in page text, inputs or attributes.' },
  card: { label: 'Card numbers', help: '13–19 digit numbers that pass the Luhn check, with or without separators.' },
  jwt: { label: 'JSON Web Tokens', help: 'eyJ… tokens in text, attributes or URL paths.' },
  bearer: { label: 'Bearer tokens', help: '“Bearer …” credentials, usually in error messages or debug output.' },
  url: { label: 'URL secrets', help: 'Query or fragment parameters named like secrets (token, code, state, password, key, session, sig…) and JWT path segments.' },
};

export function PrivacyPage({ project, user }: { project: Project; user: User }) {
  useDocumentTitle('Privacy');
  const [retention, setRetention] = useState<number | null>(null);
  const now = useNow();
  // A failure leaves the retention input empty; the report below still loads.
  useLoad((signal) => api.settings(project.id, signal), [project.id], (s) => setRetention(s.retention_days ?? null));
  const report = useLoad<PrivacyReport>((signal) => api.privacyReport(project.id, signal), [project.id]);
  const { data, loading } = report;
  const status = loadStatus(report, 'Could not load the privacy report');

  return (
    <div class="content privacy-page">
      <PageHead
        title="Privacy"
        sub={
          loading || !data
            ? '\u00a0'
            : data.total
              ? `The server scrubbed ${formatCount(data.total)} ${data.total === 1 ? 'value' : 'values'} the browser let through` +
                (data.last_at ? ` · last ${formatRelative(data.last_at, now)}` : '')
              : 'The second line of defence: what the server scrubbed before storing'
        }
      >
        <RefreshButton onClick={report.reload} loading={loading} />
      </PageHead>

      <div class="privacy-note">
        <IconLock size={16} />
        <div>
          <strong>Each catch is a masking rule missing in the browser.</strong> The SDK masks inputs and sensitive text
          before anything leaves the page; the server scrubs every recording again before storing it. Whatever it
          catches here was sent by the browser: find the page below, then mark the element with{' '}
          <code>data-tg-mask</code> or add a masking rule for it, and rename URL parameters that carry secrets.
        </div>
      </div>

      {status ? (
        status
      ) : data ? (
        <>
          <div class={'scrub-kinds' + (loading ? ' is-loading' : '')}>
            {data.kinds.map((k) => (
              <div class={'scrub-kind' + (k.count ? ' caught' : '')} key={k.kind} title={KIND_INFO[k.kind]?.help}>
                <div class="scrub-kind-label">{KIND_INFO[k.kind]?.label || k.kind}</div>
                <div class="scrub-kind-count">{formatCount(k.count)}</div>
                <div class="muted small">
                  {k.last_at ? (
                    <span title={formatExact(k.last_at)}>last {formatRelative(k.last_at, now)}</span>
                  ) : (
                    'none caught'
                  )}
                </div>
              </div>
            ))}
          </div>
          <section class="panel">
            <div class="panel-head">
              <h2>Where they come from</h2>
              <span class="muted small">Page paths (numbers shown as *) · most catches first</span>
            </div>
            {data.sources.length ? (
              <table class="table scrub-table">
                <thead>
                  <tr>
                    <th>Page</th>
                    <th class="col-kind">Kind</th>
                    <th class="col-count">Catches</th>
                    <th class="col-seen">Last caught</th>
                  </tr>
                </thead>
                <tbody>
                  {data.sources.map((s) => (
                    <tr key={s.path + '|' + s.kind}>
                      <td>
                        <span class="page-url">{s.path || '(unknown page)'}</span>
                      </td>
                      <td class="col-kind">
                        <span class={'scrub-chip kind-' + s.kind}>{KIND_INFO[s.kind]?.label || s.kind}</span>
                      </td>
                      <td class="col-count strong">{formatCount(s.count)}</td>
                      <td class="col-seen muted" title={formatExact(s.last_at)}>
                        {formatRelative(s.last_at, now)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <div class="panel-empty privacy-clean">
                <IconCheck size={16} />
                <span>Nothing caught so far: the browser's masking let nothing sensitive through.</span>
              </div>
            )}
          </section>
          <RetentionPanel project={project} isAdmin={user.role === 'admin'} days={retention} onSaved={setRetention} />
        </>
      ) : null}
    </div>
  );
}
