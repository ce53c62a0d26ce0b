import { defaultPodSpec } from '../k8s/defaults.js';
import { APPARMOR_ANNOTATION_PREFIX } from './checks/appArmorProfile.js';
import type { AppArmorProfile, Container, PodLike } from './types.js';

/** The defaults that can change a Pod Security verdict: no check reads a container port's protocol. */
const PSS_DEFAULTS = { portProtocols: false } as const;

/**
 * A Pod as Pod Security admission sees it on create. The API server changes it before
 * admission runs, and these changes can change the verdict:
 * - its defaults (k8s/defaults.ts): a volume with no source is an emptyDir, and with
 *   hostNetwork a container port without hostPort gets hostPort = containerPort;
 * - a container without an appArmorProfile field takes it from its AppArmor annotation
 *   unless the pod-level field already says the same (the v1.30 annotation/field skew).
 * The input is never modified; an unaffected pod is returned as it is.
 */
export function preparePod(pod: PodLike): PodLike {
  let spec = defaultPodSpec(pod.spec, 'pod', PSS_DEFAULTS);
  const annotations = pod.metadata?.annotations;
  if (annotations && spec.os?.name !== 'windows' && Object.keys(annotations).some((k) => k.startsWith(APPARMOR_ANNOTATION_PREFIX))) {
    const podProfile = spec.securityContext?.appArmorProfile;
    const sync = (cs: Container[] | undefined) =>
      cs?.map((c) => {
        if (c.securityContext?.appArmorProfile) return c;
        const value = annotations[APPARMOR_ANNOTATION_PREFIX + c.name];
        const profile = value === undefined ? undefined : profileForAnnotation(value);
        if (!profile || (podProfile && podProfile.type === profile.type && podProfile.localhostProfile === profile.localhostProfile)) return c;
        return { ...c, securityContext: { ...c.securityContext, appArmorProfile: profile } };
      });
    spec = { ...spec, initContainers: sync(spec.initContainers), containers: sync(spec.containers), ephemeralContainers: sync(spec.ephemeralContainers) };
  }
  if (spec === pod.spec) return pod;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) if (spec[key] === undefined) delete spec[key];
  return { ...pod, spec };
}

function profileForAnnotation(value: string): AppArmorProfile | undefined {
  if (value === 'unconfined') return { type: 'Unconfined' };
  if (value === 'runtime/default') return { type: 'RuntimeDefault' };
  if (value.startsWith('localhost/') && value.length > 'localhost/'.length) return { type: 'Localhost', localhostProfile: value.slice('localhost/'.length) };
  return undefined;
}

/**
 * A workload's pod template as the API server stores it, which is what its workload warnings
 * judge: defaulted as a template (volume sources; no host ports, no AppArmor sync: those are a Pod's).
 */
export function prepareTemplate(template: PodLike): PodLike {
  const spec = defaultPodSpec(template.spec, 'template', PSS_DEFAULTS);
  return spec === template.spec ? template : { ...template, spec };
}
