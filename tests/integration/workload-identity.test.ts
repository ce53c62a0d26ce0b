// Workload identity against the real kube-apiserver: the objects a cluster's
// controllers would make (the local control plane runs no controller-manager,
// so the test makes them itself, with the owner references the controllers
// set, UIDs included), read back by `floe network audit --connectivity` from
// the cluster and from a dump of it in files. Static pods' mirrors (owned by
// their Node, with the kubelet's annotation) must each be their own [Pod].
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';

let conn: Connection;
let ns: Namespaces;
let namespace: string;
let node: string;

type Obj = Record<string, unknown>;

async function create(path: string, body: Obj): Promise<Obj & { metadata: { uid: string; name: string } }> {
  const r = await conn.api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body as Obj & { metadata: { uid: string; name: string } };
}

const owner = (o: { apiVersion?: unknown; kind?: unknown; metadata: { name: string; uid: string } }) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true });
const container = { name: 'c', image: 'registry.k8s.io/pause:3.10' };
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [container] } });
const pod = (name: string, labels: Record<string, string>, ownerRef?: Obj, mirrorOf?: string) =>
  create(`/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(mirrorOf ? { annotations: { 'kubernetes.io/config.mirror': 'b3f8c1d2', 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': 'b3f8c1d2' } } : {}), ...(ownerRef ? { ownerReferences: [ownerRef] } : {}) },
    // The API server accepts the mirror annotation only on a pod bound to its node.
    spec: { containers: [container], ...(mirrorOf ? { nodeName: mirrorOf } : {}) },
  });
const apps = (resource: string, body: Obj) => create(`/apis/apps/v1/namespaces/${namespace}/${resource}`, { apiVersion: 'apps/v1', ...body });
const batch = (resource: string, body: Obj) => create(`/apis/batch/v1/namespaces/${namespace}/${resource}`, { apiVersion: 'batch/v1', ...body });

const STATIC = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  namespace = await ns.create('floe-it-workloads');
  node = uniqueName('floe-it-node');
  const theNode = await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });

  const web = await apps('deployments', { kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template('web') } });
  const rs = await apps('replicasets', {
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d8f9', labels: { app: 'web', 'pod-template-hash': '5d8f9' }, ownerReferences: [owner(web)] },
    spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f9' } }, template: { ...template('web'), metadata: { labels: { app: 'web', 'pod-template-hash': '5d8f9' } } } },
  });
  await pod('web-5d8f9-aaaaa', { app: 'web', 'pod-template-hash': '5d8f9' }, owner(rs));
  await pod('web-5d8f9-bbbbb', { app: 'web', 'pod-template-hash': '5d8f9' }, owner(rs));

  const bare = await apps('replicasets', { kind: 'ReplicaSet', metadata: { name: 'legacy' }, spec: { selector: { matchLabels: { app: 'legacy' } }, template: template('legacy') } });
  await pod('legacy-ccccc', { app: 'legacy' }, owner(bare));

  const cron = await batch('cronjobs', { kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { ...template('nightly'), spec: { containers: [container], restartPolicy: 'Never' } } } } } });
  const job = await batch('jobs', {
    kind: 'Job',
    metadata: { name: 'nightly-29000000', ownerReferences: [owner(cron)] },
    spec: { template: { metadata: { labels: { app: 'nightly' } }, spec: { containers: [container], restartPolicy: 'Never' } } },
  });
  const jobPodLabels = ((job.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels);
  await pod('nightly-29000000-ddddd', jobPodLabels, owner(job));

  const sts = await apps('statefulsets', { kind: 'StatefulSet', metadata: { name: 'pg' }, spec: { serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: template('pg') } });
  await pod('pg-0', { app: 'pg' }, owner(sts));
  const ds = await apps('daemonsets', { kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
  await pod('agent-eeeee', { app: 'agent' }, owner(ds));

  await pod('solo', { app: 'solo' });
  // An owner floe does not read, as Argo Rollouts makes it: the ReplicaSet is the Rollout's.
  const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'canary', uid: '6a8f5f64-0000-4000-8000-000000000001' } };
  const canaryRs = await apps('replicasets', { kind: 'ReplicaSet', metadata: { name: 'canary-6c7d', ownerReferences: [owner(rollout)] }, spec: { selector: { matchLabels: { app: 'canary' } }, template: template('canary') } });
  await pod('canary-6c7d-fffff', { app: 'canary' }, owner(canaryRs));

  // Static pods' mirrors, as the kubelet creates them: the Node is their controller.
  for (const c of STATIC) {
    await pod(`${c}-${node}`, { component: c, tier: 'control-plane' }, owner(theNode), node);
  }
});

afterAll(async () => {
  await ns.cleanup();
  if (node) await conn.api.request('DELETE', `/api/v1/nodes/${node}`);
});

const EXPECTED = () => [
  `${namespace}/agent[DaemonSet]`,
  `${namespace}/canary[Rollout]`,
  ...STATIC.map((c) => `${namespace}/${c}-${node}[Pod]`),
  `${namespace}/legacy[ReplicaSet]`,
  `${namespace}/nightly[CronJob]`,
  `${namespace}/pg[StatefulSet]`,
  `${namespace}/solo[Pod]`,
  `${namespace}/web[Deployment]`,
].sort();

/** The workload endpoints of the namespace in `audit --connectivity -o json` (no policy there: every pair is allowed). */
function endpointsIn(stdout: string): string[] {
  const rows = (JSON.parse(stdout) as { connectivity: { from: string; to: string }[] }).connectivity;
  return [...new Set(rows.flatMap((r) => [r.from, r.to]).filter((e) => e.startsWith(`${namespace}/`)))].sort();
}

describe('workload identity on a real API server', () => {
  it('names each pod after its top-most controller, keeps unknown owner kinds, and each static pod is its own [Pod] (read from the cluster)', async () => {
    const r = await floe(['network', 'audit', '--connectivity', '--kubeconfig', conn.info.kubeconfig, '-n', namespace, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(endpointsIn(r.stdout)).toEqual(EXPECTED());
    expect(r.stdout).not.toContain('[Node]');
  });

  it('names them the same from a dump of the cluster in files (kubectl get -o json)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-it-dump-'));
    const paths = ['/api/v1/namespaces', `/api/v1/namespaces/${namespace}/pods`, `/apis/apps/v1/namespaces/${namespace}/replicasets`, `/apis/apps/v1/namespaces/${namespace}/deployments`, `/apis/apps/v1/namespaces/${namespace}/statefulsets`, `/apis/apps/v1/namespaces/${namespace}/daemonsets`, `/apis/batch/v1/namespaces/${namespace}/jobs`, `/apis/batch/v1/namespaces/${namespace}/cronjobs`, '/api/v1/nodes'];
    for (const [i, path] of paths.entries()) {
      const list = await conn.api.request('GET', path);
      expect(list.status).toBe(200);
      await writeFile(join(dir, `${i}.json`), list.text);
    }
    const r = await floe(['network', 'audit', '--connectivity', '--from-dir', dir, '-n', namespace, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(endpointsIn(r.stdout)).toEqual(EXPECTED());
  });
});
