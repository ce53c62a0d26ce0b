import { describe, expect, it } from 'vitest';
import { clusterPolicyReport, clusterPolicySupport } from '../../src/cni/cluster-policies.js';
import type { CniPlugin } from '../../src/cni/types.js';

const plugin = (name: string, title: string, version: string | null): CniPlugin => ({ name, title, version, enforcesPolicy: true, reason: '', evidence: [] });

describe('check-cni: cluster-scoped policies (network-policy-api)', () => {
  it('says a Calico release enforces ClusterNetworkPolicy from v3.32 on, and AdminNetworkPolicy from v3.29 to v3.31', () => {
    expect(clusterPolicySupport(plugin('calico', 'Calico', 'v3.32.2'), 'ClusterNetworkPolicy')).toMatchObject({ enforced: true });
    expect(clusterPolicySupport(plugin('calico', 'Calico', 'v3.31.7'), 'ClusterNetworkPolicy')).toMatchObject({ enforced: false, detail: expect.stringContaining('outside that range') });
    expect(clusterPolicySupport(plugin('calico', 'Calico', 'v3.30.1'), 'AdminNetworkPolicy')).toMatchObject({ enforced: true });
    expect(clusterPolicySupport(plugin('calico', 'Calico', 'v3.32.0'), 'AdminNetworkPolicy')).toMatchObject({ enforced: false });
    expect(clusterPolicySupport(plugin('calico', 'Calico', 'v3.28.0'), 'AdminNetworkPolicy')).toMatchObject({ enforced: false });
  });

  it('is unknown, not guessed, when the version of a plugin that supports an API from some release on is not known', () => {
    expect(clusterPolicySupport(plugin('antrea', 'Antrea', null), 'AdminNetworkPolicy')).toMatchObject({ enforced: null, detail: expect.stringContaining('the running version is not known') });
    expect(clusterPolicySupport(plugin('antrea', 'Antrea', 'v2.1.0'), 'AdminNetworkPolicy')).toMatchObject({ enforced: true });
  });

  it('says kube-router enforces neither, and knows nothing about a plugin it has no row for', () => {
    expect(clusterPolicySupport(plugin('kube-router', 'kube-router', 'v2.1.0'), 'ClusterNetworkPolicy')).toMatchObject({ enforced: false });
    expect(clusterPolicySupport(plugin('kube-router', 'kube-router', 'v2.1.0'), 'AdminNetworkPolicy')).toMatchObject({ enforced: false });
    expect(clusterPolicySupport(plugin('aws-vpc-cni', 'Amazon VPC CNI', 'v1.19.0'), 'ClusterNetworkPolicy')).toEqual({
      plugin: 'aws-vpc-cni', api: 'ClusterNetworkPolicy', enforced: null, detail: 'nothing is known about Amazon VPC CNI and ClusterNetworkPolicy', source: null,
    });
  });

  it('names the source of every row it answers from', () => {
    const ovn = clusterPolicySupport(plugin('ovn-kubernetes', 'OVN-Kubernetes', null), 'AdminNetworkPolicy');
    expect(ovn).toMatchObject({ enforced: true, source: expect.stringContaining('implementations.md') });
    expect(ovn.detail).toContain('priorities 0-99');
  });

  it('reports which network-policy-api CRDs are installed, and one row per plugin and API', () => {
    const report = clusterPolicyReport([plugin('cilium', 'Cilium', 'v1.20.2')], ['clusternetworkpolicies.policy.networking.k8s.io', 'ciliumnetworkpolicies.cilium.io']);
    expect(report.crds).toEqual({ ClusterNetworkPolicy: true, AdminNetworkPolicy: false, BaselineAdminNetworkPolicy: false });
    expect(report.support.map((s) => [s.plugin, s.api, s.enforced])).toEqual([['cilium', 'ClusterNetworkPolicy', true], ['cilium', 'AdminNetworkPolicy', false]]);
  });
});
