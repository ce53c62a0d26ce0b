// Cluster-scoped policies read from the real kube-apiserver with the network-policy-api CRDs
// installed (tests/harness/network-policy-api-crds.ts): ClusterNetworkPolicy v1beta1 and AdminNetworkPolicy
// v1alpha1 as the server stores them, evaluated in tiers by `floe network explain`; and a
// cluster without the CRDs (the oldest control plane) read quietly, stating that none were found.
// The objects are cluster-scoped: their subjects select only this file's namespaces (a label
// unique to the run), so other test files' verdicts cannot change. The API server stores them
// but nothing enforces them (kube-router does not implement these APIs).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { connectOldest } from '../harness/oldest.ts';

let conn: Connection;
let ns: Namespaces;
const run = randomBytes(3).toString('hex');
const RUN_LABEL = 'floe-it-cluster-policies';
let marketing: string;
let sales: string;
const created: string[] = [];

async function create(path: string, body: object): Promise<Record<string, unknown>> {
  const r = await conn.api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 400)}`);
  return r.body as Record<string, unknown>;
}

async function createClusterPolicy(version: string, resource: string, body: { metadata: { name: string } }): Promise<void> {
  const path = `/apis/policy.networking.k8s.io/${version}/${resource}`;
  await create(path, body);
  created.push(`${path}/${body.metadata.name}`);
}

async function remove(path: string): Promise<void> {
  const r = await conn.api.request('DELETE', path);
  if (r.status !== 200 && r.status !== 404) throw new Error(`DELETE ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  created.splice(created.indexOf(path), 1);
}

const explain = (...extra: string[]) =>
  floe(['network', 'explain', '--kubeconfig', conn.info.kubeconfig, '--from', `${marketing}/x`, '--to', `${sales}/y`, '--port', '8080', ...extra]);

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  marketing = await ns.create('floe-it-marketing', { [RUN_LABEL]: run, 'floe.dev/domain': 'marketing' });
  sales = await ns.create('floe-it-sales', { [RUN_LABEL]: run, 'floe.dev/domain': 'sales' });
  const pod = (name: string, ports: object[] = []) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ports }] } });
  await create(`/api/v1/namespaces/${marketing}/pods`, pod('x'));
  await create(`/api/v1/namespaces/${sales}/pods`, pod('y', [{ name: 'http', containerPort: 8080 }]));
  // Another team's policy: it opens every pod of the namespace to everything.
  await create(`/apis/networking.k8s.io/v1/namespaces/${sales}/networkpolicies`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'foreign-allow-all' },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
  });
});

afterAll(async () => {
  for (const path of [...created]) await remove(path);
  await ns.cleanup();
});

describe('cluster-scoped policies read from the live cluster', () => {
  it('without one, explain allows the connection, naming the foreign NetworkPolicy, and the JSON says none were found', async () => {
    const r = await explain();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`ALLOWED  ${marketing}/x[Pod] -> ${sales}/y[Pod] on TCP/8080`);
    expect(r.stdout).toContain(`admitted by: ${sales}/foreign-allow-all ingress[0]`);
    const json = JSON.parse((await explain('-o', 'json')).stdout) as { clusterPolicies: { found: number; policies: object[]; served: string[]; unavailable: string[]; forbidden: string[] } };
    expect(json.clusterPolicies.policies.filter((p) => JSON.stringify(p).includes(run))).toEqual([]);
    expect(json.clusterPolicies.served).toEqual([
      'ClusterNetworkPolicy policy.networking.k8s.io/v1beta1',
      'AdminNetworkPolicy policy.networking.k8s.io/v1alpha1',
      'BaselineAdminNetworkPolicy policy.networking.k8s.io/v1alpha1',
    ]);
    expect(json.clusterPolicies.unavailable).toEqual([]);
    expect(json.clusterPolicies.forbidden).toEqual([]);
  });

  it('an Admin-tier ClusterNetworkPolicy Deny decides before the foreign allow-all (exit 1, the object named)', async () => {
    const name = `floe-it-domain-isolation-${run}`;
    await createClusterPolicy('v1beta1', 'clusternetworkpolicies', {
      apiVersion: 'policy.networking.k8s.io/v1beta1',
      kind: 'ClusterNetworkPolicy',
      metadata: { name },
      spec: {
        tier: 'Admin',
        priority: 10,
        subject: { namespaces: { matchLabels: { [RUN_LABEL]: run, 'floe.dev/domain': 'sales' } } },
        ingress: [
          { name: 'allow-own-domain', action: 'Accept', from: [{ namespaces: { matchLabels: { [RUN_LABEL]: run, 'floe.dev/domain': 'sales' } } }] },
          { name: 'deny-other-domains', action: 'Deny', from: [{ namespaces: { matchLabels: { [RUN_LABEL]: run } } }] },
        ],
      },
    } as { metadata: { name: string } });
    try {
      const r = await explain();
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain(`DENIED  ${marketing}/x[Pod] -> ${sales}/y[Pod] on TCP/8080`);
      expect(r.stdout).toContain(`denied by ClusterNetworkPolicy \`${name}\` (Admin, priority 10, ingress rule 2 "deny-other-domains") before any NetworkPolicy was consulted`);
      const json = JSON.parse((await explain('-o', 'json')).stdout) as { allowed: boolean; ingress: { tiers: { stage: string; decidedBy: { kind: string; name: string; tier: string; priority: number; index: number; action: string } } } };
      expect(json.allowed).toBe(false);
      expect(json.ingress.tiers.stage).toBe('admin');
      expect(json.ingress.tiers.decidedBy).toEqual({ kind: 'ClusterNetworkPolicy', name, tier: 'Admin', priority: 10, direction: 'ingress', index: 1, ruleName: 'deny-other-domains', action: 'Deny' });
    } finally {
      await remove(`/apis/policy.networking.k8s.io/v1beta1/clusternetworkpolicies/${name}`);
    }
  });

  it('a v1alpha1 AdminNetworkPolicy read from the cluster decides egress at the source', async () => {
    const name = `floe-it-anp-${run}`;
    await createClusterPolicy('v1alpha1', 'adminnetworkpolicies', {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name },
      spec: {
        priority: 7,
        subject: { namespaces: { matchLabels: { [RUN_LABEL]: run, 'floe.dev/domain': 'marketing' } } },
        egress: [{ name: 'deny-sales-http', action: 'Deny', to: [{ namespaces: { namespaceSelector: { matchLabels: { [RUN_LABEL]: run, 'floe.dev/domain': 'sales' } } } }], ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] }],
      },
    } as { metadata: { name: string } });
    try {
      const r = await explain();
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain(`egress at ${marketing}/x[Pod]: DENIED: denied by AdminNetworkPolicy \`${name}\` (Admin, priority 7, egress rule 1 "deny-sales-http")`);
      const other = await floe(['network', 'explain', '--kubeconfig', conn.info.kubeconfig, '--from', `${marketing}/x`, '--to', `${sales}/y`, '--port', '9090']);
      expect(other.code, other.stdout).toBe(0);
    } finally {
      await remove(`/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies/${name}`);
    }
  });
});

describe('a cluster without the network-policy-api CRDs', () => {
  it('is read quietly, and the JSON names the APIs it does not serve', async () => {
    const oldest = await connectOldest();
    try {
      const r = await floe(['network', 'audit', '--kubeconfig', oldest.conn.info.kubeconfig, '-n', 'default', '-o', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('ClusterNetworkPolicy');
      const json = JSON.parse(r.stdout) as { clusterPolicies: unknown };
      expect(json.clusterPolicies).toEqual({ found: 0, policies: [], served: [], unavailable: ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'], forbidden: [] });
    } finally {
      await oldest.close();
    }
  }, 120_000);
});
