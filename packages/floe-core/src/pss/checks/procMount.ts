import { containersPhrase, inUserNamespace, joinQuote, sortedSet, visitContainers } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

/** Any procMount other than Default unmasks /proc. Shared by procMount and procMount_restricted. */
export const procMountDefaultOnly: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  visitContainers(spec, (c) => {
    const t = c.securityContext?.procMount;
    if (t !== undefined && t !== 'Default') {
      bad.push(c.name);
      types.push(t);
    }
  });
  return bad.length ? { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` } : undefined;
};

/**
 * Baseline. From v1.35 a pod in its own user namespace (hostUsers: false) may unmask /proc:
 * the mask protects the host, and that pod's root is not the host's.
 */
export const procMount: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: procMountDefaultOnly },
    { minimumVersion: 35, check: (meta, spec) => (inUserNamespace(spec) ? undefined : procMountDefaultOnly(meta, spec)) },
  ],
};
