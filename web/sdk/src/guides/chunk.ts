// The lazily loaded guides runtime of the script-tag install
// (dist/sdk/guides.js): registers startGuides for the hook (hook.ts).
import { startGuides } from './runtime';

const w = window as unknown as { __trailguide_guides?: typeof startGuides };
w.__trailguide_guides = w.__trailguide_guides || startGuides;
