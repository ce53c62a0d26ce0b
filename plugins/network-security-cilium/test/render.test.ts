import { describe, expect, it } from 'vitest';
import { InputError, type NetworkPlan, type NamespacePlan, type PolicyRule } from '@floe/core/plugin';
import { CiliumNetworkSecurityPlugin, type CiliumNetworkPolicy } from '../src/index.js';

const LABELS = { 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security' };

function ns(name: string, egress: PolicyRule[], ingress: PolicyRule[] = []): NamespacePlan {
  return {
    name,
    role: 'jobs',
    labels: LABELS,
    podSecurity: null,
    defaultDeny: true,
    egress: egress.length ? [{ group: { name: null, podLabels: {} }, rules: egress, intents: [] }] : [],
    ingress: ingress.length ? [{ group: { name: 'api', podLabels: { app: 'api' } }, rules: ingress, intents: [] }] : [],
  };
}

const plan = (...namespaces: NamespacePlan[]): NetworkPlan => ({ platform: 't', networkPoliciesEnabled: true, namespaces });
const render = (p: NetworkPlan) => new CiliumNetworkSecurityPlugin().render(p).map((r) => r.object as CiliumNetworkPolicy);
const DNS: PolicyRule = {
  peers: [{ kind: 'pods', namespaces: ['kube-system'], podLabels: { 'k8s-app': 'kube-dns' } }, { kind: 'cidr', cidr: '169.254.20.10/32', except: [] }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  purposes: ['dns'],
};
const FQDN: PolicyRule = { peers: [{ kind: 'fqdn', names: ['*.snowflakecomputing.com', 's3.amazonaws.com'] }], ports: [{ protocol: 'TCP', port: 443 }], purposes: ['egress-allow'] };
const DNS_PROXY = { dns: [{ matchPattern: '*' }] };

describe('CiliumNetworkSecurityPlugin', () => {
  it('writes default-deny as one empty rule per direction, which isolates every endpoint and allows nothing', () => {
    const [deny] = render(plan(ns('a', [])));
    expect(deny).toMatchObject({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'floe-default-deny', namespace: 'a', labels: LABELS } });
    expect(deny?.spec).toEqual({ endpointSelector: {}, ingress: [{}], egress: [{}] });
  });

  it('splits a rule into one Cilium rule per kind of peer (Cilium refuses endpoints and CIDRs in one rule), each with the rule\'s ports', () => {
    const egress = render(plan(ns('a', [DNS])))[1]?.spec.egress;
    expect(egress).toEqual([
      { toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system' } }], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] },
      { toCIDRSet: [{ cidr: '169.254.20.10/32' }], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] },
    ]);
  });

  it('renders host names as toFQDNs (a *. pattern as matchPattern, a name as matchName) and puts the DNS-proxy rule on that namespace\'s DNS egress only', () => {
    const [, withFqdn, , without] = render(plan(ns('a', [DNS, FQDN]), ns('b', [DNS])));
    expect(withFqdn?.spec.egress).toContainEqual({ toFQDNs: [{ matchPattern: '*.snowflakecomputing.com' }, { matchName: 's3.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    for (const rule of withFqdn?.spec.egress?.filter((r) => r.toEndpoints || r.toCIDRSet) ?? []) expect(rule.toPorts?.[0]?.rules).toEqual(DNS_PROXY);
    expect(JSON.stringify(without)).not.toContain('"rules"');
  });

  it('names the API server by entity, in place of the CIDRs of a rule that is only for the API server', () => {
    const api: PolicyRule = { peers: [{ kind: 'cidr', cidr: '10.96.0.1/32', except: [] }], ports: [{ protocol: 'TCP', port: 443 }], purposes: ['api-server'] };
    const mixed: PolicyRule = { ...api, purposes: ['api-server', 'egress-allow'] };
    expect(render(plan(ns('a', [api])))[1]?.spec.egress).toEqual([{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }]);
    // A CIDR another rule also asks for stays a CIDR: the entity would not admit it.
    expect(render(plan(ns('a', [mixed])))[1]?.spec.egress).toEqual([{ toCIDRSet: [{ cidr: '10.96.0.1/32' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }]);
  });

  it('selects pods of several namespaces with an In expression on the namespace label, beside their pod labels; every port on no toPorts; ranges with endPort', () => {
    const rule: PolicyRule = { peers: [{ kind: 'pods', namespaces: ['x', 'y'], podLabels: { app: 'ingress' } }], ports: [], purposes: ['ingress-controller'] };
    const range: PolicyRule = { peers: [{ kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], ports: [{ protocol: 'UDP', port: 5000, endPort: 5010 }], purposes: ['egress-allow'] };
    const [, ingress] = render(plan(ns('a', [], [rule])));
    expect(ingress?.spec).toEqual({
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: ['x', 'y'] }], matchLabels: { app: 'ingress' } }] }],
    });
    expect(render(plan(ns('a', [range])))[1]?.spec.egress).toEqual([{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], toPorts: [{ ports: [{ port: '5000', endPort: 5010, protocol: 'UDP' }] }] }]);
  });

  it('reports a plan it cannot express with the core\'s InputError (exit 2), never a bare Error', () => {
    expect(() => render(plan(ns('a', [], [FQDN])))).toThrow(InputError);
  });
});
