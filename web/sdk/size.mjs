// Prints gzip sizes of the SDK bundles and fails over budget (DESIGN §6):
// loader ≤ 3 KB gzip on its own, loader + recorder ≤ 30 KB gzip. The live
// friction chunk (friction.js) loads after them and is reported on its own;
// the guides runtime (guides.js, lazy) ≤ 12 KB gzip.
// Usage: node sdk/size.mjs [--json]   (after `node build.mjs sdk`)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'sdk');
const KB = 1024;
const budgets = { loader: 3 * KB, total: 30 * KB, guides: 12 * KB };

const size = (name) => {
  const raw = readFileSync(join(dir, name));
  return { name, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};
const loader = size('trailguide.js');
const recorder = size('recorder.js');
const friction = size('friction.js');
const guides = size('guides.js');
const total = loader.gzip + recorder.gzip;
const fmt = (n) => (n / KB).toFixed(2) + ' KB';

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ loader, recorder, friction, guides, total_gzip: total, budgets }));
} else {
  for (const f of [loader, recorder, friction, guides]) console.log(`${f.name.padEnd(16)} ${fmt(f.raw).padStart(10)} raw ${fmt(f.gzip).padStart(10)} gzip`);
  console.log(`${'loader+recorder'.padEnd(16)} ${''.padStart(10)}     ${fmt(total).padStart(10)} gzip (budget ${fmt(budgets.total)})`);
}
let fail = false;
if (loader.gzip > budgets.loader) {
  console.error(`loader over budget: ${fmt(loader.gzip)} > ${fmt(budgets.loader)}`);
  fail = true;
}
if (total > budgets.total) {
  console.error(`loader+recorder over budget: ${fmt(total)} > ${fmt(budgets.total)}`);
  fail = true;
}
if (guides.gzip > budgets.guides) {
  console.error(`guides runtime over budget: ${fmt(guides.gzip)} > ${fmt(budgets.guides)}`);
  fail = true;
}
process.exit(fail ? 1 : 0);
