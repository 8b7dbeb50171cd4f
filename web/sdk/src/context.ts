// Page context (first batch of every page load) and URL scrubbing: URLs
// leave the browser without token-like query parameters or fragments.
import type { Context, UTM } from './wire';

// Words that make a query or fragment parameter secret, matched against the
// words of its name (accessToken, x-amz-signature, user_email, SESSIONID...).
// The list is shared with the server: testdata/privacy/url_scrub.json.
export const SECRET_WORDS =
  'token access auth authorization code key apikey secret password passwd pwd pass session sessionid sessid sid sig signature otp jwt email mail state nonce ticket hash credential bearer'.split(' ');
const TOKENISH_VALUE = /^[\w\-.~+/=%]{24,}$/;
const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;
/** A value that looks like a token: 24+ URL-safe characters with a letter and a digit. */
const tokenish = (v: string): boolean => TOKENISH_VALUE.test(v) && /\d/.test(v) && /[a-z]/i.test(v);

/** A parameter name that looks secret: one of its words (singular) is in SECRET_WORDS. */
export function secretName(name: string): boolean {
  const words = name.replace(/([a-z\d])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z\d]+/);
  return !/^utm_/i.test(name) && words.some((w) => SECRET_WORDS.indexOf(w) >= 0 || SECRET_WORDS.indexOf(w.replace(/s$/, '')) >= 0);
}

/** Query string (no leading ?) with secret-looking parameters replaced by "redacted". */
function scrubParams(q: string): string {
  return q
    .split('&')
    .map((kv) => {
      const i = kv.indexOf('=');
      let k = i < 0 ? kv : kv.slice(0, i);
      const v = i < 0 ? '' : kv.slice(i + 1);
      try {
        k = decodeURIComponent(k.replace(/\+/g, ' '));
      } catch {
        /* keep as is */
      }
      const val = (() => {
        try {
          return decodeURIComponent(v.replace(/\+/g, ' '));
        } catch {
          return v;
        }
      })();
      return i >= 0 && val && (secretName(k) || tokenish(val) || JWT.test(val)) ? kv.slice(0, i) + '=redacted' : kv;
    })
    .join('&');
}

// scrubURL is pure and sees the same few URLs over and over (the page's own,
// links in every mutation that adds them): remembered, up to SCRUBBED_MAX.
const scrubbed = new Map<string, string>();
const SCRUBBED_MAX = 500;

/**
 * A URL as it may leave the browser: user info removed; query and fragment
 * parameters whose names look secret (or whose values look like tokens)
 * replaced by "redacted"; a fragment that is a bare token dropped; JWT-shaped
 * path segments replaced by ":jwt"; mailto:, tel: and sms: reduced to their
 * scheme. Relative URLs stay relative. Unparseable input gives ''.
 */
export function scrubURL(raw: string): string {
  if (!raw || /^(data|blob|about|javascript):/i.test(raw)) return raw;
  let out = scrubbed.get(raw);
  if (out === undefined) {
    if (scrubbed.size >= SCRUBBED_MAX) scrubbed.clear();
    scrubbed.set(raw, (out = scrub(raw)));
  }
  return out;
}

function scrub(raw: string): string {
  const m = /^(mailto|tel|sms|callto):/i.exec(raw);
  if (m) return m[0] + 'redacted';
  let u: URL;
  let rel = false;
  try {
    u = new URL(raw);
  } catch {
    try {
      u = new URL(raw, 'http://r.invalid/');
      rel = true;
    } catch {
      return '';
    }
  }
  u.username = u.password = '';
  u.pathname = u.pathname
    .split('/')
    .map((seg) => (JWT.test(seg) ? ':jwt' : seg))
    .join('/');
  if (u.search) u.search = scrubParams(u.search.slice(1));
  let h = u.hash.slice(1);
  if (h) {
    // SPA routes (#/path?query, #!/path) keep the path; parameters are scrubbed
    const route = /^!?\//.test(h) ? h.replace(/[?&].*$/, '') : '';
    const rest = h.slice(route.length);
    const params = rest.replace(/^[?&]/, '');
    h = route + (params.indexOf('=') >= 0 ? rest.slice(0, rest.length - params.length) + scrubParams(params) : params && tokenish(params) ? '' : rest);
    u.hash = h;
  }
  const out = u.toString();
  return rel ? out.slice(u.origin.length + (/^\//.test(raw) ? 0 : 1)) : out;
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
    // iPadOS in desktop mode sends a Mac user agent; touch points tell them apart
    touch_points: nav.maxTouchPoints | 0,
  };
  const ref = scrubURL(win.document.referrer);
  if (ref) c.referrer = ref;
  if (nav.language) c.language = nav.language;
  if (tz) c.time_zone = tz;
  return c;
}
