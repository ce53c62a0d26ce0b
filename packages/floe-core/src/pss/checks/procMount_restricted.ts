import type { PssCheck } from '../types.js';
import { procMountDefaultOnly } from './procMount.js';

/** Restricted keeps the Default-only rule for every pod, user-namespaced or not, once baseline relaxes it (v1.35). */
export const procMount_restricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: 35, check: procMountDefaultOnly, overrides: ['procMount'] }],
};
