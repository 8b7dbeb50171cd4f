// The lazily loaded live-friction chunk of the script-tag install
// (dist/sdk/friction.js). The recorder chunk loads it after the project's
// config has arrived; it registers startFriction on a global the client
// calls once this script has run.
import { startFriction } from './dom';

const w = window as unknown as { __trailguide_friction?: typeof startFriction };
w.__trailguide_friction = w.__trailguide_friction || startFriction;
