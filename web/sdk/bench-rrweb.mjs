// Builds the baseline of `make bench-browser` (BenchmarkBrowserMainThread in
// cmd/trailguide): bare @rrweb/record as a script defining window.rrwebRecord,
// made exactly like the recorder chunk's copy of it (the same rrweb, the same
// esbuild settings and target, the same patches of code the SDK's options
// never run), so that the benchmark compares the SDK with the very rrweb code
// it ships. Not part of the SDK's bundles.
// Usage: node sdk/bench-rrweb.mjs OUTFILE
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripRecord } from './build.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = process.argv[2];
if (!outfile) throw new Error('usage: node sdk/bench-rrweb.mjs OUTFILE');
await build({
  stdin: { contents: "import { record } from '@rrweb/record'; window.rrwebRecord = { record };", resolveDir: web, loader: 'js' },
  bundle: true,
  minify: true,
  target: 'es2019',
  platform: 'browser',
  format: 'iife',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: web,
  plugins: [stripRecord],
  outfile,
});
