// The example bodies in testdata/wire are produced by the real client (run
// with UPDATE_WIRE=1 to rewrite them) and decoded strictly by the Go side.
// This test fails when the TypeScript wire types, the client's output or the
// files drift apart.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { BATCH_FIELDS, CONTEXT_FIELDS, SIGNAL_FIELDS, SIGNAL_TYPES, UTM_FIELDS } from '../src/wire';
import { settle } from './helpers';
import { closePage, openPage, T0, type Page } from './scenario';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../testdata/wire');
const FILES = ['first-batch.json', 'later-batch.json', 'unload-part.json'];

async function produce(): Promise<Record<string, unknown>> {
  history.replaceState(null, '', '/checkout?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero');
  document.title = 'Checkout';
  document.body.innerHTML =
    '<main><form id="checkout"><input id="email" type="email"><button id="pay" type="button">Pay now</button></form>' +
    '<ul class="steps"><li class="step">Cart</li><li class="step">Pay</li></ul></main>';
  Object.defineProperty(document.documentElement, 'scrollHeight', { value: 768 * 4, configurable: true });
  const p: Page = await openPage();
  await vi.advanceTimersByTimeAsync(5000);
  const clock = p.clock;

  clock.t += 1200;
  p.rec.emit({ type: 3, data: { source: 2, type: 2, id: 7, x: 40, y: 300 }, timestamp: clock.t });
  const pay = document.getElementById('pay')!;
  pay.getBoundingClientRect = () => ({ left: 100, top: 400, width: 120, height: 36, right: 220, bottom: 436, x: 100, y: 400, toJSON() {} }) as DOMRect;
  const click = new MouseEvent('click', { bubbles: true, clientX: 130, clientY: 412 });
  Object.defineProperties(click, { pageX: { value: 130 }, pageY: { value: 412 } });
  pay.dispatchEvent(click);
  clock.t += 800;
  Object.defineProperty(window, 'scrollY', { value: 1536, configurable: true });
  window.dispatchEvent(new Event('scroll'));
  clock.t += 500;
  const input = document.getElementById('email') as HTMLInputElement;
  input.value = 'never-sent@example.com';
  input.dispatchEvent(new Event('change', { bubbles: true }));
  clock.t += 300;
  document.getElementById('checkout')!.dispatchEvent(new Event('submit', { bubbles: true }));
  clock.t += 100;
  const err = new TypeError("Cannot read properties of undefined (reading 'total')");
  err.stack = "TypeError: Cannot read properties of undefined (reading 'total')\n    at pay (https://shop.example/app.js:10:5)";
  window.dispatchEvent(new ErrorEvent('error', { message: err.message, error: err, filename: 'https://shop.example/app.js', lineno: 10, colno: 5 }));
  clock.t += 100;
  p.client.track('checkout_started', { plan: 'pro', seats: 3 });
  p.client.identify('user-42', { plan: 'pro', role: 'admin' });
  await vi.advanceTimersByTimeAsync(5000);

  clock.t += 2000;
  p.client.track('leaving', { step: 'pay' });
  p.rec.emit({ type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: 4, nextId: null, node: { type: 3, id: 99, textContent: 'x'.repeat(61_000) } }] }, timestamp: clock.t });
  p.rec.emit({ type: 3, data: { source: 1, positions: [{ x: 10, y: 20, id: 4, timeOffset: 0 }] }, timestamp: clock.t });
  window.dispatchEvent(new Event('pagehide'));
  await settle();
  const b = p.ff.batches();
  closePage(p);
  // two normal batches, then the page-hide flush split into ≤ 60 KB parts with consecutive seqs
  expect(b.map((r) => r.json.seq)).toEqual(b.map((_, i) => i));
  expect(b.map((r) => r.keepalive)).toEqual(b.map((_, i) => i >= 2));
  expect(b.length).toBeGreaterThanOrEqual(4);
  return { 'first-batch.json': b[0].json, 'later-batch.json': b[1].json, 'unload-part.json': b[b.length - 1].json };
}

function checkBatch(name: string, b: Record<string, unknown>) {
  for (const k of Object.keys(b)) expect(BATCH_FIELDS as readonly string[], `${name}: unknown batch field ${k}`).toContain(k);
  for (const k of ['key', 'visitor', 'session', 'window', 'seq', 'sent_at', 'sdk', 'events', 'signals']) expect(b, `${name}: ${k}`).toHaveProperty(k);
  const c = b.context as Record<string, unknown> | undefined;
  if (c) {
    for (const k of Object.keys(c)) expect(CONTEXT_FIELDS as readonly string[], `${name}: unknown context field ${k}`).toContain(k);
    for (const k of Object.keys(c.utm as object)) expect(UTM_FIELDS as readonly string[]).toContain(k);
  }
  for (const s of b.signals as Array<Record<string, unknown>>) {
    expect(SIGNAL_TYPES as readonly string[]).toContain(s.type);
    for (const k of Object.keys(s)) expect(SIGNAL_FIELDS as readonly string[], `${name}: unknown signal field ${k}`).toContain(k);
  }
}

/** The shape of a value: keys and JSON types, recursively, without values. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

describe('testdata/wire', () => {
  let produced: Record<string, unknown>;
  beforeAll(async () => {
    vi.useFakeTimers();
    produced = await produce();
    if (process.env.UPDATE_WIRE === '1') {
      mkdirSync(dir, { recursive: true });
      for (const f of FILES) writeFileSync(join(dir, f), JSON.stringify(produced[f], null, 2) + '\n');
    }
  });
  afterAll(() => vi.useRealTimers());

  for (const f of FILES) {
    test(`${f} uses only wire fields and matches what the client sends`, () => {
      const file = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      checkBatch(f, file);
      checkBatch(f + ' (produced)', produced[f] as Record<string, unknown>);
      expect(shape(file)).toEqual(shape(produced[f]));
    });
  }

  test('no masked value leaks into the examples', () => {
    const all = JSON.stringify(produced);
    expect(all).not.toContain('never-sent');
    expect(all).toContain('"type":"input"');
  });

  test('the examples cover every signal the SDK emits', () => {
    const types = new Set<string>();
    for (const f of FILES) for (const s of (produced[f] as { signals: Array<{ type: string }> }).signals) types.add(s.type);
    expect([...types].sort()).toEqual(['click', 'error', 'identify', 'input', 'pageview', 'scroll', 'submit', 'track']);
  });

  test('time is frozen so the examples are reproducible', () => {
    expect((produced['first-batch.json'] as { sent_at: number }).sent_at).toBe(T0);
  });
});
