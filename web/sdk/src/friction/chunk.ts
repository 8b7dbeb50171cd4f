// The lazily loaded live-friction chunk of the script-tag install
// (dist/sdk/friction.js). The recorder chunk loads it after the project's
// config has arrived; it registers a start function on a global the client
// calls once this script has run. Besides the live friction detector it
// runs the heatmap view capture (view.ts), which needs the client's add,
// and carries the guides hook (guides/hook.ts), which loads guides.js when
// the visitor has a guide.
import { hookGuides } from '../guides/hook';
import { startFriction, type FrictionOptions, type LiveFriction } from './dom';
import { startView } from './view';

const me = document.currentScript as HTMLScriptElement | null;
const src = me ? me.src : '';

/** Live friction plus the heatmap view capture, as one LiveFriction. */
export function startLive(o: FrictionOptions): LiveFriction {
  const f = startFriction(o);
  const v = o.add ? startView({ win: o.win, now: o.now, add: o.add }) : null;
  if (src) setTimeout(() => hookGuides(o.win, src), 0);
  return {
    signal(s) {
      f.signal(s);
      if (v) v.signal(s);
    },
    recorded: f.recorded,
    stop() {
      f.stop();
      if (v) v.stop();
    },
  };
}

const w = window as unknown as { __trailguide_friction?: typeof startFriction };
w.__trailguide_friction = w.__trailguide_friction || startLive;
