// Friction Signal Spec v1 (docs/FRICTION.md) for the SDK.
export type { Detection, FrictionInput, FrictionKind, FrictionType } from './types';
export { FRICTION_TYPES } from './types';
export { defaultConfig, withDefaults, type Conversion, type FrictionConfig } from './config';
export { detect } from './detect';
export { pageKey } from './stream';
