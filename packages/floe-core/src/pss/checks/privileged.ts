import { containersPhrase, containersWhere } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** Privileged containers disable most isolation. Baseline, every version. */
export const privileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const bad = containersWhere(spec, (c) => c.securityContext?.privileged === true);
        return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
      },
    },
  ],
};
