// Builds the SDK: the script-tag loader, its lazily loaded recorder chunk and
// the live friction chunk the recorder loads in turn, into web/dist/sdk
// (embedded in the binary), and the npm package into web/sdk/dist.
// Deterministic: no timestamps, no source maps with absolute paths, fixed
// file names.
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');

const common = {
  bundle: true,
  minify: true,
  target: 'es2019',
  platform: 'browser',
  legalComments: 'eof',
  logLevel: 'warning',
  absWorkingDir: web,
  // Private members of the SDK's own classes end in '_' and are renamed;
  // rrweb, the DOM and the wire format use no such names.
  mangleProps: /[^_]_$/,
};

// Canvas recording is never enabled (recordCanvas: false), but rrweb 2.1.6
// bundles its canvas machinery regardless: an inlined ~2.8 KB web worker,
// WebGL/2D context patching and the CanvasManager (≈ 2.5 KB gzip in all).
// This plugin replaces that block of @rrweb/record with a no-op
// CanvasManager exposing the methods record() calls. The build fails if the
// markers are not found, so an rrweb upgrade cannot silently skip it.
const CANVAS_START = '\nvar chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";';
const CANVAS_END = 'class StylesheetManager {';
const NOOP_CANVAS = 'class CanvasManager { reset() {} freeze() {} unfreeze() {} lock() {} unlock() {} }\n';
export const dropCanvas = {
  name: 'trailguide-drop-rrweb-canvas',
  setup(b) {
    b.onLoad({ filter: /@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
      const src = await readFile(args.path, 'utf8');
      const a = src.indexOf(CANVAS_START);
      const z = src.indexOf(CANVAS_END);
      if (a < 0 || z < a || src.indexOf(CANVAS_START, a + 1) >= 0) {
        throw new Error('trailguide-drop-rrweb-canvas: markers not found; check the @rrweb/record version');
      }
      return { contents: src.slice(0, a + 1) + NOOP_CANVAS + src.slice(z), loader: 'js' };
    });
  },
};

export async function build() {
  const scriptOut = join(web, 'dist', 'sdk');
  mkdirSync(scriptOut, { recursive: true });
  await esbuild({ ...common, entryPoints: [join(here, 'src/loader.ts')], format: 'iife', outfile: join(scriptOut, 'trailguide.js') });
  await esbuild({ ...common, entryPoints: [join(here, 'src/recorder-entry.ts')], format: 'iife', plugins: [dropCanvas], outfile: join(scriptOut, 'recorder.js') });
  // Live friction detection (docs/FRICTION.md), loaded by the recorder chunk
  // after the config arrives; outside the loader+recorder budget.
  await esbuild({ ...common, entryPoints: [join(here, 'src/friction/chunk.ts')], format: 'iife', outfile: join(scriptOut, 'friction.js') });

  // npm package: ESM with @rrweb/record left as a dependency, plus declarations.
  const npmOut = join(here, 'dist');
  rmSync(npmOut, { recursive: true, force: true });
  await esbuild({
    ...common,
    minify: false,
    mangleProps: undefined,
    entryPoints: [join(here, 'src/index.ts')],
    format: 'esm',
    external: ['@rrweb/record'],
    outfile: join(npmOut, 'index.js'),
  });
  execFileSync(process.execPath, [join(web, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
