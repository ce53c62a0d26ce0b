import { describe, expect, it } from 'vitest';
import { PolicyEngine, hostEndpoint, type Endpoint } from '../../src/policy/engine.js';
import { compileCiliumPolicy } from '../../src/policy/cilium.js';
import { ipBlockCoversHost, nameMatcher, parseHostName } from '../../src/policy/hostname.js';
import { compileIpBlock } from '../../src/policy/ip.js';
import { buildInventory } from '../../src/policy/inventory.js';
import { auditFindings } from '../../src/policy/findings.js';
import type { CiliumPolicyObject, ClusterModel, EngineOptions, PolicyProtocol } from '../../src/policy/types.js';
import { endpoint, model, np, pod } from './helpers.js';

function cnp(ref: string, spec: unknown): CiliumPolicyObject {
  const [namespace = '', name = ''] = ref.split('/');
  return { kind: 'CiliumNetworkPolicy', namespace, name, spec };
}

const NS = 'k8s:io.kubernetes.pod.namespace';

function verdict(m: ClusterModel, from: string, to: string, port?: string, options?: EngineOptions) {
  const engine = new PolicyEngine(m, options);
  const ep = (ref: string): Endpoint => hostEndpoint(ref) ?? endpoint(m, ref);
  const [n, proto = 'TCP'] = (port ?? '').split('/');
  return engine.evaluate(ep(from), ep(to), port ? { protocol: proto as PolicyProtocol, port: Number(n) } : undefined);
}

const jobs = pod('floe-jobs/job-a', { 'floe.dev/role': 'job' });
const polaris = pod('floe-platform/polaris', { app: 'polaris' }, { ports: [{ containerPort: 8181, name: 'http' }] });
const other = pod('floe-platform/minio', { app: 'minio' });
const coredns = pod('kube-system/coredns', { 'k8s-app': 'kube-dns' });

/** floe's shape: default deny per namespace, DNS with the DNS proxy, FQDN egress, pod-to-pod by namespace label. */
const floeCnps = [
  cnp('floe-jobs/floe-default-deny', { endpointSelector: {}, ingress: [{}], egress: [{}] }),
  cnp('floe-jobs/floe-allow-egress', {
    endpointSelector: {},
    egress: [
      {
        toEndpoints: [{ matchLabels: { [NS]: 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
        toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
      },
      { toFQDNs: [{ matchPattern: '*.snowflakecomputing.com' }, { matchName: 's3.eu-west-1.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
      { toEndpoints: [{ matchLabels: { [NS]: 'floe-platform', app: 'polaris' } }], toPorts: [{ ports: [{ port: '8181', protocol: 'TCP' }] }] },
      { toCIDRSet: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] },
    ],
  }),
  cnp('floe-platform/floe-default-deny', { endpointSelector: {}, ingress: [{}] }),
  cnp('floe-platform/floe-allow-ingress-polaris', {
    endpointSelector: { matchLabels: { 'k8s:app': 'polaris' } },
    ingress: [{ fromEndpoints: [{ matchLabels: { [NS]: 'floe-jobs' } }], toPorts: [{ ports: [{ port: '8181', protocol: 'TCP' }] }] }],
  }),
];
const floe = model({ pods: [jobs, polaris, other, coredns], namespaces: [{ name: 'floe-jobs', labels: {} }, { name: 'floe-platform', labels: {} }, { name: 'kube-system', labels: {} }] });
const floeModel: ClusterModel = { ...floe, ciliumPolicies: floeCnps };

describe('CiliumNetworkPolicy: the subset floe writes', () => {
  it.each([
    ['job → *.snowflakecomputing.com:443 (the pattern itself)', 'floe-jobs/job-a', '*.snowflakecomputing.com', '443', true],
    ['job → a name under the pattern', 'floe-jobs/job-a', 'acme.snowflakecomputing.com', '443', true],
    ['job → an exact matchName', 'floe-jobs/job-a', 's3.eu-west-1.amazonaws.com', '443', true],
    ['job → a name two labels under a one-label pattern', 'floe-jobs/job-a', 'a.b.snowflakecomputing.com', '443', false],
    ['job → the bare domain of a *. pattern', 'floe-jobs/job-a', 'snowflakecomputing.com', '443', false],
    ['job → example.com:443', 'floe-jobs/job-a', 'example.com', '443', false],
    ['job → snowflake on another port', 'floe-jobs/job-a', 'acme.snowflakecomputing.com', '80', false],
    ['job → an address of snowflake (toFQDNs judges names)', 'floe-jobs/job-a', '203.0.113.10', '443', false],
    ['job → DNS on UDP 53 (ANY)', 'floe-jobs/job-a', 'kube-system/coredns', '53/UDP', true],
    ['job → DNS on TCP 53 (ANY)', 'floe-jobs/job-a', 'kube-system/coredns', '53/TCP', true],
    ['job → DNS on SCTP 53 (ANY)', 'floe-jobs/job-a', 'kube-system/coredns', '53/SCTP', true],
    ['job → polaris 8181 (both ends admit)', 'floe-jobs/job-a', 'floe-platform/polaris', '8181', true],
    ['job → polaris 8080', 'floe-jobs/job-a', 'floe-platform/polaris', '8080', false],
    ['job → minio (no ingress rule admits it)', 'floe-jobs/job-a', 'floe-platform/minio', '8181', false],
    ['job → a public address on the CIDR rule', 'floe-jobs/job-a', '203.0.113.10', '8443', true],
    ['job → a private address in the except', 'floe-jobs/job-a', '10.1.2.3', '8443', false],
    ['job → a host name on the CIDR rule (every public address)', 'floe-jobs/job-a', 'example.com', '8443', true],
    ['polaris → job (jobs ingress is default deny)', 'floe-platform/polaris', 'floe-jobs/job-a', '8080', false],
  ])('%s', (_what, from, to, port, expected) => {
    const v = verdict(floeModel, from, to, port);
    expect(v.allowed).toBe(expected);
    expect(v.determined).toBe(true);
  });

  it('names the toFQDNs rule that admits a host, and the closest rule for one it does not', () => {
    const yes = verdict(floeModel, 'floe-jobs/job-a', 'acme.snowflakecomputing.com', '443');
    expect(yes.egress.allowedBy.map((r) => r.rule)).toEqual(['floe-jobs/floe-allow-egress[CiliumNetworkPolicy] egress[1]']);
    expect(yes.egress.allowedBy[0]?.description).toContain('names *.snowflakecomputing.com, s3.eu-west-1.amazonaws.com');
    expect(yes.ingress.isolated).toBe(false);
    const no = verdict(floeModel, 'floe-jobs/job-a', 'example.com', '443');
    expect(no.egress.isolatedBy).toEqual(['floe-jobs/floe-default-deny[CiliumNetworkPolicy]', 'floe-jobs/floe-allow-egress[CiliumNetworkPolicy]']);
    expect(no.egress.closest?.rule).toBe('floe-jobs/floe-allow-egress[CiliumNetworkPolicy] egress[1]');
    expect(no.egress.closest?.reasons).toEqual(['example.com matches none of toFQDNs *.snowflakecomputing.com, s3.eu-west-1.amazonaws.com']);
  });

  it('a peer selector without the namespace label means the policy\'s own namespace', () => {
    const m: ClusterModel = {
      ...model({ pods: [pod('a/web', { app: 'web' }), pod('a/db', { app: 'db' }), pod('b/web', { app: 'web' })] }),
      ciliumPolicies: [cnp('a/db', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:app': 'web' } }] }] })],
    };
    expect(verdict(m, 'a/web', 'a/db', '5432').allowed).toBe(true);
    expect(verdict(m, 'b/web', 'a/db', '5432').allowed).toBe(false);
  });

  it('matchExpressions on the namespace label and on pod labels, and namespace labels by io.cilium.k8s.namespace.labels', () => {
    const m: ClusterModel = {
      ...model({
        pods: [pod('a/db', { app: 'db' }), pod('b/web', { tier: 'front' }), pod('c/web', { tier: 'front' }), pod('d/web', { tier: 'back' })],
        namespaces: [{ name: 'd', labels: { team: 'x' } }],
      }),
      ciliumPolicies: [
        cnp('a/db', {
          endpointSelector: { matchLabels: { app: 'db' } },
          ingress: [
            { fromEndpoints: [{ matchExpressions: [{ key: NS, operator: 'In', values: ['b'] }, { key: 'k8s:tier', operator: 'Exists' }] }] },
            { fromEndpoints: [{ matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.team': 'x', [NS]: 'd' } }] },
          ],
        }),
      ],
    };
    expect(verdict(m, 'b/web', 'a/db').allowed).toBe(true);
    expect(verdict(m, 'c/web', 'a/db').allowed).toBe(false);
    expect(verdict(m, 'd/web', 'a/db').allowed).toBe(true);
  });

  it('is additive with NetworkPolicies: a NetworkPolicy allow counts at a pod a CNP isolates, and either kind isolates', () => {
    const web = pod('a/web', { app: 'web' });
    const db = pod('a/db', { app: 'db' });
    const m: ClusterModel = {
      ...model({ pods: [web, db], policies: [np('a/allow-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] })] }),
      ciliumPolicies: [cnp('a/deny-db', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{}] })],
    };
    const v = verdict(m, 'a/web', 'a/db', '5432');
    expect(v.allowed).toBe(true);
    expect(v.ingress.isolatedBy).toEqual(['a/allow-web', 'a/deny-db[CiliumNetworkPolicy]']);
    expect(verdict(m, 'a/web', 'a/db', '5433').allowed).toBe(false);
    // Egress of web: no policy has an egress section for it.
    expect(verdict(m, 'a/web', '203.0.113.1', '443').egress.isolated).toBe(false);
  });

  it.each([
    ['an ingress section activates default deny at ingress only', { endpointSelector: {}, ingress: [{}] }, ['ingress']],
    ['an empty ingress list is no section', { endpointSelector: {}, ingress: [] }, []],
    ['enableDefaultDeny: true without rules isolates', { endpointSelector: {}, enableDefaultDeny: { egress: true } }, ['egress']],
    ['both sections', { endpointSelector: {}, ingress: [{}], egress: [{ toEntities: ['world'] }] }, ['ingress', 'egress']],
  ])('default deny: %s', (_what, spec, directions) => {
    const compiled = compileCiliumPolicy(cnp('a/p', spec));
    expect(compiled.notEvaluated).toBeNull();
    expect(compiled.policies[0]?.policyTypes).toEqual(directions);
  });

  it('an empty rule admits nothing; toPorts without an L3 field admits every peer on those ports', () => {
    const m: ClusterModel = {
      ...model({ pods: [pod('a/x'), pod('b/y')] }),
      ciliumPolicies: [cnp('a/p', { endpointSelector: {}, egress: [{}, { toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
    };
    expect(verdict(m, 'a/x', 'b/y', '443').allowed).toBe(true);
    expect(verdict(m, 'a/x', '203.0.113.1', '443').allowed).toBe(true);
    expect(verdict(m, 'a/x', 'example.com', '443').allowed).toBe(true);
    expect(verdict(m, 'a/x', 'b/y', '80').allowed).toBe(false);
  });

  it('ports: endPort ranges, port 0 as every port, named ports, TCP default ANY', () => {
    const m: ClusterModel = {
      ...model({ pods: [pod('a/x'), pod('b/y', {}, { ports: [{ containerPort: 9000, name: 'metrics' }] })] }),
      ciliumPolicies: [
        cnp('a/p', {
          endpointSelector: {},
          egress: [
            { toEndpoints: [{ matchLabels: { [NS]: 'b' } }], toPorts: [{ ports: [{ port: '8000', endPort: 8010, protocol: 'TCP' }, { port: 'metrics', protocol: 'TCP' }] }] },
            { toCIDR: ['198.51.100.0/24'], toPorts: [{ ports: [{ port: '0', protocol: 'UDP' }, { port: '22' }] }] },
          ],
        }),
      ],
    };
    expect(verdict(m, 'a/x', 'b/y', '8005').allowed).toBe(true);
    expect(verdict(m, 'a/x', 'b/y', '8011').allowed).toBe(false);
    expect(verdict(m, 'a/x', 'b/y', '9000').allowed).toBe(true);
    expect(verdict(m, 'a/x', '198.51.100.7', '12345/UDP').allowed).toBe(true);
    expect(verdict(m, 'a/x', '198.51.100.7', '22/SCTP').allowed).toBe(true);
    expect(verdict(m, 'a/x', '198.51.100.7', '23').allowed).toBe(false);
  });

  it('CIDR rules never match pod addresses; the cluster entity matches every pod, world every outside address', () => {
    const x = pod('a/x');
    const y = pod('b/y', {}, { ips: ['10.244.0.5'] });
    const m: ClusterModel = {
      ...model({ pods: [x, y] }),
      ciliumPolicies: [cnp('a/p', { endpointSelector: {}, egress: [{ toCIDR: ['10.0.0.0/8'] }, { toEntities: ['world'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] })],
    };
    const v = verdict(m, 'a/x', 'b/y', '80');
    expect(v.allowed).toBe(false);
    expect(v.egress.closest?.reasons.join(' ')).toContain('never matches the address of a pod or node');
    expect(verdict(m, 'a/x', '10.9.9.9', '80').allowed).toBe(true);
    expect(verdict(m, 'a/x', 'example.com', '443').allowed).toBe(true);
    expect(verdict(m, 'a/x', 'b/y', '443').allowed).toBe(false);
    const cluster: ClusterModel = { ...m, ciliumPolicies: [cnp('a/p', { endpointSelector: {}, egress: [{ toEntities: ['cluster'] }] })] };
    expect(verdict(cluster, 'a/x', 'b/y', '80').allowed).toBe(true);
    // cluster holds the nodes, whose addresses floe does not know: an outside address is not a certain deny.
    const outside = verdict(cluster, 'a/x', '203.0.113.1', '80');
    expect(outside.allowed).toBe(false);
    expect(outside.determined).toBe(false);
    expect(outside.egress.undetermined.join(' ')).toContain("entity host: whether 203.0.113.1[External] is one of the nodes' addresses is not known here");
    // A host name is never a node.
    expect(verdict(cluster, 'a/x', 'example.com', '80').determined).toBe(true);
  });

  it('kube-apiserver: matches the addresses the engine is told, none otherwise', () => {
    const m: ClusterModel = {
      ...model({ pods: [pod('a/x')] }),
      ciliumPolicies: [cnp('a/p', { endpointSelector: {}, egress: [{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] }] })],
    };
    expect(verdict(m, 'a/x', '172.18.0.2', '6443', { kubeApiserverCidrs: ['172.18.0.2/32'] }).allowed).toBe(true);
    expect(verdict(m, 'a/x', '172.18.0.3', '6443', { kubeApiserverCidrs: ['172.18.0.2/32'] }).allowed).toBe(false);
    // Not told the API server's addresses, floe cannot deny an address that may be one of them.
    const unknown = verdict(m, 'a/x', '172.18.0.2', '6443');
    expect(unknown.allowed).toBe(false);
    expect(unknown.determined).toBe(false);
    expect(unknown.egress.undetermined).toEqual(["a/p[CiliumNetworkPolicy] egress[0] admits entity kube-apiserver: whether 172.18.0.2[External] is one of the API server's addresses is not known here"]);
    expect(unknown.egress.closest?.reasons.join(' ')).toContain("the API server's addresses are not known here");
    // On a port the rule does not admit, the address does not matter.
    expect(verdict(m, 'a/x', '172.18.0.2', '80').determined).toBe(true);
    // A told address outside the API server's is a certain deny.
    expect(verdict(m, 'a/x', '172.18.0.3', '6443', { kubeApiserverCidrs: ['172.18.0.2/32'] }).determined).toBe(true);
  });
});

describe('CiliumNetworkPolicy outside the subset: not evaluated', () => {
  const web = pod('a/web', { app: 'web' });
  const db = pod('a/db', { app: 'db' });
  it.each([
    ['L7 http rules', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] }, 'spec.ingress[0].toPorts[0].rules.http (L7 policy)'],
    ['toServices', { endpointSelector: { matchLabels: { app: 'db' } }, egress: [{ toServices: [{ k8sService: { serviceName: 'x' } }] }] }, 'spec.egress[0].toServices'],
    ['ingressDeny', { endpointSelector: { matchLabels: { app: 'db' } }, ingressDeny: [{ fromEndpoints: [{}] }] }, 'spec.ingressDeny (deny policy)'],
    ['nodeSelector', { nodeSelector: {} }, 'spec.nodeSelector'],
    ['toGroups', { endpointSelector: { matchLabels: { app: 'db' } }, egress: [{ toGroups: [{ aws: {} }] }] }, 'spec.egress[0].toGroups'],
    ['fromRequires', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromRequires: [{}] }] }, 'spec.ingress[0].fromRequires'],
    ['a reserved: label', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'reserved:host': '' } }] }] }, 'label source "reserved:"'],
    ['DNS rules on ingress', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ toPorts: [{ ports: [{ port: '53' }], rules: { dns: [{ matchPattern: '*' }] } }] }] }, 'rules.dns (L7 policy)'],
  ])('%s', (_what, spec, reason) => {
    const c = compileCiliumPolicy(cnp('a/l7', spec));
    expect(c.policies).toEqual([]);
    expect(c.notEvaluated?.reasons.join(' | ')).toContain(reason);
  });

  it('a verdict for a pod such a policy selects is undetermined, never an allow or a deny; other pods keep theirs', () => {
    const m: ClusterModel = {
      ...model({ pods: [web, db, pod('a/cache', { app: 'cache' })] }),
      ciliumPolicies: [
        cnp('a/l7', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }], rules: { l7proto: 'pg' } }] }] }),
      ],
    };
    const engine = new PolicyEngine(m);
    expect(engine.notEvaluated.map((n) => n.id)).toEqual(['a/l7[CiliumNetworkPolicy]']);
    const v = verdict(m, 'a/web', 'a/db', '5432');
    expect(v.determined).toBe(false);
    expect(v.ingress.undetermined[0]).toContain('a/l7[CiliumNetworkPolicy] selects a/db[Pod] for ingress and is not evaluated');
    expect(verdict(m, 'a/web', 'a/cache', '5432').determined).toBe(true);
    // The egress side of db is not decided by the policy (it has no egress section).
    expect(verdict(m, 'a/db', 'a/web', '80').determined).toBe(true);
  });

  it('a certain deny at the other side still decides', () => {
    const m: ClusterModel = {
      ...model({ pods: [web, db] }),
      ciliumPolicies: [
        cnp('a/deny-web-egress', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{}] }),
        cnp('a/l7', { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ toPorts: [{ ports: [{ port: '5432' }], rules: { http: [{}] } }] }] }),
      ],
    };
    const v = verdict(m, 'a/web', 'a/db', '5432');
    expect(v.determined).toBe(true);
    expect(v.allowed).toBe(false);
  });

  it('clusterwide policies are listed as not evaluated with the namespaces they select', () => {
    const m: ClusterModel = {
      ...model({ pods: [web, pod('b/x')] }),
      ciliumPolicies: [{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'ccnp', spec: { endpointSelector: { matchLabels: { [NS]: 'a' } }, egress: [{ toEntities: ['world'] }] } }],
    };
    expect(verdict(m, 'a/web', '203.0.113.1', '443').determined).toBe(false);
    expect(verdict(m, 'b/x', '203.0.113.1', '443').determined).toBe(true);
  });
});

describe('host names', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['*.snowflakecomputing.com', '*.snowflakecomputing.com'],
    ['10.0.0.1', null],
    ['floe-jobs/job-a', null],
    ['web', null],
    ['https://example.com', null],
  ])('parseHostName(%s) = %s', (text, expected) => expect(parseHostName(text)).toBe(expected));

  it.each([
    [{ matchPattern: '*' }, 'anything.example.org', true],
    [{ matchPattern: '**.example.com' }, 'a.b.example.com', true],
    [{ matchPattern: '*.example.com' }, '*.example.com', true],
    [{ matchPattern: 'a*.example.com' }, '*.example.com', false],
    [{ matchPattern: '*.com' }, '*.example.com', false],
    [{ matchName: 'api.example.com' }, '*.example.com', false],
    [{ matchName: 'API.example.com.' }, 'api.example.com', true],
  ])('%o covers %s: %s', (sel, host, expected) => expect(nameMatcher(sel).matches(host)).toBe(expected));

  it.each([
    ['0.0.0.0/0', [], 'all'],
    ['0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], 'all'],
    ['0.0.0.0/0', ['203.0.113.0/24'], 'some'],
    ['10.0.0.0/8', [], 'none'],
    ['52.0.0.0/8', [], 'some'],
    ['::/0', [], 'all'],
  ])('ipBlock %s except %o judges a host name: %s', (cidr, except, expected) => expect(ipBlockCoversHost(compileIpBlock({ cidr, except }, 't'))).toBe(expected));

  it('a NetworkPolicy ipBlock holding only some public addresses leaves a denied host-name verdict undetermined', () => {
    const m = model({ pods: [pod('a/x')], policies: [np('a/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '52.0.0.0/8' } }], ports: [{ port: 443 }] }] })] });
    const v = verdict(m, 'a/x', 'example.com', '443');
    expect(v.allowed).toBe(false);
    expect(v.determined).toBe(false);
    expect(v.egress.undetermined[0]).toContain('a/p egress[0] admits 52.0.0.0/8');
    // On a port no rule admits, the address does not matter: a certain deny.
    expect(verdict(m, 'a/x', 'example.com', '80').determined).toBe(true);
  });
});

describe('reading CiliumNetworkPolicies', () => {
  it('the inventory takes them from objects, names where each came from, and refuses a malformed one naming the file and field', () => {
    const objects = [
      { source: 'dir/a.yaml:1', object: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { endpointSelector: {}, ingress: [{}] } } },
      { source: 'dir/a.yaml:9', object: { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'c' }, spec: { endpointSelector: {} } } },
    ];
    const inv = buildInventory(objects);
    expect(inv.model.ciliumPolicies?.map((p) => `${p.kind} ${p.namespace}/${p.name}`)).toEqual(['CiliumNetworkPolicy a/p', 'CiliumClusterwideNetworkPolicy null/c']);
    expect(inv.policySources['a/p[CiliumNetworkPolicy]']).toBe('dir/a.yaml:1');
    const bad = [{ source: 'dir/b.yaml:3', object: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { endpointSelector: {}, egress: [{ toCIDR: ['not-a-cidr'] }] } } }];
    expect(() => buildInventory(bad)).toThrow(/dir\/b\.yaml:3: .*spec\.egress\[0\]\.toCIDR\[0\]/);
  });

  it('audit findings count a CNP default deny as selecting every pod', () => {
    const m: ClusterModel = { ...model({ pods: [pod('a/x')] }), ciliumPolicies: [cnp('a/deny', { endpointSelector: {}, ingress: [{}], egress: [{}] })] };
    const findings = auditFindings(new PolicyEngine(m), {});
    expect(findings.filter((f) => f.rule === 'no-default-deny' && f.namespace === 'a')).toEqual([]);
  });
});
