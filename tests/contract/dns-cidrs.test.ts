import { describe, expect, it } from 'vitest';
import { parseManifest, type NetworkPolicy } from '@floe/core';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';

describe('dns.cidrs (DNS by address, e.g. NodeLocal DNSCache)', () => {
  it('renders an ipBlock egress on 53/UDP and 53/TCP next to the pod-selector DNS rule, in every namespace', () => {
    const config = parseManifest('security:\n  network_policies:\n    dns:\n      cidrs: [169.254.20.10/32]\n', 'manifest.yaml');
    const { files } = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin()).generate(config);
    const egress = files.filter((f) => f.path.endsWith('-allow-egress.yaml'));
    expect(egress.length).toBeGreaterThan(1);
    for (const f of egress) {
      const rules = (f.object as NetworkPolicy).spec.egress ?? [];
      const byAddress = rules.find((r) => r.to?.some((p) => p.ipBlock?.cidr === '169.254.20.10/32'));
      expect(byAddress?.ports, f.path).toEqual(expect.arrayContaining([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]));
      expect(rules.some((r) => r.to?.some((p) => p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')), f.path).toBe(true);
    }
  });
});
