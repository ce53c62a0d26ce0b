import type { PodSecurityConfig } from '../config/schema.js';
import type { Namespace, PodSecurityContext, PodTemplate, SecurityContext, Volume, VolumeMount } from '../k8s/core.js';
import type { Labels } from '../k8s/meta.js';
import type { NamespacePlan } from '../plugin/plugin.js';
import { compareStrings } from '../util/compare.js';

/**
 * Pod Security is rendered by the core, not by the network plugin: Namespace
 * labels for Pod Security admission and the hardened pod settings are plain
 * Kubernetes (core/v1) and mean the same under every CNI, so a second network
 * plugin must not have to re-implement them, and cannot get them wrong.
 */

export const POD_TEMPLATE_NAME = 'floe-hardened';
/** The template's container is a placeholder: workloads copy its security settings, not its image. */
export const PLACEHOLDER_IMAGE = 'registry.k8s.io/pause:3.10';

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** The Namespace with its floe labels and, unless pod security is disabled, the Pod Security Standards labels. */
export function renderNamespace(ns: NamespacePlan): Namespace {
  const all: Labels = { ...ns.labels };
  if (ns.podSecurity) {
    const { version, ...levels } = ns.podSecurity;
    for (const [mode, level] of Object.entries(levels)) {
      all[`pod-security.kubernetes.io/${mode}`] = level;
      all[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: sortedLabels(all) } };
}

export function podSecurityContext(ps: PodSecurityConfig): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: ps.run_as_user,
    runAsGroup: ps.run_as_group,
    fsGroup: ps.fs_group,
    seccompProfile:
      ps.seccomp_profile === 'Localhost' ? { type: 'Localhost', localhostProfile: ps.localhost_profile as string } : { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(ps: PodSecurityConfig): SecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: ps.read_only_root_filesystem, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}

/** One emptyDir volume and mount per writable path. */
export function writableVolumes(ps: PodSecurityConfig): { volumes: Volume[]; volumeMounts: VolumeMount[] } {
  const named = ps.writable_paths.map((path) => ({
    // /home/floe -> writable-home-floe: stable, readable, a valid DNS label.
    name: `writable${path.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.replace(/-+$/, '').slice(0, 63).replace(/-+$/, ''),
    path,
  }));
  const seen = new Map<string, number>();
  for (const v of named) {
    const n = (seen.get(v.name) ?? 0) + 1;
    seen.set(v.name, n);
    if (n > 1) v.name = `${v.name.slice(0, 60)}-${n}`;
  }
  return {
    volumes: named.map((v) => ({ name: v.name, emptyDir: {} })),
    volumeMounts: named.map((v) => ({ name: v.name, mountPath: v.path })),
  };
}

/**
 * What floe's hardened pod sets, the one source for the floe-hardened
 * PodTemplate and `floe network harden`: the pod's and every container's
 * securityContext, no service account token, and an emptyDir per writable path.
 */
export function hardenedPod(ps: PodSecurityConfig): {
  automountServiceAccountToken: false;
  securityContext: PodSecurityContext;
  containerSecurityContext: SecurityContext;
  volumes: Volume[];
  volumeMounts: VolumeMount[];
} {
  return { automountServiceAccountToken: false, securityContext: podSecurityContext(ps), containerSecurityContext: containerSecurityContext(ps), ...writableVolumes(ps) };
}

/** A hardened workload template for a namespace; a pod made from it passes the namespace's enforce level. */
export function renderPodTemplate(ns: NamespacePlan, ps: PodSecurityConfig): PodTemplate {
  const hardened = hardenedPod(ps);
  const { volumes, volumeMounts } = hardened;
  const labels = sortedLabels(ns.labels);
  return {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: {
      name: POD_TEMPLATE_NAME,
      namespace: ns.name,
      labels,
      annotations: {
        'floe.dev/usage':
          'Copy template.spec.securityContext, the container securityContext, volumes and volumeMounts into your workloads; the image is a placeholder.',
      },
    },
    template: {
      metadata: { labels },
      spec: {
        automountServiceAccountToken: hardened.automountServiceAccountToken,
        securityContext: hardened.securityContext,
        containers: [
          { name: 'workload', image: PLACEHOLDER_IMAGE, securityContext: hardened.containerSecurityContext, ...(volumeMounts.length ? { volumeMounts } : {}) },
        ],
        ...(volumes.length ? { volumes } : {}),
      },
    },
  };
}
