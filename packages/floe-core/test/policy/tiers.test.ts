import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { buildInventory } from '../../src/policy/inventory.js';
import { compileTierPolicy } from '../../src/policy/tiers.js';
import { tierFindings } from '../../src/policy/tier-findings.js';
import type { ClusterModel, ClusterPolicyObject, PodInfo } from '../../src/policy/types.js';

const pod = (namespace: string, name: string, labels: Record<string, string> = {}, extra: Partial<PodInfo> = {}): PodInfo => ({ namespace, name, labels, ips: [], ports: [], endpoint: `${namespace}/${name}[Pod]`, ...extra });
const x = pod('marketing', 'x', { app: 'x' });
const y = pod('sales', 'y', { app: 'y' }, { ports: [{ name: 'http', containerPort: 8080 }] });
const namespaces = [
  { name: 'marketing', labels: { domain: 'marketing', region: 'eu' } },
  { name: 'sales', labels: { domain: 'sales', region: 'eu' } },
  { name: 'ops', labels: { region: 'us' } },
];
const allowAll = { namespace: 'sales', name: 'foreign-allow-all', spec: { podSelector: {}, policyTypes: ['Ingress' as const], ingress: [{}] } };
const model = (clusterPolicies: ClusterPolicyObject[], policies = [allowAll]): ClusterModel => ({ namespaces, pods: [x, y, pod('ops', 'z')], policies, clusterPolicies });
const verdict = (m: ClusterModel, port = 8080, from: PodInfo = x, to: PodInfo = y) => new PolicyEngine(m).evaluate({ kind: 'pod', pod: from }, { kind: 'pod', pod: to }, { protocol: 'TCP', port });
const cnp = (name: string, spec: object): ClusterPolicyObject => ({ kind: 'ClusterNetworkPolicy', name, spec }) as ClusterPolicyObject;

describe('cluster-scoped tiers', () => {
  it('an Admin Deny decides before a NetworkPolicy allow-all; a Pass leaves it to the NetworkPolicy', () => {
    const deny = cnp('isolation', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { domain: 'marketing' } } }] }] });
    const v = verdict(model([deny]));
    expect(v.allowed).toBe(false);
    expect(v.ingress.tiers?.stage).toBe('admin');
    expect(v.ingress.tiers?.text).toBe('denied by ClusterNetworkPolicy `isolation` (Admin, priority 10, ingress rule 1) before any NetworkPolicy was consulted');
    const pass = cnp('isolation', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ name: 'to-np', action: 'Pass', from: [{ namespaces: {} }] }] });
    const p = verdict(model([pass]));
    expect(p.allowed).toBe(true);
    expect(p.ingress.tiers).toMatchObject({ stage: 'networkpolicy', passedBy: { name: 'isolation', ruleName: 'to-np', action: 'Pass' } });
  });

  it('the Baseline tier applies only where no NetworkPolicy isolates the side', () => {
    const banp: ClusterPolicyObject = { kind: 'BaselineAdminNetworkPolicy', name: 'default', spec: { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } };
    expect(verdict(model([banp])).allowed).toBe(true); // sales: the allow-all NetworkPolicy isolates y, so it decides
    const toX = verdict(model([banp]), 80, y, x); // marketing: no NetworkPolicy, the baseline deny decides
    expect(toX.allowed).toBe(false);
    expect(toX.ingress.tiers).toMatchObject({ stage: 'baseline', decidedBy: { kind: 'BaselineAdminNetworkPolicy', priority: null, action: 'Deny' } });
  });

  it('reads the v0.1.0 v1alpha1 shape: sameLabels and notSameLabels compare with the subject namespace', () => {
    const anp = (key: 'sameLabels' | 'notSameLabels'): ClusterPolicyObject =>
      ({ kind: 'AdminNetworkPolicy', name: key, spec: { priority: 1, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { [key]: ['region'] } }] }] } }) as ClusterPolicyObject;
    // marketing and sales share region=eu; ops is us.
    expect(verdict(model([anp('sameLabels')])).allowed).toBe(false);
    expect(verdict(model([anp('notSameLabels')])).allowed).toBe(true);
    expect(verdict(model([anp('notSameLabels')]), 8080, pod('ops', 'z'), y).allowed).toBe(false);
  });

  it('named ports resolve against the destination pod; port ranges and protocols as written', () => {
    const named = cnp('named', { tier: 'Admin', priority: 1, subject: { namespaces: { matchLabels: { domain: 'marketing' } } }, egress: [{ action: 'Deny', to: [{ pods: { podSelector: { matchLabels: { app: 'y' } } } }], protocols: [{ destinationNamedPort: 'http' }] }] });
    expect(verdict(model([named]), 8080).allowed).toBe(false);
    expect(verdict(model([named]), 8081).allowed).toBe(true);
    const range = cnp('range', { tier: 'Admin', priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { range: { start: 8000, end: 8080 } } } }] }] });
    expect(verdict(model([range]), 8080).allowed).toBe(false);
    expect(verdict(model([range]), 8443).allowed).toBe(true);
  });

  it('connectivity agrees with evaluate under the tiers', () => {
    const m = model([cnp('isolation', { tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { domain: 'marketing' } } }], protocols: [{ tcp: { destinationPort: { number: 8080 } } }] }] })]);
    const engine = new PolicyEngine(m);
    const c = engine.connectivity();
    const i = c.endpoints.indexOf(x.endpoint);
    const j = c.endpoints.indexOf(y.endpoint);
    expect(c.ports.has(c.allowed(i, j), 'TCP', 8080)).toBe(false);
    expect(c.ports.has(c.allowed(i, j), 'TCP', 8081)).toBe(true);
  });

  it('refuses malformed objects naming the field, located by the reader', () => {
    expect(() => compileTierPolicy(cnp('a', { tier: 'Baseline', priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] }))).toThrow('ClusterNetworkPolicy a spec.ingress[0].action: Pass is not allowed in the Baseline tier');
    expect(() => compileTierPolicy(cnp('b', { tier: 'Admin', priority: 1, subject: { namespaces: {}, pods: { podSelector: {} } } }))).toThrow('spec.subject needs exactly one of namespaces and pods');
    expect(() => compileTierPolicy(cnp('c', { tier: 'Admin', priority: 2000, subject: { namespaces: {} } }))).toThrow('spec.priority must be an integer 0–1000, not 2000');
    expect(() => compileTierPolicy(cnp('d', { tier: 'Admin', priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ networks: ['10.0.0.0/8'] }] }] }))).toThrow('networks is an egress peer only');
    const objects = [{ object: { apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'e' }, spec: { tier: 'Admin', priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ namespaces: {} }], ports: [] }] } }, source: 'dump/cnp.yaml:7' }];
    expect(() => buildInventory(objects)).toThrow(InputError);
    expect(() => buildInventory(objects)).toThrow('dump/cnp.yaml:7: ClusterNetworkPolicy e spec.egress[0]: ClusterNetworkPolicy rules take protocols, not ports');
  });

  it('reads only policy.networking.k8s.io kinds: Antrea\'s ClusterNetworkPolicy is skipped like any other kind', () => {
    const inv = buildInventory([
      { object: { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'antrea' }, spec: { priority: 5 } }, source: 'a.yaml:1' },
      { object: { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'upstream' }, spec: { tier: 'Admin', priority: 5, subject: { namespaces: {} } } }, source: 'b.yaml:1' },
    ]);
    expect(inv.skipped).toEqual({ ClusterNetworkPolicy: 1 });
    expect(inv.model.clusterPolicies?.map((p) => p.name)).toEqual(['upstream']);
    expect(inv.policySources['ClusterNetworkPolicy upstream']).toBe('b.yaml:1');
  });

  it('audit findings: Pass nobody picks up, Deny shadowed by an Accept, Baseline deny made moot, both APIs in use', () => {
    const m = model([
      cnp('accept-first', { tier: 'Admin', priority: 1, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ action: 'Accept', from: [{ namespaces: {} }] }] }),
      cnp('deny-later', { tier: 'Admin', priority: 2, subject: { namespaces: { matchLabels: { domain: 'sales' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { domain: 'marketing' } } }] }] }),
      { kind: 'AdminNetworkPolicy', name: 'pass', spec: { priority: 3, subject: { namespaces: { matchLabels: { domain: 'marketing' } } }, egress: [{ action: 'Pass', to: [{ namespaces: {} }] }] } } as ClusterPolicyObject,
      { kind: 'BaselineAdminNetworkPolicy', name: 'default', spec: { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } } as ClusterPolicyObject,
    ]);
    const ids = tierFindings(new PolicyEngine(m)).map((f) => `${f.id} ${f.object} ${f.namespace}`);
    expect(ids.sort()).toEqual([
      'cluster-policy-apis-mixed AdminNetworkPolicy pass ',
      'cluster-policy-baseline-deny-moot BaselineAdminNetworkPolicy default sales',
      'cluster-policy-deny-shadowed ClusterNetworkPolicy deny-later ',
      'cluster-policy-pass-unhandled AdminNetworkPolicy pass marketing',
    ]);
    expect(tierFindings(new PolicyEngine({ ...m, clusterPolicies: [] }))).toEqual([]);
  });
});
