import { containersPhrase, containersWhere, isWindows } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

const v1_8: CheckPodFn = (_meta, spec) => {
  const bad = containersWhere(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  return bad.length
    ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` }
    : undefined;
};

/** Every container must say allowPrivilegeEscalation: false. Restricted from v1.8; Windows pods exempt from v1.25. */
export const allowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: 8, check: v1_8 },
    { minimumVersion: 25, check: (meta, spec) => (isWindows(spec) ? undefined : v1_8(meta, spec)) },
  ],
};
