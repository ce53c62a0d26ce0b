import { BlockList, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compactConnectivity } from '../../src/policy/compact.js';
import { compactJsonChunks, compactTextChunks, connectivityJsonChunks, connectivityTextChunks, connectivityYamlChunks, namespaceGraph } from '../../src/policy/connectivity-report.js';
import { mergeExternalRows } from '../../src/policy/external-ranges.js';
import { compareStrings } from '../../src/util/compare.js';
import { emitYaml } from '../../src/util/yaml-emit.js';
import { PolicyEngine, connectivityRows, externalEndpoint, type ConnectivityRow, type Endpoint } from '../../src/policy/engine.js';
import { PortSets, connectionsText } from '../../src/policy/ports.js';
import type { ClusterModel, ClusterPolicyObject, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, PodInfo, PolicyObject, PolicyProtocol } from '../../src/policy/types.js';
import { referenceAllows, type RefEndpoint } from './reference.js';

const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b', 'c'];
const NAMESPACES = ['n1', 'n2', 'n3'];
const CIDRS = ['10.0.0.0/8', '10.0.0.0/16', '10.0.1.0/24', '10.0.1.4/30', '0.0.0.0/0', '192.168.0.0/16', '::/0', '2001:db8::/32', '2001:db8:1::/48'];
const EXTERNAL_IPS = ['10.0.1.5', '10.0.2.1', '10.9.0.1', '192.168.3.4', '8.8.8.8', '2001:db8::1', '2001:db8:1::9', '2001:dead::1'];
const POD_IPS = ['10.0.1.6', '10.0.0.7', '10.200.0.1', '192.168.0.9', '2001:db8:1::5'];
const QUERIES: { protocol: PolicyProtocol; port: number }[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 8080 },
  { protocol: 'TCP', port: 443 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
  { protocol: 'SCTP', port: 9 },
];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const selector: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 1 }),
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }) }),
        fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.record({ ipBlock: fc.record({ cidr: fc.constantFrom(...CIDRS), except: fc.array(fc.constantFrom(...CIDRS), { maxLength: 2 }) }, { requiredKeys: ['cidr'] }) }),
);
const port: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'), port: fc.constantFrom<number | string>(80, 53, 443, 'http', 'dns') }, { requiredKeys: [] }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constant(53), endPort: fc.constantFrom(53, 80, 8080) }, { requiredKeys: ['port', 'endPort'] }),
);
const optionalList = <T>(item: fc.Arbitrary<T>) => fc.option(fc.array(item, { maxLength: 2 }), { nil: undefined, freq: 2 });
const rule = fc.record({ peers: optionalList(peer), ports: optionalList(port) }, { requiredKeys: [] });
const policy = (i: number): fc.Arbitrary<PolicyObject> =>
  fc
    .record({
      namespace: fc.constantFrom(...NAMESPACES),
      podSelector: selector,
      policyTypes: fc.option(fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'], []), { nil: undefined }),
      ingress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ namespace, podSelector, policyTypes, ingress, egress }) => ({
      namespace,
      name: `p${i}`,
      spec: {
        podSelector,
        ...(policyTypes ? { policyTypes } : {}),
        ...(ingress ? { ingress: ingress.map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })) } : {}),
        ...(egress ? { egress: egress.map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })) } : {}),
      },
    }));
const pod = (i: number): fc.Arbitrary<PodInfo> =>
  fc
    .record({
      namespace: fc.constantFrom(...NAMESPACES),
      labels,
      ips: fc.uniqueArray(fc.constantFrom(...POD_IPS), { maxLength: 2 }),
      ports: fc.subarray([
        { name: 'http', containerPort: 8080 },
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'web', containerPort: 80 },
      ]),
    })
    .chain((p) =>
      // Some pods share a workload endpoint (replicas, possibly with different labels), so connectivity must union its pods.
      fc.constantFrom(`${p.namespace}/pod${i}[Pod]`, `${p.namespace}/w0[Deployment]`, `${p.namespace}/w1[Deployment]`).map((endpoint) => ({ ...p, name: `pod${i}`, endpoint })),
    );
const baseModel: fc.Arbitrary<ClusterModel> = fc.record({
  namespaces: fc.array(fc.record({ name: fc.constantFrom(...NAMESPACES), labels }), { maxLength: 3 }).map((ns) => ns.filter((n, i) => ns.findIndex((x) => x.name === n.name) === i)),
  pods: fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => pod(i)))),
  policies: fc.integer({ min: 0, max: 5 }).chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => policy(i))))),
});

// Cluster-scoped policies: ClusterNetworkPolicy (both tiers), AdminNetworkPolicy and BaselineAdminNetworkPolicy,
// at few priorities so that equal priorities (floe's documented tie-break) come up.
const tierPeer = (egress: boolean) =>
  fc.oneof(
    fc.record({ namespaces: selector }),
    fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }, { requiredKeys: ['podSelector'] }) }),
    ...(egress ? [fc.record({ networks: fc.uniqueArray(fc.constantFrom(...CIDRS), { minLength: 1, maxLength: 2 }) })] : []),
  );
const cnpProtocol = fc.oneof(
  fc.record({ tcp: fc.record({ destinationPort: fc.oneof(fc.record({ number: fc.constantFrom(80, 53, 443) }), fc.record({ range: fc.constantFrom({ start: 53, end: 80 }, { start: 443, end: 8080 }) })) }, { requiredKeys: [] }) }),
  fc.record({ udp: fc.record({ destinationPort: fc.record({ number: fc.constantFrom(53, 80) }) }, { requiredKeys: [] }) }),
  fc.record({ sctp: fc.constant({}) }),
  fc.record({ destinationNamedPort: fc.constantFrom('http', 'dns', 'web') }),
);
const anpPort = fc.oneof(
  fc.record({ portNumber: fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'), port: fc.constantFrom(80, 53, 9) }) }),
  fc.record({ portRange: fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), start: fc.constant(53), end: fc.constantFrom(80, 8080) }) }),
  fc.record({ namedPort: fc.constantFrom('http', 'dns') }),
);
const tierRule = (kind: ClusterPolicyObject['kind'], baselineCnp: boolean, egress: boolean) =>
  fc
    .record({
      action: fc.constantFrom(...(kind === 'ClusterNetworkPolicy' ? (baselineCnp ? ['Accept', 'Deny'] : ['Accept', 'Deny', 'Pass']) : kind === 'AdminNetworkPolicy' ? ['Allow', 'Deny', 'Pass'] : ['Allow', 'Deny'])),
      peers: fc.array(tierPeer(egress), { minLength: 1, maxLength: 2 }),
      ports: fc.option(fc.array(kind === 'ClusterNetworkPolicy' ? cnpProtocol : anpPort, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    })
    .map(({ action, peers, ports }) => ({ action, [egress ? 'to' : 'from']: peers, ...(ports ? { [kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports']: ports } : {}) }));
const tierPolicy = (i: number): fc.Arbitrary<ClusterPolicyObject> =>
  fc.constantFrom('ClusterNetworkPolicy:Admin', 'ClusterNetworkPolicy:Baseline', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy').chain((which) => {
    const [kind, tier] = which.split(':') as [ClusterPolicyObject['kind'], string | undefined];
    return fc
      .record({
        subject: fc.oneof(fc.record({ namespaces: selector }), fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) })),
        priority: fc.constantFrom(1, 2, 3),
        ingress: fc.array(tierRule(kind, tier === 'Baseline', false), { maxLength: 2 }),
        egress: fc.array(tierRule(kind, tier === 'Baseline', true), { maxLength: 2 }),
      })
      .map(({ subject, priority, ingress, egress }) => ({
        kind,
        name: kind === 'BaselineAdminNetworkPolicy' ? 'default' : `c${i}`,
        spec: { ...(tier ? { tier } : {}), ...(kind === 'BaselineAdminNetworkPolicy' ? {} : { priority }), subject, ingress, egress },
      }) as ClusterPolicyObject);
  });
const tierPolicies = fc
  .integer({ min: 0, max: 3 })
  .chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => tierPolicy(i)))))
  // The API admits one BaselineAdminNetworkPolicy.
  .map((list) => list.filter((p, i) => p.kind !== 'BaselineAdminNetworkPolicy' || list.findIndex((x) => x.kind === 'BaselineAdminNetworkPolicy') === i));

/** Often every pod is egress-isolated with narrow rules: connectivity then takes its sparse path. Half the models carry cluster-scoped policies. */
const clusterModel: fc.Arbitrary<ClusterModel> = fc.tuple(fc.tuple(baseModel, fc.boolean(), tierPolicies).map(([m, tiers, list]) => (tiers && list.length > 0 ? { ...m, clusterPolicies: list } : m)), fc.boolean(), fc.tuple(...NAMESPACES.map(() => fc.record({ pods: selector, ports: optionalList(port) }, { requiredKeys: ['pods'] })))).map(([m, isolate, rules]) =>
  isolate
    ? {
        ...m,
        policies: [
          ...m.policies,
          ...NAMESPACES.map((namespace, i) => ({
            namespace,
            name: `egress-${i}`,
            spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: rules[i]!.pods }], ...(rules[i]!.ports ? { ports: rules[i]!.ports } : {}) }] },
          })),
        ],
      }
    : m,
);

/** Whether a connectivity endpoint name (`cidr[External]` or `first-last[External]`) covers `ip`. */
function externalCovers(name: string, ip: string): boolean {
  const text = name.slice(0, -'[External]'.length);
  const list = new BlockList();
  const type = isIPv6(ip) ? 'ipv6' : 'ipv4';
  if (text.includes('/')) {
    const [a = '', p = ''] = text.split('/');
    if (isIPv6(a) !== (type === 'ipv6')) return false;
    list.addSubnet(a, Number(p), type);
  } else {
    const [a = '', b = ''] = text.split(/-(?=[^-]*$)/);
    if (isIPv6(a) !== (type === 'ipv6')) return false;
    list.addRange(a, b, type);
  }
  return list.check(ip, type);
}

const counts = { evaluate: 0, connectivity: 0, allowed: 0, denied: 0, tierModels: 0, tierChanged: 0 };
afterAll(() => {
  const total = counts.evaluate + counts.connectivity;
  console.log(
    `property test: ${total} verdicts compared with the reference evaluator: ${counts.evaluate} from evaluate (one port and any port; ${counts.allowed} allowed, ${counts.denied} denied pair-ports) and ${counts.connectivity} connectivity cells; ${counts.tierModels} models with cluster-scoped policies, where they changed ${counts.tierChanged} pair-port verdicts`,
  );
});

describe('the engine agrees with a brute-force reference evaluator', () => {
  it('gives the reference verdict for every pair, port and ipBlock mode of random policy sets, in evaluate and in connectivity', () => {
    fc.assert(
      fc.property(clusterModel, fc.constantFrom('match' as const, 'ignore' as const), (m, mode) => {
        const engine = new PolicyEngine(m, { ipBlockPodIps: mode });
        const conn = engine.connectivity();
        if (m.clusterPolicies) counts.tierModels++;
        const n = conn.endpoints.length;
        const ends: { ref: RefEndpoint; e: Endpoint }[] = [
          ...m.pods.map((p) => ({ ref: { pod: p }, e: { kind: 'pod' as const, pod: p } })),
          ...EXTERNAL_IPS.map((ip) => ({ ref: { ip }, e: externalEndpoint(ip) as Endpoint })),
        ];
        const fail = (what: string, details: object) => expect.fail(`${what}: ${JSON.stringify({ model: m, mode, ...details }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
        // evaluate (one port and any port) for every pair of pods and addresses.
        for (const a of ends) {
          for (const b of ends) {
            if (!('pod' in a.ref) && !('pod' in b.ref)) continue;
            const free = engine.evaluate(a.e, b.e);
            for (const q of QUERIES) {
              const expected = referenceAllows(m, a.ref, b.ref, q.protocol, q.port, mode === 'match');
              const got = [engine.evaluate(a.e, b.e, q).allowed, engine.ports.has(free.connections, q.protocol, q.port)];
              if (got.some((g) => g !== expected)) fail('evaluate', { from: a.e, to: b.e, q, expected, got });
              counts.evaluate += 2;
              counts[expected ? 'allowed' : 'denied']++;
              if (m.clusterPolicies && expected !== referenceAllows({ ...m, clusterPolicies: [] }, a.ref, b.ref, q.protocol, q.port, mode === 'match')) counts.tierChanged++;
            }
          }
        }
        // connectivity: an endpoint reaches another when some pod of it reaches some pod of the other.
        const members = (name: string): RefEndpoint[] =>
          name.endsWith('[External]') ? EXTERNAL_IPS.filter((ip) => externalCovers(name, ip)).map((ip) => ({ ip })) : m.pods.filter((p) => p.endpoint === name).map((p) => ({ pod: p }));
        const groups = conn.endpoints.map(members);
        expect(new Set(conn.endpoints.filter((e) => !e.endsWith('[External]')))).toEqual(new Set(m.pods.map((p) => p.endpoint)));
        for (const ip of EXTERNAL_IPS) expect(conn.endpoints.filter((e) => e.endsWith('[External]') && externalCovers(e, ip)), ip).toHaveLength(1);
        // Minimal: two neighbouring ranges of one family never have the same connections (else they would be one range).
        for (let x = conn.workloadCount; x + 1 < n; x++) {
          if (conn.endpoints[x]!.includes(':') !== conn.endpoints[x + 1]!.includes(':')) continue;
          let differ = false;
          for (let k = 0; k < conn.workloadCount && !differ; k++) differ = conn.allowed(x, k) !== conn.allowed(x + 1, k) || conn.allowed(k, x) !== conn.allowed(k, x + 1);
          if (!differ) fail('ranges not merged', { ranges: [conn.endpoints[x], conn.endpoints[x + 1]] });
          counts.connectivity++;
        }
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const A = groups[i] as RefEndpoint[];
            const B = groups[j] as RefEndpoint[];
            const cell = conn.allowed(i, j);
            const external = A.every((x) => 'ip' in x) && B.every((x) => 'ip' in x);
            for (const q of QUERIES) {
              const expected = !external && A.some((x) => B.some((y) => ('pod' in x || 'pod' in y) && referenceAllows(m, x, y, q.protocol, q.port, mode === 'match')));
              // External ranges that no sample address falls in are not checked.
              if (A.length === 0 || B.length === 0) continue;
              const got = conn.ports.has(cell, q.protocol, q.port);
              if (got !== expected) fail('connectivity', { from: conn.endpoints[i], to: conn.endpoints[j], q, expected, got });
              counts.connectivity++;
            }
          }
        }
      }),
      { numRuns: 800, seed: Number(process.env.FLOE_PROPERTY_SEED ?? 20261128) },
    );
  });
});

/** The chunks of a renderer as one string (they may be strings or bytes). */
const joined = (chunks: Iterable<string | Uint8Array>): string => [...chunks].map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'))).join('');
const namespaceOf = (e: string) => (e.endsWith('[External]') ? 'External' : e.slice(0, e.indexOf('/')));

describe('connectivity outputs agree with the allowed pairs, at every size and scope', () => {
  it('rows match allowed(); JSON and text stream exactly the rows; compact groups expand to exactly them; a namespace scope computes exactly the rows that touch it', () => {
    fc.assert(
      fc.property(clusterModel, fc.subarray(NAMESPACES), (m, scope) => {
        const c = new PolicyEngine(m).connectivity();
        const rows = [...connectivityRows(c)];
        const cell = new Map(rows.map((r) => [`${r.from}>${r.to}`, r.connections]));
        for (let i = 0; i < c.endpoints.length; i++) {
          for (let j = 0; j < c.endpoints.length; j++) {
            const id = c.allowed(i, j);
            expect(cell.get(`${c.endpoints[i]}>${c.endpoints[j]}`) ?? null).toEqual(id === PortSets.NONE ? null : c.ports.connections(id));
          }
        }
        // The outputs merge external ranges per endpoint and direction (mergeExternalRows, the semantic diff's merge, is the oracle);
        // a merged range stands where its first part stood, so the order is the rows' order, compared here as a set.
        const shown = (JSON.parse(joined(connectivityJsonChunks(c))) as { connectivity: ConnectivityRow[] }).connectivity;
        const byPair = (x: ConnectivityRow, y: ConnectivityRow) => compareStrings(x.from, y.from) || compareStrings(x.to, y.to);
        expect([...shown].sort(byPair)).toEqual(mergeExternalRows(rows).sort(byPair));
        expect(joined(connectivityTextChunks(c))).toBe(shown.length === 0 ? 'no connection is allowed\n' : shown.map((r) => `${r.from} -> ${r.to}: ${connectionsText(r.connections)}\n`).join(''));
        expect(joined(connectivityYamlChunks(c))).toBe(emitYaml({ connectivity: shown }));

        const keep = (e: string) => !e.endsWith('[External]') && (scope.length === 0 || scope.includes(namespaceOf(e)));
        const scoped = new PolicyEngine(m).connectivity({ namespaces: scope });
        const inScope = rows.filter((r) => keep(r.from) || keep(r.to));
        expect([...connectivityRows(scoped)]).toEqual(inScope);
        const edges = [...new Set(inScope.map((r) => `${namespaceOf(r.from)}>${namespaceOf(r.to)}`))].sort();
        expect(namespaceGraph(scoped).edges.map(([a, b]) => `${a}>${b}`).sort()).toEqual(edges);
        // Each edge's label: the union of the ports of the pairs behind it.
        const unions = new Map<string, number>();
        for (let i = 0; i < scoped.endpoints.length; i++) {
          for (let j = 0; j < scoped.endpoints.length; j++) {
            const id = scoped.allowed(i, j);
            if (id === PortSets.NONE) continue;
            const k = `${namespaceOf(scoped.endpoints[i] as string)}>${namespaceOf(scoped.endpoints[j] as string)}`;
            unions.set(k, scoped.ports.union(unions.get(k) ?? PortSets.NONE, id));
          }
        }
        const g = namespaceGraph(scoped);
        expect(g.edges.map(([a, b], i) => [`${a}>${b}`, g.labels[i]])).toEqual(g.edges.map(([a, b]) => [`${a}>${b}`, connectionsText(scoped.ports.connections(unions.get(`${a}>${b}`) as number))]));

        for (const [conn, expected] of [[c, rows], [scoped, inScope]] as const) {
          const compact = compactConnectivity(conn);
          const expanded: ConnectivityRow[] = [];
          for (const r of compact.rows) {
            for (const g of r.from) for (const h of r.to) for (const a of compact.groups[g]!.endpoints) for (const b of compact.groups[h]!.endpoints) expanded.push({ from: a, to: b, connections: conn.ports.connections(r.portSet) });
          }
          const key = (r: ConnectivityRow) => `${r.from}>${r.to}`;
          expect(expanded.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))).toEqual([...expected].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)));
          expect(compact.pairs).toBe(expected.length);
          const json = JSON.parse(joined(compactJsonChunks(conn, compact))) as { groups: { id: string; endpoints: string[] }[]; connectivity: { from: string[]; to: string[] }[]; pairs: number };
          expect(json.groups.map((g) => g.endpoints)).toEqual(compact.groups.map((g) => g.endpoints));
          expect(json.connectivity).toHaveLength(compact.rows.length);
          expect(joined(compactTextChunks(conn, compact))).toMatch(/^\d+ groups of endpoints/);
        }
      }),
      { numRuns: 400, seed: Number(process.env.FLOE_PROPERTY_SEED ?? 20261128) },
    );
  });
});

