// sdk/src/index.ts
import { record } from "@rrweb/record";

// sdk/src/context.ts
var SECRET_WORDS = "token access auth authorization code key apikey secret password passwd pwd pass session sessionid sessid sid sig signature otp jwt email mail state nonce ticket hash credential bearer".split(" ");
var TOKENISH_VALUE = /^[\w\-.~+/=%]{24,}$/;
var JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;
var tokenish = (v) => TOKENISH_VALUE.test(v) && /\d/.test(v) && /[a-z]/i.test(v);
function secretName(name) {
  const words = name.replace(/([a-z\d])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z\d]+/);
  return !/^utm_/i.test(name) && words.some((w) => SECRET_WORDS.indexOf(w) >= 0 || SECRET_WORDS.indexOf(w.replace(/s$/, "")) >= 0);
}
function scrubParams(q) {
  return q.split("&").map((kv) => {
    const i = kv.indexOf("=");
    let k = i < 0 ? kv : kv.slice(0, i);
    const v = i < 0 ? "" : kv.slice(i + 1);
    try {
      k = decodeURIComponent(k.replace(/\+/g, " "));
    } catch {
    }
    const val = (() => {
      try {
        return decodeURIComponent(v.replace(/\+/g, " "));
      } catch {
        return v;
      }
    })();
    return i >= 0 && val && (secretName(k) || tokenish(val) || JWT.test(val)) ? kv.slice(0, i) + "=redacted" : kv;
  }).join("&");
}
var scrubbed = /* @__PURE__ */ new Map();
var SCRUBBED_MAX = 500;
function scrubURL(raw) {
  if (!raw || /^(data|blob|about|javascript):/i.test(raw)) return raw;
  let out = scrubbed.get(raw);
  if (out === void 0) {
    if (scrubbed.size >= SCRUBBED_MAX) scrubbed.clear();
    scrubbed.set(raw, out = scrub(raw));
  }
  return out;
}
function scrub(raw) {
  const m = /^(mailto|tel|sms|callto):/i.exec(raw);
  if (m) return m[0] + "redacted";
  let u;
  let rel = false;
  try {
    u = new URL(raw);
  } catch {
    try {
      u = new URL(raw, "http://r.invalid/");
      rel = true;
    } catch {
      return "";
    }
  }
  u.username = u.password = "";
  u.pathname = u.pathname.split("/").map((seg) => JWT.test(seg) ? ":jwt" : seg).join("/");
  if (u.search) u.search = scrubParams(u.search.slice(1));
  let h = u.hash.slice(1);
  if (h) {
    const route = /^!?\//.test(h) ? h.replace(/[?&].*$/, "") : "";
    const rest = h.slice(route.length);
    const params = rest.replace(/^[?&]/, "");
    h = route + (params.indexOf("=") >= 0 ? rest.slice(0, rest.length - params.length) + scrubParams(params) : params && tokenish(params) ? "" : rest);
    u.hash = h;
  }
  const out = u.toString();
  return rel ? out.slice(u.origin.length + (/^\//.test(raw) ? 0 : 1)) : out;
}
function utmFrom(href) {
  const utm = {};
  try {
    const p = new URL(href).searchParams;
    for (const k of ["source", "medium", "campaign", "term", "content"]) {
      const v = p.get("utm_" + k);
      if (v) utm[k] = v.slice(0, 200);
    }
  } catch {
  }
  return utm;
}
function buildContext(win = window) {
  const nav = win.navigator;
  let tz;
  try {
    tz = Intl.DateTimeFormat().resolvedOptions().timeZone || void 0;
  } catch {
    tz = void 0;
  }
  const c = {
    url: scrubURL(win.location.href),
    utm: utmFrom(win.location.href),
    viewport_w: win.innerWidth | 0,
    viewport_h: win.innerHeight | 0,
    screen_w: (win.screen && win.screen.width) | 0,
    screen_h: (win.screen && win.screen.height) | 0,
    user_agent: nav.userAgent,
    // iPadOS in desktop mode sends a Mac user agent; touch points tell them apart
    touch_points: nav.maxTouchPoints | 0
  };
  const ref = scrubURL(win.document.referrer);
  if (ref) c.referrer = ref;
  if (nav.language) c.language = nav.language;
  if (tz) c.time_zone = tz;
  return c;
}

// sdk/src/storage.ts
var K_FRICTION = "tg_fx";
function memoryKV() {
  const m = /* @__PURE__ */ new Map();
  return {
    get: (k) => m.has(k) ? m.get(k) : null,
    set: (k, v) => void m.set(k, v),
    remove: (k) => void m.delete(k)
  };
}
function webKV(kind, cached = []) {
  let s;
  try {
    s = window[kind];
    const probe = "__tg_probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
  } catch {
    return memoryKV();
  }
  const st = s;
  let cache = {};
  const drop = () => cache = {};
  for (const t of ["storage", "pageshow", "resume"]) addEventListener(t, drop, true);
  return {
    get(k) {
      try {
        if (k in cache) return cache[k];
        const v = st.getItem(k);
        if (cached.indexOf(k) >= 0) cache[k] = v;
        return v;
      } catch {
        return null;
      }
    },
    set(k, v) {
      delete cache[k];
      try {
        st.setItem(k, v);
      } catch {
      }
    },
    remove(k) {
      delete cache[k];
      try {
        st.removeItem(k);
      } catch {
      }
    }
  };
}
function readJSON(kv, key, raw = kv.get(key)) {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

// sdk/src/ids.ts
var IDLE_MS = 30 * 60 * 1e3;
var MAX_SESSION_MS = 12 * 60 * 60 * 1e3;
var TOUCH_WRITE_MS = 5e3;
var K_VISITOR = "tg_vid";
var K_SESSION = "tg_sess";
var K_WINDOW = "tg_win";
function randomId() {
  const b = new Uint8Array(16);
  const c = typeof crypto !== "undefined" ? crypto : void 0;
  if (c && c.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.random() * 256 | 0;
  let s = "";
  for (let i = 0; i < 16; i++) s += (b[i] + 256).toString(16).slice(1);
  return s;
}
var ID_RE = /^[0-9a-f]{32}$/;
var Identity = class {
  constructor(local_, tab_, now) {
    this.local_ = local_;
    this.tab_ = tab_;
    this.session = "";
    this.window = "";
    this.start_ = 0;
    this.last_ = 0;
    this.seq_ = 0;
    this.lastWrite_ = 0;
    /** the last tg_sess text read and what it parsed to: activity re-reads it on every event */
    this.raw_ = null;
    this.parsed_ = null;
    let v = local_.get(K_VISITOR);
    if (!v || !ID_RE.test(v)) {
      v = randomId();
      local_.set(K_VISITOR, v);
    }
    this.visitor = v;
    this.resume_(now);
  }
  /** Load or create the session and window at page load. */
  resume_(now) {
    const s = readJSON(this.local_, K_SESSION);
    if (s && ID_RE.test(s.id) && now - s.last < IDLE_MS && now - s.start < MAX_SESSION_MS) {
      this.session = s.id;
      this.start_ = s.start;
    } else {
      this.session = randomId();
      this.start_ = now;
    }
    this.last_ = now;
    this.writeSession_(now);
    const w = readJSON(this.tab_, K_WINDOW);
    this.window = w && ID_RE.test(w.id) ? w.id : randomId();
    this.seq_ = w && w.session === this.session && w.id === this.window && w.seq >= 0 ? w.seq : 0;
    this.writeWindow_();
  }
  /** What touch(now) would do, without changing anything. */
  decide_(now) {
    const raw = this.local_.get(K_SESSION);
    if (raw !== this.raw_) {
      this.raw_ = raw;
      this.parsed_ = readJSON(this.local_, K_SESSION, raw);
    }
    const s = this.parsed_;
    if (s && ID_RE.test(s.id) && s.id !== this.session && now - s.last < IDLE_MS && now - s.start < MAX_SESSION_MS) {
      return { session: s.id, start: s.start, last: now, rolled: true };
    }
    const last = Math.max(this.last_, s && s.id === this.session ? s.last : 0);
    if (now - last >= IDLE_MS || now - this.start_ >= MAX_SESSION_MS) {
      return { session: randomId(), start: now, last: now, rolled: true };
    }
    return { session: this.session, start: this.start_, last: now, rolled: false };
  }
  /** True when activity at `now` would start a new session (the caller flushes the old one first). */
  wouldRoll(now) {
    return this.decide_(now).rolled;
  }
  /**
   * Record user activity. Returns true when the session changed (expired, or
   * another tab already started a new one); the caller then starts a new
   * stream: seq 0, context, full snapshot, pageview. `beforeRoll` runs
   * first when it does, while the old session is still current.
   */
  touch(now, beforeRoll) {
    const d = this.decide_(now);
    if (d.rolled && beforeRoll) beforeRoll();
    this.session = d.session;
    this.start_ = d.start;
    this.last_ = d.last;
    if (d.rolled) {
      this.seq_ = 0;
      this.writeSession_(now);
      this.writeWindow_();
    } else if (now - this.lastWrite_ >= TOUCH_WRITE_MS) {
      this.writeSession_(now);
    }
    return d.rolled;
  }
  /**
   * Reserve the next seq of this window's stream (persisted at once). The
   * counter is re-read from the tab's storage first: a page restored from the
   * back/forward cache still holds its old counter while the pages visited
   * since have used the next numbers, and reusing one would make the server
   * drop this batch as a duplicate of theirs.
   */
  nextSeq() {
    const w = readJSON(this.tab_, K_WINDOW);
    if (w && w.id === this.window && w.session === this.session && w.seq > this.seq_) this.seq_ = w.seq;
    const s = this.seq_++;
    this.writeWindow_();
    return s;
  }
  /** Write the last activity now if it was not written yet (page hide). */
  save() {
    const s = readJSON(this.local_, K_SESSION);
    if (this.last_ > this.lastWrite_ && (!s || s.id === this.session && s.last < this.last_)) this.writeSession_(this.last_);
  }
  peekSeq() {
    return this.seq_;
  }
  writeSession_(now) {
    this.lastWrite_ = now;
    this.local_.set(K_SESSION, JSON.stringify({ id: this.session, start: this.start_, last: this.last_ }));
  }
  writeWindow_() {
    this.tab_.set(K_WINDOW, JSON.stringify({ id: this.window, session: this.session, seq: this.seq_ }));
  }
};

// sdk/src/mask.ts
var EDITABLE_SELECTOR = '[contenteditable]:not([contenteditable="false"])';
var MEDIA_SELECTOR = "img,picture,video,audio,canvas,svg,iframe,object,embed";
var CHOICE_MASK = "***";
var LIST = "select,datalist";
var DEFAULT_MASK = { mode: "balanced", mask_selectors: [], block_selectors: [], unmask_selectors: [] };
var MODES = ["relaxed", "balanced", "strict"];
var MASK_INPUT_OPTIONS = { input: true, textarea: true, select: true };
function maskAll(s) {
  return "*".repeat(s.length);
}
var PII_RE = /[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}|\+?\d[\d ().-]{6,}\d/gi;
var ISO_DATE = /^\d{4}-\d\d-\d\d$/;
function scrubPII(s) {
  return !/[@\d]/.test(s) ? s : s.replace(
    PII_RE,
    (m) => (
      // at least 7 digits for a number-like match, so "1 - 3 of 20" survives
      m.indexOf("@") < 0 && ((m.match(/\d/g) || []).length < 7 || ISO_DATE.test(m)) ? m : maskAll(m)
    )
  );
}
function validSelectors(list, doc = document) {
  const out = [];
  const frag = doc.createDocumentFragment();
  for (const s of list || []) {
    try {
      if (typeof s == "string" && s.trim()) frag.querySelector(s), out.push(s.trim());
    } catch {
      console.debug("trailguide: ignoring invalid selector", s);
    }
  }
  return out;
}
var seenPassword = /* @__PURE__ */ new WeakSet();
var NEVER_AC = /(^|\s)(cc-|one-time-code|current-password|new-password)/;
function isNeverRecorded(el) {
  const type = (el.getAttribute("type") || "").toLowerCase();
  if (type == "password" || el.hasAttribute("data-rr-is-password")) seenPassword.add(el);
  return seenPassword.has(el) || type == "hidden" && el.tagName == "INPUT" || NEVER_AC.test((el.getAttribute("autocomplete") || "").toLowerCase());
}
var CHOICE_TYPES = /^(checkbox|radio|range|color|date|month|week|time|datetime-local)$/;
var FIELD_TAG = /^(input|textarea|select|option)$/i;
var URL_ATTR = /^(href|src|rr_src|action|formaction|poster|cite|data|background|ping|xlink:href|longdesc|srcset)$/;
var TEXT_ATTR = /^(placeholder|title|aria-label|alt|aria-description|aria-valuetext)$/;
function closest(el, sel) {
  try {
    return !!el && !!sel && !!el.closest(sel);
  } catch {
    return true;
  }
}
function elementOf(n) {
  return !n ? null : n.nodeType == 1 ? n : n.nodeType == 11 ? n.host || null : n.parentElement || elementOf(n.parentNode);
}
function createMasker(cfg, doc = document, privacy) {
  const c = cfg || DEFAULT_MASK;
  const p = typeof privacy == "string" ? { mode: privacy } : privacy || {};
  const base = MODES.indexOf(c.mode);
  const mode = MODES[Math.max(base < 0 ? 1 : base, MODES.indexOf(p.mode))];
  const userMask = ["[data-tg-mask]", ...validSelectors(c.mask_selectors, doc), ...validSelectors(p.mask_selectors, doc)].join();
  const maskSel = userMask + "," + EDITABLE_SELECTOR;
  const unmaskSel = ["[data-tg-unmask]", ...validSelectors(c.unmask_selectors, doc)].join();
  const blocks = ["[data-tg-block]", "selectedcontent", ...validSelectors(c.block_selectors, doc), ...validSelectors(p.block_selectors, doc)];
  if (mode == "strict") blocks.push(MEDIA_SELECTOR);
  const blockSelector = blocks.join();
  const unmasked = (el) => closest(el, unmaskSel) && !closest(el, userMask);
  const input = (s, el) => {
    s = s || "";
    if (!el) return maskAll(s);
    const list = el.closest(LIST);
    const f = list || el;
    if (isNeverRecorded(f)) return "";
    if (unmasked(f)) return s;
    const choice = f.tagName == "SELECT" || f.tagName == "INPUT" && CHOICE_TYPES.test(f.type);
    return mode == "relaxed" && choice && !closest(f, userMask) ? scrubPII(s) : list ? s && CHOICE_MASK : maskAll(s);
  };
  const inList = (el) => !!el && !!el.closest(LIST) && input("x", el) != "x";
  const text = (s, el) => !s || !s.trim() ? s : el && (el.tagName == "TEXTAREA" || el.closest(LIST)) ? input(s, el) : unmasked(el) ? s : mode == "strict" || closest(el, maskSel) ? maskAll(s) : scrubPII(s);
  const attr = (el, tag, name, v) => {
    if (!v) return v;
    const field = FIELD_TAG.test(tag);
    if (URL_ATTR.test(name)) {
      return name == "srcset" ? v.split(",").map((part) => part.trim().replace(/^\S+/, scrubURL)).join(", ") : scrubURL(v);
    }
    if (name == "value" && (field || !el) || (name == "label" || TEXT_ATTR.test(name)) && el && el.closest(LIST)) return input(v, el);
    if (TEXT_ATTR.test(name)) return !el ? maskAll(v) : !field ? text(v, el) : unmasked(el) ? v : mode == "relaxed" && !closest(el, userMask) ? scrubPII(v) : maskAll(v);
    return v;
  };
  const event = (e, mirror) => {
    const ev = e;
    const d = ev && ev.data;
    if (!d) return e;
    const node = (id) => mirror && mirror.getNode(id) || null;
    const walk = (n, parent, tag) => {
      if (!n) return;
      if (n.type == 3) {
        const t2 = n.textContent;
        if (t2 && !/^(style|script)$/i.test(tag)) n.textContent = parent === void 0 ? maskAll(t2) : text(t2, parent);
        return;
      }
      const el = n.type == 2 ? node(n.id) : null;
      const a = n.attributes || {};
      for (const k in a) if (typeof a[k] == "string") a[k] = attr(el, n.tagName, k, a[k]);
      for (const ch of n.childNodes || []) walk(ch, n.type != 2 ? null : el || void 0, n.tagName || "");
    };
    if (ev.type == 4 && d.href) d.href = scrubURL(d.href);
    if (ev.type == 2) walk(d.node, null, "");
    if (ev.type == 3 && d.source == 0) {
      for (const a of d.adds || []) {
        const p2 = elementOf(node(a.parentId));
        walk(a.node, p2 || void 0, p2 ? p2.tagName : "");
      }
      for (const t2 of d.texts || []) {
        const n = node(t2.id);
        const p2 = elementOf(n && n.parentNode);
        if (t2.value && !/^(STYLE|SCRIPT)$/.test(p2 ? p2.tagName : "")) t2.value = p2 ? text(t2.value, p2) : maskAll(t2.value);
      }
      d.attributes = (d.attributes || []).filter((a) => {
        const el = node(a.id);
        return !(el && el.tagName != "SELECT" && inList(el));
      });
      for (const a of d.attributes) {
        const el = node(a.id);
        for (const k in a.attributes) {
          const v = a.attributes[k];
          if (typeof v == "string") a.attributes[k] = attr(el, el ? el.tagName.toLowerCase() : "", k, v);
        }
      }
    }
    if (ev.type == 3 && d.source == 5 && typeof d.text == "string") d.text = input(d.text, node(d.id));
    const t = ev.type == 3 && d.source == 2 && node(d.id);
    if (t && t.tagName != "SELECT" && inList(t) && mirror) d.id = mirror.getId(t.closest("select"));
    return e;
  };
  return {
    mode,
    blockSelector,
    record: { maskAllInputs: false, maskInputOptions: MASK_INPUT_OPTIONS, maskInputFn: input, blockSelector },
    text,
    input,
    attr,
    event
  };
}

// sdk/src/selector.ts
var MAX_DEPTH = 8;
var MAX_CLASSES = 2;
var MAX_TEXT = 80;
function cssEscape(s) {
  if (typeof CSS !== "undefined" && CSS.escape) return CSS.escape(s);
  return s.replace(/[^\w-]/g, "\\$&").replace(/^(-?)(\d)/, (_m, dash, d) => `${dash}\\3${d} `);
}
function isStableId(id) {
  return !!id && id.length <= 64 && !/[:]|\d{3,}|^[0-9a-f]{8,}$|^[a-z]+-?\d+$|[0-9a-f]{8}-[0-9a-f]{4}/i.test(id);
}
function isStableClass(c) {
  return !!c && c.length <= 40 && !/^(css|sc|jsx|emotion|tw)-|__[\w-]*[0-9][\w-]*$|\d{3,}|^[a-z]{1,3}\d|:/i.test(c);
}
function attrSelector(el) {
  for (const a of ["data-tg-id", "data-testid"]) {
    const v = el.getAttribute(a);
    if (v && v.length <= 100) return `[${a}="${v.replace(/["\\]/g, "\\$&")}"]`;
  }
  return null;
}
function unique(doc, sel, el) {
  if (!doc) return true;
  try {
    const found = doc.querySelectorAll(sel);
    return found.length === 1 && found[0] === el;
  } catch {
    return false;
  }
}
function anchor(el) {
  const id = el.getAttribute("id");
  if (id && isStableId(id)) {
    const s = "#" + cssEscape(id);
    if (unique(el.ownerDocument, s, el)) return s;
  }
  const a = attrSelector(el);
  if (a) {
    const tagged = el.tagName.toLowerCase() + a;
    if (unique(el.ownerDocument, a, el)) return a;
    return tagged;
  }
  return null;
}
function step(el) {
  const tag = el.tagName.toLowerCase();
  let s = tag;
  const cls = (el.getAttribute("class") || "").split(/\s+/).filter(isStableClass).slice(0, MAX_CLASSES);
  for (const c of cls) s += "." + cssEscape(c);
  const parent = el.parentElement;
  if (parent) {
    let n = 0;
    let idx = 0;
    for (let c = parent.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === el.tagName) {
        n++;
        if (c === el) idx = n;
      }
    }
    if (n > 1) s += `:nth-of-type(${idx})`;
  }
  return s;
}
function selectorFor(el) {
  const parts = [];
  let cur = el;
  for (let depth = 0; cur && depth < MAX_DEPTH; depth++) {
    const tag = cur.tagName.toLowerCase();
    if (tag === "html") break;
    const a = anchor(cur);
    if (a) {
      parts.unshift(a);
      return parts.join(" > ");
    }
    if (tag === "body") {
      parts.unshift("body");
      return parts.join(" > ");
    }
    parts.unshift(step(cur));
    cur = cur.parentElement;
  }
  return parts.join(" > ");
}
var INTERACTIVE = 'a,button,[role="button"],[role="link"],[role="menuitem"],[role="tab"],input,select,textarea,label,summary,[data-tg-id],[data-testid]';
function clickTarget(el) {
  let cur = el.closest("select") || el;
  for (let i = 0; cur && i < 5; i++, cur = cur.parentElement) {
    try {
      if (cur.matches(INTERACTIVE)) return cur;
    } catch {
      break;
    }
  }
  return el;
}
var NO_TEXT_TAGS = /^(SCRIPT|STYLE|NOSCRIPT|TEXTAREA|SELECT|OPTION|DATALIST|TEMPLATE|INPUT)$/;
function elementText(el, masker) {
  if (NO_TEXT_TAGS.test(el.tagName)) return "";
  if (matchesClosest(el, masker.blockSelector)) return "";
  let out = "";
  const walk = (node) => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        const raw = (c.nodeValue || "").replace(/\s+/g, " ");
        if (!raw.trim() && out.endsWith(" ")) continue;
        out += masker.text(raw, c.parentElement);
        if (out.length > MAX_TEXT * 2) return false;
      } else if (c.nodeType === 1) {
        const e = c;
        if (NO_TEXT_TAGS.test(e.tagName) || safeMatches(e, masker.blockSelector)) continue;
        if (!walk(e)) return false;
      }
    }
    return true;
  };
  walk(el);
  out = out.replace(/\s+/g, " ").trim();
  return out.length > MAX_TEXT ? out.slice(0, MAX_TEXT) : out;
}
function safeMatches(el, sel) {
  try {
    return el.matches(sel);
  } catch {
    return true;
  }
}
function matchesClosest(el, sel) {
  try {
    return !!el.closest(sel);
  } catch {
    return true;
  }
}

// sdk/src/facts.ts
var FIELD = 'input,select,textarea,[contenteditable]:not([contenteditable="false"])';
var INTERACTIVE2 = FIELD + ",a,button,label,summary,option,[onclick]";
var ROLES = ["button", "link", "menuitem", "tab", "checkbox", "switch", "option"];
var TEXT_TYPES = ["text", "email", "search", "tel", "url", "password", "number", ""];
var SAME_TAB = ["", "_self", "_parent", "_top"];
function formOf(t) {
  const f = t.form || t.closest("form");
  return f ? selectorFor(f) : void 0;
}
function pointer(win, t) {
  try {
    return win.getComputedStyle(t).cursor === "pointer";
  } catch {
    return false;
  }
}
function isInteractive(win, t) {
  return t.matches(INTERACTIVE2) || ROLES.includes(t.getAttribute("role") || "") || pointer(win, t);
}
function clickFacts(win, t, ev) {
  const p = {};
  const tag = t.tagName;
  const type = (t.getAttribute("type") || "").toLowerCase();
  if (tag === "INPUT") p.type = (t.type || "text").toLowerCase();
  if (isInteractive(win, t)) p.interactive = true;
  const link = t.closest("a[href]");
  const form = t.form;
  if (link && !SAME_TAB.includes(link.target.toLowerCase()) || form && (tag === "BUTTON" ? /^(submit)?$/ : /^(submit|image)$/).test(type) && !SAME_TAB.includes((form.getAttribute("target") || "").toLowerCase()))
    p.new_tab = true;
  if (t.closest("a[download]")) p.download = true;
  if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || ev.button) p.modifier = true;
  if (t.closest("[data-tg-no-rage]")) p.no_rage = true;
  if (tag === "INPUT" && TEXT_TYPES.includes(type) || tag === "TEXTAREA" || t.isContentEditable === true) p.text_entry = true;
  return [p, link];
}
function navigates(win, p, link, ev) {
  const noHash = (u) => u.replace(/#.*$/, "");
  return !!link && !p.new_tab && !p.download && !p.modifier && !ev.defaultPrevented && /^https?:/.test(link.href) && noHash(link.href) !== noHash(win.location.href);
}
function onOpen(win, fn) {
  const E = win.HTMLElement.prototype;
  const undo = "open alert confirm prompt print click".split(" ").map((n, i) => {
    const o = i > 4 ? E : win;
    const orig = o[n];
    const patched = function(...a) {
      try {
        fn(i > 0, i > 4 ? this : void 0);
      } catch {
      }
      return orig.apply(this, a);
    };
    o[n] = patched;
    return () => {
      if (o[n] === patched) o[n] = orig;
    };
  });
  return () => undo.forEach((u) => u());
}
function passOn(win, el, p) {
  const f = clickFacts(win, el, {})[0];
  if (f.new_tab) p.new_tab = true;
  if (f.download) p.download = true;
  if (f.type === "file") p.native = true;
}

// sdk/src/requests.ts
function watchRequests(win, now, skip, fail) {
  const undo = [];
  const report = (m, u, status, started) => {
    try {
      const abs = new URL(u, win.location.href).href;
      if (!skip(abs)) fail(String(m || "GET").toUpperCase(), abs, status, started);
    } catch {
    }
  };
  const f = win.fetch;
  if (typeof f === "function") {
    const wrapped = function(...a) {
      const started = now();
      const p = f.apply(this, a);
      const r = a[0];
      const m = a[1] && a[1].method || r && r.method || "GET";
      const u = r && r.url || String(a[0]);
      p.then(
        (res) => res.status >= 400 && report(m, u, res.status, started),
        (e) => (e && e.name) !== "AbortError" && report(m, u, 0, started)
      );
      return p;
    };
    win.fetch = wrapped;
    undo.push(() => win.fetch === wrapped && (win.fetch = f));
  }
  const X = win.XMLHttpRequest;
  if (X) {
    const P = X.prototype;
    const open = P.open;
    const send = P.send;
    const req = /* @__PURE__ */ new WeakMap();
    const o2 = P.open = function(...a) {
      req.set(this, [String(a[0]), String(a[1])]);
      return open.apply(this, a);
    };
    const s2 = P.send = function(...a) {
      const r = req.get(this);
      if (r) {
        const started = now();
        const h = (e) => {
          const s = e.type === "load" ? this.status : 0;
          if (e.type !== "load" || s >= 400) report(r[0], r[1], s, started);
        };
        for (const t of ["load", "error", "timeout"]) this.addEventListener(t, h);
      }
      return send.apply(this, a);
    };
    undo.push(() => {
      if (P.open === o2) P.open = open;
      if (P.send === s2) P.send = send;
    });
  }
  return () => {
    for (const u of undo.splice(0)) u();
  };
}

// sdk/src/signals.ts
var SCROLL_THROTTLE_MS = 250;
var SCROLL_STEP = 5;
var MAX_STACK = 4e3;
var MAX_MESSAGE = 500;
var HOVER_MIN_MS = 1e3;
var HOVER_GAP_MS = 500;
var HOVER_DRAIN_MS = 300;
function pageKey(href) {
  try {
    const u = new URL(href);
    const route = /^#!?\//.test(u.hash) ? u.hash : "";
    return u.origin + u.pathname + u.search + route;
  } catch {
    return href;
  }
}
function clampInt(n) {
  return Math.max(0, Math.round(n) || 0);
}
function scrollDepth(win) {
  const doc = win.document.documentElement;
  const body = win.document.body;
  const height = Math.max(doc ? doc.scrollHeight : 0, body ? body.scrollHeight : 0, win.innerHeight);
  const y = win.scrollY || (doc ? doc.scrollTop : 0) || 0;
  const depth = height > 0 ? Math.min(100, (y + win.innerHeight) / height * 100) : 100;
  return { depth: clampInt(depth), y: clampInt(y) };
}
function clickSignal(ev, win, masker, now) {
  const t = ev.target;
  if (!t || t.nodeType !== 1) return null;
  const el = clickTarget(t);
  const [props, link] = clickFacts(win, el, ev);
  const r = el.getBoundingClientRect();
  const s = {
    type: "click",
    ts: now,
    url: scrubURL(win.location.href),
    selector: selectorFor(el),
    tag: el.tagName.toLowerCase(),
    x: clampInt(ev.pageX),
    y: clampInt(ev.pageY),
    ex: clampInt(ev.clientX - r.left),
    ey: clampInt(ev.clientY - r.top),
    ew: clampInt(r.width),
    eh: clampInt(r.height),
    vw: win.innerWidth | 0,
    vh: win.innerHeight | 0
  };
  const text = elementText(el, masker);
  if (text) s.text = text;
  if (Object.keys(props).length) s.props = props;
  return [s, link];
}
function errorSignal(message, err, source, url, now, masker) {
  const s = { type: "error", ts: now, url, name: scrubPII(String(message || "Error").slice(0, MAX_MESSAGE)) };
  const stack = err && typeof err.stack === "string" ? err.stack : "";
  if (stack) s.stack = scrubPII(stack.slice(0, MAX_STACK));
  if (source) s.source = source;
  return s;
}
function startSignals(o) {
  const { win, now } = o;
  const emit = (s) => {
    settle();
    o.emit(s);
  };
  const doc = win.document;
  const url = () => scrubURL(win.location.href);
  const off = [];
  const on2 = (target, type, fn, opts) => {
    const h = (e) => {
      try {
        fn(e);
      } catch {
      }
    };
    target.addEventListener(type, h, opts);
    off.push(() => target.removeEventListener(type, h, opts));
  };
  let page2 = "";
  let lastHref = doc.referrer;
  let maxDepth = 0;
  let sentDepth = 0;
  let sentY = 0;
  let maxY = 0;
  const pageview = () => {
    const href = win.location.href;
    const key = pageKey(href);
    if (key === page2) return;
    if (page2) {
      leave();
      o.onNavigate && o.onNavigate();
    }
    page2 = key;
    maxDepth = sentDepth = maxY = sentY = 0;
    const s = { type: "pageview", ts: now(), url: scrubURL(href) };
    const title = doc.title ? o.masker().text(doc.title.slice(0, 200), null) : "";
    if (title) s.title = title;
    const ref = scrubURL(lastHref);
    if (ref) s.referrer = ref;
    lastHref = href;
    emit(s);
    measure();
  };
  const hist = win.history;
  const wrap = (name) => {
    const orig = hist[name];
    const patched = function(...args) {
      const r = orig.apply(this, args);
      try {
        pageview();
      } catch {
      }
      return r;
    };
    hist[name] = patched;
    off.push(() => {
      if (hist[name] === patched) hist[name] = orig;
    });
  };
  wrap("pushState");
  wrap("replaceState");
  on2(win, "popstate", () => pageview());
  on2(win, "hashchange", () => pageview());
  on2(win, "pageshow", (e) => {
    if (e.persisted) {
      page2 = lastHref = "";
      pageview();
    }
  });
  let lastMeasure = 0;
  let trailing;
  const measure = () => {
    const d = scrollDepth(win);
    if (d.depth > maxDepth) maxDepth = d.depth;
    if (d.y > maxY) maxY = d.y;
  };
  const sendScroll = () => {
    if (maxDepth > sentDepth) {
      sentDepth = maxDepth;
      sentY = maxY;
      emit({ type: "scroll", ts: now(), url: url(), depth: maxDepth, scroll_y: sentY });
    }
  };
  const onScroll = () => {
    const t = now();
    if (t - lastMeasure < SCROLL_THROTTLE_MS) {
      if (trailing === void 0)
        trailing = setTimeout(() => {
          trailing = void 0;
          onScroll();
        }, SCROLL_THROTTLE_MS);
      return;
    }
    lastMeasure = t;
    measure();
    if (maxDepth - sentDepth >= SCROLL_STEP) sendScroll();
  };
  on2(win, "scroll", onScroll, { passive: true, capture: true });
  const leave = (gone) => {
    settle();
    drain();
    endHover();
    measure();
    sendScroll();
    if (gone) emit({ type: "leave", ts: now(), url: url() });
  };
  let pending = null;
  const settle = () => {
    const c = pending;
    if (!c) return;
    pending = null;
    const p = c[0].props || {};
    if (navigates(win, p, c[1], c[2])) p.navigates = true;
    if (Object.keys(p).length) c[0].props = p;
    o.emit(c[0]);
  };
  off.push(
    onOpen(win, (n, el) => {
      if (!pending) return;
      const p = pending[0].props = pending[0].props || {};
      if (el) passOn(win, el, p);
      else p[n ? "native" : "new_tab"] = true;
    })
  );
  on2(
    doc,
    "click",
    (e) => {
      settle();
      drain();
      if (hv && !hv.sel) hv.sel = selectorFor(hv.el);
      const c = clickSignal(e, win, o.masker(), now());
      if (c) {
        pending = [c[0], c[1], e];
        setTimeout(settle, 0);
      }
    },
    { capture: true, passive: true }
  );
  let hv = null;
  const endHover = (end) => {
    const h = hv;
    if (!h) return;
    hv = null;
    clearTimeout(h.timer);
    const d = (h.out || end || now()) - h.t;
    if (d < HOVER_MIN_MS) return;
    const s = { type: "hover", ts: h.t, url: url(), selector: h.sel || selectorFor(h.el), tag: h.el.tagName.toLowerCase(), props: { duration: d, interactive: true } };
    const text = elementText(h.el, o.masker());
    if (text) s.text = text;
    emit(s);
  };
  let crossings = [];
  let drainer;
  const drain = () => {
    clearTimeout(drainer);
    drainer = void 0;
    const seen = /* @__PURE__ */ new Map();
    for (const [t, rel, at] of crossings.splice(0)) {
      if (t) {
        let el = seen.get(t);
        if (el === void 0) {
          el = t.closest("select") || t.closest(INTERACTIVE2) || (isInteractive(win, t) ? t : null);
          if (el && el.tagName === "LABEL" && win.getComputedStyle(el).cursor !== "pointer") el = null;
          seen.set(t, el);
        }
        if (hv && el === hv.el) {
          clearTimeout(hv.timer);
          hv.out = 0;
        } else if (el) {
          endHover(at);
          hv = { el, sel: "", t: at, out: 0 };
        }
      } else if (hv && !hv.out && !(rel && hv.el.contains(rel))) {
        hv.out = at;
        hv.timer = setTimeout(() => {
          drain();
          if (hv && hv.out === at) endHover();
        }, at + HOVER_GAP_MS - now());
      }
    }
  };
  const cross = (t, rel) => {
    crossings.push([t, rel, now()]);
    drainer = drainer || setTimeout(drain, HOVER_DRAIN_MS);
  };
  on2(
    doc,
    "pointerover",
    (e) => {
      const t = e.target;
      if (e.pointerType !== "touch" && t && t.nodeType === 1) cross(t, null);
    },
    { capture: true, passive: true }
  );
  on2(doc, "pointerout", (e) => (hv || crossings.length) && cross(null, e.relatedTarget), { capture: true, passive: true });
  const field = (name, e) => {
    const f = e.target;
    if (!f || f.nodeType !== 1 || !f.matches(FIELD)) return;
    const s = { type: "field", ts: now(), url: url(), name, selector: selectorFor(f), tag: f.tagName.toLowerCase() };
    const form = formOf(f);
    if (form) s.props = { form };
    emit(s);
  };
  on2(doc, "focusin", (e) => field("focus", e), { capture: true, passive: true });
  on2(doc, "invalid", (e) => field("invalid", e), { capture: true, passive: true });
  off.push(
    watchRequests(
      win,
      now,
      (u) => !!o.ignore && u.indexOf(o.ignore) === 0,
      (m, u, status, started) => {
        const s = errorSignal(m + " " + new URL(scrubURL(u)).pathname, null, "request", url(), now(), o.masker());
        s.props = { status, started };
        emit(s);
      }
    )
  );
  on2(
    doc,
    "submit",
    (e) => {
      const f = e.target;
      if (f && f.nodeType === 1) emit({ type: "submit", ts: now(), url: url(), selector: selectorFor(f), tag: f.tagName.toLowerCase() });
    },
    { capture: true }
  );
  on2(
    doc,
    "change",
    (e) => {
      const f = e.target;
      if (!f || f.nodeType !== 1) return;
      const s = { type: "input", ts: now(), url: url(), selector: selectorFor(f), tag: f.tagName.toLowerCase() };
      const form = formOf(f);
      const v = f.value;
      const p = {};
      if (form) p.form = form;
      if (v === "") p.empty = true;
      if (form || v === "") s.props = p;
      emit(s);
    },
    { capture: true }
  );
  on2(win, "error", (e) => {
    const ev = e;
    if (!ev.message && !ev.error) return;
    const src = ev.filename ? `${scrubURL(ev.filename) || ev.filename}:${ev.lineno | 0}:${ev.colno | 0}` : "";
    emit(errorSignal(ev.message, ev.error, src, url(), now(), o.masker()));
  });
  on2(win, "unhandledrejection", (e) => {
    const r = e.reason;
    const msg = r instanceof Error ? r.message || String(r) : typeof r === "string" ? r : safeJSON(r);
    emit(errorSignal("Unhandled rejection: " + msg, r, "unhandledrejection", url(), now(), o.masker()));
  });
  pageview();
  return {
    leave,
    settle,
    restart() {
      page2 = "";
      pageview();
    },
    stop() {
      if (trailing !== void 0) clearTimeout(trailing);
      pending = null;
      crossings = [];
      drain();
      if (hv) clearTimeout(hv.timer);
      hv = null;
      for (const f of off.splice(0)) f();
    }
  };
}
function safeJSON(v) {
  try {
    return JSON.stringify(v) || String(v);
  } catch {
    return String(v);
  }
}

// sdk/src/transport.ts
var BATCH_INTERVAL_MS = 5e3;
var BATCH_MAX_BYTES = 64 * 1024;
var UNLOAD_MAX_BYTES = 60 * 1024;
var KEEPALIVE_QUOTA = 64 * 1024;
var BACKOFF_BASE_MS = 1e3;
var BACKOFF_CAP_MS = 6e4;
var RETRY_AFTER_CAP_MS = 60 * 60 * 1e3;
var MAX_OUTBOX = 200;
var GZIP_MIN_BYTES = 1024;
var UNSENT_KEY = "tg_unsent";
var UNSENT_MAX_BATCHES = 50;
var UNSENT_MAX_CHARS = 2 * 1024 * 1024;
var NON_ASCII = /[^\x00-\x7f]/;
function utf8Len(s) {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) n += 1;
    else if (c < 2048) n += 2;
    else if (c >= 55296 && c < 56320) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
function backoff(attempt, random = Math.random) {
  const d = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Math.min(attempt, 16)));
  return Math.round(d / 2 + random() * (d / 2));
}
function parseRetryAfter(v, now) {
  if (!v) return null;
  const t = v.trim();
  let ms;
  if (/^\d+$/.test(t)) ms = parseInt(t, 10) * 1e3;
  else {
    const d = Date.parse(t);
    if (isNaN(d)) return null;
    ms = d - now;
  }
  return Math.max(0, Math.min(RETRY_AFTER_CAP_MS, ms));
}
function gzipSupported() {
  return typeof CompressionStream !== "undefined" && typeof Response !== "undefined" && typeof Blob !== "undefined";
}
async function gzip(s) {
  const stream = new Blob([s]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
function workerMain(scope) {
  scope.onmessage = async (e) => {
    const [id, url, json, gz] = e.data;
    let body = json;
    if (gz) {
      try {
        body = new Uint8Array(await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
      } catch {
      }
    }
    try {
      const r = await fetch(url, { method: "POST", body, credentials: "omit", mode: "cors" });
      scope.postMessage([id, r.status, r.headers.get("Retry-After"), await r.text().catch(() => "")]);
    } catch {
      scope.postMessage([id, 0]);
    }
  };
}
function workerPost(fallback, src = `(${workerMain})(self)`) {
  let w;
  let n = 0;
  const waiting = /* @__PURE__ */ new Map();
  const broken = () => {
    w = null;
    for (const [a, ok, fail] of waiting.values()) fallback(...a).then(ok, fail);
    waiting.clear();
  };
  return (...a) => {
    if (w === void 0) {
      try {
        w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })));
        w.onmessage = (e) => {
          const [id, status, retry, text] = e.data;
          const p = waiting.get(id);
          if (!p) return;
          waiting.delete(id);
          if (!status) return p[2](Error("network"));
          p[1]({ ok: status < 300, status, headers: { get: () => retry }, json: async () => JSON.parse(text) });
        };
        w.onerror = broken;
      } catch {
        w = null;
      }
    }
    if (!w) return fallback(...a);
    const worker = w;
    return new Promise((ok, fail) => {
      waiting.set(++n, [a, ok, fail]);
      worker.postMessage([n, ...a]);
    });
  };
}
function encodeBatch(key, sdk, p, sentAt) {
  const head = {
    key,
    visitor: p.visitor,
    session: p.session,
    window: p.window,
    seq: p.seq,
    sent_at: sentAt,
    sdk
  };
  if (p.dropped) head.dropped = p.dropped;
  if (p.context) head.context = p.context;
  const h = JSON.stringify(head);
  return `${h.slice(0, -1)},"events":[${p.events.join(",")}],"signals":[${p.signals.join(",")}]}`;
}
var Transport = class {
  constructor(opts) {
    this.events_ = [];
    this.signals_ = [];
    this.bytes_ = 0;
    this.outbox_ = [];
    this.inFlight_ = null;
    this.stopped_ = false;
    this.warned_ = false;
    /** batches dropped and not reported yet (sent in the next batch as `dropped`) */
    this.dropped_ = 0;
    this.offline_ = false;
    this.o_ = {
      ...opts,
      fetch: opts.fetch || ((...a) => fetch(...a)),
      now: opts.now || (() => Date.now()),
      random: opts.random || Math.random,
      debug: opts.debug || ((...a) => console.debug(...a))
    };
    this.url_ = opts.endpoint.replace(/\/+$/, "") + "/ingest/v1/batch";
    const compress = opts.compress;
    const main = (url, json, gz) => {
      const send = (body) => this.stopped_ ? Promise.reject(new Error("stopped")) : this.o_.fetch(url, { method: "POST", body, credentials: "omit", mode: "cors" });
      return gz && compress ? compress(json).then((b) => send(b), () => send(json)) : send(json);
    };
    this.post_ = opts.post ? opts.post(main) : main;
  }
  get isStopped() {
    return this.stopped_;
  }
  /** Attach this context to the next batch (page load, session rollover). */
  setContext(c) {
    this.context_ = c;
    this.arm_();
  }
  addEvent(e) {
    this.add_(this.events_, JSON.stringify(e));
  }
  addSignal(s) {
    this.add_(this.signals_, JSON.stringify(s));
  }
  add_(list, json) {
    if (this.stopped_ || json === void 0) return;
    list.push(json);
    this.bytes_ += utf8Len(json) + 1;
    if (this.bytes_ >= BATCH_MAX_BYTES) this.cut();
    else this.arm_();
  }
  arm_() {
    if (this.timer_ === void 0 && !this.stopped_) {
      this.timer_ = setTimeout(() => {
        this.timer_ = void 0;
        this.cut();
      }, BATCH_INTERVAL_MS);
    }
  }
  take_() {
    if (this.timer_ !== void 0) {
      clearTimeout(this.timer_);
      this.timer_ = void 0;
    }
    if (!this.events_.length && !this.signals_.length && !this.context_) return null;
    const t = { context: this.context_, events: this.events_, signals: this.signals_ };
    this.context_ = void 0;
    this.events_ = [];
    this.signals_ = [];
    this.bytes_ = 0;
    return t;
  }
  pending_(t) {
    const ids = this.o_.ids;
    return { seq: ids.nextSeq(), visitor: ids.visitor, session: ids.session, window: ids.window, attempts: 0, ...t };
  }
  /** Close the current batch now and queue it for sending. */
  cut() {
    const t = this.take_();
    if (!t || this.stopped_) return;
    this.outbox_.push(this.pending_(t));
    if (this.outbox_.length > MAX_OUTBOX) {
      const i = this.outbox_[0] === this.inFlight_ ? 1 : 0;
      this.outbox_.splice(i, 1);
      this.dropped_++;
      this.o_.debug("trailguide: dropping an old batch, server unreachable");
    }
    this.pump_();
  }
  /** Send everything now (normal path, respects one-in-flight). */
  flush() {
    this.cut();
  }
  pump_() {
    if (this.stopped_ || this.inFlight_ || this.retryTimer_ !== void 0 || !this.outbox_.length) return;
    const p = this.outbox_[0];
    this.inFlight_ = p;
    void this.send_(p);
  }
  async send_(p) {
    let delay = null;
    this.offline_ = false;
    p.dropped = this.dropped_;
    try {
      const json = encodeBatch(this.o_.key, this.o_.sdk, p, this.o_.now());
      const res = await this.post_(this.url_, json, !!this.o_.compress && json.length >= GZIP_MIN_BYTES);
      if (res.ok) {
        let r = {};
        try {
          r = await res.json();
        } catch {
        }
        if (r && r.stop) {
          this.stop();
          this.o_.onStop && this.o_.onStop();
          return;
        }
        this.done_(p);
        this.dropped_ -= p.dropped || 0;
        this.o_.onAck && this.o_.onAck(p.seq, r.snapshot);
      } else if (res.status === 429 || res.status === 408 || res.status >= 500) {
        delay = parseRetryAfter(res.headers.get("Retry-After"), this.o_.now());
        if (delay === null) delay = backoff(p.attempts, this.o_.random);
      } else {
        if (!this.warned_) {
          this.warned_ = true;
          this.o_.debug(`trailguide: batch rejected with status ${res.status}, dropped`);
        }
        this.done_(p);
      }
    } catch {
      delay = backoff(p.attempts, this.o_.random);
      this.offline_ = true;
    } finally {
      if (this.inFlight_ === p) this.inFlight_ = null;
    }
    if (this.stopped_) return;
    if (delay !== null) {
      p.attempts++;
      this.retryTimer_ = setTimeout(() => {
        this.retryTimer_ = void 0;
        this.pump_();
      }, delay);
      return;
    }
    this.pump_();
  }
  done_(p) {
    const i = this.outbox_.indexOf(p);
    if (i >= 0) this.outbox_.splice(i, 1);
  }
  /**
   * The browser is back online: a retry waiting because the network failed
   * goes now. One waiting for the server's Retry-After keeps waiting.
   */
  online() {
    if (this.offline_ && this.retryTimer_ !== void 0) {
      clearTimeout(this.retryTimer_);
      this.retryTimer_ = void 0;
      this.pump_();
    }
  }
  /**
   * Page is being hidden or unloaded: hand everything unsent to the browser
   * in requests that outlive the page. Unsent queued batches keep their seq;
   * the open buffer is split into ≤ 60 KB bodies, each with its own seq. The
   * batch in flight is sent again (the server acknowledges duplicates), since
   * a normal request may be cancelled with the page.
   */
  unload() {
    if (this.stopped_) return;
    const parts = [...this.outbox_];
    const t = this.take_();
    if (t) {
      for (const part of this.split_(t)) parts.push(part);
    }
    if (this.retryTimer_ !== void 0) {
      clearTimeout(this.retryTimer_);
      this.retryTimer_ = void 0;
    }
    this.persist_(parts);
    let quota = KEEPALIVE_QUOTA;
    const now = this.o_.now();
    for (const p of parts) {
      const body = encodeBatch(this.o_.key, this.o_.sdk, p, now);
      const size = utf8Len(body);
      let sent = false;
      if (size <= quota && size <= UNLOAD_MAX_BYTES) {
        try {
          void this.o_.fetch(this.url_, { method: "POST", body, keepalive: true, credentials: "omit", mode: "cors" }).catch(() => void 0);
          quota -= size;
          sent = true;
        } catch {
        }
      }
      if (!sent && this.o_.sendBeacon) {
        try {
          sent = this.o_.sendBeacon(this.url_, body);
        } catch {
          sent = false;
        }
      }
      if (!sent) this.o_.debug(`trailguide: could not send batch ${p.seq} on page hide`);
    }
    this.outbox_ = this.inFlight_ ? [this.inFlight_] : [];
  }
  /**
   * Resend what earlier page loads handed over on page hide. Those batches
   * keep their own ids and seqs, go first, and the server acknowledges any
   * that already arrived.
   */
  restore() {
    const st = this.o_.store;
    if (!st || this.stopped_) return;
    const saved = readJSON(st, UNSENT_KEY);
    st.remove(UNSENT_KEY);
    if (!Array.isArray(saved) || !saved.length) return;
    const ok = saved.filter(
      (p) => p && typeof p.seq === "number" && typeof p.session === "string" && typeof p.window === "string" && Array.isArray(p.events) && Array.isArray(p.signals)
    );
    const start = this.inFlight_ ? 1 : 0;
    for (const p of ok) this.dropped_ += p.lost || 0;
    this.outbox_.splice(start, 0, ...ok.map((p) => ({ ...p, attempts: 0, lost: 0 })));
    this.pump_();
  }
  persist_(parts) {
    const st = this.o_.store;
    if (!st || !parts.length) return;
    const prev = readJSON(st, UNSENT_KEY);
    let all = (Array.isArray(prev) ? prev : []).concat(parts.map((p) => ({ ...p, attempts: 0 })));
    const n = all.length;
    let lost = 0;
    for (const p of all) lost += p.lost || 0, p.lost = 0;
    if (n > UNSENT_MAX_BATCHES) all = all.slice(n - UNSENT_MAX_BATCHES);
    let json = JSON.stringify(all);
    while (json.length > UNSENT_MAX_CHARS && all.length > 1) {
      all = all.slice(1);
      json = JSON.stringify(all);
    }
    if (lost += n - all.length) {
      all[0].lost = lost;
      json = JSON.stringify(all);
    }
    if (json.length <= UNSENT_MAX_CHARS) st.set(UNSENT_KEY, json);
  }
  /** Split an open buffer into parts whose bodies fit UNLOAD_MAX_BYTES. */
  split_(t) {
    const ids = this.o_.ids;
    const overhead = (ctx) => utf8Len(encodeBatch(this.o_.key, this.o_.sdk, { seq: 1e12, visitor: ids.visitor, session: ids.session, window: ids.window, context: ctx, events: [], signals: [] }, 1e13));
    const out = [];
    let cur = { context: t.context, events: [], signals: [] };
    let size = overhead(t.context);
    const flushCur = () => {
      out.push(this.pending_(cur));
      cur = { events: [], signals: [] };
      size = overhead();
    };
    const put = (json, kind) => {
      const n = utf8Len(json) + 1;
      if (size + n > UNLOAD_MAX_BYTES && (cur.events.length || cur.signals.length)) flushCur();
      cur[kind].push(json);
      size += n;
    };
    for (const s of t.signals) put(s, "signals");
    for (const e of t.events) put(e, "events");
    if (cur.events.length || cur.signals.length || cur.context) out.push(this.pending_(cur));
    return out;
  }
  /** Stop for this page load: drop everything, send nothing more. */
  stop() {
    this.stopped_ = true;
    this.take_();
    this.outbox_ = [];
    if (this.retryTimer_ !== void 0) clearTimeout(this.retryTimer_);
    this.retryTimer_ = void 0;
  }
  /** Debug/test view of the queue. */
  stats() {
    return { buffered: this.events_.length + this.signals_.length, queued: this.outbox_.length, inFlight: !!this.inFlight_, bytes: this.bytes_, dropped: this.dropped_ };
  }
};

// sdk/src/version.ts
var VERSION = "0.1.0";
var SDK_NAME = `trailguide-js/${VERSION}`;

// sdk/src/client.ts
var K_OPTOUT = "tg_optout";
var K_USER = "tg_user";
var K_CONSENT = "tg_consent";
var CHECKOUT_EVERY_MS = 10 * 60 * 1e3;
var ACTIVITY_MS = 1e3;
var ACTIVE_SOURCES = [1, 2, 3, 5, 6, 12];
function sampled(session, rate) {
  if (!(rate < 1)) return true;
  if (!(rate > 0)) return false;
  return parseInt(session.slice(0, 8), 16) / 4294967296 < rate;
}
function recordOptions(masker, emit) {
  return {
    emit,
    ...masker.record,
    slimDOMOptions: "all",
    sampling: { mousemove: 50, scroll: 150, media: 800, input: "last" },
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
    recordCrossOriginIframes: false,
    checkoutEveryNms: CHECKOUT_EVERY_MS
  };
}
function cleanTraits(t) {
  if (!t || typeof t !== "object") return void 0;
  const out = {};
  let n = 0;
  for (const [k, v] of Object.entries(t)) {
    if (v === void 0 || v === null || typeof v === "function" || n >= 50) continue;
    out[String(k).slice(0, 100)] = (typeof v === "object" ? JSON.stringify(v) : String(v)).slice(0, 500);
    n++;
  }
  return n ? out : void 0;
}
function cleanProps(p) {
  if (!p || typeof p !== "object") return void 0;
  try {
    const json = JSON.stringify(p);
    if (!json || json.length > 8192) return void 0;
    const v = JSON.parse(json);
    return v && typeof v === "object" && !Array.isArray(v) ? v : void 0;
  } catch {
    return void 0;
  }
}
var Client = class {
  constructor(opts) {
    this.ids_ = null;
    this.transport_ = null;
    this.signals_ = null;
    this.friction_ = null;
    this.config_ = null;
    this.running_ = false;
    this.consent_ = false;
    /** the server said stop: nothing more for this page load, not even after optIn() */
    this.dead_ = false;
    this.listeners_ = {};
    this.offPage_ = [];
    /** when activity was last handled */
    this.active_ = -Infinity;
    this.o_ = opts;
    this.win_ = opts.window || window;
    this.local_ = opts.storage ? opts.storage.local : webKV("localStorage", [K_SESSION]);
    this.tab_ = opts.storage ? opts.storage.session : webKV("sessionStorage");
    this.now_ = opts.now || (() => Date.now());
    this.masker_ = createMasker({ mode: "strict", mask_selectors: [], block_selectors: [] });
  }
  get endpoint() {
    return (this.o_.endpoint || this.win_.location.origin).replace(/\/+$/, "");
  }
  isOptedOut() {
    return this.local_.get(K_OPTOUT) === "1";
  }
  /** Nothing may be captured: opted out, Global Privacy Control honoured, or consent required and not given. */
  blocked_() {
    const gpc = this.o_.respectGPC && this.win_.navigator.globalPrivacyControl === true;
    return this.isOptedOut() || !!gpc || !!this.o_.requireConsent && !this.consent_ && this.local_.get(K_CONSENT) !== "1";
  }
  /** Start capturing for this page load (no-op when blocked or already running). */
  start() {
    if (this.running_ || this.dead_ || this.blocked_() || !this.o_.key) return;
    this.running_ = true;
    const now = this.now_();
    const ids = this.ids_ = new Identity(this.local_, this.tab_, now);
    if (this.user_) this.local_.set(K_USER, JSON.stringify(this.user_));
    this.transport_ = new Transport({
      endpoint: this.endpoint,
      key: this.o_.key,
      sdk: SDK_NAME,
      ids,
      fetch: this.o_.fetch,
      sendBeacon: this.o_.sendBeacon !== void 0 ? this.o_.sendBeacon : typeof this.win_.navigator.sendBeacon === "function" ? (u, d) => this.win_.navigator.sendBeacon(u, d) : null,
      compress: this.o_.compress !== void 0 ? this.o_.compress : gzipSupported() ? gzip : null,
      // off the main thread, unless a test or build brings its own fetch
      post: this.o_.fetch || typeof Worker == "undefined" ? void 0 : workerPost,
      now: this.now_,
      random: this.o_.random,
      onStop: () => {
        this.dead_ = true;
        this.halt_();
        this.fire_("stop");
      },
      onAck: (seq, snap) => {
        if (snap) this.snapshot_();
        this.fire_("ack", seq);
      },
      store: this.local_
    });
    this.transport_.restore();
    this.transport_.setContext(buildContext(this.win_));
    this.sendIdentityIfNew_();
    const hide = () => this.pageHide_(true);
    const vis = () => {
      if (this.win_.document.visibilityState === "hidden") this.pageHide_();
    };
    const online = () => void (this.transport_ && this.transport_.online());
    this.win_.addEventListener("pagehide", hide);
    this.win_.addEventListener("online", online);
    this.win_.document.addEventListener("visibilitychange", vis);
    this.offPage_.push(
      () => this.win_.removeEventListener("pagehide", hide),
      () => this.win_.removeEventListener("online", online),
      () => this.win_.document.removeEventListener("visibilitychange", vis)
    );
    if (this.o_.config) this.configure_(this.o_.config);
    else void this.loadConfig_();
  }
  async loadConfig_() {
    let cfg = null;
    try {
      const f = this.o_.fetch || ((...a) => fetch(...a));
      const res = await f(`${this.endpoint}/ingest/v1/config?key=${encodeURIComponent(this.o_.key)}`, { credentials: "omit", mode: "cors" });
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        console.debug(`trailguide: config refused (${res.status}), not recording`);
        this.dead_ = true;
        this.halt_();
        return;
      }
      if (res.ok) cfg = await res.json();
    } catch {
    }
    this.configure_(cfg);
  }
  /**
   * Apply the project's rules, then start capturing. Without a config (server
   * unreachable) the project's rules are unknown, so fail closed: record and
   * capture signals in strict mode (all text masked, media blocked) and let
   * the transport hold the batches until the server is back. A page loaded
   * during an outage is then still replayable, with nothing readable in it.
   */
  configure_(cfg) {
    if (!this.running_ || !this.ids_) return;
    this.config_ = cfg;
    if (cfg || this.o_.privacy) this.masker_ = createMasker(cfg ? cfg.mask || DEFAULT_MASK : { ...DEFAULT_MASK, mode: "strict" }, this.win_.document, this.o_.privacy);
    if (this.o_.autocapture !== false && !this.signals_) {
      this.signals_ = startSignals({
        win: this.win_,
        masker: () => this.masker_,
        emit: (s) => this.signal(s),
        now: this.now_,
        ignore: this.endpoint + "/ingest/"
      });
    }
    this.startFriction_(cfg);
    const rate = cfg && typeof cfg.sample_rate === "number" ? cfg.sample_rate : 1;
    if (this.o_.record !== false && this.o_.recorder && sampled(this.ids_.session, rate)) this.startRecording_();
    this.fire_("ready", cfg);
  }
  /** Starts the live friction detector, loading its chunk first when needed. */
  startFriction_(cfg) {
    const opt = this.o_.friction;
    const win = this.win_;
    const doc = win.document;
    const w = win;
    const boot = () => {
      const start = typeof opt === "function" ? opt : w.__trailguide_friction;
      if (!start || this.friction_ || !this.running_) return;
      this.friction_ = start({
        win,
        config: cfg?.friction,
        masker: () => this.masker_,
        now: this.now_,
        tab: this.tab_,
        window: this.ids_ ? this.ids_.window : "",
        recording: () => !!this.stopRecording_,
        add: (s) => this.transport_ && this.transport_.addSignal(s),
        report: (d, el) => {
          const s = { type: "friction", ts: d.t, url: d.url || this.scrubbedURL_(), name: d.type, props: d.details };
          if (d.selector) s.selector = d.selector;
          if (d.text) s.text = d.text;
          if (d.x || d.y) s.x = d.x, s.y = d.y;
          if (this.transport_) this.transport_.addSignal(s);
          this.fire_("signal", s);
          this.fire_("friction", d);
          el.dispatchEvent(new CustomEvent("trailguide:friction", { detail: d, bubbles: true }));
        }
      });
    };
    if (opt === false || this.friction_) return;
    if (typeof opt === "function" || w.__trailguide_friction) return boot();
    const me = doc.querySelector('script[src*="recorder.js"]');
    if (!me) return;
    const sc = doc.createElement("script");
    sc.src = me.src.replace(/recorder\.js([?#].*)?$/, "friction.js");
    sc.async = true;
    sc.onload = boot;
    (doc.head || doc.documentElement).appendChild(sc);
  }
  startRecording_() {
    const rec = this.o_.recorder;
    if (!rec || this.stopRecording_) return;
    try {
      this.stopRecording_ = rec(recordOptions(this.masker_, (e) => this.event_(e))) || (() => void 0);
    } catch (err) {
      console.debug("trailguide: recorder failed to start", err);
    }
  }
  event_(e) {
    if (!this.transport_) return;
    if (this.friction_ && this.friction_.recorded) this.friction_.recorded(e);
    const ev = e;
    if (ev && ev.type === 3 && ev.data && ACTIVE_SOURCES.indexOf(ev.data.source) >= 0) this.activity_();
    this.transport_.addEvent(this.masker_.event(e, this.o_.recorder && this.o_.recorder.mirror));
  }
  /** Activity keeps the session alive; an expired session starts a new stream first. */
  activity_() {
    const ids = this.ids_;
    const t = this.transport_;
    if (!ids || !t) return;
    const now = this.now_();
    if (now - this.active_ < ACTIVITY_MS && now >= this.active_) return;
    this.active_ = now;
    if (!ids.touch(now, () => t.cut())) return;
    t.setContext(buildContext(this.win_));
    this.sendIdentityIfNew_();
    this.snapshot_();
    if (this.signals_) this.signals_.restart();
  }
  snapshot_() {
    if (this.stopRecording_ && this.o_.recorder && this.o_.recorder.takeFullSnapshot) this.o_.recorder.takeFullSnapshot();
  }
  /** Queue a signal (all signal sources end here). */
  signal(s) {
    if (!this.transport_ || this.transport_.isStopped) return;
    if (this.signals_) this.signals_.settle();
    if (!/^(error|leave|hover)$/.test(s.type)) this.activity_();
    this.transport_.addSignal(s);
    this.fire_("signal", s);
    if (this.friction_) this.friction_.signal(s);
  }
  url_() {
    return this.win_.location.href;
  }
  track(name, props) {
    if (typeof name !== "string" || !name) return;
    const s = { type: "track", ts: this.now_(), url: this.scrubbedURL_(), name: name.slice(0, 200) };
    const p = cleanProps(props);
    if (p) s.props = p;
    this.signal(s);
  }
  identify(userId, traits) {
    if (userId === void 0 || userId === null || userId === "") return;
    const u = { id: String(userId).slice(0, 200), traits: cleanTraits(traits) };
    if (this.blocked_()) return void (this.user_ = u);
    this.local_.set(K_USER, JSON.stringify(u));
    this.sendIdentityIfNew_(true);
  }
  /** Send the stored identity once per session (and whenever identify() is called). */
  sendIdentityIfNew_(force = false) {
    const u = readJSON(this.local_, K_USER);
    if (!u || !u.id || !this.ids_ || !this.transport_) return;
    if (!force && u.sent === this.ids_.session) return;
    const s = { type: "identify", ts: this.now_(), url: this.scrubbedURL_(), user_id: u.id };
    if (u.traits) s.traits = u.traits;
    u.sent = this.ids_.session;
    this.local_.set(K_USER, JSON.stringify(u));
    this.transport_.addSignal(s);
    this.fire_("signal", s);
  }
  scrubbedURL_() {
    return scrubURL(this.url_());
  }
  flush() {
    if (this.transport_) this.transport_.flush();
  }
  optOut() {
    this.local_.set(K_OPTOUT, "1");
    this.local_.remove(K_USER);
    this.local_.remove(UNSENT_KEY);
    this.halt_();
  }
  /**
   * The visitor's answer for requireConsent: true starts capturing (and is
   * remembered); false stops it and deletes what the SDK stored.
   */
  consent(granted) {
    this.consent_ = !!granted;
    if (granted) {
      this.local_.set(K_CONSENT, "1");
      this.start();
      return;
    }
    this.halt_();
    for (const k of [K_CONSENT, K_USER, UNSENT_KEY, K_VISITOR, K_SESSION]) this.local_.remove(k);
    this.tab_.remove(K_WINDOW);
    this.tab_.remove(K_FRICTION);
  }
  optIn() {
    this.local_.remove(K_OPTOUT);
    if (!this.running_) this.start();
  }
  on(ev, fn) {
    (this.listeners_[ev] = this.listeners_[ev] || []).push(fn);
    return () => {
      const l = this.listeners_[ev];
      const i = l ? l.indexOf(fn) : -1;
      if (i >= 0) l.splice(i, 1);
    };
  }
  fire_(ev, arg) {
    for (const fn of (this.listeners_[ev] || []).slice()) {
      try {
        fn(arg);
      } catch {
      }
    }
  }
  /** `gone`: pagehide (persisted or not), not a tab switch */
  pageHide_(gone) {
    if (!this.transport_) return;
    if (this.signals_) this.signals_.leave(gone);
    if (this.ids_) this.ids_.save();
    this.transport_.unload();
  }
  /** Stop recording, capturing and sending at once, for this page load. */
  halt_() {
    if (this.stopRecording_) {
      try {
        this.stopRecording_();
      } catch {
      }
    }
    this.stopRecording_ = void 0;
    if (this.signals_) this.signals_.stop();
    this.signals_ = null;
    if (this.friction_) this.friction_.stop();
    this.friction_ = null;
    if (this.transport_) this.transport_.stop();
    this.transport_ = null;
    for (const f of this.offPage_.splice(0)) f();
    this.running_ = false;
  }
  /** For tests and debugging. */
  debugState() {
    return { running: this.running_, session: this.ids_?.session, window: this.ids_?.window, visitor: this.ids_?.visitor, config: this.config_, key: this.o_.key };
  }
};

// sdk/src/api.ts
function createAPI(recorder) {
  let client = null;
  const queue = [];
  const pendingOn = [];
  const later = (f) => {
    if (client) f(client);
    else queue.push(() => client && f(client));
  };
  return {
    version: VERSION,
    client: () => client,
    init(options) {
      if (client) {
        console.debug("trailguide: init called twice, ignored");
        return;
      }
      if (!options || !options.key) {
        console.debug("trailguide: init needs a key");
        return;
      }
      client = new Client({ recorder, ...options });
      for (const [ev, fn, h] of pendingOn.splice(0)) if (!h.cancelled) h.off = client.on(ev, fn);
      client.start();
      for (const f of queue.splice(0)) f();
    },
    track: (name, props) => later((c) => c.track(name, props)),
    identify: (id, traits) => later((c) => c.identify(id, traits)),
    consent: (granted) => later((c) => c.consent(granted)),
    optOut() {
      if (client) client.optOut();
      else {
        webKV("localStorage").set(K_OPTOUT, "1");
        queue.length = 0;
      }
    },
    optIn() {
      if (client) client.optIn();
      else webKV("localStorage").remove(K_OPTOUT);
    },
    flush: () => later((c) => c.flush()),
    on(ev, fn) {
      if (client) return client.on(ev, fn);
      const h = {};
      pendingOn.push([ev, fn, h]);
      return () => {
        h.cancelled = true;
        if (h.off) h.off();
      };
    }
  };
}

// sdk/src/index.ts
var api = createAPI(record);
var init = api.init;
var track = api.track;
var identify = api.identify;
var consent = api.consent;
var optOut = api.optOut;
var optIn = api.optIn;
var flush = api.flush;
var on = api.on;
var version = api.version;
var lastPage = "";
var pendingPages = [];
on("ready", () => {
  for (const [u, t] of pendingPages.splice(0)) page(u, t);
});
on("signal", (s) => {
  const sig = s;
  if (sig && sig.type === "pageview") lastPage = sig.url;
});
function page(url, title) {
  const c = api.client();
  if (!c) {
    pendingPages.push([url, title]);
    return;
  }
  let href;
  try {
    href = new URL(url || location.href, location.href).href;
  } catch {
    return;
  }
  const scrubbed2 = scrubURL(href);
  if (scrubbed2 === lastPage) return;
  const s = { type: "pageview", ts: Date.now(), url: scrubbed2 };
  if (title) s.title = title.slice(0, 200);
  c.signal(s);
}
export {
  consent,
  flush,
  identify,
  init,
  on,
  optIn,
  optOut,
  page,
  track,
  version
};
