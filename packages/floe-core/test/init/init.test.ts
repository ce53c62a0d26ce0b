import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { ingressControllers, nodeLocalAddress, type ClusterFacts } from '../../src/init/discover.js';
import { renderStarterManifest } from '../../src/init/render.js';
import { parseManifest } from '../../src/config/load.js';

const workload = (kind: string, namespace: string, name: string, labels: Record<string, string>, image: string, args: string[] = []): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image, args }] } } },
});
const ingressClass = (name: string, controller: string, isDefault = false): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  spec: { controller },
});

const facts = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  server: 'https://10.0.0.1:6443',
  kubernetes: { version: 'v1.35.4', minor: 35 },
  apiEndpoints: { value: ['172.18.0.2/32'], from: 'EndpointSlice default/kubernetes' },
  apiServiceIp: { value: '10.96.0.1/32', from: 'Service default/kubernetes spec.clusterIP' },
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, from: 'Service kube-system/kube-dns spec.selector' },
  nodeLocalDns: null,
  ingress: [],
  services: {},
  cni: { verdict: 'enforced', summary: 'NetworkPolicies are enforced by Calico v3.28.1.' },
  ...over,
});

describe('floe network init: discovery decisions', () => {
  it('lists every ingress controller found, the default IngressClass\'s first', () => {
    const found = ingressControllers(
      [
        workload('Deployment', 'ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, 'registry.k8s.io/ingress-nginx/controller:v1.11.2'),
        workload('DaemonSet', 'traefik', 'traefik', { 'app.kubernetes.io/name': 'traefik' }, 'docker.io/traefik:v3.1'),
      ],
      [ingressClass('nginx', 'k8s.io/ingress-nginx'), ingressClass('traefik', 'traefik.io/ingress-controller', true)],
    );
    expect(found.map((f) => [f.name, f.namespace, f.from])).toEqual([
      ['traefik', 'traefik', 'DaemonSet traefik/traefik (IngressClass traefik)'],
      ['ingress-nginx', 'ingress-nginx', 'Deployment ingress-nginx/ingress-nginx-controller (IngressClass nginx)'],
    ]);
  });

  it('reads NodeLocal DNSCache\'s first -localip address, else its documented default', () => {
    expect(nodeLocalAddress(workload('DaemonSet', 'kube-system', 'node-local-dns', {}, 'x', ['-localip', '169.254.25.10,10.0.0.10']))).toBe('169.254.25.10');
    expect(nodeLocalAddress(workload('DaemonSet', 'kube-system', 'node-local-dns', {}, 'x', ['-localip=169.254.30.10']))).toBe('169.254.30.10');
    expect(nodeLocalAddress(workload('DaemonSet', 'kube-system', 'node-local-dns', {}, 'x'))).toBe('169.254.20.10');
  });
});

describe('floe network init: the starter manifest', () => {
  it('is a valid manifest with the endpoint addresses and the Service IP, the NodeLocal address and the chosen ingress controller', () => {
    const text = renderStarterManifest(
      facts({
        nodeLocalDns: { value: '169.254.20.10/32', from: 'DaemonSet kube-system/node-local-dns' },
        ingress: [
          { name: 'ingress-nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }, from: 'Deployment ingress-nginx/ingress-nginx-controller' },
          { name: 'traefik', namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' }, from: 'DaemonSet traefik/traefik' },
        ],
      }),
      'm.yaml',
    );
    const m = parseManifest(text, 'm.yaml');
    expect(m.security.network_policies.kubernetes_api.cidrs).toEqual(['172.18.0.2/32', '10.96.0.1/32']);
    expect(m.security.network_policies.dns).toEqual({ namespace: 'kube-system', pod_labels: { 'k8s-app': 'kube-dns' }, cidrs: ['169.254.20.10/32'] });
    expect(m.security.network_policies.ingress_controller_namespace).toBe('ingress-nginx');
    expect(text).toContain('    # also found, not chosen: traefik (DaemonSet traefik/traefik); to use it instead:\n    # ingress_controller_namespace: traefik\n');
    expect(m.security.pod_security.version).toBe('v1.35');
    expect(text).toMatch(/^# {3}floe network generate -m m\.yaml && floe network validate -m m\.yaml --server$/m);
  });

  it('mentions the opt-in admission guard, commented out, and says when the cluster is too old for it', () => {
    const text = renderStarterManifest(facts(), 'm.yaml');
    expect(text).toContain('\n  # admission_guard: warn       # opt-in prevention');
    expect(parseManifest(text, 'm.yaml').security.admission_guard.mode).toBe('off');
    const old = renderStarterManifest(facts({ kubernetes: { version: 'v1.29.4', minor: 29 } }), 'm.yaml');
    expect(old).toContain('\n  # admission_guard needs Kubernetes 1.30+ (ValidatingAdmissionPolicy); this cluster is v1.29.4.\n');
  });

  it('sets a platform service\'s labels only where the running ones differ from floe\'s defaults', () => {
    const text = renderStarterManifest(
      facts({
        services: {
          minio: { value: { 'app.kubernetes.io/name': 'minio' }, from: 'Deployment data/minio', namespace: 'data' },
          dagster: { value: { 'app.kubernetes.io/name': 'dagster', component: 'dagster-webserver' }, from: 'Deployment data/dagster-webserver', namespace: 'data' },
        },
      }),
    );
    const m = parseManifest(text, 'manifest.yaml');
    expect(m.namespaces.platform).toBe('data');
    expect(m.security.network_policies.services.dagster.pod_labels).toEqual({ 'app.kubernetes.io/name': 'dagster', component: 'dagster-webserver' });
    expect(text).not.toContain('minio: {');
  });

  it('says Pod Security labels will do nothing on a cluster older than 1.25', () => {
    const text = renderStarterManifest(facts({ kubernetes: { version: 'v1.24.17', minor: 24 } }));
    expect(text).toContain('# Kubernetes 1.24 has no Pod Security admission (1.25+): these labels will do nothing until you upgrade.');
  });
});
