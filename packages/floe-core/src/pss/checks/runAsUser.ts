import { containersPhrase, containersWhere, inUserNamespace } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

const v1_23: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containersWhere(spec, (c) => c.securityContext?.runAsUser === 0);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
};

/** No explicit UID 0. Restricted from v1.23; user-namespaced pods are exempt from v1.35. */
export const runAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: 23, check: v1_23 },
    { minimumVersion: 35, check: (meta, spec) => (inUserNamespace(spec) ? undefined : v1_23(meta, spec)) },
  ],
};
