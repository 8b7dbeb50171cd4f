import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Project } from '../types';
import { useSubmit, type Load } from '../hooks';
import { IconAlert, IconPlus } from './icons';

export function Spinner({ size = 18 }: { size?: number }) {
  return <span class="spinner" style={{ width: size + 'px', height: size + 'px' }} role="status" aria-label="Loading" />;
}

export function FullPageSpinner({ inline }: { inline?: boolean }) {
  return (
    <div class={inline ? 'center-fill' : 'center-screen'}>
      <Spinner size={22} />
    </div>
  );
}

export function ErrorState({
  title,
  message,
  onRetry,
  full,
}: {
  title: string;
  message?: string;
  onRetry?: () => void;
  full?: boolean;
}) {
  return (
    <div class={full ? 'center-screen' : 'center-fill'}>
      <div class="empty">
        <div class="empty-icon danger">
          <IconAlert size={20} />
        </div>
        <h2>{title}</h2>
        {message && <p>{message}</p>}
        {onRetry && (
          <button class="btn" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * While load is under way, a spinner; after it failed, the error with a
 * retry; else the children.
 */
export function LoadGate({
  load,
  errorTitle,
  children,
}: {
  load: Pick<Load<unknown>, 'loading' | 'error' | 'reload'>;
  errorTitle: string;
  children?: ComponentChildren;
}) {
  if (load.loading) {
    return (
      <div class="center-pad">
        <Spinner />
      </div>
    );
  }
  if (load.error) return <ErrorState title={errorTitle} message={load.error.message} onRetry={load.reload} />;
  return <>{children}</>;
}

/** A failed load in a page's table area, with a retry. */
export function InTableError({ title, message, onRetry }: { title: string; message: string; onRetry: () => void }) {
  return (
    <div class="empty in-table">
      <div class="empty-icon danger">
        <IconAlert size={20} />
      </div>
      <h2>{title}</h2>
      <p>{message}</p>
      <button class="btn" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

/**
 * What a report page shows in place of its report while the first load is
 * under way (a spinner) or after a load failed (the error, with a retry);
 * null when the report is there to show.
 */
export function loadStatus(load: Pick<Load<unknown>, 'data' | 'error' | 'loading' | 'reload'>, title: string) {
  if (load.error) {
    return (
      <div class="table-wrap">
        <InTableError title={title} message={load.error.message} onRetry={load.reload} />
      </div>
    );
  }
  if (load.loading && !load.data) {
    return (
      <div class="table-wrap">
        <div class="center-pad">
          <Spinner size={20} />
        </div>
      </div>
    );
  }
  return null;
}

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <div class="center-fill">
      <div class="empty">
        <h2>This {what} does not exist</h2>
        <p>It may have been deleted, or the link is wrong.</p>
        <a class="btn" href="/">
          Go to sessions
        </a>
      </div>
    </div>
  );
}

export function CreateProjectForm({ onCreated, compact }: { onCreated: (p: Project) => void; compact?: boolean }) {
  const [name, setName] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return;
    await run(async () => {
      const { project } = await api.createProject(name.trim());
      onCreated(project);
      setName('');
    });
  };
  return (
    <form class={'inline-form' + (compact ? ' compact' : '')} onSubmit={submit}>
      <input
        class="input"
        placeholder="Project name, e.g. Web app"
        value={name}
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
        aria-label="Project name"
      />
      <button class="btn primary" disabled={busy || !name.trim()}>
        <IconPlus size={14} /> Create
      </button>
      {error && <div class="form-error">{error}</div>}
    </form>
  );
}

export function NoProjects({ canCreate, onCreated }: { canCreate: boolean; onCreated: (p: Project) => void }) {
  return (
    <div class="center-fill">
      <div class="empty">
        <h2>No projects yet</h2>
        <p>
          A project is one site or app you record. {canCreate ? 'Create the first one to get its SDK key.' : 'Ask an admin to create one.'}
        </p>
        {canCreate && <CreateProjectForm onCreated={onCreated} />}
      </div>
    </div>
  );
}
