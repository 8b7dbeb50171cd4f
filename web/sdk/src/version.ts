export const VERSION = '0.1.0';
export const SDK_NAME = `trailguide-js/${VERSION}`;
