// Guide content to DOM nodes. The body is the server-sanitised subset
// (guide/sanitize.go); it is parsed in an inert document (DOMParser: no
// scripts run, no resources load) and rebuilt here tag by tag from the
// same allowlist with createElement and textContent, so no string ever
// reaches innerHTML and markup outside the subset is text at worst.
const ALLOWED = ['B', 'STRONG', 'I', 'EM', 'A', 'UL', 'OL', 'LI', 'P', 'BR'];

export const safeLink = (u: string | null | undefined): string | null => {
  if (!u) return null;
  try {
    const p = new URL(u);
    return /^(https?|mailto):$/.test(p.protocol) ? p.href : null;
  } catch {
    return null;
  }
};

function copy(from: Node, to: Node, doc: Document, depth: number): void {
  from.childNodes.forEach((n) => {
    if (n.nodeType === 3) to.appendChild(doc.createTextNode(n.textContent || ''));
    else if (n.nodeType === 1 && depth < 20) {
      const el = n as Element;
      if (ALLOWED.indexOf(el.tagName) < 0) {
        if (!/^(SCRIPT|STYLE|IFRAME|OBJECT|EMBED|SVG|MATH|TEMPLATE|NOSCRIPT)$/i.test(el.tagName)) copy(el, to, doc, depth + 1);
        return;
      }
      const out = doc.createElement(el.tagName.toLowerCase());
      if (el.tagName === 'A') {
        const href = safeLink(el.getAttribute('href'));
        if (href) {
          out.setAttribute('href', href);
          out.setAttribute('target', '_blank');
          out.setAttribute('rel', 'noopener noreferrer');
        }
      }
      copy(el, out, doc, depth + 1);
      to.appendChild(out);
    }
  });
}

/** The body's nodes, built in doc. */
export function renderBody(body: string, doc: Document): DocumentFragment {
  const frag = doc.createDocumentFragment();
  if (!body) return frag;
  const inert = new DOMParser().parseFromString('<body>' + body, 'text/html');
  copy(inert.body, frag, doc, 0);
  return frag;
}

/** trailguide.MatchURL for the page: a pattern against the path (and the query with '?', the whole URL with '://'); '*' any run. */
export function matchURL(pattern: string, href: string): boolean {
  let subject: string;
  try {
    const u = new URL(href);
    subject = pattern.indexOf('://') >= 0 ? href : u.pathname + (pattern.indexOf('?') >= 0 && u.search ? u.search : '');
    if (/^#[/!]/.test(u.hash) && pattern.indexOf('://') < 0) subject = u.pathname + u.hash.split('?')[0] + (pattern.indexOf('?') >= 0 ? u.search : '');
  } catch {
    subject = href;
  }
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(subject);
}
