// Heatmap geometry and drawing, kept apart from the page so that it can be
// tested without a browser: where each click cell lands on the rebuilt
// snapshot (on its element, or page-relative when the element is gone), the
// palette, and the canvas renderers of each layer (docs/FRICTION.md §7).

export const OFFSET_CELLS = 10;
export const MOVE_CELLS = 40;

export interface HeatClickCell {
  selector: string;
  cx: number;
  cy: number;
  n: number;
  rage: number;
  dead: number;
  error: number;
  px: number;
  py: number;
}

export interface HeatElementRow {
  selector: string;
  text: string;
  clicks: number;
  rage: number;
  dead: number;
  error: number;
  views: number;
  share: number;
  rage_share: number;
  dead_share: number;
  error_share: number;
}

export interface HeatBlockRow {
  selector: string;
  views: number;
  seen: number;
  short: number;
  interacted: number;
  dwell_ms: number;
  top: number;
  height: number;
  seen_share: number;
  short_share: number;
  interact_share: number;
  mean_dwell_ms: number;
  dead: boolean;
}

export interface HeatmapReport {
  page: string;
  paths: string[];
  device: string;
  views: number;
  fold_px: number;
  doc_h: number;
  depth: { depth: number; views: number; share: number }[];
  attention: { from: number; to: number; ms: number; mean_ms: number }[];
  clicks: HeatClickCell[];
  elements: HeatElementRow[];
  moves: { x: number; y: number; n: number }[];
  blocks: HeatBlockRow[];
}

export type ClickKind = 'all' | 'rage' | 'dead' | 'error';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Finds an element's box in the rebuilt page; null when it is gone (or the selector does not parse). */
export type Locate = (selector: string) => Rect | null;

export interface HeatPoint {
  x: number;
  y: number;
  n: number;
  cell: HeatClickCell;
  /** placed on its element (false: page-relative fallback) */
  anchored: boolean;
}

export function countOf(c: { n?: number; clicks?: number; rage: number; dead: number; error: number }, kind: ClickKind): number {
  if (kind === 'all') return (c.n ?? c.clicks) || 0;
  return c[kind];
}

/**
 * Places each click cell: on its element's box at the cell's centre, or at
 * its mean page position (÷ page width) × the snapshot's width when the
 * element is not in the snapshot.
 */
export function placeClicks(cells: HeatClickCell[], kind: ClickKind, locate: Locate, pageW: number): HeatPoint[] {
  const boxes = new Map<string, Rect | null>();
  const out: HeatPoint[] = [];
  for (const c of cells) {
    const n = countOf(c, kind);
    if (n <= 0) continue;
    if (!boxes.has(c.selector)) boxes.set(c.selector, locate(c.selector));
    const r = boxes.get(c.selector);
    if (r && r.w > 0 && r.h > 0) {
      out.push({ x: r.x + ((c.cx + 0.5) / OFFSET_CELLS) * r.w, y: r.y + ((c.cy + 0.5) / OFFSET_CELLS) * r.h, n, cell: c, anchored: true });
    } else {
      out.push({ x: c.px * pageW, y: c.py * pageW, n, cell: c, anchored: false });
    }
  }
  return out;
}

/** Pointer cells to points at their centres. */
export function placeMoves(moves: { x: number; y: number; n: number }[], pageW: number): { x: number; y: number; n: number }[] {
  const size = pageW / MOVE_CELLS;
  return moves.map((m) => ({ x: (m.x + 0.5) * size, y: (m.y + 0.5) * size, n: m.n }));
}

/** A locate over a document (the sandboxed snapshot iframe's). */
export function locateIn(doc: Document | null | undefined): Locate {
  return (selector) => {
    if (!doc) return null;
    let el: Element | null = null;
    try {
      el = doc.querySelector(selector);
    } catch {
      return null;
    }
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const win = doc.defaultView;
    const sx = win ? win.scrollX : 0;
    const sy = win ? win.scrollY : 0;
    return { x: r.left + sx, y: r.top + sy, w: r.width, h: r.height };
  };
}

/** Blue → cyan → green → yellow → red for 0..1. */
export function heatColor(v: number): [number, number, number] {
  const stops: [number, [number, number, number]][] = [
    [0, [40, 60, 220]],
    [0.35, [0, 200, 230]],
    [0.55, [40, 210, 80]],
    [0.75, [250, 220, 30]],
    [1, [235, 40, 30]],
  ];
  const t = Math.max(0, Math.min(1, v));
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i];
    const [p0, c0] = stops[i - 1];
    if (t <= p1) {
      const f = (t - p0) / (p1 - p0);
      return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * f)) as [number, number, number];
    }
  }
  return stops[stops.length - 1][1];
}

/** Draws a heat layer of weighted points: blurred intensity, then coloured by the palette. */
export function drawHeat(ctx: CanvasRenderingContext2D, pts: { x: number; y: number; n: number }[], radius: number): void {
  const { width, height } = ctx.canvas;
  if (!pts.length || !width || !height) return;
  const max = Math.max(...pts.map((p) => p.n));
  const off = document.createElement('canvas');
  off.width = width;
  off.height = height;
  const o = off.getContext('2d');
  if (!o) return;
  for (const p of pts) {
    const a = Math.max(0.12, p.n / max);
    const g = o.createRadialGradient(p.x, p.y, 0, p.x, p.y, radius);
    g.addColorStop(0, `rgba(0,0,0,${a})`);
    g.addColorStop(1, 'rgba(0,0,0,0)');
    o.fillStyle = g;
    o.fillRect(p.x - radius, p.y - radius, radius * 2, radius * 2);
  }
  const img = o.getImageData(0, 0, width, height);
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3] / 255;
    if (a <= 0.01) continue;
    const [r, g, b] = heatColor(a);
    d[i] = r;
    d[i + 1] = g;
    d[i + 2] = b;
    d[i + 3] = Math.round(Math.min(0.85, 0.25 + a) * 255);
  }
  ctx.putImageData(img, 0, 0);
}

/** Share of views that reached y (px) on a page docH tall, from the report's steps. */
export function depthShareAt(depth: HeatmapReport['depth'], y: number, docH: number): number {
  if (!depth.length || docH <= 0) return 0;
  const pct = Math.max(0, Math.min(100, (y / docH) * 100));
  const step = depth.length > 1 ? depth[1].depth - depth[0].depth : 100;
  const i = Math.min(depth.length - 1, Math.ceil(pct / step));
  return depth[i].share;
}

export function pct(v: number): string {
  return Math.round(v * 100) + '%';
}

export function seconds(ms: number): string {
  return ms >= 10000 ? Math.round(ms / 1000) + ' s' : (ms / 1000).toFixed(1) + ' s';
}

/** Draws the scroll-depth layer: colour by share reached, 25/50/75 % lines, the fold. */
export function drawDepth(ctx: CanvasRenderingContext2D, r: HeatmapReport, docH: number, scale = 1): void {
  const { width } = ctx.canvas;
  const step = 8;
  for (let y = 0; y < docH; y += step) {
    const s = depthShareAt(r.depth, y + step / 2, docH);
    const [cr, cg, cb] = heatColor(s);
    ctx.fillStyle = `rgba(${cr},${cg},${cb},0.38)`;
    ctx.fillRect(0, y, width, step);
  }
  ctx.font = `${Math.round(13 * scale)}px system-ui, sans-serif`;
  for (const target of [0.75, 0.5, 0.25]) {
    let y = -1;
    for (let yy = 0; yy < docH; yy += 4) {
      if (depthShareAt(r.depth, yy, docH) < target) {
        y = yy;
        break;
      }
    }
    if (y < 0) continue;
    line(ctx, y, width, 'rgba(20,20,30,0.8)', `${pct(target)} of views reach here`, scale);
  }
  if (r.fold_px > 0) line(ctx, r.fold_px, width, 'rgba(220,30,60,0.95)', `Average fold (${r.fold_px} px)`, scale, true);
}

function line(ctx: CanvasRenderingContext2D, y: number, width: number, color: string, label: string, scale: number, dashed = false): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2 * scale;
  if (dashed) ctx.setLineDash([10 * scale, 6 * scale]);
  ctx.beginPath();
  ctx.moveTo(0, y);
  ctx.lineTo(width, y);
  ctx.stroke();
  ctx.setLineDash([]);
  const w = ctx.measureText(label).width + 12 * scale;
  ctx.fillStyle = color;
  ctx.fillRect(8 * scale, y - 22 * scale, w, 20 * scale);
  ctx.fillStyle = '#fff';
  ctx.fillText(label, 14 * scale, y - 7 * scale);
  ctx.restore();
}

/** Draws the attention layer: each band coloured by its mean time in view. */
export function drawAttention(ctx: CanvasRenderingContext2D, r: HeatmapReport, docH: number, scale = 1): void {
  const { width } = ctx.canvas;
  const max = Math.max(1, ...r.attention.map((b) => b.mean_ms));
  ctx.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  for (const b of r.attention) {
    const y0 = (b.from / 100) * docH;
    const y1 = (b.to / 100) * docH;
    const [cr, cg, cb] = heatColor(b.mean_ms / max);
    ctx.fillStyle = `rgba(${cr},${cg},${cb},0.4)`;
    ctx.fillRect(0, y0, width, y1 - y0);
    ctx.fillStyle = 'rgba(20,20,30,0.85)';
    ctx.fillText(seconds(b.mean_ms), width - 60 * scale, y0 + 16 * scale);
  }
}

/** Outlines blocks (dead zones red and dashed) with their names. */
export function drawBlocks(ctx: CanvasRenderingContext2D, blocks: HeatBlockRow[], locate: Locate, docH: number, scale = 1): void {
  const { width } = ctx.canvas;
  ctx.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  for (const b of blocks) {
    if (!b.dead) continue;
    const r = locate(b.selector) || { x: 0, y: (b.top / 1000) * docH, w: width, h: (b.height / 1000) * docH };
    ctx.save();
    ctx.fillStyle = 'rgba(220,30,60,0.10)';
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.strokeStyle = 'rgba(220,30,60,0.95)';
    ctx.lineWidth = 3 * scale;
    ctx.setLineDash([8 * scale, 5 * scale]);
    ctx.strokeRect(r.x + 1, r.y + 1, r.w - 2, r.h - 2);
    const label = `Dead zone · ${pct(b.seen_share)} saw it · median dwell < 1 s`;
    ctx.setLineDash([]);
    ctx.fillStyle = 'rgba(220,30,60,0.95)';
    ctx.fillRect(r.x + 4, r.y + 4, ctx.measureText(label).width + 12 * scale, 20 * scale);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, r.x + 10 * scale, r.y + 18 * scale);
    ctx.restore();
  }
}

/** The point nearest (x, y) within radius, for hover counts. */
export function nearest<T extends { x: number; y: number }>(pts: T[], x: number, y: number, radius: number): T | null {
  let best: T | null = null;
  let bd = radius * radius;
  for (const p of pts) {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bd) {
      bd = d;
      best = p;
    }
  }
  return best;
}
