// The app shell: decides between setup, login and the signed-in layout, and
// renders the page for the current route.
import { useEffect, useState, useCallback } from 'preact/hooks';
import { api, APIError, onUnauthorized } from './api';
import { navigate, parseRoute, paths, type Route } from './router';
import { useLocation } from './hooks';
import type { Project, User } from './types';
import { LoginPage } from './pages/Login';
import { SetupPage } from './pages/Setup';
import { SessionsPage } from './pages/Sessions';
import { SessionPage } from './pages/Session';
import { FrictionPage } from './pages/Friction';
import { HeatmapsPage } from './pages/Heatmaps';
import { FunnelsPage } from './pages/Funnels';
import { SettingsPage } from './pages/Settings';
import { TeamPage } from './pages/Team';
import { ApiKeysPage } from './pages/ApiKeys';
import { AccountPage } from './pages/Account';
import { PrivacyPage } from './pages/Privacy';
import { GuidesPage } from './pages/Guides';
import { Sidebar } from './components/Sidebar';
import { NoProjects, NotFound, FullPageSpinner, ErrorState } from './components/States';

type Auth =
  | { state: 'loading' }
  | { state: 'anonymous'; setupNeeded: boolean }
  | { state: 'signed-in'; user: User }
  | { state: 'error'; message: string };

export function App() {
  const loc = useLocation();
  const route = parseRoute(loc.pathname, loc.search);
  const [auth, setAuth] = useState<Auth>({ state: 'loading' });
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [projectsError, setProjectsError] = useState<string | null>(null);

  const probe = useCallback(async () => {
    try {
      const { user } = await api.me();
      setAuth({ state: 'signed-in', user });
    } catch (err) {
      if (err instanceof APIError && err.status === 401) {
        try {
          const { needed } = await api.setupNeeded();
          setAuth({ state: 'anonymous', setupNeeded: needed });
        } catch {
          setAuth({ state: 'anonymous', setupNeeded: false });
        }
      } else {
        setAuth({ state: 'error', message: (err as Error).message });
      }
    }
  }, []);

  useEffect(() => {
    probe();
    onUnauthorized(() => {
      const here = location.pathname + location.search;
      setAuth({ state: 'anonymous', setupNeeded: false });
      setProjects(null);
      if (!here.startsWith('/login')) navigate(paths.login(here), { replace: true });
    });
  }, [probe]);

  const loadProjects = useCallback(async () => {
    setProjectsError(null);
    try {
      const { projects } = await api.projects();
      setProjects(projects || []);
    } catch (err) {
      setProjectsError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (auth.state === 'signed-in' && projects == null) loadProjects();
  }, [auth.state, projects, loadProjects]);

  // Redirects that depend on auth state.
  useEffect(() => {
    if (auth.state === 'anonymous') {
      if (auth.setupNeeded && route.name !== 'setup') navigate('/setup', { replace: true });
      else if (!auth.setupNeeded && route.name !== 'login' && route.name !== 'setup') {
        const here = loc.pathname + loc.search;
        navigate(paths.login(route.name === 'root' ? null : here), { replace: true });
      }
    } else if (auth.state === 'signed-in') {
      if (route.name === 'login') navigate(route.next || '/', { replace: true });
      else if (route.name === 'setup') navigate('/', { replace: true });
      else if (route.name === 'root' && projects && projects.length) {
        const last = localStorage.getItem('tg.project');
        const p = projects.find((x) => x.id === last) || projects[0];
        navigate(paths.sessions(p.id), { replace: true });
      }
    }
  }, [auth, route.name, projects, loc.pathname, loc.search]);

  const signedIn = (user: User) => {
    setAuth({ state: 'signed-in', user });
    setProjects(null);
    const next = route.name === 'login' ? route.next : null;
    navigate(next || '/', { replace: true });
  };

  if (auth.state === 'loading') return <FullPageSpinner />;
  if (auth.state === 'error') return <ErrorState title="Trailguide is not reachable" message={auth.message} onRetry={probe} full />;

  if (auth.state === 'anonymous') {
    if (route.name === 'setup') return <SetupPage token={route.token} needed={auth.setupNeeded} onDone={signedIn} />;
    if (route.name === 'login') return <LoginPage onDone={signedIn} />;
    return <FullPageSpinner />;
  }

  const user = auth.user;
  const pid = route.name === 'sessions' || route.name === 'session' || route.name === 'friction' || route.name === 'heatmaps' || route.name === 'funnels' || route.name === 'settings' ||
    route.name === 'privacy' || route.name === 'guides'
      ? route.pid
      : null;
  const project = pid && projects ? projects.find((p) => p.id === pid) || null : null;
  if (project) localStorage.setItem('tg.project', project.id);

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      setAuth({ state: 'anonymous', setupNeeded: false });
      setProjects(null);
      navigate('/login', { replace: true });
    }
  };

  const onCreated = (p: Project) => {
    setProjects([...(projects || []), p]);
    navigate(paths.sessions(p.id));
  };

  return (
    <div class="layout">
      <Sidebar
        user={user}
        projects={projects || []}
        current={project}
        route={route}
        onSignOut={signOut}
        onCreated={onCreated}
      />
      <main class="main">{renderMain(route, projects, projectsError, project, user, loadProjects, onCreated)}</main>
    </div>
  );
}

function renderMain(
  route: Route,
  projects: Project[] | null,
  projectsError: string | null,
  project: Project | null,
  user: User,
  retry: () => void,
  onCreated: (p: Project) => void,
) {
  if (projectsError) return <ErrorState title="Could not load projects" message={projectsError} onRetry={retry} />;
  if (projects == null) return <FullPageSpinner inline />;
  if (route.name === 'root' || route.name === 'login' || route.name === 'setup') {
    if (!projects.length) return <NoProjects canCreate={user.role === 'admin'} onCreated={onCreated} />;
    return <FullPageSpinner inline />;
  }
  if (route.name === 'notfound') return <NotFound />;
  if (route.name === 'team') return <TeamPage me={user} />;
  if (route.name === 'keys') return user.role === 'admin' ? <ApiKeysPage /> : <NotFound />;
  if (route.name === 'account') return <AccountPage me={user} />;
  if (!project) return <NotFound what="project" />;
  if (route.name === 'sessions') return <SessionsPage key={project.id} project={project} />;
  if (route.name === 'friction') return <FrictionPage key={project.id} project={project} />;
  if (route.name === 'heatmaps') return <HeatmapsPage key={project.id} project={project} />;
  if (route.name === 'funnels') return <FunnelsPage key={project.id} project={project} user={user} />;
  if (route.name === 'settings') return <SettingsPage key={project.id} project={project} user={user} />;
  if (route.name === 'privacy') return <PrivacyPage key={project.id} project={project} user={user} />;
  if (route.name === 'guides') return <GuidesPage key={project.id + route.query} project={project} query={route.query} />;
  return <SessionPage key={route.pid + '/' + route.sid} project={project} sid={route.sid} isAdmin={user.role === 'admin'} />;
}
