import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type FloeManifest, type ManifestIssue } from '@floe/core';
import { buildIntents } from '@floe/core/intent';
import { NetworkPolicyManifestGenerator, renderGuardrails } from '@floe/core/network';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';

const FILE = 'manifest.yaml';
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const parse = (text: string): FloeManifest => parseManifest(text, FILE);
/** The issues a manifest is rejected with; [] when it is accepted. */
function issuesOf(text: string): ManifestIssue[] {
  try {
    parseManifest(text, FILE);
    return [];
  } catch (err) {
    if (err instanceof ManifestError) return [...err.issues];
    throw err;
  }
}

const generator = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin());
const manifest = (...extra: string[]) =>
  yaml('domains:', '  - name: sales', '  - name: marketing', 'security:', '  network_policies:', ...extra.map((l) => `    ${l}`));

describe('cluster_guardrails: configuration', () => {
  it('is off by default, and the output then has no cluster-scoped object', () => {
    const m = parse(manifest('enabled: true'));
    expect(m.security.network_policies.cluster_guardrails).toBe('off');
    expect(m.security.network_policies.cluster_guardrail_priorities).toEqual({ metadata_endpoints: 10, jobs_isolation: 15, domain_isolation: 20, baseline: 1000 });
    const result = generator.generate(m);
    expect(result.guardrails).toEqual([]);
    expect(result.files.filter((f) => f.namespace === null && f.kind !== 'Namespace' && f.object !== null)).toEqual([]);
  });

  it('refuses an unknown mode at the field, listing the choices', () => {
    const [issue] = issuesOf(manifest('cluster_guardrails: calico'));
    expect(issue).toMatchObject({ file: FILE, line: 6, path: 'security.network_policies.cluster_guardrails', code: 'manifest.invalid_choice' });
    expect(issue?.message).toContain('cluster-network-policy');
  });

  it('refuses guardrails with NetworkPolicies disabled: the Baseline default deny would block every intended flow', () => {
    const issues = issuesOf(manifest('enabled: false', 'cluster_guardrails: cluster-network-policy'));
    expect(issues).toEqual([expect.objectContaining({ line: 7, path: 'security.network_policies.cluster_guardrails', code: 'manifest.dependent_field' })]);
  });

  it('refuses external HTTPS that can reach the metadata endpoint, at external_https_except', () => {
    const issues = issuesOf(manifest('cluster_guardrails: cluster-network-policy', 'external_https_except: [10.0.0.0/8, fc00::/7]'));
    expect(issues).toEqual([expect.objectContaining({ line: 7, path: 'security.network_policies.external_https_except', code: 'manifest.guardrail_conflict' })]);
    expect(issues[0]?.message).toContain('169.254.169.254');
    expect(issues[0]?.message).not.toContain('fd00:ec2::254');
  });

  it('refuses an egress rule whose to_cidr holds a metadata endpoint, at the rule', () => {
    const issues = issuesOf(manifest('cluster_guardrails: admin-network-policy', 'jobs_egress_allow:', '  - {name: link-local, to_cidr: 169.254.0.0/16, port: 80}'));
    expect(issues).toEqual([expect.objectContaining({ path: 'security.network_policies.jobs_egress_allow[0].to_cidr', code: 'manifest.guardrail_conflict' })]);
  });

  it('accepts the same manifest with guardrails off: the conflict exists only with them', () => {
    expect(issuesOf(manifest('jobs_egress_allow:', '  - {name: link-local, to_cidr: 169.254.0.0/16, port: 80}'))).toEqual([]);
  });

  it('refuses colliding Admin-tier priorities and a domain range past 1000', () => {
    const same = issuesOf(manifest('cluster_guardrails: cluster-network-policy', 'cluster_guardrail_priorities: {metadata_endpoints: 20}'));
    expect(same).toEqual([expect.objectContaining({ path: 'security.network_policies.cluster_guardrail_priorities.metadata_endpoints', code: 'manifest.guardrail_priority' })]);
    const past = issuesOf(manifest('cluster_guardrails: admin-network-policy', 'cluster_guardrail_priorities: {domain_isolation: 1000}'));
    expect(past).toEqual([expect.objectContaining({ path: 'security.network_policies.cluster_guardrail_priorities.domain_isolation', code: 'manifest.out_of_range' })]);
    expect(past[0]?.message).toContain('up to 1001');
  });
});

describe('cluster_guardrails: what generate writes', () => {
  it('writes the ClusterNetworkPolicy guardrails in the prune set, floe-prefixed and labelled', () => {
    const result = generator.generate(parse(manifest('cluster_guardrails: cluster-network-policy')));
    expect(result.guardrails).toEqual([
      { kind: 'ClusterNetworkPolicy', name: 'floe-metadata-endpoints', tier: 'Admin', file: 'cluster-floe-metadata-endpoints.yaml' },
      { kind: 'ClusterNetworkPolicy', name: 'floe-jobs-isolation', tier: 'Admin', file: 'cluster-floe-jobs-isolation.yaml' },
      { kind: 'ClusterNetworkPolicy', name: 'floe-domain-isolation-floe-marketing-domain', tier: 'Admin', file: 'cluster-floe-domain-isolation-floe-marketing-domain.yaml' },
      { kind: 'ClusterNetworkPolicy', name: 'floe-domain-isolation-floe-sales-domain', tier: 'Admin', file: 'cluster-floe-domain-isolation-floe-sales-domain.yaml' },
      { kind: 'ClusterNetworkPolicy', name: 'floe-default-deny', tier: 'Baseline', file: 'cluster-floe-default-deny.yaml' },
    ]);
    const kustomization = result.files.find((f) => f.path === 'Kustomization')?.content ?? '';
    for (const g of result.guardrails) expect(kustomization).toContain(`  - ${g.file}\n`);
    const sales = result.files.find((f) => f.path === 'cluster-floe-domain-isolation-floe-sales-domain.yaml')?.object;
    expect(sales).toEqual({
      apiVersion: 'policy.networking.k8s.io/v1beta1',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'floe-domain-isolation-floe-sales-domain', labels: { 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security', 'floe.dev/guardrail': 'domain-isolation' } },
      spec: {
        tier: 'Admin',
        priority: 20,
        subject: { namespaces: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['floe-sales-domain'] }] } },
        ingress: [{ name: 'deny-from-other-domains', action: 'Deny', from: [{ namespaces: { matchExpressions: [{ key: 'floe.dev/domain', operator: 'Exists' }, { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['floe-sales-domain'] }] } }] }],
      },
    });
    expect(result.files.find((f) => f.path === 'NETWORK-POLICY-SUMMARY.md')?.content).toContain('## Cluster guardrails');
  });

  it('writes AdminNetworkPolicies at one priority each and the BaselineAdminNetworkPolicy singleton named default', () => {
    const m = parse(manifest('cluster_guardrails: admin-network-policy'));
    const rendered = renderGuardrails({ mode: 'admin-network-policy', priorities: m.security.network_policies.cluster_guardrail_priorities }, buildIntents(m).namespaces);
    expect(rendered.map((g) => [g.object.kind, g.object.metadata.name, 'priority' in g.object.spec ? g.object.spec.priority : null])).toEqual([
      ['AdminNetworkPolicy', 'floe-metadata-endpoints', 10],
      ['AdminNetworkPolicy', 'floe-jobs-isolation', 15],
      ['AdminNetworkPolicy', 'floe-domain-isolation-floe-marketing-domain', 20],
      ['AdminNetworkPolicy', 'floe-domain-isolation-floe-sales-domain', 21],
      ['BaselineAdminNetworkPolicy', 'default', null],
    ]);
    expect(rendered[0]?.object.spec.egress).toEqual([{ name: 'deny-cloud-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32', 'fd00:ec2::254/128'] }] }]);
    expect(rendered[4]?.path).toBe('cluster-baseline-default.yaml');
  });

  it('is deterministic: the same manifest gives byte-identical guardrail files', () => {
    const text = manifest('cluster_guardrails: cluster-network-policy');
    const files = (r: ReturnType<typeof generator.generate>) => r.files.filter((f) => f.path.startsWith('cluster-')).map((f) => [f.path, f.content]);
    expect(files(generator.generate(parse(text)))).toEqual(files(generator.generate(parse(text))));
  });
});
