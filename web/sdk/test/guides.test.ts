// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { matchURL, renderBody, safeLink } from '../src/guides/content';

const html = (body: string): string => {
  const d = document.createElement('div');
  d.appendChild(renderBody(body, document));
  return d.innerHTML;
};

describe('guide content', () => {
  it('rebuilds the safe subset with DOM nodes', () => {
    expect(html('<b>Bold</b> <i>it</i><ul><li>one</li></ul>')).toBe('<b>Bold</b> <i>it</i><ul><li>one</li></ul>');
  });
  it('drops scripts, handlers and unsafe links whatever the server sent', () => {
    (window as unknown as { __pwned?: number }).__pwned = undefined;
    const out = html('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b onclick="x()">t</b><a href="javascript:alert(1)">j</a><svg><a href="https://x">s</a></svg>');
    expect(out).toBe('<b>t</b><a>j</a>');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
  it('keeps http(s) and mailto links, opening in a new tab', () => {
    expect(html('<a href="https://example.com/a">x</a>')).toBe('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">x</a>');
    expect(safeLink('mailto:a@b.c')).toBe('mailto:a@b.c');
    expect(safeLink('data:text/html,x')).toBeNull();
    expect(safeLink('/relative')).toBeNull();
  });
  it('matches URL patterns as the server does', () => {
    const cases: Array<[string, string, boolean]> = [
      ['/pricing', 'https://a.test/pricing?x=1', true],
      ['/pricing', 'https://a.test/pricing/team', false],
      ['/pricing*', 'https://a.test/pricing/team', true],
      ['/signup?plan=*', 'https://a.test/signup?plan=team', true],
      ['/a.b', 'https://a.test/aXb', false],
      ['https://a.test/*', 'https://a.test/x', true],
    ];
    for (const [p, u, want] of cases) expect(matchURL(p, u), p + ' ' + u).toBe(want);
  });
});
