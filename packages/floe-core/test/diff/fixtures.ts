// Plain objects shaped like floe's output and like what kube-apiserver returns for them.
import type { KubeObject } from '../../src/cluster/types.js';
import type { Intent, LiveState } from '../../src/diff/types.js';

export const FLOE = { 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security' };
export const NS = 'floe-jobs';

const pss = (level: string) => ({
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/enforce': level,
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
});

export function namespace(name = NS, level = 'restricted'): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...FLOE, ...pss(level) } } };
}

export function defaultDeny(ns = NS): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'floe-default-deny', namespace: ns, labels: { ...FLOE } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function allowEgress(ns = NS): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'floe-allow-egress', namespace: ns, labels: { ...FLOE } },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'floe-platform' } } }], ports: [{ protocol: 'TCP', port: 8181 }] },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
        },
      ],
    },
  };
}

export function allowAll(ns = NS, name = 'allow-all'): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, labels: { team: 'other' } }, spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] } };
}

export function intentOf(...objects: KubeObject[]): Intent {
  const namespaces = [...new Set(objects.map((o) => (o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace as string))))].sort();
  return { source: 'test', namespaces, objects };
}

let rv = 100;
/** As the API server returns it: server fields, the kubernetes.io/metadata.name label on namespaces, defaults. */
export function stored(o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  copy.metadata = { ...copy.metadata, uid: `uid-${rv}`, resourceVersion: String(rv++), creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'floe', operation: 'Apply' }] };
  if (copy.kind === 'Namespace') {
    copy.metadata.labels = { ...copy.metadata.labels, 'kubernetes.io/metadata.name': copy.metadata.name };
    copy.spec = { finalizers: ['kubernetes'] };
    copy.status = { phase: 'Active' };
  } else copy.metadata.generation = 1;
  return copy;
}

export function liveOf(...objects: KubeObject[]): LiveState {
  const s = objects.map(stored);
  return { namespaces: s.filter((o) => o.kind === 'Namespace'), networkPolicies: s.filter((o) => o.kind === 'NetworkPolicy'), podTemplates: s.filter((o) => o.kind === 'PodTemplate') };
}
