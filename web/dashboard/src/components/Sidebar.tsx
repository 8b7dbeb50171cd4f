import { useEffect, useRef, useState } from 'preact/hooks';
import type { Project, User } from '../types';
import { paths, type Route } from '../router';
import { IconBolt, IconHeat, IconCheck, IconChevronDown, IconFunnel, IconKey, IconLock, IconLogout, IconSessions, IconSettings, IconStar, IconTeam, Logo } from './icons';
import { CreateProjectForm } from './States';

export function Sidebar({
  user,
  projects,
  current,
  route,
  onSignOut,
  onCreated,
}: {
  user: User;
  projects: Project[];
  current: Project | null;
  route: Route;
  onSignOut: () => void;
  onCreated: (p: Project) => void;
}) {
  const pid = current?.id || projects[0]?.id;
  return (
    <nav class="sidebar" aria-label="Main">
      <a class="brand" href="/">
        <Logo />
        <span>Trailguide</span>
      </a>
      <ProjectSwitcher projects={projects} current={current} canCreate={user.role === 'admin'} onCreated={onCreated} />
      <div class="nav-group">
        {pid && (
          <a
            class={'nav-item' + (route.name === 'sessions' || route.name === 'session' ? ' active' : '')}
            href={paths.sessions(pid)}
          >
            <IconSessions />
            <span>Sessions</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'friction' ? ' active' : '')} href={paths.friction(pid)}>
            <IconBolt />
            <span>Friction</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'heatmaps' ? ' active' : '')} href={paths.heatmaps(pid)}>
            <IconHeat />
            <span>Heatmaps</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'funnels' ? ' active' : '')} href={paths.funnels(pid)}>
            <IconFunnel />
            <span>Funnels</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'guides' ? ' active' : '')} href={paths.guides(pid)}>
            <IconStar />
            <span>Guides</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'privacy' ? ' active' : '')} href={paths.privacy(pid)}>
            <IconLock />
            <span>Privacy</span>
          </a>
        )}
        {pid && (
          <a class={'nav-item' + (route.name === 'settings' ? ' active' : '')} href={paths.settings(pid)}>
            <IconSettings />
            <span>Settings</span>
          </a>
        )}
      </div>
      {user.role === 'admin' && (
        <div class="nav-group nav-org">
          <div class="nav-label">Organisation</div>
          <a class={'nav-item' + (route.name === 'team' ? ' active' : '')} href={paths.team()}>
            <IconTeam />
            <span>Team</span>
          </a>
          <a class={'nav-item' + (route.name === 'keys' ? ' active' : '')} href={paths.keys()}>
            <IconKey />
            <span>API keys</span>
          </a>
        </div>
      )}
      <div class="sidebar-foot">
        <a class={'me' + (route.name === 'account' ? ' active' : '')} href={paths.account()} title={`${user.email} · Account`}>
          <span class="avatar">{initials(user.name || user.email)}</span>
          <span class="me-text">
            <span class="me-name">{user.name || user.email}</span>
            <span class="me-mail">{user.email}</span>
          </span>
        </a>
        <button class="icon-btn" onClick={onSignOut} title="Sign out" aria-label="Sign out">
          <IconLogout />
        </button>
      </div>
    </nav>
  );
}

const HUES = [232, 262, 200, 160, 24, 330, 280, 190];
/** A stable colour per project, so switching is recognisable at a glance. */
export function projectColor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `hsl(${HUES[h % HUES.length]} 55% 56%)`;
}

function initials(s: string): string {
  const parts = s.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] || '?') + (parts[1]?.[0] || '')).toUpperCase();
}

function ProjectSwitcher({
  projects,
  current,
  canCreate,
  onCreated,
}: {
  projects: Project[];
  current: Project | null;
  canCreate: boolean;
  onCreated: (p: Project) => void;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  if (!projects.length && !canCreate) return null;
  const name = current?.name || 'Select project';
  return (
    <div class="switcher" ref={ref}>
      <button class="switcher-btn" onClick={() => setOpen(!open)} aria-haspopup="listbox" aria-expanded={open}>
        <span class="project-dot" style={current ? { background: projectColor(current.id) } : undefined}>
          {(name[0] || '?').toUpperCase()}
        </span>
        <span class="switcher-name">{name}</span>
        <IconChevronDown size={14} />
      </button>
      {open && (
        <div class="menu" role="listbox">
          <div class="menu-label">Projects</div>
          {projects.map((p) => (
            <a
              key={p.id}
              role="option"
              aria-selected={p.id === current?.id}
              class={'menu-item' + (p.id === current?.id ? ' selected' : '')}
              href={paths.sessions(p.id)}
              onClick={() => setOpen(false)}
            >
              <span class="project-dot small" style={{ background: projectColor(p.id) }}>
                {(p.name[0] || '?').toUpperCase()}
              </span>
              <span class="grow">{p.name}</span>
              {p.id === current?.id && <IconCheck size={14} />}
            </a>
          ))}
          {canCreate && (
            <div class="menu-foot">
              <CreateProjectForm
                compact
                onCreated={(p) => {
                  setOpen(false);
                  onCreated(p);
                }}
              />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
