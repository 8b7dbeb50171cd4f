// Builds the Pathway demo app into web/dist/demo: the HTML pages are copied
// as they are, app.ts and style.css are bundled and minified by esbuild.
// The output is deterministic (no hashes, timestamps or absolute paths), so
// CI can rebuild and compare with what is committed.
import * as esbuild from 'esbuild';
import { mkdir, readdir, copyFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = join(here, '..', 'dist', 'demo');

export async function build() {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const pages = (await readdir(src)).filter((f) => f.endsWith('.html')).sort();
  for (const page of pages) {
    await copyFile(join(src, page), join(out, page));
  }

  const common = {
    bundle: true,
    minify: true,
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: here,
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(src, 'app.ts')],
    outfile: join(out, 'app.js'),
    format: 'iife',
    platform: 'browser',
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(src, 'style.css')],
    outfile: join(out, 'style.css'),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
