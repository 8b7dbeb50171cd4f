// Page context (first batch of every page load) and URL scrubbing: URLs
// leave the browser without token-like query parameters or fragments.
import type { Context, UTM } from './wire';

const SECRET_PARAM = /(^|[_-])(token|access|auth|code|key|secret|password|passwd|pwd|session|sid|sig|signature|otp|jwt|email|state|nonce|ticket|hash|credential)s?($|[_-])|^(t|k|s)$/i;
const TOKENISH_VALUE = /^[A-Za-z0-9_\-.~+/=%]{24,}$/;

/** Remove token-like query parameters and fragments that carry data (#access_token=…). */
export function scrubURL(raw: string): string {
  if (!raw) return raw;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '';
  }
  u.username = '';
  u.password = '';
  const drop: string[] = [];
  u.searchParams.forEach((v, k) => {
    if (!/^utm_/i.test(k) && (SECRET_PARAM.test(k) || (TOKENISH_VALUE.test(v) && /\d/.test(v) && /[a-zA-Z]/.test(v)))) drop.push(k);
  });
  for (const k of drop) u.searchParams.set(k, 'redacted');
  // keep SPA routes (#/path, #!/path) but not fragments that look like data
  if (u.hash && (/[=&]/.test(u.hash) || TOKENISH_VALUE.test(u.hash.slice(1))) && !/^#!?\//.test(u.hash)) u.hash = '';
  return u.toString();
}

export function utmFrom(href: string): UTM {
  const utm: UTM = {};
  try {
    const p = new URL(href).searchParams;
    for (const k of ['source', 'medium', 'campaign', 'term', 'content'] as const) {
      const v = p.get('utm_' + k);
      if (v) utm[k] = v.slice(0, 200);
    }
  } catch {
    /* no utm */
  }
  return utm;
}

export function buildContext(win: Window = window): Context {
  const nav = win.navigator;
  let tz: string | undefined;
  try {
    tz = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    tz = undefined;
  }
  const c: Context = {
    url: scrubURL(win.location.href),
    utm: utmFrom(win.location.href),
    viewport_w: win.innerWidth | 0,
    viewport_h: win.innerHeight | 0,
    screen_w: (win.screen && win.screen.width) | 0,
    screen_h: (win.screen && win.screen.height) | 0,
    user_agent: nav.userAgent,
  };
  const ref = scrubURL(win.document.referrer);
  if (ref) c.referrer = ref;
  if (nav.language) c.language = nav.language;
  if (tz) c.time_zone = tz;
  return c;
}
