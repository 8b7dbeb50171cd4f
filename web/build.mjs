// Builds every browser bundle into web/dist. Each part owns its build script;
// this file only runs them in order. Output must be deterministic: CI rebuilds
// and fails when the result differs from what is committed.
import { build as buildSDK } from './sdk/build.mjs';
import { build as buildDashboard } from './dashboard/build.mjs';
import { build as buildDemo } from './demo/build.mjs';

const only = process.argv[2];
const parts = { sdk: buildSDK, dashboard: buildDashboard, demo: buildDemo };
for (const [name, fn] of Object.entries(parts)) {
  if (only && only !== name) continue;
  await fn();
  console.log(`built ${name}`);
}
