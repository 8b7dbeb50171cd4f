// Builds the dashboard SPA into web/dist/dashboard: index.html and
// assets/{app.js,app.css,favicon.svg}. Deterministic: no timestamps, no
// absolute paths; asset URLs carry a content hash in the query string so a
// new binary never serves a stale cached bundle.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'dashboard');

export async function build() {
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'assets'), { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: here,
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  };
  // ESM with code splitting: app.js is the shell (Preact + pages); the rrweb
  // player is a chunk (chunk-HASH.js) loaded when a session page opens.
  const js = await esbuild.build({
    ...common,
    entryPoints: { app: 'src/main.tsx' },
    format: 'esm',
    splitting: true,
    outdir: 'assets',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const css = await esbuild.build({
    ...common,
    entryPoints: ['src/app.css'],
    loader: { '.css': 'css' },
    outfile: 'app.css',
  });
  const jsFiles = js.outputFiles.map((f) => ({ name: f.path.split('/').pop(), contents: f.contents }));
  const jsText = jsFiles.find((f) => f.name === 'app.js').contents;
  const cssText = css.outputFiles[0].contents;
  const hash = (b) => createHash('sha256').update(b).digest('hex').slice(0, 10);
  const html = (await readFile(join(here, 'index.html'), 'utf8'))
    .replace('__HASH_JS__', hash(jsText))
    .replace('__HASH_CSS__', hash(cssText));
  for (const f of jsFiles) await writeFile(join(out, 'assets', f.name), f.contents);
  await writeFile(join(out, 'assets', 'app.css'), cssText);
  await writeFile(join(out, 'assets', 'favicon.svg'), await readFile(join(here, 'favicon.svg')));
  await writeFile(join(out, 'index.html'), html);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
