// Runs the shared Friction Signal Spec vectors (testdata/friction, generated
// from the Go reference) through the TypeScript detectors, comparing the
// same way Go's TestVectors does (friction/vectors_test.go): both lists
// sorted by t, type, selector; type, t and selector must match; details only
// for the keys a vector lists, compared as strings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detect, withDefaults, type Detection, type FrictionConfig, type FrictionInput } from '../src/friction';

// vitest runs with cwd web/.
const DIR = join(process.cwd(), '..', 'testdata', 'friction');

interface Expectation {
  type: string;
  t: number;
  selector?: string;
  details?: Record<string, unknown>;
}
interface Vector {
  name: string;
  description: string;
  config?: Partial<FrictionConfig>;
  inputs: FrictionInput[];
  expect: Expectation[];
}
interface VectorFile {
  spec: string;
  signal: string;
  description: string;
  vectors: Vector[];
}

const files: [string, VectorFile][] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as VectorFile]);
const vectors = files.flatMap(([f, vf]) => vf.vectors.map((v) => [f, v] as const));

const key = (e: { type: string; t: number; selector?: string }): string => `${e.type}@${e.t} ${JSON.stringify(e.selector || '')}`;

/** "" when got matches want, else a readable want/got table. */
function compareDetections(want: Expectation[], got: Detection[]): string {
  want = [...want].sort((a, b) => a.t - b.t || cmp(a.type, b.type) || cmp(a.selector || '', b.selector || ''));
  let ok = want.length === got.length;
  const lines: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = i < want.length ? key(want[i]) : '-';
    let g = '-';
    let mark = '  ';
    if (i < got.length) {
      g = key(got[i]);
      if (i < want.length) {
        if (w !== g) {
          ok = false;
          mark = '✗ ';
        } else {
          const miss = detailDiff(want[i].details, got[i].details);
          if (miss) {
            ok = false;
            mark = '✗ ';
            g += ' ' + miss;
          }
        }
      }
    }
    if (i >= got.length || i >= want.length) mark = '✗ ';
    lines.push(`${mark}want ${w.padEnd(40)} got ${g}`);
    if (i < got.length) lines.push(`       evidence [${got[i].evidence.join(' ')}] details ${JSON.stringify(got[i].details || {})}`);
  }
  return ok ? '' : lines.join('\n');
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function detailDiff(want: Record<string, unknown> | undefined, got: Record<string, unknown> | undefined): string {
  const miss: string[] = [];
  for (const k of Object.keys(want || {}).sort()) {
    const g = got?.[k];
    if (String(want![k]) !== String(g)) miss.push(`details.${k} = ${String(g)}, want ${String(want![k])}`);
  }
  return miss.join('; ');
}

describe('friction vectors', () => {
  test('the vector directory holds the whole spec (at least 50 vectors, unique names, friction/v1)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(vectors.length).toBeGreaterThanOrEqual(50);
    for (const [f, vf] of files) expect(vf.spec, f).toBe('friction/v1');
    const names = vectors.map(([, v]) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(vectors.map(([f, v]) => [v.name, f, v] as const))('%s', (_name, file, v) => {
    const got = detect(withDefaults(v.config), v.inputs);
    const diff = compareDetections(v.expect, got);
    expect(diff, `${file}\n${v.description}\n${diff}`).toBe('');
  });

  test('the comparison catches a wrong result', () => {
    const [, v] = vectors.find(([, v]) => v.expect.some((e) => e.details && Object.keys(e.details).length))!;
    const got = detect(withDefaults(v.config), v.inputs);
    expect(compareDetections(v.expect, got.slice(1))).not.toBe('');
    expect(compareDetections(v.expect, [...got, got[0]])).not.toBe('');
    const bad = got.map((d) => ({ ...d, details: Object.fromEntries(Object.keys(d.details || {}).map((k) => [k, 'x'])) }));
    expect(compareDetections(v.expect, bad)).not.toBe('');
    expect(compareDetections(v.expect, got.map((d) => ({ ...d, t: d.t + 1 })))).not.toBe('');
  });

  test('detect is pure: the inputs are not modified and a second run gives the same result', () => {
    for (const [, v] of vectors) {
      const before = JSON.stringify(v.inputs);
      const a = detect(withDefaults(v.config), v.inputs);
      const b = detect(withDefaults(v.config), v.inputs);
      expect(JSON.stringify(v.inputs)).toBe(before);
      expect(b).toEqual(a);
    }
  });
});
