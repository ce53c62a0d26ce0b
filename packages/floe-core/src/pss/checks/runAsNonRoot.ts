import { containersPhrase, inUserNamespace, visitContainers } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

const v1_0: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  let podNonRoot = false;
  const pod = spec.securityContext?.runAsNonRoot;
  if (pod === false) setters.push('pod');
  else if (pod === true) podNonRoot = true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  visitContainers(spec, (c) => {
    const v = c.securityContext?.runAsNonRoot;
    if (v === false) explicit.push(c.name);
    else if (v === undefined && !podNonRoot) implicit.push(c.name);
  });
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
  return undefined;
};

/** runAsNonRoot: true at pod level or on every container. Restricted; user-namespaced pods are exempt from v1.35. */
export const runAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: 0, check: v1_0 },
    { minimumVersion: 35, check: (meta, spec) => (inUserNamespace(spec) ? undefined : v1_0(meta, spec)) },
  ],
};
