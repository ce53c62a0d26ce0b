// Plain objects shaped like what `floe network generate` writes, for the validate tests.
export const LABELS = { 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security' };

export function networkPolicy(namespace = 'floe-jobs', name = 'floe-allow-egress') {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { ...LABELS } },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'TCP', port: 53 },
            { protocol: 'UDP', port: 53 },
          ],
        },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    } as Record<string, unknown>,
  };
}

export function defaultDeny(namespace = 'floe-jobs', name = 'floe-default-deny') {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { ...LABELS } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } as Record<string, unknown>,
  };
}

export function namespace(name = 'floe-jobs', levels: { enforce?: string; audit?: string; warn?: string; version?: string } = {}) {
  const { enforce = 'restricted', audit = 'restricted', warn = 'restricted', version = 'latest' } = levels;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...LABELS,
        'pod-security.kubernetes.io/audit': audit,
        'pod-security.kubernetes.io/audit-version': version,
        'pod-security.kubernetes.io/enforce': enforce,
        'pod-security.kubernetes.io/enforce-version': version,
        'pod-security.kubernetes.io/warn': warn,
        'pod-security.kubernetes.io/warn-version': version,
      } as Record<string, string>,
    } as Record<string, unknown>,
  };
}

export function podTemplate(namespace = 'floe-jobs') {
  return {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 'floe-hardened', namespace, labels: { ...LABELS }, annotations: { 'floe.dev/usage': 'Copy the security settings.' } },
    template: {
      metadata: { labels: { ...LABELS } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'workload',
            image: 'registry.k8s.io/pause:3.10',
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'writable-tmp', emptyDir: {} }],
      } as Record<string, unknown>,
    },
  };
}
