import { APPARMOR_ANNOTATION_PREFIX } from './checks/appArmorProfile.js';
import type { AppArmorProfile, Container, PodLike } from './types.js';

/**
 * A Pod as Pod Security admission sees it on create. The API server changes two things
 * before admission runs, and both change the verdict (workload templates get neither):
 * - with hostNetwork, a container port without hostPort gets hostPort = containerPort (defaulting);
 * - a container without an appArmorProfile field takes it from its AppArmor annotation
 *   unless the pod-level field already says the same (the v1.30 annotation/field skew).
 * The input is never modified; an unaffected pod is returned as it is.
 */
export function preparePod(pod: PodLike): PodLike {
  let spec = pod.spec;
  if (spec.hostNetwork === true) {
    const needsPort = (cs: Container[] | undefined) => cs?.some((c) => c.ports?.some((p) => !p.hostPort && p.containerPort !== undefined));
    if (needsPort(spec.containers) || needsPort(spec.initContainers)) {
      const withHostPorts = (cs: Container[] | undefined) =>
        cs?.map((c) => (c.ports ? { ...c, ports: c.ports.map((p) => (!p.hostPort && p.containerPort !== undefined ? { ...p, hostPort: p.containerPort } : p)) } : c));
      spec = { ...spec, containers: withHostPorts(spec.containers), initContainers: withHostPorts(spec.initContainers) };
    }
  }
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
