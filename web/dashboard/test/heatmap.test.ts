import { describe, expect, it } from 'vitest';
import { depthShareAt, heatColor, nearest, placeClicks, type HeatClickCell } from '../src/heatmap';

const cell = (selector: string, cx: number, cy: number, n: number, px = 0.1, py = 0.2): HeatClickCell => ({
  selector, cx, cy, n, rage: 1, dead: 0, error: 0, px, py,
});

describe('placeClicks', () => {
  it('puts a cell on its element at the cell centre, whatever the page width', () => {
    const at = (x: number) => (sel: string) => (sel === '#buy' ? { x, y: 100, w: 200, h: 40 } : null);
    const a = placeClicks([cell('#buy', 5, 4, 3)], 'all', at(50), 1280);
    const b = placeClicks([cell('#buy', 5, 4, 3)], 'all', at(700), 390);
    expect(a[0]).toMatchObject({ x: 50 + 110, y: 100 + 18, n: 3, anchored: true });
    expect(b[0]).toMatchObject({ x: 700 + 110, y: 118, anchored: true });
  });
  it('falls back to the page position scaled by the page width when the element is gone', () => {
    const p = placeClicks([cell('#gone', 0, 0, 2, 0.5, 0.25)], 'all', () => null, 1000);
    expect(p[0]).toMatchObject({ x: 500, y: 250, anchored: false });
  });
  it('counts the kind asked for and leaves out cells without any', () => {
    const p = placeClicks([cell('#a', 0, 0, 3), { ...cell('#b', 0, 0, 2), rage: 0 }], 'rage', () => null, 100);
    expect(p.map((x) => [x.cell.selector, x.n])).toEqual([['#a', 1]]);
  });
});

describe('depthShareAt', () => {
  const depth = Array.from({ length: 21 }, (_, i) => ({ depth: i * 5, views: 0, share: i <= 10 ? 1 : 0.5 }));
  it('reads the share of the step at or below y', () => {
    expect(depthShareAt(depth, 0, 2000)).toBe(1);
    expect(depthShareAt(depth, 1000, 2000)).toBe(1);
    expect(depthShareAt(depth, 1900, 2000)).toBe(0.5);
  });
});

it('heatColor runs blue to red', () => {
  expect(heatColor(0)).toEqual([40, 60, 220]);
  expect(heatColor(1)).toEqual([235, 40, 30]);
});

it('nearest finds the closest point within the radius', () => {
  const pts = [{ x: 0, y: 0 }, { x: 10, y: 0 }];
  expect(nearest(pts, 8, 0, 5)).toBe(pts[1]);
  expect(nearest(pts, 50, 50, 5)).toBeNull();
});
