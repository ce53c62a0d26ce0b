import { describe, expect, it } from 'vitest';
import { parseManifest } from '../config/load.js';
import type { PodSecurityConfig } from '../config/schema.js';
import type { ManagedNamespace } from '../intent/types.js';
import { NetworkPolicyManifestGenerator } from '../network/generator.js';
import { floeLabels, MANAGED_BY_LABEL } from '../network/labels.js';
import type { NetworkPolicy, NetworkPolicyPort } from '../plugin/k8s-types.js';
import { isApiCompatible, type NetworkPolicyConfig, type NetworkSecurityPlugin } from '../plugin/plugin.js';

/**
 * The contract every NetworkSecurityPlugin must meet. A plugin package runs it
 * against itself:
 *
 *   import { runPluginContract } from '@floe/core/testing';
 *   runPluginContract('k8s', () => new MyPlugin());
 */
export function runPluginContract(label: string, create: () => NetworkSecurityPlugin): void {
  const defaults = parseManifest('', '<contract>');
  const ps = defaults.security.pod_security;
  const jobs: ManagedNamespace = { name: 'floe-jobs', role: 'jobs' };
  const domain: ManagedNamespace = { name: 'floe-sales-domain', role: 'domain', domain: 'sales' };
  const platform: ManagedNamespace = { name: 'floe-platform', role: 'platform' };
  const allPorts = (p: NetworkPolicy): NetworkPolicyPort[] => [
    ...(p.spec.egress ?? []).flatMap((r) => r.ports ?? []),
    ...(p.spec.ingress ?? []).flatMap((r) => r.ports ?? []),
  ];
  const sampleConfig: NetworkPolicyConfig = {
    name: 'floe-allow-egress',
    namespace: 'floe-jobs',
    labels: floeLabels(jobs),
    podSelector: {},
    policyTypes: ['Egress'],
    ingress: [],
    egress: [
      { peers: [{ kind: 'pods', namespaces: ['floe-platform'], podLabels: { app: 'polaris' } }], ports: [{ protocol: 'TCP', port: 8181 }] },
      { peers: [{ kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], ports: [{ protocol: 'UDP', port: 5000, endPort: 5010 }] },
    ],
  };

  describe(`NetworkSecurityPlugin contract: ${label}`, () => {
    it('declares a name, a semver version and a compatible floe plugin API version', () => {
      const { metadata } = create();
      expect(metadata.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(metadata.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(isApiCompatible(metadata.floeApiVersion)).toBe(true);
    });

    it('renders a default-deny policy that selects every pod in both directions with no rules', () => {
      const p = create().renderDefaultDeny(jobs, floeLabels(jobs));
      expect(p.metadata.namespace).toBe('floe-jobs');
      expect(p.spec.podSelector).toEqual({});
      expect([...p.spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
      expect(p.spec.ingress ?? []).toEqual([]);
      expect(p.spec.egress ?? []).toEqual([]);
      expect(p.metadata.labels?.[MANAGED_BY_LABEL]).toBe('floe');
    });

    it('renders DNS egress as UDP and TCP 53 to the DNS pods only (namespace AND pod selector in one peer)', () => {
      const rule = create().renderDnsEgressRule({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } });
      expect(rule.to).toHaveLength(1);
      expect(rule.to?.[0]?.namespaceSelector).toBeDefined();
      expect(rule.to?.[0]?.podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
      expect(rule.ports?.map((p) => `${p.protocol}/${p.port}`).sort()).toEqual(['TCP/53', 'UDP/53']);
    });

    it('renders a NetworkPolicy that states policyTypes and the protocol of every port', () => {
      const p = create().renderNetworkPolicy(sampleConfig);
      expect(p.spec.policyTypes).toEqual(['Egress']);
      expect(allPorts(p).length).toBeGreaterThan(0);
      for (const port of allPorts(p)) expect(['TCP', 'UDP', 'SCTP']).toContain(port.protocol);
      expect(JSON.stringify(p)).toContain('5010');
    });

    it('renders the same input to identical output', () => {
      const a = create();
      const b = create();
      expect(JSON.stringify(a.renderNetworkPolicy(sampleConfig))).toBe(JSON.stringify(b.renderNetworkPolicy(sampleConfig)));
      expect(JSON.stringify(a.renderPodTemplate(domain, floeLabels(domain), ps))).toBe(JSON.stringify(b.renderPodTemplate(domain, floeLabels(domain), ps)));
    });

    it('labels Namespaces with the enforce, audit and warn levels and their versions', () => {
      const ns = create().renderNamespace(platform, floeLabels(platform), ps);
      const labels = ns.metadata.labels ?? {};
      expect(labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(labels['pod-security.kubernetes.io/audit']).toBe('restricted');
      expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
      for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('latest');
      expect(labels[MANAGED_BY_LABEL]).toBe('floe');
    });

    it('writes no Pod Security labels when pod security is disabled', () => {
      const off: PodSecurityConfig = { ...ps, enabled: false };
      const labels = create().renderNamespace(jobs, floeLabels(jobs), off).metadata.labels ?? {};
      expect(Object.keys(labels).filter((k) => k.startsWith('pod-security.kubernetes.io/'))).toEqual([]);
    });

    it('renders a PodTemplate whose pod meets the restricted profile, with one emptyDir per writable path', () => {
      const t = create().renderPodTemplate(jobs, floeLabels(jobs), ps);
      const spec = t.template.spec;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBe(1000);
      expect(spec.securityContext.seccompProfile?.type).toBe('RuntimeDefault');
      expect(spec.containers.length).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c.volumeMounts?.map((m) => m.mountPath)).toEqual(ps.writable_paths);
      }
      expect(spec.volumes?.every((v) => v.emptyDir !== undefined)).toBe(true);
      expect(spec.volumes).toHaveLength(ps.writable_paths.length);
    });

    it('generates, with the core generator, every file for the built-in defaults', () => {
      const result = new NetworkPolicyManifestGenerator(create()).generate(defaults);
      const paths = result.files.map((f) => f.path);
      for (const ns of ['floe-platform', 'floe-jobs']) {
        expect(paths).toContain(`00-${ns}-namespace.yaml`);
        expect(paths).toContain(`${ns}-default-deny.yaml`);
        expect(paths).toContain(`${ns}-allow-egress.yaml`);
        expect(paths).toContain(`${ns}-pod-template.yaml`);
      }
      expect(paths).toContain('floe-platform-allow-ingress.yaml');
      expect(paths).not.toContain('floe-jobs-allow-ingress.yaml');
    });
  });
}
