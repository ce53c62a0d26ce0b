import { describe, expect, it } from 'vitest';
import type { SourcedObject } from '../../src/k8s/objects.js';
import { PolicyEngine, connectivityRows } from '../../src/policy/engine.js';
import { buildInventory } from '../../src/policy/inventory.js';
import { resolveEndpoint } from '../../src/policy/resolve.js';
import { pssSubjects } from '../../src/pss/violations.js';
import { WorkloadIdentity, controllerOf, workloadName } from '../../src/workloads/identity.js';

type Obj = Record<string, unknown>;
const src = (object: Obj, i = 0): SourcedObject => ({ object, source: `dump.yaml:${i + 1}` });
const ref = (kind: string, name: string, controller = true) => ({ apiVersion: 'v1', kind, name, uid: `uid-${kind}-${name}`, ...(controller ? { controller: true } : {}) });
const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
const workload = (kind: string, ns: string, name: string, owner?: ReturnType<typeof ref>): Obj => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: ns, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: kind === 'CronJob' ? { jobTemplate: { spec: { template } } } : { template },
});
const pod = (ns: string, name: string, owner?: ReturnType<typeof ref>, labels: Record<string, string> = { app: 'x' }, annotations?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}), ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});
const mirror = (component: string, node: string): Obj =>
  pod('kube-system', `${component}-${node}`, ref('Node', node), { component, tier: 'control-plane' }, { 'kubernetes.io/config.mirror': 'abc', 'kubernetes.io/config.source': 'file' });

/** The endpoints the inventory reports for these objects; Pod Security's subjects must use the same names. */
function endpointsOf(objects: Obj[]): string[] {
  const input = objects.map(src);
  const endpoints = [...new Set(buildInventory(input).model.pods.map((p) => p.endpoint))].sort();
  const subjects = new Set(pssSubjects(input).map((s) => s.object));
  for (const s of subjects) expect(endpoints, `Pod Security subject ${s}`).toContain(s);
  return endpoints;
}

describe('workload identity: every owner kind, named once for the engine and for Pod Security', () => {
  const cases: [string, Obj[], string[]][] = [
    ['a ReplicaSet owned by a Deployment: the Deployment', [workload('Deployment', 'shop', 'web'), workload('ReplicaSet', 'shop', 'web-5d8f9', ref('Deployment', 'web')), pod('shop', 'web-5d8f9-a', ref('ReplicaSet', 'web-5d8f9'))], ['shop/web[Deployment]']],
    ['a ReplicaSet owned by a Deployment absent from the input: the Deployment, by reference', [workload('ReplicaSet', 'shop', 'web-5d8f9', ref('Deployment', 'web')), pod('shop', 'web-5d8f9-a', ref('ReplicaSet', 'web-5d8f9'))], ['shop/web[Deployment]']],
    ['a dump of pods only, with the Deployment controller\'s pod-template-hash: the Deployment', [pod('shop', 'web-5d8f9-a', ref('ReplicaSet', 'web-5d8f9'), { app: 'web', 'pod-template-hash': '5d8f9' })], ['shop/web[Deployment]']],
    ['a bare ReplicaSet (no owner): stays a ReplicaSet', [workload('ReplicaSet', 'shop', 'legacy'), pod('shop', 'legacy-a', ref('ReplicaSet', 'legacy'), { app: 'legacy', 'pod-template-hash': 'zz' })], ['shop/legacy[ReplicaSet]']],
    ['a ReplicaSet known only by reference, no pod-template-hash: the ReplicaSet', [pod('shop', 'web-5d8f9-a', ref('ReplicaSet', 'web-5d8f9'))], ['shop/web-5d8f9[ReplicaSet]']],
    ['a Job owned by a CronJob: the CronJob', [workload('CronJob', 'batch', 'nightly'), workload('Job', 'batch', 'nightly-29000000', ref('CronJob', 'nightly')), pod('batch', 'nightly-29000000-x', ref('Job', 'nightly-29000000'))], ['batch/nightly[CronJob]']],
    ['a Job of a CronJob absent from the input: the CronJob, by reference', [workload('Job', 'batch', 'nightly-29000000', ref('CronJob', 'nightly')), pod('batch', 'nightly-29000000-x', ref('Job', 'nightly-29000000'))], ['batch/nightly[CronJob]']],
    ['a Job alone: the Job', [pod('batch', 'once-x', ref('Job', 'once'))], ['batch/once[Job]']],
    ['a StatefulSet', [workload('StatefulSet', 'data', 'pg'), pod('data', 'pg-0', ref('StatefulSet', 'pg')), pod('data', 'pg-1', ref('StatefulSet', 'pg'))], ['data/pg[StatefulSet]']],
    ['a DaemonSet', [workload('DaemonSet', 'kube-system', 'kube-proxy'), pod('kube-system', 'kube-proxy-abcde', ref('DaemonSet', 'kube-proxy'))], ['kube-system/kube-proxy[DaemonSet]']],
    ['a ReplicationController', [pod('old', 'rc-x', ref('ReplicationController', 'rc'))], ['old/rc[ReplicationController]']],
    ['a pod with no owner: the pod', [pod('shop', 'solo')], ['shop/solo[Pod]']],
    ['an owner that is not the controller: the pod', [pod('shop', 'owned', ref('ConfigMap', 'c', false))], ['shop/owned[Pod]']],
    [
      'mirror pods of static pods (owned by their Node): each its own Pod, never the Node',
      [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } }, ...['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => mirror(c, 'node1')), mirror('etcd', 'node2')],
      ['kube-system/etcd-node1[Pod]', 'kube-system/etcd-node2[Pod]', 'kube-system/kube-apiserver-node1[Pod]', 'kube-system/kube-controller-manager-node1[Pod]', 'kube-system/kube-scheduler-node1[Pod]'],
    ],
    ['an Argo Rollout (not read by floe) owning a ReplicaSet: keeps its kind', [workload('ReplicaSet', 'shop', 'canary-6c7d', ref('Rollout', 'canary')), pod('shop', 'canary-6c7d-a', ref('ReplicaSet', 'canary-6c7d'))], ['shop/canary[Rollout]']],
    ['a Rollout\'s ReplicaSet without pods: its template stands for the Rollout', [workload('ReplicaSet', 'shop', 'canary-6c7d', ref('Rollout', 'canary'))], ['shop/canary[Rollout]']],
    [
      'a SparkApplication: the driver it owns and the executors the driver owns',
      [pod('spark', 'pi-driver', ref('SparkApplication', 'pi')), pod('spark', 'pi-exec-1', ref('Pod', 'pi-driver')), pod('spark', 'pi-exec-2', ref('Pod', 'pi-driver'))],
      ['spark/pi[SparkApplication]'],
    ],
    ['a workload without pods: its template', [workload('Deployment', 'shop', 'idle')], ['shop/idle[Deployment]']],
  ];
  it.each(cases)('%s', (_, objects, expected) => {
    expect(endpointsOf(objects)).toEqual(expected);
  });

  it('names a workload ns/name[Kind] and reads only a controller reference with a kind and a name', () => {
    expect(workloadName({ namespace: 'a', kind: 'Deployment', name: 'web' })).toBe('a/web[Deployment]');
    expect(controllerOf({ ownerReferences: [ref('ConfigMap', 'c', false), ref('Job', 'j')] })).toEqual({ kind: 'Job', name: 'j' });
    expect(controllerOf({ ownerReferences: [{ kind: 'Job', controller: true }] })).toBeNull();
    expect(controllerOf({})).toBeNull();
  });

  it('stops at a cycle of owner references in bad input instead of looping', () => {
    const identity = new WorkloadIdentity([
      { kind: 'ReplicaSet', namespace: 'a', name: 'x', controller: { kind: 'ReplicaSet', name: 'y' } },
      { kind: 'ReplicaSet', namespace: 'a', name: 'y', controller: { kind: 'ReplicaSet', name: 'x' } },
    ]);
    expect(identity.ofPod({ kind: 'Pod', namespace: 'a', name: 'p', controller: { kind: 'ReplicaSet', name: 'x' } }).kind).toBe('ReplicaSet');
  });
});

describe('pods of one workload whose labels differ', () => {
  // A rollout in progress, a canary label, a StatefulSet's per-pod label: one workload, pods that policies tell apart.
  const objects = [
    pod('shop', 'web-a', ref('StatefulSet', 'web'), { app: 'web', canary: 'true' }),
    pod('shop', 'web-b', ref('StatefulSet', 'web'), { app: 'web' }),
    pod('shop', 'client', undefined, { app: 'client' }),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'canary-only', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }, { from: [{ podSelector: {} }], ports: [{ port: 9090 }] }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'stable', namespace: 'shop' },
      spec: { podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }, { key: 'app', operator: 'In', values: ['web'] }] }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8443 }] }] },
    },
  ].map(src);

  it('are one endpoint; each pod is judged by its own labels and the endpoint shows the union of what its pods allow', () => {
    const inv = buildInventory(objects);
    expect(inv.model.pods.filter((p) => p.endpoint === 'shop/web[StatefulSet]').map((p) => p.name)).toEqual(['web-a', 'web-b']);
    const rows = [...connectivityRows(new PolicyEngine(inv.model).connectivity())].filter((r) => r.to === 'shop/web[StatefulSet]' && r.from === 'shop/client[Pod]');
    // web-a (canary) admits 8080 and 9090 from client; web-b also 8443: the endpoint lists all three.
    expect(rows.map((r) => r.connections)).toEqual([[{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8443 }, { protocol: 'TCP', port: 9090 }]]);
  });

  it('explain evaluates one pod of the workload and says which, since its pods differ', () => {
    const r = resolveEndpoint(buildInventory(objects).model, 'shop/web[StatefulSet]');
    expect(r.representative).toBe('shop/web-a');
  });
});
