// Export of the Heatmaps stage as a PNG: the rebuilt page (serialised into
// an SVG foreignObject, so nothing of it runs) with the layer canvas drawn
// over it. Where the browser refuses to read back the page image (a tainted
// canvas), the PNG holds the layer over a plain page with the outlines of
// the page's blocks.

function download(blob: Blob, name: string): string {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  const href = a.href;
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return href;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((ok, fail) => {
    const img = new Image();
    img.onload = () => ok(img);
    img.onerror = () => fail(new Error('page image did not load'));
    img.src = src;
  });
}

/** The stage as one canvas: page image (when possible), then the layer. */
export async function composeStage(root: ParentNode = document): Promise<{ canvas: HTMLCanvasElement; page: boolean } | null> {
  const layer = root.querySelector('canvas.heat-layer') as HTMLCanvasElement | null;
  if (!layer) return null;
  const iframe = root.querySelector('.heat-replay iframe') as HTMLIFrameElement | null;
  const out = document.createElement('canvas');
  out.width = layer.width;
  out.height = layer.height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  const doc = iframe?.contentDocument;
  let drewPage = false;
  if (doc && doc.documentElement) {
    try {
      const clone = doc.documentElement.cloneNode(true) as HTMLElement;
      clone.querySelectorAll('script, noscript, iframe').forEach((n) => n.remove());
      const xhtml = new XMLSerializer().serializeToString(clone);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${out.width}" height="${out.height}"><foreignObject width="100%" height="100%">${xhtml}</foreignObject></svg>`;
      const img = await loadImage('data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg));
      ctx.drawImage(img, 0, 0);
      ctx.getImageData(0, 0, 1, 1); // throws when the page image tainted the canvas
      drewPage = true;
    } catch {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, out.width, out.height);
    }
  }
  if (!drewPage && doc) {
    // outlines of the page's blocks, so the layer has something to sit on
    ctx.strokeStyle = 'rgba(60,60,80,0.35)';
    ctx.lineWidth = 1;
    doc.querySelectorAll('header, nav, main, section, article, aside, footer, form, h1, h2, button, a, img').forEach((el) => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) ctx.strokeRect(r.left, r.top, r.width, r.height);
    });
  }
  ctx.drawImage(layer, 0, 0);
  return { canvas: out, page: drewPage };
}

/** Downloads the stage as a PNG; returns its object URL (valid for a minute), size and whether the page image is in it. */
export async function exportPNG(): Promise<{ href: string; blob: Blob; page: boolean } | null> {
  const c = await composeStage();
  if (!c) return null;
  const blob: Blob | null = await new Promise((ok) => c.canvas.toBlob(ok, 'image/png'));
  if (!blob) return null;
  const page = new URLSearchParams(location.search).get('page') || 'page';
  const href = download(blob, `heatmap-${page.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'page'}.png`);
  return { href, blob, page: c.page };
}
