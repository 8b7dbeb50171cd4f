// The script-tag loader: its data-* flags become init options, and consent()
// is queued like the other calls until the recorder chunk has loaded.
import { beforeEach, expect, test, vi } from 'vitest';

type Stub = { q: Array<[string, unknown[]]>; consent: (g: boolean) => void; optOut: () => void };

beforeEach(() => {
  vi.resetModules();
  delete (window as unknown as { trailguide?: unknown }).trailguide;
  document.head.innerHTML = '';
  localStorage.clear();
});

function tag(attrs: string): void {
  const s = document.createElement('script');
  s.setAttribute('src', 'https://tg.example.com/sdk/trailguide.js');
  for (const a of attrs.split(' ').filter(Boolean)) s.setAttribute(a, a === 'data-key' ? 'pk_1' : '');
  document.head.appendChild(s);
}

test('data-require-consent and data-respect-gpc reach init; consent() is queued', async () => {
  tag('data-key data-require-consent data-respect-gpc');
  await import('../src/loader' as string);
  const w = (window as unknown as { trailguide: Stub }).trailguide;
  expect(w.q[0]).toEqual(['init', [{ key: 'pk_1', endpoint: 'https://tg.example.com', requireConsent: true, respectGPC: true }]]);
  w.consent(true);
  expect(w.q[1]).toEqual(['consent', [true]]);
});

test('without the flags, init gets them false', async () => {
  tag('data-key');
  await import('../src/loader' as string);
  const w = (window as unknown as { trailguide: Stub }).trailguide;
  expect(w.q[0]).toEqual(['init', [{ key: 'pk_1', endpoint: 'https://tg.example.com', requireConsent: false, respectGPC: false }]]);
});
