// The policy engine's live read against the real kube-apiserver: policyTypes
// defaulting exactly as the server stores it, and `floe network explain`
// reading namespaces, pods, workloads and NetworkPolicies from the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkPolicySpec } from '@floe/core';
import { effectivePolicyTypes } from '@floe/core/policy';
import { floe } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { createUser } from '../harness/users.ts';
import { serverSideApply } from '../harness/apply.ts';
import { generate, writeUniqueManifest } from '../harness/floe.ts';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let conn: Connection;
let ns: Namespaces;

async function create(path: string, body: object): Promise<Record<string, unknown>> {
  const r = await conn.api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body as Record<string, unknown>;
}

const policyPath = (namespace: string) => `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
});

afterAll(async () => {
  await ns.cleanup();
});

describe('policyTypes defaulting', () => {
  it.each<[string, NetworkPolicySpec]>([
    ['no rules', { podSelector: {} }],
    ['an empty egress list', { podSelector: {}, egress: [] }],
    ['one egress rule {}', { podSelector: {}, egress: [{}] }],
    ['ingress and egress rules', { podSelector: {}, ingress: [{}], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }],
    ['explicit Egress with ingress rules', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }],
  ])('matches what the API server stores for %s', async (_label, spec) => {
    const namespace = await ns.create('floe-it-ptypes');
    const stored = await create(policyPath(namespace), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec });
    const serverTypes = ((stored.spec as { policyTypes: string[] }).policyTypes ?? []).map((t) => t.toLowerCase());
    expect(effectivePolicyTypes(spec, 'test').types).toEqual(serverTypes);
  });
});

describe('floe network explain against the live cluster', () => {
  let platform: string;
  let jobs: string;
  let kubeconfig: string;

  beforeAll(async () => {
    kubeconfig = conn.info.kubeconfig;
    platform = await ns.create('floe-it-platform', { role: 'platform' });
    jobs = await ns.create('floe-it-jobs');
    const container = { name: 'c', image: 'registry.k8s.io/pause:3.10', ports: [{ name: 'http', containerPort: 8181 }] };
    await create(`/apis/apps/v1/namespaces/${platform}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'polaris' },
      spec: { selector: { matchLabels: { app: 'polaris' } }, template: { metadata: { labels: { app: 'polaris' } }, spec: { containers: [container] } } },
    });
    await create(`/api/v1/namespaces/${jobs}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-a', labels: { app: 'job' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
    await create(policyPath(platform), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    await create(policyPath(platform), {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-jobs' },
      spec: { podSelector: { matchLabels: { app: 'polaris' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': jobs } } }], ports: [{ port: 'http' }] }] },
    });
  });

  it('allows the jobs pod to reach the Deployment on its named port, read from the cluster (exit 0)', async () => {
    const r = await floe(['network', 'explain', '--kubeconfig', kubeconfig, '--from', `${jobs}/job-a`, '--to', `${platform}/polaris[Deployment]`, '--port', '8181']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`ALLOWED  ${jobs}/job-a[Pod] -> ${platform}/polaris[Deployment] on TCP/8181`);
    expect(r.stdout).toContain(`admitted by: ${platform}/allow-jobs ingress[0]: from all pods in namespaces with kubernetes.io/metadata.name=${jobs} on TCP/http`);
  });

  it('denies another port and names the rule that only lacks it (exit 1)', async () => {
    const r = await floe(['network', 'explain', '--kubeconfig', kubeconfig, '--from', `${jobs}/job-a`, '--to', `${platform}/polaris`, '--port', '9000']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`closest rule: ${platform}/allow-jobs ingress[0]`);
    expect(r.stdout).toContain('TCP/9000 is not among TCP/8181');
  });
  it('needs read rights only in the two namespaces when both ends are named (plus the cluster-wide lists); an IP needs every pod (403 is exit 3)', async () => {
    // Cluster-wide: namespaces (their labels) and, where Cilium's CRDs are installed (the harness installs them),
    // CiliumClusterwideNetworkPolicies, which may select pods of any namespace.
    const user = await createUser(conn, jobs, [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
      { apiGroups: ['cilium.io'], resources: ['ciliumclusterwidenetworkpolicies'], verbs: ['list'] },
    ]);
    const reader = `${user.name}-reader`;
    const must = async (path: string, body: object) => {
      const r = await conn.api.request('POST', path, { body });
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
    };
    try {
      await must('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: reader },
        rules: [
          { apiGroups: [''], resources: ['pods', 'replicationcontrollers'], verbs: ['list'] },
          { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list'] },
          { apiGroups: ['cilium.io'], resources: ['ciliumnetworkpolicies'], verbs: ['list'] },
          { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['list'] },
          { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['list'] },
        ],
      });
      for (const namespace of [jobs, platform]) {
        await must(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: reader },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader },
          subjects: [{ kind: 'ServiceAccount', name: user.name, namespace: jobs }],
        });
      }
      const named = await floe(['network', 'explain', '--kubeconfig', user.kubeconfig, '--from', `${jobs}/job-a`, '--to', `${platform}/polaris`, '--port', '8181']);
      expect(named.code, named.stderr).toBe(0);
      // Cluster-scoped policies need cluster-wide list rights: without them the verdict is given, with a warning.
      expect(named.stderr).toContain('floe: warning: not allowed to list ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy (policy.networking.k8s.io, cluster-scoped): they were not evaluated');
      const byIp = await floe(['network', 'explain', '--kubeconfig', user.kubeconfig, '--from', '192.0.2.1', '--to', `${platform}/polaris`, '--port', '8181']);
      expect(byIp.code).toBe(3);
      expect(byIp.stderr).toMatch(/forbidden|not allowed|403/i);
      expect(byIp.stderr).not.toContain(user.token);
    } finally {
      await conn.api.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${reader}`);
      await user.remove();
    }
  });
});

describe('floe network diff --semantic against the live cluster', () => {
  it('reports the access an extra policy widens (exit 1) and nothing when the cluster is the intent (exit 0)', async () => {
    const work = await mkdtemp(join(conn.info.workDir, 'semantic-'));
    const platform = ns.reserve('floe-it-sem-platform');
    const jobs = ns.reserve('floe-it-sem-jobs');
    const manifest = await writeUniqueManifest(work, { platform, jobs, domains: [] });
    const gen = await generate(conn.kubectl, work, manifest);
    const nsFiles = gen.files.filter((f) => f.object.kind === 'Namespace').map((f) => f.file);
    expect((await serverSideApply(conn.kubectl, nsFiles)).code).toBe(0);
    expect((await serverSideApply(conn.kubectl, gen.files.filter((f) => f.object.kind !== 'Namespace').map((f) => f.file))).code).toBe(0);
    for (const name of ['job-a', 'job-b']) {
      // The jobs namespace enforces Pod Security restricted.
      await create(`/api/v1/namespaces/${jobs}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { app: name } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        },
      });
    }
    const clean = await floe(['network', 'diff', '--semantic', '--dir', gen.dir, '--kubeconfig', conn.info.kubeconfig, '-o', 'json']);
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect((JSON.parse(clean.stdout) as { semantic: unknown }).semantic).toEqual({ widened: [], narrowed: [], basis: 'pods' });

    await create(policyPath(jobs), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'team-open' }, spec: { podSelector: { matchLabels: { app: 'job-b' } }, ingress: [{}] } });
    const widened = await floe(['network', 'diff', '--semantic', '--dir', gen.dir, '--kubeconfig', conn.info.kubeconfig]);
    expect(widened.code).toBe(1);
    expect(widened.stdout).toMatch(/semantic: applying the intent closes \d+ connections/);
    // From outside the cluster job-b is now open; job-a still cannot reach it: its egress stays isolated (egress AND ingress).
    expect(widened.stdout).toContain(`  - applying closes 0.0.0.0/0[External] -> ${jobs}/job-b[Pod]: all ports`);
    expect(widened.stdout).not.toContain(`${jobs}/job-a[Pod] -> ${jobs}/job-b[Pod]`);
  });

  it('with no pods, says so and shows that applying a manifest without port 8443 closes it, by namespace and selector', async () => {
    const work = await mkdtemp(join(conn.info.workDir, 'semantic-sel-'));
    const platform = ns.reserve('floe-it-ssel-platform');
    const jobs = ns.reserve('floe-it-ssel-jobs');
    const sales = ns.reserve('floe-it-ssel-sales');
    const manifest = await writeUniqueManifest(work, { platform, jobs, domains: [{ name: 'sales', namespace: sales }] });
    const endpoint = (ports: string) => `security:\n  network_policies:\n    ingress_controller:\n      domain_endpoints:\n        - name: sales-api\n          pod_labels: {app: sales-api}\n          ports: ${ports}\n`;
    await appendFile(manifest, endpoint('[80, 8443]'));
    const gen = await generate(conn.kubectl, work, manifest);
    expect((await serverSideApply(conn.kubectl, gen.files.filter((f) => f.object.kind === 'Namespace').map((f) => f.file))).code).toBe(0);
    expect((await serverSideApply(conn.kubectl, gen.files.filter((f) => f.object.kind !== 'Namespace').map((f) => f.file))).code).toBe(0);
    const narrower = join(work, 'narrower.yaml');
    await writeFile(narrower, (await readFile(manifest, 'utf8')).replace('[80, 8443]', '[80]'));
    const r = await floe(['network', 'diff', '--semantic', '-m', narrower, '--kubeconfig', conn.info.kubeconfig]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('-          port: 8443');
    expect(r.stdout).toContain("note: no pods in the managed namespaces to compare: comparing the policies' own rules, by namespace and selector");
    expect(r.stdout).toContain(`  - applying closes ingress-nginx/{app.kubernetes.io/name=ingress-nginx}[Selector] -> ${sales}/{app=sales-api}[Selector]: TCP/8443`);
    expect(r.stdout).not.toMatch(/^ {2}\+ /m);
  });
});
