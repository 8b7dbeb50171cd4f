// The lazily loaded chunk of the script-tag install (dist/sdk/recorder.js):
// rrweb + client + transport + signals. It registers a boot function on a
// global that the loader calls once this script has run.
import { record } from '@rrweb/record';
import { createAPI } from './api';
import type { RecorderLike } from './client';

interface BootWindow {
  __trailguide_boot?: () => ReturnType<typeof createAPI>;
}

const w = window as unknown as BootWindow;
if (!w.__trailguide_boot) {
  let api: ReturnType<typeof createAPI> | undefined;
  w.__trailguide_boot = () => (api = api || createAPI(record as unknown as RecorderLike));
}
