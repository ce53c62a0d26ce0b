import { containersPhrase, joinQuote, pluralize, sortedSet, visitContainers } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** Before v1.19 seccomp was set by annotation only; "unconfined" is the value refused. */
const v1_0: CheckPodFn = (meta, spec) => {
  const annotations = meta.annotations ?? {};
  const bad: string[] = [];
  const podValue = annotations[SECCOMP_POD_ANNOTATION];
  if (podValue === 'unconfined') bad.push(`${SECCOMP_POD_ANNOTATION}=${JSON.stringify(podValue)}`);
  visitContainers(spec, (c) => {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    const v = annotations[key];
    if (v === 'unconfined') bad.push(`${key}=${JSON.stringify(v)}`);
  });
  if (!bad.length) return undefined;
  const list = sortedSet(bad);
  return { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}` };
};

export const validSeccompType = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';

const v1_19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && podProfile.type !== undefined && !validSeccompType(podProfile.type)) {
    setters.push('pod');
    values.push(podProfile.type);
  }
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const p = c.securityContext?.seccompProfile;
    if (p && p.type !== undefined && !validSeccompType(p.type)) {
      bad.push(c.name);
      values.push(p.type);
    }
  });
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length
    ? { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}` }
    : undefined;
};

/** Baseline: seccomp may not be Unconfined; annotations before v1.19, the fields from v1.19. */
export const seccompProfile_baseline: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: v1_0 },
    { minimumVersion: 19, check: v1_19 },
  ],
};
