import { containersPhrase, isWindows, joinQuote, sortedSet, visitContainers } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';
import { validSeccompType } from './seccompProfile_baseline.js';

const v1_19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccompType(podProfile.type)) {
      setters.push('pod');
      values.push(podProfile.type ?? '');
    } else {
      podSet = true;
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  visitContainers(spec, (c) => {
    const p = c.securityContext?.seccompProfile;
    if (p) {
      if (!validSeccompType(p.type)) {
        explicit.push(c.name);
        values.push(p.type ?? '');
      }
    } else if (!podSet) {
      implicit.push(c.name);
    }
  });
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) {
    return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}` };
  }
  if (implicit.length) {
    return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
  }
  return undefined;
};

/** Restricted: RuntimeDefault or Localhost, at pod level or on every container. From v1.19; Windows pods exempt from v1.25. */
export const seccompProfile_restricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 19, check: v1_19, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: 25, check: (meta, spec) => (isWindows(spec) ? undefined : v1_19(meta, spec)), overrides: ['seccompProfile_baseline'] },
  ],
};
