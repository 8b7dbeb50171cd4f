// Behaviour of the Pathway demo app: the small amount of script a real
// marketing site and product would have, plus deliberate friction for the
// Trailguide demo (a fake button, a slow button, a confusing field and a
// link that throws). No inline scripts anywhere, so the pages run under
// CSP script-src 'self'. The Trailguide SDK is loaded by the one-tag snippet
// in each page's <head>; this file only talks to it through sdk() below and
// keeps working when the SDK is absent or blocked.

interface PathwayUser {
  id: string;
  name: string;
  role: string;
  plan: string;
  company_size: string;
}

type SDKMethod = 'identify' | 'track';

declare global {
  interface Window {
    trailguide?: Record<string, unknown> & { q?: unknown[] };
  }
}

const USER_KEY = 'pathway_user';
const CHECKLIST_KEY = 'pathway_checklist';

const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) =>
  root.querySelector(sel) as T | null;
const $$ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) =>
  Array.from(root.querySelectorAll(sel)) as T[];

// sdk calls a Trailguide SDK method with the queue stub the SDK documents
// (docs/PROTOCOL.md): window.trailguide = window.trailguide || {q: []}. The
// snippet loads the SDK with async, so it may arrive after this script; calls
// made before then wait in q and the SDK replays them once it has loaded.
// Without the SDK (blocked, offline) they stay queued and nothing breaks.
function sdk(method: SDKMethod, ...args: unknown[]): void {
  try {
    const tg = (window.trailguide = window.trailguide || { q: [] });
    const fn = tg[method];
    if (typeof fn === 'function') (fn as (...a: unknown[]) => void).apply(tg, args);
    else (tg.q = tg.q || []).push([method, args]);
  } catch {
    // An analytics failure must never break the product.
  }
}

function loadUser(): PathwayUser | null {
  try {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as PathwayUser) : null;
  } catch {
    return null;
  }
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? 'P') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

function randomHex(bytes: number): string {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

let toastTimer = 0;
function toast(message: string): void {
  let el = $('.toast');
  if (!el) {
    el = document.createElement('div');
    el.className = 'toast';
    el.setAttribute('role', 'status');
    document.body.appendChild(el);
  }
  el.textContent = message;
  el.classList.add('show');
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el?.classList.remove('show'), 2600);
}

function initNav(): void {
  const toggle = $('#menu-toggle');
  const nav = $('#nav');
  if (!toggle || !nav) return;
  toggle.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
}

function initUserChip(): void {
  const user = loadUser();
  const name = $('#user-name');
  const ini = $('#user-initials');
  if (!user || !name || !ini) return;
  name.textContent = user.name;
  ini.textContent = initials(user.name);
}

// Pricing: monthly/yearly toggle and a seat stepper that recomputes the total.
function initPricing(): void {
  let period: 'monthly' | 'yearly' = 'monthly';
  let seats = 5;
  const count = $('#seat-count');
  const total = $('#seat-total');

  const render = (): void => {
    for (const el of $$('.amount')) {
      el.textContent = '$' + (el.dataset[period] ?? '');
    }
    for (const b of $$('[data-period]')) {
      b.setAttribute('aria-pressed', String(b.dataset.period === period));
    }
    const per = Number($('[data-plan="team"] .amount')?.dataset[period] ?? 12);
    if (count) count.textContent = String(seats);
    if (total) {
      total.textContent = period === 'monthly'
        ? `$${per * seats} / month`
        : `$${per * seats * 12} / year`;
    }
    for (const a of $$<HTMLAnchorElement>('.plan a[href^="signup.html"]')) {
      const url = new URL(a.getAttribute('href') ?? 'signup.html', location.href);
      url.searchParams.set('billing', period);
      if (a.id === 'plan-team') url.searchParams.set('seats', String(seats));
      a.setAttribute('href', 'signup.html' + url.search);
    }
  };

  for (const b of $$('[data-period]')) {
    b.addEventListener('click', () => {
      period = b.dataset.period === 'yearly' ? 'yearly' : 'monthly';
      render();
    });
  }
  $('#seats-minus')?.addEventListener('click', () => {
    seats = Math.max(1, seats - 1);
    render();
  });
  $('#seats-plus')?.addEventListener('click', () => {
    seats = Math.min(200, seats + 1);
    render();
  });
  render();
}

// The workspace URL rule is stricter than the placeholder suggests: lower-case
// letters and digits only, 4–20 characters, starting with a letter. Hyphens,
// dots and capitals (as in the placeholder "acme-design") are rejected with a
// message that blames availability. Deliberate friction for the demo.
const WORKSPACE_RE = /^[a-z][a-z0-9]{3,19}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

function initSignup(): void {
  const form = $<HTMLFormElement>('#signup-form');
  if (!form) return;
  const params = new URLSearchParams(location.search);
  const plan = params.get('plan') ?? 'team';
  const planInput = $<HTMLInputElement>('#plan');
  if (planInput) planInput.value = plan;

  const value = (name: string): string =>
    ((form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? '').trim();
  const setInvalid = (field: string, invalid: boolean): void => {
    $(`[data-field="${field}"]`, form)?.classList.toggle('invalid', invalid);
  };
  const checks: Record<string, () => boolean> = {
    name: () => value('name').length >= 2,
    email: () => EMAIL_RE.test(value('email')),
    password: () => value('password').length >= 8 && /\d/.test(value('password')),
    workspace: () => WORKSPACE_RE.test(value('workspace')),
    company_size: () => value('company_size') !== '',
    role: () => value('role') !== '',
  };

  // The workspace field also complains on blur, which is where people notice.
  $('#workspace')?.addEventListener('blur', () => {
    if (value('workspace') !== '') setInvalid('workspace', !checks.workspace());
  });
  for (const [field] of Object.entries(checks)) {
    const el = form.elements.namedItem(field) as HTMLElement | null;
    el?.addEventListener('input', () => {
      if (field !== 'workspace') setInvalid(field, false);
    });
  }

  let submitting = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (submitting) return;
    let ok = true;
    for (const [field, check] of Object.entries(checks)) {
      const valid = check();
      setInvalid(field, !valid);
      ok = ok && valid;
    }
    if (!ok) {
      $('.field.invalid input, .field.invalid select', form)?.focus();
      return;
    }
    submitting = true;
    const user: PathwayUser = {
      id: 'usr_' + randomHex(6),
      name: value('name'),
      role: value('role'),
      plan,
      company_size: value('company_size'),
    };
    localStorage.setItem(USER_KEY, JSON.stringify(user));
    localStorage.removeItem(CHECKLIST_KEY);
    sdk('identify', user.id, { role: user.role, plan: user.plan, company_size: user.company_size });
    sdk('track', 'signup_completed', { plan: user.plan });
    const btn = $<HTMLButtonElement>('#signup-submit');
    if (btn) btn.disabled = true;
    const status = $('#signup-status');
    if (status) status.textContent = 'Creating your workspace…';
    window.setTimeout(() => location.assign('onboarding.html'), 1200);
  });
}

function initOnboarding(): void {
  const list = $('#checklist');
  if (!list) return;
  const user = loadUser();
  const welcome = $('#welcome');
  if (user && welcome) welcome.textContent = `Welcome to Pathway, ${user.name.split(' ')[0]}`;

  let done: string[] = [];
  try {
    done = JSON.parse(localStorage.getItem(CHECKLIST_KEY) ?? '[]') as string[];
  } catch {
    done = [];
  }
  const items = $$('li[data-task]', list);
  const render = (): void => {
    for (const li of items) li.classList.toggle('done', done.includes(li.dataset.task ?? ''));
    const n = done.length;
    const bar = $('#progress-bar');
    if (bar) bar.style.width = `${(n / items.length) * 100}%`;
    const c = $('#progress-count');
    if (c) c.textContent = String(n);
    const note = $('#progress-note');
    if (note) {
      note.textContent = n === items.length ? 'All set. Your team is ready to plan.'
        : n >= 3 ? 'Almost there.' : n > 0 ? 'Nice start.' : 'Let’s get you set up.';
    }
    localStorage.setItem(CHECKLIST_KEY, JSON.stringify(done));
  };
  const setDone = (task: string, on: boolean): void => {
    done = done.filter((t) => t !== task);
    if (on) done.push(task);
    render();
  };

  for (const li of items) {
    const task = li.dataset.task ?? '';
    $('.tick', li)?.addEventListener('click', () => setDone(task, !done.includes(task)));
    $('[data-action="do"]', li)?.addEventListener('click', () => {
      setDone(task, true);
      toast(`${$('.task-title', li)?.textContent ?? 'Step'} — done`);
    });
  }

  // Slow on purpose: no feedback for three seconds, then it completes.
  // Clicks while it is busy are silently ignored.
  let importing = false;
  $('#import-csv')?.addEventListener('click', () => {
    if (importing) return;
    importing = true;
    window.setTimeout(() => {
      importing = false;
      setDone('import', true);
      toast('Imported 24 cards from tasks.csv');
      sdk('track', 'csv_imported', { cards: 24 });
    }, 3000);
  });
  render();
}

function initSettings(): void {
  const form = $<HTMLFormElement>('#settings-form');
  if (!form) return;
  const user = loadUser();
  const display = $<HTMLInputElement>('#display-name');
  if (user && display) display.value = user.name;

  const tabs = $$('[role="tab"]');
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const t of tabs) {
        const selected = t === tab;
        t.setAttribute('aria-selected', String(selected));
        const panel = document.getElementById(t.getAttribute('aria-controls') ?? '');
        if (panel) panel.hidden = !selected;
      }
    });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const status = $('#save-status');
    if (status) status.textContent = 'Saving…';
    window.setTimeout(() => {
      if (status) status.textContent = 'Saved just now';
      toast('Settings saved');
      sdk('track', 'settings_saved');
    }, 400);
  });

  // Broken on purpose: the PDF renderer was never shipped, so this throws an
  // uncaught TypeError from a click handler.
  $('#export-pdf')?.addEventListener('click', (e) => {
    e.preventDefault();
    const renderer = (window as unknown as { pathwayPDF?: { render(doc: string): void } }).pathwayPDF;
    renderer!.render('invoices');
  });
}

function init(): void {
  initNav();
  initUserChip();
  switch (document.body.dataset.page) {
    case 'pricing': initPricing(); break;
    case 'signup': initSignup(); break;
    case 'onboarding': initOnboarding(); break;
    case 'settings': initSettings(); break;
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init);
} else {
  init();
}

export {};
