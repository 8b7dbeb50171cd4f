// The lazily loaded live-friction chunk of the script-tag install
// (dist/sdk/friction.js). The recorder chunk loads it after the project's
// config has arrived; it registers startFriction on a global the client
// calls once this script has run. It also carries the guides hook
// (guides/hook.ts), which loads guides.js when the visitor has a guide.
import { hookGuides } from '../guides/hook';
import { startFriction } from './dom';

const w = window as unknown as { __trailguide_friction?: typeof startFriction };
const me = document.currentScript as HTMLScriptElement | null;
const src = me ? me.src : '';
w.__trailguide_friction =
  w.__trailguide_friction ||
  ((o) => {
    const lf = startFriction(o);
    if (src) setTimeout(() => hookGuides(o.win, src), 0);
    return lf;
  });
